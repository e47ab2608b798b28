"""The suppression audit: can any role narrow a hidden small count?

For each role the audit takes exactly what the gate shows that role (through
`Gate.values`, all indicators, levels and periods) and asks, by linear
programming (HiGHS through scipy), which interval every hidden small count can
take given everything visible and every relation an attacker may know. A cell
is weak when that interval does not reach from 0 to at least `min_count`.

The truth (to know which hidden cells are small, and which relations hold)
comes from the same gate as an admin with raw values.

Relations, and how they are discovered from the data:

- **Series identity.** A column (numerator or denominator of an indicator)
  has one value vector per period. Two (column, period) pairs with the same
  vector of (area, value) are the same series, so their cells are one
  unknown. This finds a numerator used as another indicator's denominator and
  one-period lags (residents of 2024 = denominator of the 2025 change) without
  any declaration.
- **Area tree.** For every column of an indicator that is rolled up, in every
  period: parent = sum of its children (where all are present).
- **Counts are not negative**, unless the column has a negative value (a
  balance such as net migration).
- **Siblings.** Ratio indicators whose denominator cells are the same
  unknowns form a group. If their numerators add up to the denominator in every
  cell, that is an equation; if they add up to at most the denominator in every
  cell, an inequality (disjoint categories of one total, some unpublished).
  Within a group, a numerator that is at most another one everywhere (a
  sub-category) gives an inequality, and a numerator at most its denominator
  everywhere (a share) too. Inequalities are used only on request
  (`inequalities=True`, `--inequalities`): on small data they often hold by
  coincidence, and suppression protects against the equations, not against
  them; the demo passes with them as well.
- **Sums and differences.** If numerator + denominator of an indicator, in
  one period, is the value vector of a known series (a change on the
  previous year plus last year's count is this year's count), or denominator
  minus numerator is (the rest of a share), that equation is added. The
  numerator of an indicator declared `derived_from` other indicators is not
  a count and is not itself checked; its relation to the counts is.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cockpit.access.gate import Gate, key_date
from cockpit.access.suppression import is_protected, is_small
from cockpit.access.viewer import Viewer

_TOLERANCE = 1e-6

Var = tuple[int, str]  # (series id, area code)


@dataclass(frozen=True)
class Role:
    """One audited view: a label for the report and the viewer the gate sees."""

    label: str
    viewer: Viewer


@dataclass(frozen=True)
class WeakCell:
    """A hidden small count that a role can narrow."""

    role: str
    indicator: str
    part: str  # numerator or denominator
    area: str
    period: str
    low: float
    high: float
    min_count: int

    def describe(self) -> str:
        high = "∞" if np.isinf(self.high) else f"{self.high:g}"
        part = "Zähler" if self.part == "numerator" else "Nenner"
        return (f"{self.role}: {self.indicator} ({part}), Gebiet {self.area}, {self.period}: "
                f"ableitbar [{self.low:g}, {high}], geschützt erst ab [0, {self.min_count}]")


@dataclass
class AuditReport:
    """The result over all audited roles."""

    roles: list[str] = field(default_factory=list)
    checked: int = 0
    weak: list[WeakCell] = field(default_factory=list)
    relations: dict[str, int] = field(default_factory=dict)
    linear_programs: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"roles": self.roles, "checked_cells": self.checked,
                # JSON has no infinity: an open end is null.
                "weak_cells": [w.__dict__ | {"low": None if np.isinf(w.low) else w.low,
                                             "high": None if np.isinf(w.high) else w.high}
                               for w in self.weak],
                "relations": self.relations, "linear_programs": self.linear_programs,
                "seconds": round(self.seconds, 2)}


@dataclass(frozen=True)
class _Constraint:
    """sum(coef * var) (== or <=) rhs."""

    coefs: tuple[tuple[Var, float], ...]
    equality: bool
    rhs: float = 0.0


@dataclass
class _Model:
    """The truth, the unknowns and every relation, shared by all roles."""

    values: dict[Var, float] = field(default_factory=dict)
    signed: set[int] = field(default_factory=set)
    cells: dict[tuple[str, str, str, str], Var] = field(default_factory=dict)
    constraints: list[_Constraint] = field(default_factory=list)
    relations: dict[str, int] = field(default_factory=dict)


def default_roles(gate: Gate, *, role: str | None = None, area: str | None = None,
                  department: str | None = None) -> list[Role]:
    """The roles to audit: every distinct view, or those of one role.

    admin and controlling without raw values see what leadership sees, so one
    view stands for the three; district users are bound in turn to every area
    below the top level that has areas below it, at any depth (or to `area`),
    department users to each department (or `department`).
    """
    districts = [area] if area else district_areas(gate)
    departments = [department] if department else sorted(gate.inst.catalog.departments)
    roles: list[Role] = []
    if role in (None, "admin", "controlling", "leadership"):
        label = role or "admin/controlling/leadership"
        roles.append(Role(label, Viewer("audit", role or "leadership")))
    if role in (None, "committee"):
        roles.append(Role("committee", Viewer("audit", "committee")))
    if role in (None, "district"):
        roles += [Role(f"district {code}", Viewer("audit", "district", area_code=code))
                  for code in districts]
    if role in (None, "department"):
        roles += [Role(f"department {name}", Viewer("audit", "department", department=name))
                  for name in departments]
    return roles


def district_areas(gate: Gate) -> list[str]:
    """Areas a district user may be bound to that give a view of their own: every area
    below the top level with sub-areas (its restricted data reach down to several cells),
    and the areas of the level directly below the top even without any (two levels).
    Top first, then by code."""
    info = gate.areas_info()
    levels = info.levels
    second = levels.child_of(levels.top.id)
    with_children = {parent for parent in info.parents.values() if parent is not None}
    chosen = [(levels.sort_key(level), code) for code, level in
              zip(info.frame["code"], info.frame["level"], strict=True)
              if level != levels.top.id and (code in with_children
                                             or (second is not None and level == second.id))]
    return [code for _, code in sorted(chosen)]


def audit_suppression(gate: Gate, roles: Iterable[Role], *,
                      inequalities: bool = False) -> AuditReport:
    """Compute the protection interval of every hidden small count for every role.

    With `inequalities` the attacker also knows the inequalities found in the
    data (shares, sub-categories, sibling sums at most the denominator).
    """
    start = time.perf_counter()
    model = _build_model(gate, inequalities)
    report = AuditReport(relations=dict(model.relations))
    cache: dict[tuple, dict[Var, tuple[float, float]]] = {}
    for role in roles:
        report.roles.append(role.label)
        _audit_role(gate, model, role, report, cache)
    report.seconds = time.perf_counter() - start
    return report


# -- the model -------------------------------------------------------------------
def _truth(gate: Gate) -> dict[str, pd.DataFrame]:
    raw = Viewer("suppression-audit", "admin", raw=True)
    return {ind.id: gate.values(raw, ind.id, all_periods=True) for ind in gate.registry}


def _parts(indicator_aggregation: str, frame: pd.DataFrame) -> list[str]:
    parts = ["numerator"]
    if indicator_aggregation == "ratio" and frame["denominator"].notna().any():
        parts.append("denominator")
    return parts


def _build_model(gate: Gate, inequalities: bool) -> _Model:
    model = _Model()
    truth = _truth(gate)
    areas = gate.areas_info()
    series: dict[tuple, int] = {}
    tree_done: set[int] = set()
    counts = {"Baum (Gebiet = Summe der Teilgebiete)": 0, "gleiche Reihe (auch um ein Jahr "
              "versetzt)": 0, "Geschwister (Summe der Zähler, Teilmengen, Anteile)": 0,
              "Zähler ± Nenner ist eine andere Reihe": 0}
    for indicator in gate.registry:
        frame = truth[indicator.id]
        if frame.empty:
            continue
        for part in _parts(indicator.aggregation, frame):
            column = frame[["area_code", "period", part]].dropna()
            signed = bool((column[part] < 0).any())
            for period, rows in column.groupby("period", sort=False):
                key = tuple(sorted(zip(rows["area_code"], np.round(rows[part], 6), strict=True)))
                if key in series:
                    counts["gleiche Reihe (auch um ein Jahr versetzt)"] += 1
                sid = series.setdefault(key, len(series))
                if signed:
                    model.signed.add(sid)
                present = {}
                for area, value in key:
                    model.values[(sid, area)] = float(value)
                    model.cells[(indicator.id, part, area, period)] = (sid, area)
                    present[area] = value
                if indicator.aggregation != "none" and sid not in tree_done:
                    tree_done.add(sid)
                    # The areas and parent relation valid in that period (Gebietsstand).
                    parents = areas.valid_at(key_date(str(period)))[1]
                    counts["Baum (Gebiet = Summe der Teilgebiete)"] += _tree(
                        model, sid, present, parents)
                    counts["Baum (Gebiet = Summe der Teilgebiete)"] += _conversions(
                        model, sid, present, parents, gate.inst.correspondences)
    counts["Geschwister (Summe der Zähler, Teilmengen, Anteile)"] = _siblings(
        gate, model, inequalities)
    counts["Zähler ± Nenner ist eine andere Reihe"] = _combinations(gate, model, series)
    model.relations = counts
    return model


def _tree(model: _Model, sid: int, present: dict[str, float],
          parents: dict[str, str | None]) -> int:
    children: dict[str, list[str]] = {}
    for area in present:
        parent = parents.get(area)
        if parent is not None and parent in present:
            children.setdefault(parent, []).append(area)
    added = 0
    # A parent is the sum of its children with a value (compute.py marks it incomplete
    # when one is missing), so the equation holds over the present ones.
    for parent, kids in children.items():
        coefs = ((sid, parent), 1.0), *(((sid, k), -1.0) for k in sorted(kids))
        model.constraints.append(_Constraint(tuple(coefs), True))
        added += 1
    return added


def _conversions(model: _Model, sid: int, present: dict[str, float],
                 parents: dict[str, str | None], correspondences: list) -> int:
    """A converted cell (a new area before it was valid) is the weighted sum of the old
    cells it was built from; the correspondence table is public."""
    added = 0
    for table in correspondences:
        weights: dict[str, list[tuple[str, float]]] = {}
        for old, new, weight in table.pairs:
            weights.setdefault(new, []).append((old, weight))
        for new, olds in weights.items():
            used = [(old, w) for old, w in olds if old in present]
            if new not in present or new in parents or not used:
                continue  # not converted in this period
            coefs = ((sid, new), 1.0), *(((sid, old), -w) for old, w in used)
            model.constraints.append(_Constraint(tuple(coefs), True))
            added += 1
    return added


def _column(model: _Model, indicator_id: str, part: str) -> dict[tuple[str, str], Var]:
    return {(a, p): var for (i, q, a, p), var in model.cells.items()
            if i == indicator_id and q == part}


def _siblings(gate: Gate, model: _Model, inequalities: bool) -> int:
    groups: dict[frozenset, list[str]] = {}
    columns: dict[str, tuple[dict, dict]] = {}
    for indicator in gate.registry:
        if indicator.aggregation != "ratio" or indicator.derived_from:
            continue
        num, den = _column(model, indicator.id, "numerator"), _column(model, indicator.id,
                                                                     "denominator")
        if not den:
            continue
        columns[indicator.id] = (num, den)
        groups.setdefault(frozenset(den.items()), []).append(indicator.id)
    value = model.values
    added = 0
    for members in groups.values():
        den = columns[members[0]][1]
        cells = [c for c in den if all(c in columns[m][0] for m in members)]
        if not cells:
            continue
        for m in members if inequalities else ():  # a share: numerator <= denominator
            num = columns[m][0]
            if all(value[num[c]] <= value[den[c]] + _TOLERANCE for c in cells):
                for c in cells:
                    model.constraints.append(_Constraint(((num[c], 1.0), (den[c], -1.0)), False))
                    added += 1
        if len(members) < 2:
            continue
        sums = [sum(value[columns[m][0][c]] for m in members) for c in cells]
        equal = all(abs(s - value[den[c]]) < _TOLERANCE for s, c in zip(sums, cells,
                                                                         strict=True))
        below = all(s <= value[den[c]] + _TOLERANCE for s, c in zip(sums, cells, strict=True))
        if equal or (below and inequalities):
            for c in cells:
                coefs = [(columns[m][0][c], 1.0) for m in members] + [(den[c], -1.0)]
                model.constraints.append(_Constraint(tuple(coefs), equal))
                added += 1
        for a in members if inequalities else ():  # a sub-category: a <= b
            for b in members:
                if a == b:
                    continue
                na, nb = columns[a][0], columns[b][0]
                if all(value[na[c]] <= value[nb[c]] + _TOLERANCE for c in cells):
                    for c in cells:
                        model.constraints.append(_Constraint(((na[c], 1.0), (nb[c], -1.0)),
                                                             False))
                        added += 1
    return added


def _combinations(gate: Gate, model: _Model, series: dict[tuple, int]) -> int:
    """Numerator + denominator (or denominator - numerator) that is another series."""
    added = 0
    for indicator in gate.registry:
        num = _column(model, indicator.id, "numerator")
        den = _column(model, indicator.id, "denominator")
        periods: dict[str, list[str]] = {}
        for area, period in num:
            if (area, period) in den:
                periods.setdefault(period, []).append(area)
        for period, areas in periods.items():
            for sign in (1.0, -1.0):  # num + den (a change), den - num (the rest)
                v = model.values
                key = tuple(sorted((a, float(np.round(sign * v[num[(a, period)]]
                                                      + v[den[(a, period)]], 6)))
                                   for a in areas))
                sid = series.get(key)
                if sid is None:
                    continue
                for a in areas:
                    model.constraints.append(_Constraint(
                        ((num[(a, period)], sign), (den[(a, period)], 1.0),
                         ((sid, a), -1.0)), True))
                    added += 1
    return added


# -- one role --------------------------------------------------------------------
def _audit_role(gate: Gate, model: _Model, role: Role, report: AuditReport,
                cache: dict[tuple, dict[Var, tuple[float, float]]]) -> None:
    visible: set[Var] = set()
    targets: dict[Var, list[tuple[str, str, str, str, int]]] = {}
    for indicator in gate.visible_indicators(role.viewer):
        frame = gate.values(role.viewer, indicator.id, all_periods=True)
        for row in frame.itertuples(index=False):
            for part in ("numerator", "denominator"):
                var = model.cells.get((indicator.id, part, row.area_code, row.period))
                if var is None:
                    continue
                shown = getattr(row, part)
                if not row.suppressed and shown is not None and not pd.isna(shown):
                    visible.add(var)
                elif row.suppressed and is_small(model.values[var], indicator.min_count) and not (
                        part == "numerator" and indicator.derived_from):
                    targets.setdefault(var, []).append(
                        (indicator.id, part, row.area_code, row.period, indicator.min_count))
    # A count shown in one indicator and hidden in another is known: its interval
    # is a point, so it stays a target and is reported as weak.
    report.checked += len(targets)
    if not targets:
        return
    intervals = _intervals(model, visible, set(targets), cache, report)
    for var, cells in sorted(targets.items(), key=lambda kv: kv[1][0][:4]):
        low, high = intervals[var]
        min_count = max(c[4] for c in cells)
        if not is_protected(low, high, min_count):
            ind, part, area, period, _ = cells[0]
            report.weak.append(WeakCell(role.label, ind, part, area, period, low, high,
                                        min_count))


def _intervals(model: _Model, visible: set[Var], targets: set[Var],
               cache: dict[tuple, dict[Var, tuple[float, float]]],
               report: AuditReport) -> dict[Var, tuple[float, float]]:
    values = model.values
    active: list[tuple[int, list[tuple[Var, float]], float]] = []
    by_var: dict[Var, list[int]] = {}
    for ci, con in enumerate(model.constraints):
        unknown = [(var, coef) for var, coef in con.coefs if var not in visible]
        if not unknown:
            continue
        rhs = con.rhs - sum(coef * values[var] for var, coef in con.coefs if var in visible)
        k = len(active)
        active.append((ci, unknown, rhs))
        for var, _ in unknown:
            by_var.setdefault(var, []).append(k)
    # Components of unknowns linked by a constraint, grown from the targets only.
    result: dict[Var, tuple[float, float]] = {}
    seen: set[Var] = set()
    for target in sorted(targets):
        if target in visible:
            result[target] = (values[target], values[target])
            continue
        if target in seen:
            continue
        members, cons, stack = {target}, set(), [target]
        while stack:
            var = stack.pop()
            for k in by_var.get(var, ()):
                if k in cons:
                    continue
                cons.add(k)
                for other, _ in active[k][1]:
                    if other not in members:
                        members.add(other)
                        stack.append(other)
        seen |= members
        wanted = sorted(members & targets)
        key = (tuple(sorted(active[k][0] for k in cons)), frozenset(members))
        if key not in cache:
            cache[key] = _solve(model, sorted(members), [active[k] for k in sorted(cons)],
                                wanted, report)
        result.update(cache[key])
    return result


def _solve(model: _Model, members: list[Var], constraints: list, wanted: list[Var],
           report: AuditReport) -> dict[Var, tuple[float, float]]:
    """Min and max of each wanted unknown; closed form for one plain sum."""
    free = {var for var in members if var[0] in model.signed}
    if not constraints:
        return {var: (-np.inf if var in free else 0.0, np.inf) for var in wanted}
    if len(constraints) == 1 and not free:
        _, unknown, rhs = constraints[0]
        signs = {coef for _, coef in unknown}
        con = model.constraints[constraints[0][0]]
        if con.equality and len(signs) == 1:
            total = rhs / signs.pop()  # all unknowns with one sign add up to `total`
            return {var: (0.0, total) for var in wanted}
    index = {var: i for i, var in enumerate(members)}
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for ci, unknown, rhs in constraints:
        row = np.zeros(len(members))
        for var, coef in unknown:
            row[index[var]] += coef
        if model.constraints[ci].equality:
            eq_rows.append(row)
            eq_rhs.append(rhs)
        else:
            ub_rows.append(row)
            ub_rhs.append(rhs)
    bounds = [(None, None) if var in free else (0, None) for var in members]
    from scipy.optimize import linprog  # lazily, see cockpit.access.suppression.interval

    found = {}
    for var in wanted:
        ends = []
        for direction in (1.0, -1.0):
            objective = np.zeros(len(members))
            objective[index[var]] = direction
            res = linprog(objective,
                          A_ub=np.array(ub_rows) if ub_rows else None,
                          b_ub=np.array(ub_rhs) if ub_rows else None,
                          A_eq=np.array(eq_rows) if eq_rows else None,
                          b_eq=np.array(eq_rhs) if eq_rows else None,
                          bounds=bounds, method="highs")
            report.linear_programs += 1
            if res.status == 0:
                ends.append(direction * res.fun)
            else:  # unbounded (or, on inconsistent data, nothing derivable)
                ends.append(-direction * np.inf)
        found[var] = (ends[0], ends[1])
    return found

