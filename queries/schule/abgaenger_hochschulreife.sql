/*
id: abgaenger_hochschulreife
title_de: Absolventen mit Hochschulreife
title_en: School leavers with higher education entrance qualification
description: Anteil der Absolventinnen und Absolventen mit allgemeiner Hochschulreife an allen Abgängerinnen und Abgängern allgemeinbildender Schulen.
unit: "%"
topic: schule
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Absolventinnen und Absolventen mit Hochschulreife
denominator: Abgängerinnen und Abgänger allgemeinbildender Schulen insgesamt
source: Schulamt (Schulstatistik nach Wohnort)
update_cycle: jährlich (Schuljahr)
notes: Fachhochschulreife an allgemeinbildenden Schulen zählt nicht mit.
datasets: [schulabgaenger]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category IN ('hochschulreife')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category IN ('hochschulreife')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'schulabgaenger'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
