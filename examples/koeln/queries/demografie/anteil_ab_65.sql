/*
id: anteil_ab_65
title_de: Anteil ab 65-Jährige
title_en: Share of residents aged 65 and over
description: Anteil der Einwohnerinnen und Einwohner ab 65 Jahren an allen Einwohnerinnen und Einwohnern.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Einwohnerinnen und Einwohner ab 65 Jahren (Tabelle 020, Zeilen 120-130)
denominator: Einwohnerinnen und Einwohner insgesamt (Tabelle 005)
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Altersgruppen der Stadt Köln: 65-74 und 75 Jahre und älter."
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE age_group IN ('65_74', '75_PLUS'))
        / NULLIF(sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T'), 0) AS value,
    sum(value) FILTER (WHERE age_group IN ('65_74', '75_PLUS')) AS numerator,
    sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T') AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
