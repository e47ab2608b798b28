"""Kernaussagen: the editing page for controlling and admin only (on the server), checked
input, history, and the card on the comparison page made from what the viewer may see."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.formatting import format_number
from cockpit.app.key_statements import generated_statements
from cockpit.appdb.statements import list_statements, statement_history
from tests.app.conftest import ROLES, callback, login, render_page, response_text

EDITORS = ("admin", "controlling")
OTHERS = [role for role in ROLES if role not in EDITORS]
OUTPUTS = ["statements-generated.children", "statements-stored.children",
           "statements-preview.children", "statements-history.children",
           "statements-message.children", "statements-form-hint.children",
           "statements-text-de.value", "statements-text-en.value",
           "statements-published.value", "statements-editing.data",
           "statements-replacing.data"]
CHOICE = {"indicator": "sgb2_quote", "level": "subdistrict", "period": "2024"}
HIDDEN_INDICATOR = "hze_stationaer_je_1000_unter_21"  # has suppressed cells in 2024


def post(client, changed: str, *, save: Any = 0, new: Any = 0, edits: list | None = None,
         deletes: list | None = None, hides: list | None = None,
         replaces: list | None = None, text_de: Any = "", text_en: Any = "",
         published: Any = False, editing: Any = None, replacing: Any = None,
         **choice: Any):
    choice = {**CHOICE, **choice}
    return client.post("/_dash-update-component", json={
        "output": ".." + "...".join(OUTPUTS) + "..",
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                    for o in OUTPUTS],
        "inputs": [{"id": "statements-indicator", "property": "value",
                    "value": choice["indicator"]},
                   {"id": "statements-level", "property": "value", "value": choice["level"]},
                   {"id": "statements-period", "property": "value", "value": choice["period"]},
                   {"id": "statements-save", "property": "n_clicks", "value": save},
                   {"id": "statements-new", "property": "n_clicks", "value": new},
                   edits or [], deletes or [], hides or [], replaces or []],
        "state": [{"id": "statements-text-de", "property": "value", "value": text_de},
                  {"id": "statements-text-en", "property": "value", "value": text_en},
                  {"id": "statements-published", "property": "value", "value": published},
                  {"id": "statements-editing", "property": "data", "value": editing},
                  {"id": "statements-replacing", "property": "data", "value": replacing}],
        "changedPropIds": [changed],
    })


def save(client, **fields: Any):
    return post(client, "statements-save.n_clicks", save=1, **fields)


def button(kind: str, index: Any, clicks: Any = 1) -> tuple[str, list]:
    ident = {"index": index, "type": f"statements-{kind}"}
    changed = json.dumps(ident, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    return changed, [{"id": ident, "property": "n_clicks", "value": clicks}]


def caption(client, indicator: str = "sgb2_quote", period: str = "2024",
            level: str = "subdistrict") -> str:
    """The Kernaussagen card of the comparison page, as its callback sends it."""
    response = callback(client, "compare-statements.children", {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": level})
    assert response.status_code == 200, response_text(response)
    return json.dumps(response.json["response"]["compare-statements"]["children"],
                      ensure_ascii=False)


def stored(demo) -> list:
    with closing(demo.app_db()) as conn:
        return list_statements(conn)


@pytest.fixture(autouse=True)
def no_statements_left(demo):
    """Each test starts and ends without entries (the history stays, append-only)."""
    def clear() -> None:
        with closing(demo.app_db()) as conn, conn:
            conn.execute("DELETE FROM statements")
    clear()
    yield
    clear()


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


# --- permission -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_have_the_page_and_its_menu_entry(clients, role: str) -> None:
    page = response_text(render_page(clients[role], "/kernaussagen"))
    shell = response_text(clients[role].get("/_dash-layout"))
    if role in EDITORS:
        assert "statements-save" in page and "Erzeugte Aussagen" in page
        assert "Unter den 24 Gebieten mit Wert" in page  # the generated statements
        assert '"href": "/kernaussagen"' in shell
    else:
        assert "Kernaussagen pflegen nur Controlling und Administration." in page
        assert "statements-save" not in page and "Unter den" not in page
        assert '"href": "/kernaussagen"' not in shell


@pytest.mark.parametrize("role", OTHERS)
def test_every_callback_refuses_other_roles(clients, demo, role: str) -> None:
    client = clients[role]
    response = save(client, text_de="Eine Aussage.", published=True)
    assert response.status_code == 403
    for kind, index in (("hide", "trend"), ("replace", "extremes")):
        changed, buttons = button(kind, index)
        response = post(client, changed, **{f"{kind}s": buttons})
        assert response.status_code == 403
        assert "Musterstadt" not in response.get_data(as_text=True)
    response = post(client, "statements-period.value")
    assert response.status_code == 403 and "Gebieten" not in response.get_data(as_text=True)
    options = callback(client, ["statements-level.options", "statements-level.value",
                                "statements-period.options", "statements-period.value"],
                       {"statements-indicator.value": "sgb2_quote"},
                       {"statements-level.value": None, "statements-period.value": None})
    assert options.status_code == 403
    assert stored(demo) == []


def test_committee_cannot_delete_an_entry_of_controlling(clients, demo) -> None:
    assert "gespeichert" in response_text(save(clients["controlling"], text_de="Bleibt.",
                                               published=True))
    [entry] = stored(demo)
    for kind in ("edit", "delete"):
        changed, buttons = button(kind, entry.id)
        response = post(clients["committee"], changed, **{f"{kind}s": buttons})
        assert response.status_code == 403
    assert stored(demo) == [entry]


# --- adding, publishing, hiding, replacing ----------------------------------------------------


def test_add_publish_edit_delete_with_history(app_server, clients, demo) -> None:
    client = clients["controlling"]
    user = app_server.demo_passwords["controlling"][0]
    response = save(client, text_de="Die Quote im Hafen bleibt hoch.", published=False)
    assert "Kernaussage gespeichert." in response_text(response)
    [entry] = stored(demo)
    assert (entry.kind, entry.published, entry.created_by) == ("add", False, user)
    # A draft stays on the editing page.
    assert "Die Quote im Hafen bleibt hoch." not in caption(clients["committee"])

    changed, edits = button("edit", entry.id)
    response = post(client, changed, edits=edits)
    answer = response.json["response"]
    assert answer["statements-text-de"]["value"] == "Die Quote im Hafen bleibt hoch."
    assert answer["statements-editing"]["data"] == entry.id

    save(client, text_de="Die Quote im Hafen bleibt am höchsten.", text_en="Hafen stays top.",
         published=True, editing=entry.id)
    [after] = stored(demo)
    assert (after.id, after.published, after.text_en) == (entry.id, True, "Hafen stays top.")
    shown = caption(clients["committee"])
    assert "Die Quote im Hafen bleibt am höchsten." in shown
    assert f"✎ von Hand geschrieben: {user}" in shown  # marked as hand-written
    assert "Kernaussagen" in shown and "Unter den 24 Gebieten mit Wert" in shown

    changed, deletes = button("delete", entry.id)
    assert "Eintrag gelöscht" in response_text(post(client, changed, deletes=deletes))
    assert stored(demo) == []
    assert "Die Quote im Hafen" not in caption(clients["committee"])
    with closing(demo.app_db()) as conn:
        history = statement_history(conn, entry.id)
    assert [(h.action, h.user_name) for h in history] == [
        ("deleted", user), ("changed", user), ("created", user)]
    assert history[1].old["text_de"] == "Die Quote im Hafen bleibt hoch."
    assert history[1].new["text_de"] == "Die Quote im Hafen bleibt am höchsten."


def test_hide_and_replace_a_generated_statement(clients, demo, gate: Gate) -> None:
    client = clients["admin"]
    generated = {s.key: s.text for s in generated_statements(
        gate, Viewer("x", "committee"), "sgb2_quote", "subdistrict", "2024", "de")}
    assert generated["trend"] in caption(clients["committee"])

    changed, hides = button("hide", "trend")
    assert "ist ausgeblendet" in response_text(post(client, changed, hides=hides))
    assert generated["trend"] not in caption(clients["committee"])
    assert generated["extremes"] in caption(clients["committee"])

    changed, replaces = button("replace", "extremes")
    answer = post(client, changed, replaces=replaces).json["response"]
    assert answer["statements-text-de"]["value"] == generated["extremes"]  # to start from
    assert answer["statements-replacing"]["data"] == "extremes"
    save(client, text_de="Hafen liegt vorn, Sonnenhang hinten.", published=True,
         replacing="extremes")
    shown = caption(clients["committee"])
    assert "Hafen liegt vorn, Sonnenhang hinten." in shown
    assert generated["extremes"] not in shown
    kinds = sorted((s.kind, s.generated_key) for s in stored(demo))
    assert kinds == [("hide", "trend"), ("replace", "extremes")]
    # Another period keeps its generated statements.
    assert "Hafen liegt vorn" not in caption(clients["committee"], period="2023")


@pytest.mark.parametrize(("fields", "message"), [
    ({"indicator": "gibt_es_nicht"}, "Unbekannter Indikator „gibt_es_nicht“."),
    ({"level": "planet"}, "Unbekannte Gebietsebene „planet“ für diesen Indikator."),
    ({"period": "1850"}, "Für den Zeitraum „1850“ gibt es bei diesem Indikator keine Werte."),
    ({"text_de": ""}, "Bitte einen Text eingeben."),
    ({"text_de": "   "}, "Bitte einen Text eingeben."),
    ({"text_de": "x" * 700}, "Der Text ist zu lang (700 Zeichen); erlaubt sind höchstens 600."),
    ({"text_de": "ok", "text_en": "y" * 601},
     "Der Text ist zu lang (601 Zeichen); erlaubt sind höchstens 600."),
    ({"text_de": "a\x07b"}, "Der Text enthält unzulässige Steuerzeichen."),
    ({"text_de": "ok", "replacing": "wetter"}, "Unbekannte erzeugte Aussage „wetter“."),
    ({"text_de": "ok", "editing": 987654}, "Unbekannte Kernaussage"),
])
def test_bad_input_gets_a_german_message_and_changes_nothing(clients, demo, fields: dict,
                                                             message: str) -> None:
    response = save(clients["controlling"], published=True, **fields)
    assert response.status_code == 200
    assert message in response_text(response)
    assert stored(demo) == []


@pytest.mark.parametrize("field", ["text_de", "text_en"])
def test_a_text_citing_a_hidden_count_is_refused_and_not_stored(clients, demo, gate: Gate,
                                                                field: str) -> None:
    shown = gate.values(Viewer("c", "controlling"), HIDDEN_INDICATOR, level="subdistrict",
                        period="2024")
    raw = gate.values(Viewer("c", "controlling", raw=True), HIDDEN_INDICATOR,
                      level="subdistrict", period="2024")
    code = shown.loc[shown["suppressed"], "area_code"].iloc[0]
    row = raw[raw["area_code"] == code].iloc[0]
    text = f"In {row.area_name} gab es {int(row.numerator)} Fälle."
    fields = {"text_de": "Ein harmloser Satz.", field: text}
    response = save(clients["controlling"], indicator=HIDDEN_INDICATOR, published=True,
                    **fields)
    assert response.status_code == 200
    assert (f"Der Text nennt {int(row.numerator)} für {row.area_name} – dieser Wert ist "
            "geheim gehalten") in response_text(response)
    assert stored(demo) == []
    # The same sentence without the number is saved.
    ok = save(clients["controlling"], indicator=HIDDEN_INDICATOR, published=True,
              text_de=f"In {row.area_name} gab es wenige Fälle.")
    assert "statements-error" not in response_text(ok)
    assert len(stored(demo)) == 1


def test_a_restricted_indicator_is_unknown_to_whom_may_not_see_it(clients, demo) -> None:
    """Committee may not see HzE; controlling's own check refuses unknown ids the same way."""
    response = save(clients["controlling"], indicator="hze_je_1000_unter_21' OR 1=1 --",
                    text_de="x")
    assert "Unbekannter Indikator" in response_text(response)
    assert stored(demo) == []
    assert caption(clients["committee"], indicator="hze_je_1000_unter_21") == "null"


def test_oversized_input_is_refused_before_the_callback(clients, demo) -> None:
    response = save(clients["controlling"], text_de="x" * 5000)
    assert response.status_code == 400 and stored(demo) == []


# --- what the statements may say --------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "leadership"])
def test_the_card_cites_no_suppressed_value(clients, demo, role: str) -> None:
    """Admin may switch suppression off on the page; the statements never are."""
    leadership = Viewer("x", "leadership")
    rows = Gate(demo).rows(leadership, HIDDEN_INDICATOR, level="subdistrict", period="2024")
    hidden = [r for r in rows if r.suppressed]
    assert hidden
    secrets = {r.area_code: r.value for r in Gate(demo).rows(
        Viewer("a", "admin", raw=True), HIDDEN_INDICATOR, level="subdistrict", period="2024")}
    statements = caption(clients[role], HIDDEN_INDICATOR)
    shown = len(rows) - len(hidden)
    assert f"Unter den {shown} Gebieten mit Wert" in statements
    assert f"{len(hidden)} Gebiete sind ohne Wert" in statements
    for row in hidden:
        assert row.area_name not in statements
        assert format_number(secrets[row.area_code], 1) not in statements


def test_the_first_drawing_holds_the_card(clients) -> None:
    page = response_text(render_page(clients["committee"], "/vergleich",
                                     "?indicator=sgb2_quote&level=subdistrict&period=2024"))
    assert "compare-statements" in page and "Unter den 24 Gebieten mit Wert" in page


def test_a_district_user_gets_statements_about_own_areas_only(clients, gate: Gate) -> None:
    district = Viewer("d", "district", area_code="01")
    own = {r.area_name for r in gate.rows(district, "hze_je_1000_unter_21",
                                          level="subdistrict", period="2024")}
    everyone = {r.area_name for r in gate.rows(Viewer("c", "controlling"),
                                               "hze_je_1000_unter_21", level="subdistrict",
                                               period="2024")}
    assert own < everyone
    statements = caption(clients["district"], "hze_je_1000_unter_21")
    assert f"Unter den {len(own)} Gebieten mit Wert" in statements
    for name in everyone - own:
        assert name not in statements
    assert "Musterstadt" not in statements  # the city's restricted value is not theirs


def test_statements_in_english(demo, gate: Gate) -> None:
    english = generated_statements(gate, Viewer("x", "committee"), "sgb2_quote", "subdistrict",
                                   "2024", "en")
    assert english[0].text.startswith("Among the 24 areas with a value, ")
    assert all("Gebiet" not in s.text for s in english)


def test_the_card_in_the_english_interface(app_server, clients) -> None:
    save(clients["controlling"], text_de="Nur deutsch.", published=True)
    save(clients["controlling"], text_de="Auch englisch.", text_en="Also in English.",
         published=True)
    client = app_server.test_client()
    assert login(client, *app_server.demo_passwords["committee"]).status_code == 302
    client.get("/lang/en")
    card = caption(client)
    assert "Key statements" in card and "Among the 24 areas with a value, " in card
    assert "Also in English." in card and "Auch englisch." not in card
    assert "Nur deutsch." in card  # no English text written: the German one
    assert "✎ written by hand: demo-controlling" in card
