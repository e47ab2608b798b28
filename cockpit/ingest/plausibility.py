"""Plausibility checks that need more than one row: totals, previous deliveries, validity.

`validate_delivery` checks each row on its own; these checks compare rows with each other
and with what the store already holds. They work on whole columns (pandas merges and
group-bys), so a delivery of a million rows costs a few joins, not a Python loop per row.

With `published=False` nothing published is read: the problems are then a function of
the delivery, the dataset definition and the (public) territory only. That is the mode
for uploaders who may not see raw values - any output that depends on a hidden
published value, even a bare "jump" warning, lets them search for it with crafted files.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from cockpit.catalog import Dataset
from cockpit.ingest.problems import Problem, error, german_int, quote, warning
from cockpit.periods import period_end, period_kind, period_start, sort_key, sort_periods
from cockpit.periods import previous_period as previous_period  # re-exported for callers
from cockpit.store.schema import DIMENSIONS, TOTAL

# Absolute changes below this are noise in small counts (3 -> 6 is +100 % but means nothing).
MIN_JUMP = 5.0
# Published counts above 0 and below this are confidential (CONTRACT.md default).
SMALL_COUNT = 3
_SHOWN_AREAS = 8
_KEY = ["area_code", "period", *DIMENSIONS]


@dataclass(frozen=True)
class Plausibility:
    """The problems found, and which published data they depend on (for the audit log)."""

    problems: list[Problem]
    compared_periods: tuple[str, ...] = ()  # published periods the checks compared with
    published_cells: int = 0  # published values quoted in the problems


def check_plausibility(
    observations: pd.DataFrame,
    dataset: Dataset,
    conn,  # noqa: ANN001 - a read-only DuckDB cursor on the current store
    *,
    lines: pd.Series | None = None,
    sum_tolerance: float = 0.0,
    jump_threshold: float = 0.5,
    published: bool = True,
) -> list[Problem]:
    """Cross-row checks of validated `observations` of `dataset` against the store `conn`.

    `lines` maps each observation (same index) to its line in the delivered file.
    `sum_tolerance` is relative (0.01 = 1 %); `jump_threshold` is the relative change
    against the previous period above which a warning is given. `published=False` reads
    only the territory from `conn`, never published observations.
    """
    return assess_plausibility(observations, dataset, conn, lines=lines,
                               sum_tolerance=sum_tolerance, jump_threshold=jump_threshold,
                               published=published).problems


def assess_plausibility(
    observations: pd.DataFrame,
    dataset: Dataset,
    conn,  # noqa: ANN001 - a read-only DuckDB cursor on the current store
    *,
    lines: pd.Series | None = None,
    sum_tolerance: float = 0.0,
    jump_threshold: float = 0.5,
    published: bool = True,
) -> Plausibility:
    """`check_plausibility`, plus what of the published data the problems depend on."""
    obs = observations[observations["dataset_id"] == dataset.id] if len(observations) else \
        observations
    if obs.empty:
        return Plausibility([])
    obs = obs.copy()
    obs["line"] = _line_column(obs, lines)
    areas = _read_areas(conn)
    problems = [
        *check_area_validity(obs, areas),
        *check_totals(obs, areas, sum_tolerance),
        *check_not_greater_than(obs, dataset),
    ]
    if not published:
        problems += check_missing_in_territory(obs, dataset, areas)
        problems += _jumps(obs, dataset, None, jump_threshold)[0]
        return Plausibility(problems)
    missing, missing_periods = _missing_areas(obs, dataset, conn, areas)
    jumps, jump_periods, quoted = _jumps(obs, dataset, conn, jump_threshold)
    return Plausibility([*problems, *missing, *jumps],
                        tuple(sort_periods({*missing_periods, *jump_periods})), quoted)


# --- the checks -----------------------------------------------------------------------------


def check_area_validity(obs: pd.DataFrame, areas: pd.DataFrame) -> list[Problem]:
    """Known area codes used for a period in which they do not exist (boundary changes)."""
    spans = _spans(areas)
    pairs = obs[["area_code", "period"]].drop_duplicates()
    verdicts = {
        (code, period): (f"Gebiet {quote(code)} gilt für diesen Zeitraum ({period}) nicht "
                         f"({_validity_text(spans[code])})")
        for code, period in pairs.itertuples(index=False)
        # unknown codes are validate_delivery's business
        if code in spans and not _valid_in(spans[code], period)
    }
    if not verdicts:
        return []
    bad = pd.DataFrame(list(verdicts), columns=["area_code", "period"]).assign(
        message=list(verdicts.values()))
    hits = obs.reset_index(drop=True).merge(bad, on=["area_code", "period"])
    return [error(_as_line(line), "area_code", message)
            for line, message in zip(hits["line"], hits["message"], strict=True)]


def check_totals(obs: pd.DataFrame, areas: pd.DataFrame, tolerance: float) -> list[Problem]:
    """Children delivered completely together with their parent must add up to it."""
    delivered = set(obs["area_code"].unique())
    parents = set(areas.loc[areas["code"].isin(delivered), "parent_code"].dropna())
    if not delivered & parents:  # one level only (the usual case): nothing to add up
        return []
    relation = _children_by_period(areas, sort_periods(obs["period"].unique()))
    if relation.empty:
        return []
    expected = relation.groupby(["period", "parent_code"]).size().rename("expected")
    children = obs.merge(relation, left_on=["period", "area_code"],
                         right_on=["period", "code"])
    if children.empty:
        return []
    group = ["parent_code", "period", *DIMENSIONS]
    children["unknown"] = children["value"].isna()
    sums = children.groupby(group, sort=False).agg(
        children_sum=("value", "sum"), delivered=("area_code", "nunique"),
        unknown=("unknown", "max"))
    sums = sums.join(expected, on=["period", "parent_code"]).reset_index()
    # Only complete, fully known sets of children can be compared with the parent.
    sums = sums[(sums["delivered"] == sums["expected"]) & ~sums["unknown"].astype(bool)]
    both = obs.merge(sums, left_on=["area_code", "period", *DIMENSIONS],
                     right_on=group).dropna(subset=["value"])
    if both.empty:
        return []
    diff = (both["children_sum"] - both["value"]).abs()
    allowed = (tolerance * both["value"].abs()).clip(
        lower=1e-9 * both["value"].abs().clip(lower=1.0))  # float noise of decimal amounts
    bad = both[diff > allowed]
    return [error(_as_line(row.line), "value", (
        f"Teilgebiete von {quote(row.area_code)} ergeben zusammen "
        f"{german_number(row.children_sum)}, der Gesamtwert ist {german_number(row.value)} "
        f"({_describe(row)}; Abweichung {german_number(row.children_sum - row.value)})"))
        for row in bad.itertuples(index=False)]


def check_not_greater_than(obs: pd.DataFrame, dataset: Dataset) -> list[Problem]:
    """value(measure=a) <= value(measure=b) for the same area, period and other breakdowns."""
    problems: list[Problem] = []
    others = [col for col in _KEY if col != "measure"]
    for small, large in dataset.not_greater_than:
        part = obs[obs["measure"] == small]
        whole = obs[obs["measure"] == large][[*others, "value", "line"]]
        both = part.merge(whole, on=others, suffixes=("", "_whole"))
        bad = both[both["value"] > both["value_whole"]]
        problems += [error(_as_line(row.line), "value", (
            f"{small} ({german_number(row.value)}) ist größer als {large} "
            f"({german_number(row.value_whole)}{_line_hint(row.line_whole)}) – "
            f"{_describe(row, skip=('measure',))}"))
            for row in bad.itertuples(index=False)]
    return problems


def check_missing_areas(obs: pd.DataFrame, dataset: Dataset, conn,  # noqa: ANN001
                        areas: pd.DataFrame) -> list[Problem]:
    """Areas the latest earlier delivery in the store had but this one lacks (one per period)."""
    return _missing_areas(obs, dataset, conn, areas)[0]


def _missing_areas(obs: pd.DataFrame, dataset: Dataset, conn,  # noqa: ANN001
                   areas: pd.DataFrame) -> tuple[list[Problem], list[str]]:
    """The problems of `check_missing_areas` and the published periods compared with."""
    stored = [row[0] for row in conn.execute(
        "SELECT DISTINCT period FROM observations WHERE dataset_id = ?", [dataset.id]).fetchall()]
    problems: list[Problem] = []
    compared: list[str] = []
    spans = _spans(areas)
    delivered = obs.groupby("period")["area_code"].unique()
    for period, codes in delivered.items():
        # The latest earlier delivery of the same period type, by end date (2024-H1 is
        # compared with 2023-H2, never with the string-smaller "2023-12" or "2024").
        earlier = [p for p in stored if period_kind(p) == period_kind(period)
                   and sort_key(p) < sort_key(period)]
        if not earlier:
            continue
        previous = max(earlier, key=sort_key)
        compared.append(previous)
        before = {row[0] for row in conn.execute(
            "SELECT DISTINCT area_code FROM observations WHERE dataset_id = ? AND period = ?",
            [dataset.id, previous]).fetchall()}
        missing = before - set(codes)
        # An area dissolved by a boundary change is expected to be missing.
        missing = sorted(code for code in missing
                         if code not in spans or _valid_in(spans[code], period))
        if missing:
            problems.append(warning(None, "area_code", (
                f"Zeitraum {period}: {_missing_text(missing)} gegenüber der "
                f"vorigen Lieferung ({previous}): {_shown_codes(missing)}")))
    return problems, compared


def check_missing_in_territory(obs: pd.DataFrame, dataset: Dataset,
                               areas: pd.DataFrame) -> list[Problem]:
    """Areas valid in a delivered period, at a level the delivery covers, that it lacks.

    Only levels of the dataset that the delivery has rows for in that period count: a
    delivery by Stadtteil is not expected to carry the Stadtbezirke too.
    """
    problems: list[Problem] = []
    levels_of = dict(zip(areas["code"], areas["level"], strict=True))
    # Plain tuples: a monthly delivery has hundreds of periods, each needs its territory.
    rows = list(zip(areas["code"], areas["level"], areas["valid_from"], areas["valid_to"],
                    strict=True))
    for period, codes in obs.groupby("period")["area_code"].unique().items():
        delivered = set(codes)
        covered = {levels_of.get(code) for code in delivered} & set(dataset.levels)
        if not covered:
            continue
        start, end = period_bounds(period)
        valid = [(code, level) for code, level, frm, to in rows
                 if frm < end and (to is None or to > start)]
        for level in (lvl for lvl in dataset.levels if lvl in covered):
            expected = {code for code, lvl in valid if lvl == level}
            missing = sorted(expected - delivered)
            if missing:
                problems.append(warning(None, "area_code", (
                    f"Zeitraum {period}: {_missing_text(missing)} gegenüber dem "
                    f"Gebietsstand (Ebene {level}): {_shown_codes(missing)}")))
    return problems


def _missing_text(missing: list[str]) -> str:
    label = "Gebiet fehlt" if len(missing) == 1 else "Gebiete fehlen"
    return f"{german_int(len(missing))} {label}"


def _shown_codes(missing: list[str]) -> str:
    shown = ", ".join(missing[:_SHOWN_AREAS])
    if len(missing) > _SHOWN_AREAS:
        shown += f", … (insgesamt {german_int(len(missing))})"
    return shown


MAX_JUMP_WARNINGS = 500


def check_jumps(obs: pd.DataFrame, dataset: Dataset, conn,  # noqa: ANN001
                threshold: float) -> list[Problem]:
    """Large changes against the previous period (from the file if it has it, else the store;
    `conn=None` compares only within the file)."""
    return _jumps(obs, dataset, conn, threshold)[0]


def _jumps(obs: pd.DataFrame, dataset: Dataset, conn,  # noqa: ANN001
           threshold: float) -> tuple[list[Problem], list[str], int]:
    """The problems of `check_jumps`, the published periods read, and how many published
    values the problems quote."""
    cur = obs.dropna(subset=["value"]).copy()
    cur["prev_period"] = cur["period"].map({p: previous_period(p) for p in cur["period"].unique()})
    in_file = set(obs["period"])
    from_file = [p for p in cur["prev_period"].unique() if p in in_file]
    from_store = sort_periods(p for p in cur["prev_period"].unique() if p not in in_file)
    before = [obs[obs["period"].isin(from_file)][[*_KEY, "value"]].assign(published=False)]
    read: list[str] = []
    if from_store and conn is not None:
        stored = conn.execute(
            f"SELECT {', '.join(_KEY)}, value FROM observations "
            "WHERE dataset_id = ? AND list_contains(?, period) AND value IS NOT NULL",
            [dataset.id, from_store]).df()
        read = sort_periods(stored["period"])
        before.append(stored.assign(published=True))
    old = pd.concat(before, ignore_index=True).rename(
        columns={"period": "prev_period", "value": "old"})
    if old.empty:
        return [], read, 0
    old = old.astype({col: "str" for col in _KEY if col != "period"} | {"prev_period": "str"})
    both = cur.merge(old, on=["area_code", "prev_period", *DIMENSIONS]).dropna(subset=["old"])
    change = (both["value"] - both["old"]).abs()
    relative = change / both["old"].abs()  # old == 0 -> inf: anything from nothing is a jump
    bad = both[(relative > threshold) & (change >= MIN_JUMP)]
    # A steward reads the first few hundred; formatting a million would cost seconds.
    shown = bad.sort_values("line").head(MAX_JUMP_WARNINGS)
    problems = [warning(_as_line(row.line), "value", (
        f"Sprung gegenüber {row.prev_period}: {_published(row.old, dataset)} → "
        f"{german_number(row.value)} ({_percent(row.old, row.value)}) – {_describe(row)}"))
        for row in shown.itertuples(index=False)]
    if len(bad) > len(shown):
        problems.append(warning(None, "value", f"… und {len(bad) - len(shown):,} weitere "
                                               "Sprünge".replace(",", ".")))
    return problems, read, int(shown["published"].astype(bool).sum())


# --- helpers --------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First day of the period and first day after it (any period type)."""
    return period_start(period), period_end(period) + dt.timedelta(days=1)


def german_number(number: float) -> str:
    """1234 -> '1.234', 1234.5 -> '1.234,5', -3 -> '-3'."""
    if math.isfinite(number) and float(number).is_integer():
        return german_int(int(number))
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _published(value: float, dataset: Dataset) -> str:
    """A published value as quoted in a report; small counts stay secret (below 3)."""
    if dataset.value_type == "count" and 0 < value < SMALL_COUNT:
        return "weniger als 3"
    return german_number(value)


def _percent(old: float, new: float) -> str:
    if old == 0:
        return "vorher 0"
    return f"{(new - old) / abs(old) * 100:+.0f} %"


def _describe(row: object, skip: tuple[str, ...] = ()) -> str:
    """'Gebiet „0101“, 2023, sex=m' - the breakdown of a row, without unused dimensions."""
    parts = [f"Gebiet {quote(str(row.area_code))}", str(row.period)]
    parts += [f"{dim}={getattr(row, dim)}" for dim in DIMENSIONS
              if dim not in skip and getattr(row, dim) != TOTAL]
    return ", ".join(parts)


def _line_hint(line: object) -> str:
    return "" if _as_line(line) is None else f", Zeile {_as_line(line)}"


def _as_line(line: object) -> int | None:
    return None if line is None or pd.isna(line) else int(line)


def _line_column(obs: pd.DataFrame, lines: pd.Series | None) -> pd.Series:
    if lines is None:
        return pd.Series([None] * len(obs), index=obs.index, dtype=object)
    return lines.reindex(obs.index).astype(object)


def _read_areas(conn) -> pd.DataFrame:  # noqa: ANN001
    areas = conn.execute(
        "SELECT code, level, parent_code, valid_from, valid_to FROM areas").df()
    for col in ("valid_from", "valid_to"):
        areas[col] = [None if pd.isna(value) else pd.Timestamp(value).date()
                      for value in areas[col]]
    return areas


def _valid_rows(rows: pd.DataFrame, period: str) -> pd.Series:
    """Which area rows overlap the period (valid_to is the first day no longer valid)."""
    start, end = period_bounds(period)
    return pd.Series([frm < end and (to is None or to > start)
                      for frm, to in zip(rows["valid_from"], rows["valid_to"], strict=True)],
                     index=rows.index, dtype=bool)


def _spans(areas: pd.DataFrame) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    """Validity spans per area code, earliest first."""
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for code, frm, to in zip(areas["code"], areas["valid_from"], areas["valid_to"], strict=True):
        spans.setdefault(code, []).append((frm, to))
    return {code: sorted(rows, key=lambda span: span[0]) for code, rows in spans.items()}


def _valid_in(spans: list[tuple[dt.date, dt.date | None]], period: str) -> bool:
    start, end = period_bounds(period)
    return any(frm < end and (to is None or to > start) for frm, to in spans)


def _validity_text(spans: list[tuple[dt.date, dt.date | None]]) -> str:
    """'gültig bis 31.12.2019', 'gültig ab 01.01.2025' or the list of validity ranges."""
    def day(value: dt.date) -> str:
        return value.strftime("%d.%m.%Y")

    def until(to: dt.date | None) -> str:
        # valid_to is the first day no longer valid; people read the last valid day
        return "" if to is None else day(to - dt.timedelta(days=1))

    if len(spans) == 1 and spans[0][0] <= dt.date(1900, 1, 1) and spans[0][1] is not None:
        return f"gültig bis {until(spans[0][1])}"
    if len(spans) == 1 and spans[0][1] is None:
        return f"gültig ab {day(spans[0][0])}"
    return "gültig " + ", ".join(f"{day(frm)}–{until(to)}" for frm, to in spans)


def _children_by_period(areas: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Rows (period, parent_code, code): children valid in each period of the file."""
    linked = areas.dropna(subset=["parent_code"])
    frames = []
    for period in periods:
        valid = linked[_valid_rows(linked, period)] if len(linked) else linked
        frame = valid[["parent_code", "code"]].drop_duplicates()
        frames.append(frame.assign(period=period))
    if not frames:
        return pd.DataFrame(columns=["period", "parent_code", "code"])
    return pd.concat(frames, ignore_index=True)[["period", "parent_code", "code"]]
