/*
id: jugendhilfe_aufwand_je_einwohner_unter_21
title_de: Aufwand Kinder-, Jugend- und Familienhilfe je unter 21-Jährigen
title_en: Child, youth and family services expenses per resident under 21
description: Ordentliche Aufwendungen des Produktbereichs 06 (Kinder-, Jugend- und Familienhilfe), Ist, je Einwohnerin und Einwohner unter 21 Jahren.
unit: EUR je unter 21-Jährigen
topic: finanzen
direction: neutral
classification: internal
aggregation: ratio
range: [0, null]
factor: 1
decimals: 0
numerator: Ordentliche Aufwendungen Produktbereich 06, Ist
denominator: Einwohnerinnen und Einwohner unter 21 Jahren
source: Kämmerei (Jahresabschluss); Einwohnermeldestatistik
update_cycle: jährlich (nach Jahresabschluss)
notes: Nur für die Gesamtstadt. Einwohnerzahl zum 31.12. des Haushaltsjahres.
datasets: [haushalt_ergebnis, bevoelkerung]
parameters: [period]
*/
WITH budget AS (
    SELECT area_code, period, sum(value) FILTER (WHERE measure = 'aufwendungen' AND category = 'pb06') AS amount
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
    WHERE dataset_id = 'bevoelkerung' AND age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17', '18_20')
      AND ($period IS NULL OR period = $period)
    GROUP BY period
)
SELECT b.area_code, b.period,
       b.amount / NULLIF(r.residents, 0) AS value,
       b.amount AS numerator,
       r.residents AS denominator
FROM budget b JOIN residents r USING (area_code, period)
