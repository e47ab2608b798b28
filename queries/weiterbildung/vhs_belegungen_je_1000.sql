/*
id: vhs_belegungen_je_1000
title_de: VHS-Belegungen je 1.000 Einwohner
title_en: Adult-education enrolments per 1,000 residents
description: Kursbelegungen der Volkshochschule im Jahr je 1.000 Einwohnerinnen und Einwohner, nach Wohnort der Teilnehmenden.
unit: je 1.000 Einwohner
topic: weiterbildung
direction: higher_is_better
classification: internal
aggregation: ratio
range: [0, null]
factor: 1000
numerator: Kursbelegungen der Volkshochschule
denominator: Einwohnerinnen und Einwohner am 31.12.
source: Volkshochschule (Teilnehmendenverwaltung); Einwohnermeldestatistik
update_cycle: jährlich
notes: Eine Person kann mehrere Kurse belegen. 2020 und 2021 durch Pandemie-Schließungen gemindert.
datasets: [vhs, bevoelkerung]
parameters: [period]
*/
WITH enrolments AS (
    SELECT area_code, period, sum(value) AS enrolments
    FROM observations
    WHERE dataset_id = 'vhs' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT e.area_code, e.period,
       1000.0 * e.enrolments / NULLIF(r.residents, 0) AS value,
       e.enrolments AS numerator,
       r.residents AS denominator
FROM enrolments e JOIN residents r USING (area_code, period)
