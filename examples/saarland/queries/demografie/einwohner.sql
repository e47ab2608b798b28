/*
id: einwohner
title_de: Einwohnerinnen und Einwohner
title_en: Residents
description: Bevölkerung (Fortschreibung des Bevölkerungsstandes) am 31.12. des Jahres.
unit: Personen
topic: demografie
direction: neutral
classification: public
aggregation: sum
range: [0, null]
decimals: 0
numerator: Bevölkerung am 31.12.
source: "Regionaldatenbank Deutschland, Tabelle 12411-01-01-5 (dl-de/by-2-0)"
update_cycle: jährlich
notes: "Fehlt der Wert einer Gemeinde (GENESIS „-“), fehlt er auch in der Summe ihres Kreises und des Landes."
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
  AND sex = '_T'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
