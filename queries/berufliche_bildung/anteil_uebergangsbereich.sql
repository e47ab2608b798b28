/*
id: anteil_uebergangsbereich
title_de: Anteil der Neuzugänge in den Übergangsbereich
title_en: Share of new entrants into the transition system
description: Anteil der Neuzugänge in Bildungsgänge des Übergangsbereichs (ohne vollqualifizierenden Abschluss) an allen Neuzugängen in die berufliche Bildung.
unit: "%"
topic: berufliche_bildung
direction: lower_is_better
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Neuzugänge in den Übergangsbereich
denominator: Neuzugänge in alle drei Sektoren der beruflichen Ausbildung
source: Integrierte Ausbildungsberichterstattung (iABE), Statistisches Landesamt
update_cycle: jährlich
notes: Nur für die Gesamtstadt verfügbar (Schulort).
datasets: [berufsbildung]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category = 'uebergangsbereich') / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category = 'uebergangsbereich') AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'berufsbildung'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
