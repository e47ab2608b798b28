/*
id: geburtenrate
title_de: Geburtenrate (Geburten je 1.000 Einwohner)
title_en: Crude birth rate per 1,000 residents
description: Lebendgeborene im Jahr je 1.000 Einwohnerinnen und Einwohner am Jahresende (rohe Geburtenziffer).
unit: je 1.000 Einwohner
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, null]
factor: 1000
numerator: Lebendgeborene nach Wohnort der Mutter
denominator: Einwohnerinnen und Einwohner am 31.12.
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
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT b.area_code, b.period,
       1000.0 * b.births / NULLIF(r.residents, 0) AS value,
       b.births AS numerator,
       r.residents AS denominator
FROM births b JOIN residents r USING (area_code, period)
