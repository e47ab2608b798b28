"""The time series and sparklines built as dicts (issue 9, speed) are exactly the figures
plotly's objects made before (tests/app/reference_figures.py), from a frame or from
the gate's rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from cockpit.access import Gate, Viewer
from cockpit.app.figures import sparkline, sparkline_figure, time_series, time_series_figure
from cockpit.context import Installation
from tests.app.reference_figures import reference_sparkline, reference_time_series


def _json(figure: object) -> object:
    return json.loads(to_json_plotly(figure))


def _frame(periods: list[str], areas: dict[str, str], seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for code, name in areas.items():
        for n, period in enumerate(periods):
            hidden = bool(rng.random() < 0.2)
            rows.append({"area_code": code, "area_name": name, "period": period,
                         "value": None if hidden else float(rng.normal(10, 3)),
                         "suppressed": hidden, "incomplete": n == 1, "missing": 1 if n == 1
                         else 0, "expected": 3 if n == 1 else 0, "converted": n == 2})
    return pd.DataFrame(rows)


YEARS = [str(y) for y in range(2012, 2027)]
HALVES = [f"{y}-H{h}" for y in range(2020, 2025) for h in (1, 2)]
MONTHS = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01", "2024-02", "2024-03",
                                                     "2024-04", "2024-05"]
AREAS = {"00": "Musterstadt", "01": "Nord", "0101": "Altstadt", "0203": "Südhafen"}

CASES = {
    "years": dict(df=_frame(YEARS, AREAS), unit="%", decimals=1),
    "index base": dict(df=_frame(YEARS, AREAS), unit="%", decimals=1, index_base="2015"),
    "no base value": dict(df=_frame(YEARS, AREAS, seed=1).assign(value=lambda f: np.where(
        f["period"] == "2012", 0.0, f["value"])), unit="%", decimals=2, index_base="2012"),
    "half-years, English": dict(df=_frame(HALVES, AREAS), unit="Personen", decimals=0,
                                lang="en"),
    "months, many ticks": dict(df=_frame(MONTHS, {"01": "Nord"}), unit="", decimals=1),
    "title": dict(df=_frame(YEARS[:3], {"01": "Nord"}), unit="%", decimals=1, title="T"),
    "empty": dict(df=pd.DataFrame(columns=["area_code", "area_name", "period", "value",
                                           "suppressed"]), unit="%", decimals=1),
    "many areas": dict(df=_frame(YEARS[:4], {f"{n:02d}": f"Gebiet {n}" for n in range(12)}),
                       unit="%", decimals=1),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_time_series_dict_equals_the_plotly_figure(case: str) -> None:
    kwargs = CASES[case]
    expected = _json(reference_time_series(**kwargs))
    assert _json(time_series_figure(**kwargs)) == expected
    assert _json(time_series(**kwargs)) == expected  # the Figure wrapper too


def test_time_series_from_the_gates_rows_equals_the_one_from_its_frame(
    demo: Installation,
) -> None:
    gate, viewer = Gate(demo), Viewer("chefin", "leadership")
    for indicator_id in ("sgb2_quote", "einwohner", "bevoelkerungsentwicklung"):
        codes = ["00", "01", "0101", "0402"]
        rows = [r for code in codes
                for r in gate.rows(viewer, indicator_id, area=code, all_periods=True)]
        frame = pd.concat([gate.values(viewer, indicator_id, area=code, all_periods=True)
                           for code in codes], ignore_index=True)
        for base in (None, "2020"):
            assert _json(time_series_figure(rows, unit="%", decimals=1, index_base=base)) \
                == _json(reference_time_series(frame, unit="%", decimals=1, index_base=base))


@pytest.mark.parametrize(("periods", "values", "direction"), [
    (["2022", "2023"], [1.0, 2.0], "neutral"),
    (["2020", "2021", "2022", "2023"], [1.0, None, 3.0, None], "higher_is_better"),
    (["2020", "2021"], [2.0, 1.0], "lower_is_better"),
    (["2020", "2021"], [None, None], "neutral"),
    (["2024"], [5.0], "neutral"),
    ([], [], "neutral"),
    (["2023-H2", "2024-H1"], [0.0, 0.0], "higher_is_better"),
])
def test_sparkline_dict_equals_the_plotly_figure(periods: list[str], values: list,
                                                 direction: str) -> None:
    expected = _json(reference_sparkline(periods, values, direction=direction))
    assert _json(sparkline_figure(periods, values, direction=direction)) == expected
    assert _json(sparkline(periods, values, direction=direction)) == expected


def test_sparkline_dict_refuses_what_the_figure_refused() -> None:
    with pytest.raises(ValueError, match="direction"):
        sparkline_figure(["2020"], [1.0], direction="up")
    with pytest.raises(ValueError, match="length"):
        sparkline_figure(["2020", "2021"], [1.0], direction="neutral")
