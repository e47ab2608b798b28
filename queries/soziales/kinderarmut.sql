/*
id: kinderarmut
title_de: Kinderarmut (SGB-II-Quote unter 15 Jahren)
title_en: Child poverty (SGB II rate under 15)
description: Anteil der Kinder unter 15 Jahren in Bedarfsgemeinschaften nach dem SGB II an allen Kindern unter 15 Jahren.
unit: "%"
topic: soziales
direction: lower_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Regelleistungsberechtigte unter 15 Jahren nach SGB II (Dezember)
denominator: Einwohnerinnen und Einwohner unter 15 Jahren am 31.12.
source: Statistik der Bundesagentur für Arbeit (kleinräumige Sonderauswertung); Einwohnermeldestatistik
update_cycle: jährlich
datasets: [sgb2, bevoelkerung]
parameters: [period]
*/
WITH recipients AS (
    SELECT area_code, period, sum(value) AS recipients
    FROM observations
    WHERE dataset_id = 'sgb2' AND age_group = '00_14'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
children AS (
    SELECT area_code, period, sum(value) AS children
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group IN ('00_02', '03_05', '06_09', '10_14')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT s.area_code, s.period,
       100.0 * s.recipients / NULLIF(c.children, 0) AS value,
       s.recipients AS numerator,
       c.children AS denominator
FROM recipients s JOIN children c USING (area_code, period)
