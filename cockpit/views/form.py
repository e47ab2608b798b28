"""The builder's form fields <-> a view definition's plain data (pure, no app needed)."""

from __future__ import annotations

from typing import Any

from cockpit.views.model import ViewDefinition

# The form fields in the order the builder's callbacks pass them.
FORM_FIELDS = ("type", "indicators", "level", "areas", "periods", "method", "sort",
               "index_base", "title", "description", "roles")
OPTION_FIELDS = {"method": "map", "sort": "table", "index_base": "timeseries"}


def form_to_raw(values: dict[str, Any]) -> dict[str, Any]:
    """Plain definition data from the form's values (checked afterwards by the model);
    only the options of the chosen type are taken, the others are leftovers of the form."""
    kind = values.get("type")
    options = {name: values.get(name) for name, owner in OPTION_FIELDS.items()
               if owner == kind and values.get(name)}

    def listed(name: str) -> Any:
        value = values.get(name)
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    return {"type": kind, "title": values.get("title") or "",
            "description": values.get("description") or "",
            "indicators": listed("indicators"), "level": values.get("level") or None,
            "areas": listed("areas"), "periods": listed("periods"), "options": options,
            "roles": listed("roles")}


def definition_to_form(definition: ViewDefinition) -> dict[str, Any]:
    """The form's values for a stored definition (to edit it or a restored version)."""
    return {"type": definition.type, "indicators": list(definition.indicators),
            "level": definition.level, "areas": list(definition.areas),
            "periods": list(definition.periods), "method": definition.option("method"),
            "sort": definition.option("sort"), "index_base": definition.option("index_base"),
            "title": definition.title, "description": definition.description,
            "roles": list(definition.roles)}
