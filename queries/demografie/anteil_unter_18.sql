/*
id: anteil_unter_18
title_de: Anteil der unter 18-Jährigen
title_en: Share of residents under 18
description: Anteil der Kinder und Jugendlichen unter 18 Jahren an allen Einwohnerinnen und Einwohnern.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Einwohnerinnen und Einwohner unter 18 Jahren
denominator: Einwohnerinnen und Einwohner insgesamt
source: Einwohnermeldestatistik der Stadt
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
