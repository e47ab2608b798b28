"""Who may see which indicator for which areas: one pure function, deny by default.

The table it implements is in CONTRACT.md:
public and internal data are open to every role; restricted data are open to
admin, controlling and leadership everywhere, to district users for their own
area (of any level) and every area below it at any depth, to department users
for their own department's datasets, and never to committee members.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cockpit.access.viewer import Viewer
from cockpit.roles import CLASSIFICATIONS, ROLES

_EVERYWHERE_ROLES = frozenset({"admin", "controlling", "leadership"})


@dataclass(frozen=True)
class Scope:
    """The areas a viewer may see for one indicator: none, all, or a listed set."""

    allowed: bool
    areas: frozenset[str] | None = None  # None means every area

    def covers(self, area_code: str) -> bool:
        """Tell whether a value for this area may be shown."""
        return self.allowed and (self.areas is None or area_code in self.areas)


NOTHING = Scope(False)
EVERYTHING = Scope(True)


def indicator_scope(
    viewer: Viewer | None,
    classification: str,
    dataset_departments: Collection[str],
    descendants: Mapping[str, Collection[str]],
) -> Scope:
    """Decide which areas of an indicator the viewer may see.

    `dataset_departments` are the departments owning the indicator's restricted
    datasets; `descendants` maps an area code to all codes below it (every depth, so a
    district user bound to a Bezirk also sees its Prognoseräume, Bezirksregionen and
    Planungsräume).
    """
    if viewer is None or classification not in CLASSIFICATIONS:
        return NOTHING
    if classification in ("public", "internal"):
        return EVERYTHING if viewer.role in ROLES else NOTHING
    if viewer.role in _EVERYWHERE_ROLES:
        return EVERYTHING
    if viewer.role == "district" and viewer.area_code:
        own = {viewer.area_code, *descendants.get(viewer.area_code, ())}
        return Scope(True, frozenset(own))
    if (viewer.role == "department" and viewer.department
            and set(dataset_departments) == {viewer.department}):
        return EVERYTHING
    return NOTHING


def may_deliver(viewer: Viewer | None, department: str) -> bool:
    """Whether the viewer may load data into a dataset owned by `department`."""
    if viewer is None:
        return False
    if viewer.role in ("admin", "controlling"):
        return True
    return viewer.role == "department" and viewer.department == department
