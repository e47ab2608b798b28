/*
id: uebergang_gesamtschule
title_de: Übergangsquote auf die Gesamtschule
title_en: Transition rate to comprehensive school
description: Anteil der Schülerinnen und Schüler der 4. Klasse, die auf eine Gesamtschule wechseln.
unit: "%"
topic: schule
direction: neutral
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Übergänge auf eine Gesamtschule
denominator: Übergänge aus der 4. Klasse insgesamt
source: Schulamt (Schulstatistik nach Wohnort)
update_cycle: jährlich (Schuljahr)
notes: Die Wahl der Schulform ist keine Wertung.
datasets: [schuluebergaenge]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category IN ('gesamtschule')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category IN ('gesamtschule')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'schuluebergaenge'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
