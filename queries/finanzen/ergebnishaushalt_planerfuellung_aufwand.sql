/*
id: ergebnishaushalt_planerfuellung_aufwand
title_de: Planerfüllung Aufwendungen (Ergebnishaushalt)
title_en: Budget execution of expenses (accrual budget)
description: Ist-Aufwendungen des Ergebnishaushalts in Prozent der fortgeschriebenen Plan-Aufwendungen, alle Produktbereiche.
unit: "%"
topic: finanzen
direction: neutral
classification: internal
aggregation: ratio
range: [0, null]
factor: 100
numerator: Ordentliche Aufwendungen, Ist
denominator: Ordentliche Aufwendungen, Plan
source: Kämmerei (Haushaltsplan und Jahresabschluss)
update_cycle: jährlich (Ist nach Jahresabschluss)
notes: Werte unter 100 % bedeuten geringere Aufwendungen als geplant. Nur Jahre mit Jahresabschluss.
datasets: [haushalt_ergebnis]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE variant = 'ist')
        / NULLIF(sum(value) FILTER (WHERE variant = 'plan'), 0) AS value,
    sum(value) FILTER (WHERE variant = 'ist') AS numerator,
    sum(value) FILTER (WHERE variant = 'plan') AS denominator
FROM observations
WHERE dataset_id = 'haushalt_ergebnis' AND measure = 'aufwendungen'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
-- Years without annual accounts have a plan but no actual value yet.
HAVING count(*) FILTER (WHERE variant = 'ist') > 0
