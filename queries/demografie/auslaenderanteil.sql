/*
id: auslaenderanteil
title_de: Ausländeranteil
title_en: Share of non-German residents
description: Anteil der Einwohnerinnen und Einwohner ohne deutsche Staatsangehörigkeit an allen Einwohnerinnen und Einwohnern.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Einwohnerinnen und Einwohner ohne deutsche Staatsangehörigkeit
denominator: Einwohnerinnen und Einwohner insgesamt
source: Einwohnermeldestatistik der Stadt
update_cycle: jährlich
notes: Personen mit deutscher und weiterer Staatsangehörigkeit zählen als Deutsche.
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE nationality = 'nichtdeutsch') / NULLIF(sum(value), 0)
        AS value,
    sum(value) FILTER (WHERE nationality = 'nichtdeutsch') AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
