"""Map the labels of an official export (GENESIS) to a dataset's columns and codes.

The mapping is declared in the dataset's YAML under `genesis: columns:`, so a
new official table needs no Python:

    genesis:
      columns:
        merkmal_1: {keep: Insgesamt}            # only the total; the column goes
        merkmal_2: {dimension: sex, drop: [Insgesamt], codes: {männlich: m, weiblich: w}}
"""

from __future__ import annotations

from dataclasses import replace

from cockpit.ingest.csv_reader import Delivery


def apply_mapping(delivery: Delivery, columns: dict[str, dict]) -> Delivery:
    """Filter, rename and recode the mapped columns; other columns stay for the checks."""
    header = list(delivery.header)
    rows = [(line, list(cells)) for line, cells in delivery.rows]
    drop_positions = []
    for name, rule in columns.items():
        if name not in header:
            continue  # the checks will say which required column is missing
        position = header.index(name)
        if "keep" in rule:
            rows = [(line, cells) for line, cells in rows if cells[position] == rule["keep"]]
            drop_positions.append(position)
            continue
        dropped = set(rule.get("drop", ()))
        codes = rule.get("codes", {})
        rows = [(line, cells) for line, cells in rows if cells[position] not in dropped]
        for _, cells in rows:
            cells[position] = codes.get(cells[position], cells[position])
        header[position] = rule["dimension"]
    keep = [i for i in range(len(header)) if i not in drop_positions]
    return replace(
        delivery,
        header=[header[i] for i in keep],
        rows=[(line, [cells[i] for i in keep]) for line, cells in rows],
        detected={**delivery.detected, "mapping": ", ".join(columns)},
    )
