/*
id: abgaenger_ohne_abschluss
title_de: Abgänger ohne Abschluss
title_en: School leavers without certificate
description: Anteil der Abgängerinnen und Abgänger allgemeinbildender Schulen ohne Hauptschulabschluss an allen Abgängerinnen und Abgängern.
unit: "%"
topic: schule
direction: lower_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Abgängerinnen und Abgänger ohne Hauptschulabschluss
denominator: Abgängerinnen und Abgänger allgemeinbildender Schulen insgesamt
source: Schulamt (Schulstatistik nach Wohnort)
update_cycle: jährlich (Schuljahr)
notes: Abgänge aus Förderschulen mit Förderschulabschluss zählen als ohne Abschluss.
datasets: [schulabgaenger]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category IN ('ohne_abschluss')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category IN ('ohne_abschluss')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'schulabgaenger'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
