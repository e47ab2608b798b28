/*
id: einwohner
title_de: Einwohnerinnen und Einwohner
title_en: Residents
description: Zahl der Einwohnerinnen und Einwohner mit Haupt- oder Nebenwohnung im Gebiet am 31.12. des Jahres.
unit: Personen
topic: demografie
direction: neutral
classification: public
aggregation: sum
range: [0, null]
decimals: 0
numerator: Einwohner mit Haupt- und Nebenwohnung am 31.12. (Tabelle 005, Zeile 10)
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Wie in der Veröffentlichung der Stadt zählen Haupt- und Nebenwohnungen (31.12.2012: 1.044.555 = 1.026.682 + 17.873)."
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
  AND sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
