/*
id: jugendquotient
title_de: Jugendquotient
title_en: Youth dependency ratio
description: Zahl der unter 18-Jährigen je 100 Personen im Alter von 18 bis 64 Jahren.
unit: je 100 Personen von 18 bis 64 Jahren
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, null]
factor: 100
numerator: Einwohnerinnen und Einwohner unter 18 Jahren (Tabelle 020, Zeilen 10-50)
denominator: Einwohnerinnen und Einwohner von 18 bis 64 Jahren (Tabelle 020, Zeilen 60-110)
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Mit der Altersgrenze 18 (statt 20 wie beim BiB), weil die Kölner Altersgruppen bei 18 Jahren trennen."
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17'))
        / NULLIF(sum(value) FILTER (WHERE age_group IN ('18_24', '25_34', '35_44', '45_54', '55_59', '60_64')), 0)
        AS value,
    sum(value) FILTER (WHERE age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17')) AS numerator,
    sum(value) FILTER (WHERE age_group IN ('18_24', '25_34', '35_44', '45_54', '55_59', '60_64')) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
