"""The profile, time series and comparison pages link to the exports of what they show."""

from __future__ import annotations

import re

from tests.app.conftest import render_page, response_text


def _hrefs(client, path: str, search: str = "") -> list[str]:
    response = render_page(client, path, search)
    assert response.status_code == 200
    return re.findall(r'"href":\s*"([^"]*/export/[^"]*)"', response_text(response))


def test_profile_links_pdf_csv_and_xlsx_of_its_area(clients) -> None:
    hrefs = _hrefs(clients["leadership"], "/profil", "?area=0101")
    assert {"/export/profile/0101.pdf", "/export/profile/0101.csv",
            "/export/profile/0101.xlsx"} <= set(hrefs)
    for href in hrefs[:3]:
        assert clients["leadership"].get(href).status_code == 200


def test_timeseries_links_every_period_of_the_chosen_areas(clients) -> None:
    hrefs = _hrefs(clients["leadership"], "/zeitreihe",
                   "?indicator=einwohner&areas=00,01")
    assert "/export/indicators/einwohner.csv?period=all&areas=00%2C01" in hrefs
    assert "/export/indicators/einwohner.xlsx?period=all&areas=00%2C01" in hrefs
    response = clients["leadership"].get(hrefs[0])
    lines = response.data.decode("utf-8-sig").splitlines()[1:]
    assert {line.split(";")[0] for line in lines} == {"00", "01"}
    assert len(lines) > 2  # several periods


def test_compare_links_the_level_and_period_shown(clients) -> None:
    hrefs = _hrefs(clients["committee"], "/vergleich",
                   "?indicator=einwohner&level=district&period=2024")
    assert "/export/indicators/einwohner.csv?level=district&period=2024" in hrefs
    assert "/export/indicators/einwohner.xlsx?level=district&period=2024" in hrefs
    assert clients["committee"].get(hrefs[0]).status_code == 200
