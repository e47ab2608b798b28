"""A corpus of broken deliveries: each is rejected (exit 2) with a German message
naming the problem and its row, and the published data stay byte-identical."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum

HEAD = "area_code;period;category;value\n"
OK = "0101;2024;ambulant;5\n"


def _bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


CORPUS: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", "leer"),
    "header only": (_bytes(HEAD), "nur die Kopfzeile"),
    "tab delimiter": (_bytes(HEAD.replace(";", "\t") + OK.replace(";", "\t")), "Trennzeichen"),
    "mixed encodings": (_bytes(HEAD + OK) + "0102;2024;ambulant;5 Fälle\n".encode("cp1252"),
                        "Zeile 3"),
    "BOM in the middle": (_bytes(HEAD + OK) + b"\xef\xbb\xbf0102;2024;ambulant;5\n", "Zeile 3"),
    "truncated row": (_bytes(HEAD + OK + "0102;2024;ambulant\n"), "Zeile 3"),
    "extra fields in a row": (_bytes(HEAD + OK + "0102;2024;ambulant;5;9\n"), "Zeile 3"),
    "missing key column": (_bytes("area_code;category;value\n0101;ambulant;5\n"), "period"),
    "unknown district": (_bytes(HEAD + "9999;2024;ambulant;5\n"), "Zeile 2"),
    "leading zero lost": (_bytes(HEAD + "101;2024;ambulant;5\n"), "0101"),
    "negative count": (_bytes(HEAD + "0101;2024;ambulant;-5\n"), "negativ"),
    "text in number column": (_bytes(HEAD + "0101;2024;ambulant;fünf\n"), "keine Zahl"),
    "NaN": (_bytes(HEAD + "0101;2024;ambulant;NaN\n"), "Zeile 2"),
    "inf": (_bytes(HEAD + "0101;2024;ambulant;inf\n"), "Zeile 2"),
    "1e308": (_bytes(HEAD + "0101;2024;ambulant;1e308\n"), "Zeile 2"),
    "fraction for a count": (_bytes(HEAD + "0101;2024;ambulant;2,5\n"), "Zeile 2"),
    "duplicated rows": (_bytes(HEAD + OK + OK), "Zeile 3"),
    "=HYPERLINK": (_bytes(HEAD + '0101;2024;ambulant;=HYPERLINK("http://x")\n'), "Formel"),
    "+cmd": (_bytes(HEAD + "0101;2024;ambulant;+cmd\n"), "Formel"),
    "@SUM": (_bytes(HEAD + "0101;2024;ambulant;@SUM(A1)\n"), "Formel"),
    "formula in area code": (_bytes(HEAD + "=1+1;2024;ambulant;5\n"), "Formel"),
    "period 2024-13": (_bytes(HEAD + "0101;2024-13;ambulant;5\n"), "Zeile 2"),
    "period out of range": (_bytes(HEAD + "0101;1850;ambulant;5\n"), "Zeile 2"),
    "unknown category": (_bytes(HEAD + "0101;2024;heimlich;5\n"), "Zeile 2"),
    "empty value": (_bytes(HEAD + "0101;2024;ambulant;\n"), "Zeile 2"),
    "binary junk": (b"\x00\x01\x02\x03" * 100, "Datei"),
    "zip renamed to .csv": (None, "Datei"),  # written below
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus-home")
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


def _state(home: Path) -> tuple[str, str | None]:
    inst = Installation(load_settings(home=str(home)))
    try:
        return data_checksum(inst.store.read()), inst.store.current_version()
    finally:
        inst.store.close()


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_broken_delivery_is_rejected_and_changes_nothing(
    home: Path, tmp_path: Path, kind: str
) -> None:
    content, expected = CORPUS[kind]
    source = tmp_path / "lieferung.csv"
    if content is None:
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    else:
        source.write_bytes(content)
    before = _state(home)
    result = CliRunner().invoke(cli, ["--home", str(home), "load", str(source),
                                      "--dataset", "hze", "--yes"])
    assert result.exit_code == 2, result.output
    assert expected.lower() in result.output.lower(), result.output
    assert "unverändert" in result.output
    assert _state(home) == before


def test_a_50_mb_line_without_newline_is_rejected_quickly(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "endlos.csv"
    with open(source, "wb") as fh:
        fh.write(HEAD.encode())
        chunk = b"9" * (1 << 20)
        for _ in range(50):
            fh.write(chunk)
    before = _state(home)
    result = CliRunner().invoke(cli, ["--home", str(home), "load", str(source),
                                      "--dataset", "hze"])
    assert result.exit_code == 2
    assert "Zeile 2" in result.output
    assert _state(home) == before


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) + 1 >= 25
