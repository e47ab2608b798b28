/*
id: auslaenderanteil_unter_18
title_de: Ausländeranteil unter 18 Jahren
title_en: Share of non-German residents under 18
description: Anteil der Kinder und Jugendlichen unter 18 Jahren ohne deutsche Staatsangehörigkeit an allen unter 18-Jährigen.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: unter 18-Jährige ohne deutsche Staatsangehörigkeit
denominator: unter 18-Jährige insgesamt
source: Einwohnermeldestatistik der Stadt
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE nationality = 'nichtdeutsch') / NULLIF(sum(value), 0)
        AS value,
    sum(value) FILTER (WHERE nationality = 'nichtdeutsch') AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'bevoelkerung'
  AND age_group IN ('00_02', '03_05', '06_09', '10_14', '15_17')
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
