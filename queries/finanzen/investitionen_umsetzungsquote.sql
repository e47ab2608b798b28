/*
id: investitionen_umsetzungsquote
title_de: Umsetzungsquote Investitionen (Finanzhaushalt)
title_en: Investment execution rate (cash budget)
description: Ist-Auszahlungen für Investitionstätigkeit in Prozent der geplanten Auszahlungen, alle Produktbereiche.
unit: "%"
topic: finanzen
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, null]
factor: 100
numerator: Auszahlungen aus Investitionstätigkeit, Ist
denominator: Auszahlungen aus Investitionstätigkeit, Plan
source: Kämmerei (Haushaltsplan und Jahresabschluss)
update_cycle: jährlich (Ist nach Jahresabschluss)
notes: Niedrige Werte zeigen einen Investitionsstau (nicht abgeflossene Mittel). Nur Jahre mit Jahresabschluss.
datasets: [haushalt_finanz]
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
WHERE dataset_id = 'haushalt_finanz' AND measure = 'auszahlungen_invest'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
-- Years without annual accounts have a plan but no actual value yet.
HAVING count(*) FILTER (WHERE variant = 'ist') > 0
