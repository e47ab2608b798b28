/*
id: altenquotient
title_de: Altenquotient
title_en: Old-age dependency ratio
description: Zahl der ab 65-Jährigen je 100 Personen im Alter von 18 bis 64 Jahren.
unit: je 100 Personen von 18 bis 64 Jahren
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, null]
factor: 100
numerator: Einwohnerinnen und Einwohner ab 65 Jahren (Tabelle 020, Zeilen 120-130)
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
    100.0 * sum(value) FILTER (WHERE age_group IN ('65_74', '75_PLUS'))
        / NULLIF(sum(value) FILTER (WHERE age_group IN ('18_24', '25_34', '35_44', '45_54', '55_59', '60_64')), 0)
        AS value,
    sum(value) FILTER (WHERE age_group IN ('65_74', '75_PLUS')) AS numerator,
    sum(value) FILTER (WHERE age_group IN ('18_24', '25_34', '35_44', '45_54', '55_59', '60_64')) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
