/*
id: frauenanteil
title_de: Frauenanteil
title_en: Share of women
description: Anteil der Frauen an der Bevölkerung am 31.12. des Jahres.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Weibliche Bevölkerung am 31.12.
denominator: Bevölkerung am 31.12.
source: "Regionaldatenbank Deutschland, Tabelle 12411-01-01-5 (dl-de/by-2-0)"
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE sex = 'w') / NULLIF(sum(value) FILTER (WHERE sex = '_T'), 0)
        AS value,
    sum(value) FILTER (WHERE sex = 'w') AS numerator,
    sum(value) FILTER (WHERE sex = '_T') AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
HAVING count(*) FILTER (WHERE sex = 'w') > 0 AND count(*) FILTER (WHERE sex = '_T') > 0
