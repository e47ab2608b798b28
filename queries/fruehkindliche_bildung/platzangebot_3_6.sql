/*
id: platzangebot_3_6
title_de: Platzangebot 3 bis unter 6 Jahre
title_en: Childcare places per 100 children aged 3 to under 6
description: Genehmigte Betreuungsplätze für Kinder von 3 bis unter 6 Jahren je 100 Kinder dieses Alters.
unit: je 100 Kinder
topic: fruehkindliche_bildung
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, null]
factor: 100
numerator: Genehmigte Plätze für Kinder von 3 bis unter 6 Jahren im Gebiet
denominator: Kinder von 3 bis unter 6 Jahren
source: Jugendamt (Kita-Verwaltung); Einwohnermeldestatistik
update_cycle: jährlich (Stichtag 1.3.)
notes: Plätze zählen am Standort der Einrichtung, Kinder am Wohnort; Werte über 100 sind möglich.
datasets: [kita, bevoelkerung]
parameters: [period]
*/
WITH kita AS (
    SELECT area_code, period, sum(value) AS children
    FROM observations
    WHERE dataset_id = 'kita' AND measure = 'plaetze' AND age_group = '03_05'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group = '03_05'
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT k.area_code, k.period,
       100.0 * k.children / NULLIF(r.residents, 0) AS value,
       k.children AS numerator,
       r.residents AS denominator
FROM kita k JOIN residents r USING (area_code, period)
