/*
id: betreuungsquote_3_6
title_de: Betreuungsquote 3 bis unter 6 Jahre
title_en: Childcare rate age 3 to under 6
description: Anteil der Kinder von 3 bis unter 6 Jahren in Kindertageseinrichtungen oder Kindertagespflege an allen Kindern dieses Alters.
unit: "%"
topic: fruehkindliche_bildung
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Betreute Kinder von 3 bis unter 6 Jahren nach Wohnort
denominator: Kinder von 3 bis unter 6 Jahren
source: Jugendamt (Kita-Verwaltung); Einwohnermeldestatistik
update_cycle: jährlich (Stichtag 1.3.)
notes: Bezugsgröße ist die Einwohnerzahl zum Jahresende.
datasets: [kita, bevoelkerung]
parameters: [period]
*/
WITH kita AS (
    SELECT area_code, period, sum(value) AS children
    FROM observations
    WHERE dataset_id = 'kita' AND measure = 'betreute_kinder' AND age_group = '03_05'
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
