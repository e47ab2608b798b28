/*
id: platzangebot_u3
title_de: Platzangebot unter 3 Jahren
title_en: Childcare places per 100 children under 3
description: Genehmigte Betreuungsplätze für Kinder unter 3 Jahren je 100 Kinder dieses Alters.
unit: je 100 Kinder
topic: fruehkindliche_bildung
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, null]
factor: 100
numerator: Genehmigte Plätze für Kinder unter 3 Jahren im Gebiet
denominator: Kinder unter 3 Jahren
source: Jugendamt (Kita-Verwaltung); Einwohnermeldestatistik
update_cycle: jährlich (Stichtag 1.3.)
notes: Plätze zählen am Standort der Einrichtung, Kinder am Wohnort; Werte über 100 sind möglich.
datasets: [kita, bevoelkerung]
parameters: [period]
*/
WITH kita AS (
    SELECT area_code, period, sum(value) AS children
    FROM observations
    WHERE dataset_id = 'kita' AND measure = 'plaetze' AND age_group = '00_02'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group = '00_02'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT k.area_code, k.period,
       100.0 * k.children / NULLIF(r.residents, 0) AS value,
       k.children AS numerator,
       r.residents AS denominator
FROM kita k JOIN residents r USING (area_code, period)
