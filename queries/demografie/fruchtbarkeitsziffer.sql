/*
id: fruchtbarkeitsziffer
title_de: Allgemeine Fruchtbarkeitsziffer
title_en: General fertility rate
description: Lebendgeborene im Jahr je 1.000 Frauen im Alter von 15 bis 44 Jahren.
unit: je 1.000 Frauen von 15 bis 44 Jahren
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, null]
factor: 1000
numerator: Lebendgeborene nach Wohnort der Mutter
denominator: Frauen von 15 bis 44 Jahren am 31.12.
source: Geburtenstatistik und Einwohnermeldestatistik der Stadt
update_cycle: jährlich
datasets: [geburten, bevoelkerung]
parameters: [period]
*/
WITH births AS (
    SELECT area_code, period, sum(value) AS births
    FROM observations
    WHERE dataset_id = 'geburten' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
women AS (
    SELECT area_code, period, sum(value) AS women
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND sex = 'w'
      AND age_group IN ('15_17', '18_20', '21_24', '25_44')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT b.area_code, b.period,
       1000.0 * b.births / NULLIF(w.women, 0) AS value,
       b.births AS numerator,
       w.women AS denominator
FROM births b JOIN women w USING (area_code, period)
