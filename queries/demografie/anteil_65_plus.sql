/*
id: anteil_65_plus
title_de: Anteil der ab 65-Jährigen
title_en: Share of residents aged 65 and over
description: Anteil der Einwohnerinnen und Einwohner ab 65 Jahren an allen Einwohnerinnen und Einwohnern.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Einwohnerinnen und Einwohner ab 65 Jahren
denominator: Einwohnerinnen und Einwohner insgesamt
source: Einwohnermeldestatistik der Stadt
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE age_group IN ('65_79', '80_PLUS')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE age_group IN ('65_79', '80_PLUS')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
