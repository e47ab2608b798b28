/*
id: vhs_anteil_integration_grundbildung
title_de: Anteil Integrations- und Grundbildungskurse an den VHS-Belegungen
title_en: Share of integration and basic-skills courses in adult-education enrolments
description: Anteil der Belegungen in Integrationskursen und in der Grundbildung (Alphabetisierung, Rechnen) an allen Belegungen der Volkshochschule.
unit: "%"
topic: weiterbildung
direction: neutral
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Belegungen in Integrationskursen und Grundbildung
denominator: Belegungen der Volkshochschule insgesamt
source: Volkshochschule (Teilnehmendenverwaltung)
update_cycle: jährlich
datasets: [vhs]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE category IN ('integration', 'grundbildung'))
        / NULLIF(sum(value), 0) AS value,
    sum(value) FILTER (WHERE category IN ('integration', 'grundbildung')) AS numerator,
    sum(value) AS denominator
FROM observations
WHERE dataset_id = 'vhs'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
