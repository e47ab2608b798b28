/*
id: anteil_unter_18
title_de: Anteil unter 18-Jährige
title_en: Share of residents under 18
description: Anteil der Einwohnerinnen und Einwohner unter 18 Jahren an allen Einwohnerinnen und Einwohnern.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Einwohnerinnen und Einwohner unter 18 Jahren (Tabelle 020, Zeilen 10-50)
denominator: Einwohnerinnen und Einwohner insgesamt (Tabelle 005)
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Altersgruppen der Stadt Köln: 0-2, 3-5, 6-9, 10-14, 15-17 Jahre."
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17'))
        / NULLIF(sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T'), 0) AS value,
    sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17')) AS numerator,
    sum(value) FILTER (WHERE sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T') AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
