/*
id: hze_stationaer_je_1000_unter_21
title_de: Stationäre Hilfen zur Erziehung je 1.000 unter 21-Jährige
title_en: Residential youth welfare cases per 1,000 residents under 21
description: Fälle stationärer Hilfen zur Erziehung (Heimerziehung, Vollzeitpflege) je 1.000 Einwohnerinnen und Einwohner unter 21 Jahren.
unit: je 1.000 unter 21-Jährige
topic: jugend
direction: lower_is_better
classification: restricted
aggregation: ratio
range: [0, null]
factor: 1000
min_count: 3
numerator: Fälle stationärer Hilfen zur Erziehung (§§ 33, 34 SGB VIII)
denominator: Einwohnerinnen und Einwohner unter 21 Jahren am 31.12.
source: Jugendamt (Fachverfahren Wirtschaftliche Jugendhilfe); Einwohnermeldestatistik
update_cycle: jährlich
notes: Sozialdaten nach § 35 SGB I; kleine Fallzahlen werden geheim gehalten. Hilfen für junge Volljährige (§ 41 SGB VIII) sind enthalten.
datasets: [hze, bevoelkerung]
parameters: [period]
*/
WITH cases AS (
    SELECT area_code, period, sum(value) AS cases
    FROM observations
    WHERE dataset_id = 'hze' AND category IN ('stationaer')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
young AS (
    SELECT area_code, period, sum(value) AS young
    FROM observations
    WHERE dataset_id = 'bevoelkerung'
      AND age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17', '18_20')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT c.area_code, c.period,
       1000.0 * c.cases / NULLIF(y.young, 0) AS value,
       c.cases AS numerator,
       y.young AS denominator
FROM cases c JOIN young y USING (area_code, period)
