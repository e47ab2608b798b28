/*
id: uebergang_hauptschule
title_de: Übergangsquote auf die Hauptschule
title_en: Transition rate to Hauptschule
description: Anteil der Schülerinnen und Schüler der 4. Klasse, die auf eine Hauptschule wechseln.
unit: "%"
topic: schule
direction: neutral
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Übergänge auf eine Hauptschule
denominator: Übergänge aus der 4. Klasse insgesamt
source: Schulamt (Schulstatistik nach Wohnort)
update_cycle: jährlich (Schuljahr)
notes: Kleine Fallzahlen je Stadtteil; Werte unter der Mindestfallzahl werden geheim gehalten.
datasets: [schuluebergaenge]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category IN ('hauptschule')) / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category IN ('hauptschule')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'schuluebergaenge'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
