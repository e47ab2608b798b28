"""The Stadtteilprofil's table as a sheet (CSV / XLSX): one row per indicator."""

from __future__ import annotations

from datetime import datetime

from cockpit.app.i18n import register_strings, t
from cockpit.app.level_words import top_deviation_label, top_value_label
from cockpit.export.profile_data import ProfileData
from cockpit.export.table import Hidden, Num, Sheet, number_format, version_date

register_strings({
    "export.profile.title": {"de": "Stadtteilprofil {name}", "en": "Area profile: {name}"},
    "export.col.topic": {"de": "Thema", "en": "Topic"},
    "export.col.indicator": {"de": "Indikator", "en": "Indicator"},
    "export.col.unit": {"de": "Einheit", "en": "Unit"},
    "export.h.area": {"de": "Gebiet", "en": "Area"},
    "export.partial": {"de": "unvollständig: Teilgebiete fehlen",
                       "en": "incomplete: sub-areas missing"},
    "export.profile.confidentiality": {
        "de": "Werte aus weniger als {n} Fällen (und daraus errechenbare) sind mit „{mark}“ "
              "gekennzeichnet und nicht ausgewiesen.",
        "en": "Values from fewer than {n} cases (and values computable from them) are "
              "marked “{mark}” and not shown.",
    },
})


def profile_sheet(data: ProfileData, levels, lang: str, made: datetime,  # noqa: ANN001
                  raw: bool = False) -> Sheet:
    """Every indicator of the profile with value, top value and deviation."""
    top = levels.top
    hidden = Hidden(t("export.suppressed", lang))
    level = levels.label(data.level, lang) if data.level in levels else data.level
    header = [
        (t("export.h.area", lang), f"{data.area_name} ({data.area_code}, {level})"),
        (t("export.h.version", lang), version_date(data.data_version)),
        (t("export.h.exported", lang), made.strftime("%d.%m.%Y %H:%M")),
        (t("export.h.confidentiality", lang),
         t("export.raw_note", lang) if raw else t(
             "export.profile.confidentiality", lang, n=data.min_count, mark=hidden)),
    ]
    columns = [t("export.col.topic", lang), t("export.col.indicator", lang),
               t("export.col.unit", lang), t("export.col.period", lang),
               t("export.col.value", lang), top_value_label(top, lang),
               top_deviation_label(top, lang), t("export.col.note", lang)]
    rows: list[list[object]] = []
    is_city = data.area_code == data.city_code
    for topic, entries in data.topics.items():
        label = data.topic_labels.get(topic, {}).get(lang, topic)
        for e in entries:
            fmt = number_format(e.indicator.decimals)

            def cell(value: float | None, suppressed: bool, fmt: str = fmt) -> object:
                if suppressed:
                    return hidden
                return None if value is None else Num(value, fmt)

            note = []
            if e.suppressed or e.city_suppressed:
                note.append(t("export.suppressed_note", lang, n=data.min_count))
            if e.incomplete:
                note.append(t("export.partial", lang))
            if e.converted:
                note.append(t("export.converted", lang))
            rows.append([
                label, e.indicator.title(lang), e.indicator.unit,
                e.period,
                cell(e.value, e.suppressed), cell(e.city_value, e.city_suppressed),
                None if is_city else cell(e.deviation, False), "; ".join(note)])
    return Sheet(t("export.profile.title", lang, name=data.area_name), header, columns, rows,
                 [None] * 8, [28, 44, 22, 14, 14, 16, 16, 40])
