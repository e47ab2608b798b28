/*
id: bevoelkerungsentwicklung
title_de: Bevölkerungsentwicklung zum Vorjahr
title_en: Population change on previous year
description: Veränderung der Einwohnerzahl gegenüber dem 31.12. des Vorjahres in Prozent.
unit: "%"
topic: demografie
direction: neutral
classification: public
aggregation: ratio
factor: 100
numerator: Einwohner am 31.12. minus Einwohner am 31.12. des Vorjahres
denominator: Einwohner am 31.12. des Vorjahres
source: Stadt Köln, Amt für Stadtentwicklung und Statistik (offenedaten-koeln.de, CC BY 3.0 DE)
update_cycle: jährlich
notes: "Für das erste Jahr der Zeitreihe (2005) gibt es keinen Wert."
datasets: [bevoelkerung]
derived_from: [einwohner]       # numerator = einwohner(t) - einwohner(t-1); hidden where those are
parameters: [period]
*/
WITH residents AS (
    SELECT area_code, period, sum(value) AS residents
    FROM observations
    WHERE dataset_id = 'bevoelkerung'
      AND sex = '_T' AND age_group = '_T' AND nationality = '_T' AND category = '_T'
    GROUP BY area_code, period
)
SELECT cur.area_code, cur.period,
       100.0 * (cur.residents - prev.residents) / NULLIF(prev.residents, 0) AS value,
       cur.residents - prev.residents AS numerator,
       prev.residents AS denominator
FROM residents cur
JOIN residents prev
  ON prev.area_code = cur.area_code
-- Same period one year earlier; periods are text (2024, 2024-H1, 2024-Q3, 2024-06).
 AND prev.period = CAST(CAST(left(cur.period, 4) AS INTEGER) - 1 AS VARCHAR)
                   || substr(cur.period, 5)
WHERE $period IS NULL OR cur.period = $period
