/*
id: einwohner
title_de: Einwohnerinnen und Einwohner
title_en: Residents
description: Zahl der Personen mit Hauptwohnsitz im Gebiet am 31.12. des Jahres.
unit: Personen
topic: demografie
direction: neutral
classification: public
aggregation: sum
range: [0, null]
decimals: 0
numerator: Personen mit Hauptwohnsitz am 31.12.
source: Einwohnermeldestatistik der Stadt
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    sum(value) AS value,
    sum(value) AS numerator,
    NULL::DOUBLE AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
