/*
id: wahlbeteiligung_bundestagswahl
title_de: Wahlbeteiligung Bundestagswahl
title_en: Voter turnout, federal elections
description: Anteil der Wählenden an den Wahlberechtigten bei der Bundestagswahl, nach Wohnort.
unit: "%"
topic: beteiligung
direction: higher_is_better
classification: public
aggregation: ratio
range: [0, 100]
factor: 100
numerator: Wählende (einschließlich Briefwahl, nach Wohnort zugeordnet)
denominator: Wahlberechtigte laut Wählerverzeichnis
source: Wahlstatistik der Stadt
update_cycle: je Wahl
notes: Werte nur in Wahljahren.
datasets: [wahlen]
parameters: [period]
*/
SELECT
    area_code,
    period,
    100.0 * sum(value) FILTER (WHERE measure = 'waehlende')
        / NULLIF(sum(value) FILTER (WHERE measure = 'wahlberechtigte'), 0) AS value,
    sum(value) FILTER (WHERE measure = 'waehlende') AS numerator,
    sum(value) FILTER (WHERE measure = 'wahlberechtigte') AS denominator
FROM observations
WHERE dataset_id = 'wahlen' AND variant = 'bundestagswahl'
  AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
