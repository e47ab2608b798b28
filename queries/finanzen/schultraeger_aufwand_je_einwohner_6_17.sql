/*
id: schultraeger_aufwand_je_einwohner_6_17
title_de: Aufwand Schulträgeraufgaben je 6- bis 17-Jährigen
title_en: School authority expenses per resident aged 6-17
description: Ordentliche Aufwendungen des Produktbereichs 03 (Schulträgeraufgaben), Ist, je Einwohnerin und Einwohner von 6 bis 17 Jahren.
unit: EUR je 6- bis 17-Jährigen
topic: finanzen
direction: neutral
classification: internal
aggregation: ratio
range: [0, null]
factor: 1
decimals: 0
numerator: Ordentliche Aufwendungen Produktbereich 03, Ist
denominator: Einwohnerinnen und Einwohner von 6 bis 17 Jahren
source: Kämmerei (Jahresabschluss); Einwohnermeldestatistik
update_cycle: jährlich (nach Jahresabschluss)
notes: Nur für die Gesamtstadt. Einwohnerzahl zum 31.12. des Haushaltsjahres.
datasets: [haushalt_ergebnis, bevoelkerung]
parameters: [period]
*/
WITH budget AS (
    SELECT area_code, period, sum(value) FILTER (WHERE measure = 'aufwendungen' AND category = 'pb03') AS amount
    FROM observations
    WHERE dataset_id = 'haushalt_ergebnis' AND variant = 'ist'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    -- Observations of residents are kept per Stadtteil; the budget only for the city.
    SELECT (SELECT code FROM areas WHERE level = 'city' AND valid_to IS NULL) AS area_code,
           period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group IN ('06_09', '10_14', '15_17')
      AND ($period IS NULL OR period = $period)
    GROUP BY period
)
SELECT b.area_code, b.period,
       b.amount / NULLIF(r.residents, 0) AS value,
       b.amount AS numerator,
       r.residents AS denominator
FROM budget b JOIN residents r USING (area_code, period)
