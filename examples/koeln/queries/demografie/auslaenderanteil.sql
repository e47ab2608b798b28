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
numerator: Ausländerinnen und Ausländer (Tabelle 030, Zeile 50)
denominator: Einwohnerinnen und Einwohner insgesamt (Tabelle 005)
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Personen mit deutscher und weiterer Staatsangehörigkeit zählen als Deutsche."
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE nationality = 'auslaendisch')
        / NULLIF(sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T'), 0) AS value,
    sum(value) FILTER (WHERE nationality = 'auslaendisch') AS numerator,
    sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T') AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
