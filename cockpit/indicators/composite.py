"""Composite indices (Sozialraumindex, Bildungsteilhabeindex, MSS status/dynamics):
the computation over the areas of one level and period, pure and vectorised.

Everything is float64 and nothing is rounded on the way: official class boundaries
are sometimes a few thousandths of a z-unit away, so rounding an input or an
intermediate value can move an area into the neighbouring class.

The steps, for one level and one period (the reference set):
1. An area is valid when its population is known and at least `min_population`, it is
   not excluded by name, and every component has a visible value (the documented rule
   for a missing or suppressed component: the area is left unclassified, "ohne
   Zuordnung"; never is a gap counted as zero). A suppressed component cell reaches
   this module as missing, so the index cannot reveal it (see `cockpit/access/
   index_values.py`).
2. Each component is standardised over the valid areas only, unweighted: z-score
   (x - mean) / sd with the declared `ddof`, or min-max (x - min) / (max - min).
3. Sign (direction) and weight are applied; the components are summed or averaged.
4. Optionally the aggregate is standardised again (z-score or min-max) over the same
   valid areas.
5. Classes from cut-offs on that value: fixed, multiples of the standard deviation
   around the mean, quantiles, or equal intervals; each cut-off says to which side a
   value exactly on it belongs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Why an area has no class (`IndexResult.reason`); 0 = classified.
CLASSIFIED, SMALL_POPULATION, MISSING_COMPONENT, SUPPRESSED_COMPONENT, EXCLUDED = 0, 1, 2, 3, 4
REASONS_DE = {
    SMALL_POPULATION: "Einwohnerzahl unter der Mindestgröße oder unbekannt",
    MISSING_COMPONENT: "Komponente fehlt",
    SUPPRESSED_COMPONENT: "Komponente unterliegt der Geheimhaltung",
    EXCLUDED: "aus der Indexberechnung herausgenommen",
}
UNCLASSIFIED_DE = "ohne Zuordnung"

STANDARDISATIONS = ("z_score", "min_max")
AGGREGATIONS = ("weighted_sum", "weighted_mean")
RESTANDARDISATIONS = ("none", "z_score", "min_max")
CLASSIFICATIONS = ("fixed", "standard_deviations", "quantiles", "equal_intervals")
BOUNDARY_SIDES = ("lower", "upper")  # a value on the cut-off belongs to the lower/upper class


@dataclass(frozen=True)
class Method:
    """How an index is computed from its component values (the declared method)."""

    # +1: a higher component value raises the index; -1 lowers it (z-score: -z;
    # min-max: (max - x) / (max - min), so the scale stays 0..1)
    signs: tuple[float, ...]
    weights: tuple[float, ...]
    standardisation: str = "z_score"
    ddof: int = 0  # 0: population standard deviation (divide by n); 1: sample (n - 1)
    aggregation: str = "weighted_sum"
    restandardise: str = "none"
    classification: str = "fixed"
    cutoffs: tuple[float, ...] = ()  # fixed values, or SD multiples for standard_deviations
    classes: int = 0  # number of classes (quantiles, equal intervals)
    boundaries: tuple[str, ...] = ()  # per cut-off: "lower" or "upper"
    interval_range: tuple[float, float] | None = None  # equal intervals over a fixed range
    min_population: float = 0.0

    @property
    def class_count(self) -> int:
        if self.classification in ("fixed", "standard_deviations"):
            return len(self.cutoffs) + 1
        return self.classes


@dataclass(frozen=True)
class IndexResult:
    """The index over the areas of one level and period, aligned with the input rows."""

    value: np.ndarray  # float64, NaN where the area is not classified
    klass: np.ndarray  # int16 class number 0..k-1 (ascending index value), -1 none
    reason: np.ndarray  # int8, CLASSIFIED or why not
    standardised: np.ndarray  # (n, k) standardised, signed component values (NaN: invalid)
    aggregate: np.ndarray  # the weighted sum or mean before re-standardising
    cutoffs: tuple[float, ...]  # the cut-offs on `value` actually used
    valid: int  # how many areas formed the reference set


def standardise(x: np.ndarray, valid: np.ndarray, how: str, ddof: int) -> np.ndarray:
    """Standardise `x` over the rows where `valid` is True; NaN elsewhere.

    A column that is constant over the valid areas carries no information about their
    differences and standardises to 0 (instead of dividing by zero)."""
    out = np.full(x.shape, np.nan, dtype=np.float64)
    if not valid.any():
        return out
    ref = x[valid]
    if how == "z_score":
        centre = ref.mean(axis=0)
        spread = ref.std(axis=0, ddof=ddof) if len(ref) > ddof else np.zeros(ref.shape[1:])
    elif how == "min_max":
        centre = ref.min(axis=0)
        spread = ref.max(axis=0) - centre
    else:
        raise ValueError(f"unknown standardisation {how!r}")
    spread = np.where(spread > 0, spread, np.inf)  # constant: (x - c) / inf = 0
    out[valid] = (ref - centre) / spread
    return out


def classify(values: np.ndarray, cutoffs: tuple[float, ...],
             boundaries: tuple[str, ...]) -> np.ndarray:
    """Class numbers 0..len(cutoffs) for ascending cut-offs; -1 where a value is NaN.

    A value exactly on a cut-off goes to the lower class when its boundary is
    "lower" (the class interval is closed on the right) and to the upper class when it
    is "upper" (closed on the left)."""
    klass = np.zeros(values.shape, dtype=np.int16)
    for cut, side in zip(cutoffs, boundaries, strict=True):
        klass += (values >= cut) if side == "upper" else (values > cut)
    klass[np.isnan(values)] = -1
    return klass


def cutoffs_for(method: Method, values: np.ndarray) -> tuple[float, ...]:
    """The cut-offs on the index value for one reference set (`values` of valid areas)."""
    if method.classification == "fixed":
        return tuple(float(c) for c in method.cutoffs)
    if not len(values):
        return ()
    if method.classification == "standard_deviations":
        mean, sd = values.mean(), values.std(ddof=method.ddof) if len(values) > method.ddof \
            else 0.0
        return tuple(float(mean + m * sd) for m in method.cutoffs)
    k = method.classes
    if method.classification == "quantiles":
        return tuple(float(q) for q in np.quantile(values, np.arange(1, k) / k))
    low, high = method.interval_range or (float(values.min()), float(values.max()))
    return tuple(float(low + i * (high - low) / k) for i in range(1, k))


def compute_index(method: Method, components: np.ndarray, population: np.ndarray,
                  suppressed: np.ndarray | None = None,
                  excluded: np.ndarray | None = None) -> IndexResult:
    """Compute the index for the areas of one level and period.

    `components` is (areas, k) float64 with NaN for a missing value; `suppressed`
    (areas, k) marks cells the gate hides (their value is ignored: treated as missing,
    only the reason differs); `population` (areas,) with NaN where unknown.
    """
    components = np.asarray(components, dtype=np.float64)
    n, k = components.shape
    hidden = np.zeros((n, k), dtype=bool) if suppressed is None else np.asarray(suppressed)
    values = np.where(hidden, np.nan, components)
    population = np.asarray(population, dtype=np.float64)
    reason = np.full(n, CLASSIFIED, dtype=np.int8)
    # The most telling reason wins: excluded, too small, then suppressed, then missing.
    reason[np.isnan(values).any(axis=1)] = MISSING_COMPONENT
    reason[hidden.any(axis=1)] = SUPPRESSED_COMPONENT
    small = ~(population >= method.min_population)  # NaN population: not valid either
    reason[small] = SMALL_POPULATION
    if excluded is not None:
        reason[np.asarray(excluded, dtype=bool)] = EXCLUDED
    valid = reason == CLASSIFIED
    # The sign is applied to the values before standardising: for z-scores that is -z,
    # for min-max (max - x) / (max - min), which stays in 0..1 and is exact where
    # 1 - (x - min) / (max - min) would round (1 - 0.8 is 0.19999999999999996).
    signs = np.asarray(method.signs, dtype=np.float64)
    signed = standardise(values * signs, valid, method.standardisation, method.ddof)
    weights = np.asarray(method.weights, dtype=np.float64)
    aggregate = np.full(n, np.nan)
    aggregate[valid] = signed[valid] @ weights
    if method.aggregation == "weighted_mean":
        aggregate[valid] /= weights.sum()
    value = aggregate if method.restandardise == "none" else standardise(
        aggregate[:, None], valid, method.restandardise, method.ddof)[:, 0]
    cutoffs = cutoffs_for(method, value[valid])
    boundaries = method.boundaries or ("lower",) * len(cutoffs)
    klass = classify(value, cutoffs, boundaries) if cutoffs or valid.any() else \
        np.full(n, -1, dtype=np.int16)
    return IndexResult(value, klass, reason, signed, aggregate, cutoffs, int(valid.sum()))


def change(current: np.ndarray, earlier: np.ndarray, how: str = "difference") -> np.ndarray:
    """The change of component values between two periods: `difference` (percentage
    points for shares) or `percent` (relative change in %); NaN where either is NaN."""
    current = np.asarray(current, dtype=np.float64)
    earlier = np.asarray(earlier, dtype=np.float64)
    if how == "difference":
        return current - earlier
    if how == "percent":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(earlier != 0, 100.0 * (current - earlier) / earlier, np.nan)
    raise ValueError(f"unknown change {how!r}")


def combine(status: np.ndarray, dynamics: np.ndarray, dynamics_classes: int) -> np.ndarray:
    """The combined class status x dynamics: status * n_dynamics + dynamics, -1 where
    either is unclassified (Berlin's Gesamtindex: 4 x 3 = 12 classes)."""
    status = np.asarray(status, dtype=np.int16)
    dynamics = np.asarray(dynamics, dtype=np.int16)
    combined = status * dynamics_classes + dynamics
    combined[(status < 0) | (dynamics < 0)] = -1
    return combined.astype(np.int16)
