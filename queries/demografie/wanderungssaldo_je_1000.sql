/*
id: wanderungssaldo_je_1000
title_de: Wanderungssaldo je 1.000 Einwohner
title_en: Net migration per 1,000 residents
description: Zuzüge minus Fortzüge über die Stadtgrenze im Jahr, bezogen auf 1.000 Einwohnerinnen und Einwohner am Jahresende.
unit: je 1.000 Einwohner
topic: demografie
direction: neutral
classification: public
aggregation: ratio
factor: 1000
numerator: Zuzüge minus Fortzüge über die Stadtgrenze
denominator: Einwohnerinnen und Einwohner am 31.12.
source: Wanderungsstatistik und Einwohnermeldestatistik der Stadt
update_cycle: jährlich
notes: Umzüge innerhalb der Stadt sind nicht enthalten.
datasets: [wanderungen, bevoelkerung]
parameters: [period]
*/
WITH moves AS (
    SELECT area_code, period,
           sum(value) FILTER (WHERE measure = 'zuzuege')
             - sum(value) FILTER (WHERE measure = 'fortzuege') AS net
    FROM observations
    WHERE dataset_id = 'wanderungen' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT m.area_code, m.period,
       1000.0 * m.net / NULLIF(r.residents, 0) AS value,
       m.net AS numerator,
       r.residents AS denominator
FROM moves m JOIN residents r USING (area_code, period)
