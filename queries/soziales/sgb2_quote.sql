/*
id: sgb2_quote
title_de: SGB-II-Quote
title_en: Share of residents receiving basic income support (SGB II)
description: Anteil der Regelleistungsberechtigten nach dem SGB II an den Einwohnerinnen und Einwohnern unter 65 Jahren.
unit: "%"
topic: soziales
direction: lower_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Regelleistungsberechtigte nach SGB II (Dezember)
denominator: Einwohnerinnen und Einwohner unter 65 Jahren am 31.12.
source: Statistik der Bundesagentur für Arbeit (kleinräumige Sonderauswertung); Einwohnermeldestatistik
update_cycle: jährlich
notes: Die Altersgrenze 65 nähert die Regelaltersgrenze an; nicht erwerbsfähige Leistungsberechtigte unter 15 Jahren sind enthalten.
datasets: [sgb2, bevoelkerung]
parameters: [period]
*/
WITH recipients AS (
    SELECT area_code, period, sum(value) AS recipients
    FROM observations
    WHERE dataset_id = 'sgb2' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group NOT IN ('65_79', '80_PLUS')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT s.area_code, s.period,
       100.0 * s.recipients / NULLIF(r.residents, 0) AS value,
       s.recipients AS numerator,
       r.residents AS denominator
FROM recipients s JOIN residents r USING (area_code, period)
