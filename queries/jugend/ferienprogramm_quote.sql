/*
id: ferienprogramm_quote
title_de: Teilnahmequote Ferienprogramm
title_en: Holiday programme participation rate
description: Anteil der Kinder von 6 bis 14 Jahren, die mindestens ein Angebot des städtischen Ferienprogramms besucht haben.
unit: "%"
topic: jugend
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Teilnehmende Kinder von 6 bis 14 Jahren (jedes Kind einmal gezählt)
denominator: Einwohnerinnen und Einwohner von 6 bis 14 Jahren am 31.12.
source: Jugendamt (Anmeldesystem Ferienprogramm); Einwohnermeldestatistik
update_cycle: jährlich
notes: 2020 und 2021 stark eingeschränktes Angebot wegen der Pandemie.
datasets: [ferienprogramm, bevoelkerung]
parameters: [period]
*/
WITH participants AS (
    SELECT area_code, period, sum(value) AS participants
    FROM observations
    WHERE dataset_id = 'ferienprogramm' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
children AS (
    SELECT area_code, period, sum(value) AS children
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group IN ('06_09', '10_14')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT p.area_code, p.period,
       100.0 * p.participants / NULLIF(c.children, 0) AS value,
       p.participants AS numerator,
       c.children AS denominator
FROM participants p JOIN children c USING (area_code, period)
