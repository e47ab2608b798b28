/*
id: arbeitslosenquote
title_de: Arbeitslosenquote (Anteil an 15- bis 64-Jährigen)
title_en: Unemployment rate (share of residents aged 15-64)
description: Anteil der Arbeitslosen (SGB II und SGB III) an den Einwohnerinnen und Einwohnern von 15 bis 64 Jahren.
unit: "%"
topic: soziales
direction: lower_is_better
classification: internal
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Arbeitslose im Jahresdurchschnitt
denominator: Einwohnerinnen und Einwohner von 15 bis 64 Jahren
source: Statistik der Bundesagentur für Arbeit (kleinräumige Sonderauswertung); Einwohnermeldestatistik
update_cycle: jährlich
notes: Kleinräumig ist keine Arbeitslosenquote auf Basis der Erwerbspersonen verfügbar; die Bezugsgröße ist deshalb die Bevölkerung im erwerbsfähigen Alter (Arbeitslosenanteil).
datasets: [arbeitslose, bevoelkerung]
parameters: [period]
*/
WITH unemployed AS (
    SELECT area_code, period, sum(value) AS unemployed
    FROM observations
    WHERE dataset_id = 'arbeitslose' AND age_group IN ('15_24', '25_64')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
),
residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung' AND age_group IN ('15_17', '18_20', '21_24', '25_44', '45_64')
      AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT u.area_code, u.period,
       100.0 * u.unemployed / NULLIF(r.residents, 0) AS value,
       u.unemployed AS numerator,
       r.residents AS denominator
FROM unemployed u JOIN residents r USING (area_code, period)
