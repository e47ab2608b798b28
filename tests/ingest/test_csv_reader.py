"""Reading CSV deliveries: detection of encoding, delimiter and decimal; structural problems."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from cockpit.ingest.csv_reader import Delivery, read_csv_delivery

BOM = b"\xef\xbb\xbf"
HEADER = "area_code;period;category;value;bemerkung\n"


def read(tmp_path: Path, content: bytes, **kwargs: int) -> Delivery:
    path = tmp_path / "lieferung.csv"
    path.write_bytes(content)
    return read_csv_delivery(path, **kwargs)


def only_problem(delivery: Delivery) -> tuple[int | None, str]:
    assert len(delivery.problems) == 1, delivery.problems
    problem = delivery.problems[0]
    assert problem.severity == "error"
    return problem.line, problem.message


@pytest.mark.parametrize(("codec", "bom", "encoding"), [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", BOM, "UTF-8 mit BOM"),
    ("cp1252", b"", "Windows-1252"),
])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_detects_encoding_and_delimiter(tmp_path: Path, codec: str, bom: bytes, encoding: str,
                                        delimiter: str) -> None:
    text = HEADER + "0101;2023;ambulant;12;Süßwaren\n"
    delivery = read(tmp_path, bom + text.replace(";", delimiter).encode(codec))
    assert delivery.problems == []
    assert delivery.detected["encoding"] == encoding
    assert delivery.detected["delimiter"] == delimiter
    assert delivery.header == ["area_code", "period", "category", "value", "bemerkung"]
    assert delivery.rows == [(2, ["0101", "2023", "ambulant", "12", "Süßwaren"])]


@pytest.mark.parametrize(("delimiter", "values", "decimal"), [
    (";", ["1.234,5", "7"], ","),
    (";", ["12,5"], ","),
    (";", ["0,125"], ","),
    (";", ["1.234.567"], ","),
    (";", ["1,234.5"], "."),
    (";", ["12.5", "3.75"], "."),
    (";", ["1.234"], ","),  # ambiguous: German offices writing ';' mean thousands
    (",", ["1,234"], "."),  # ambiguous: ',' files come from English-style tools
    (",", ["12,5", "3,75"], ","),
    (";", ["12", "7"], ","),
])
def test_detects_decimal_separator(tmp_path: Path, delimiter: str, values: list[str],
                                   decimal: str) -> None:
    lines = ["area_code;value", *(f'0101;"{v}"' for v in values)]
    delivery = read(tmp_path, "\n".join(lines).replace(";", delimiter).encode())
    assert delivery.problems == []
    assert delivery.detected["decimal"] == decimal


def test_strips_whitespace_skips_empty_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    content = (b"  Area_Code ; period;category;value;bemerkung\r\n\r\n"
               b" 0101 ; 2023 ;ambulant; 12 ;\r\n   \r\n;;;;\r\n"
               b'0102;2023;stationaer;3;"Text; mit Trennzeichen"\r\n')
    delivery = read(tmp_path, content)
    assert delivery.problems == []
    assert delivery.header[0] == "Area_Code"
    assert delivery.rows == [
        (3, ["0101", "2023", "ambulant", "12", ""]),
        (6, ["0102", "2023", "stationaer", "3", "Text; mit Trennzeichen"]),
    ]


def test_empty_trailing_cells_from_spreadsheets_are_tolerated(tmp_path: Path) -> None:
    delivery = read(tmp_path, b"area_code;value\n0101;1;;\n")
    assert delivery.problems == []
    assert delivery.rows == [(2, ["0101", "1"])]


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", BOM])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert only_problem(read(tmp_path, content)) == (None, "Datei ist leer")


def test_header_only(tmp_path: Path) -> None:
    line, message = only_problem(read(tmp_path, HEADER.encode() + b"\n;;;;\n"))
    assert line == 1
    assert message == "Datei enthält nur die Kopfzeile, keine Datenzeilen"


def test_tab_delimiter_is_not_recognised(tmp_path: Path) -> None:
    content = HEADER.replace(";", "\t") + "0101\t2023\tambulant\t12\t\n"
    delivery = read(tmp_path, content.encode())
    line, message = only_problem(delivery)
    assert line == 1
    assert message.startswith("Trennzeichen nicht erkannt – gefunden: Tabulator")
    assert delivery.rows == []


def test_mixed_encodings_name_the_odd_line(tmp_path: Path) -> None:
    content = (HEADER.encode() + "0101;2023;ambulant;12;Nord-Süd\n".encode()
               + "0102;2023;ambulant;3;Süd\n".encode("cp1252")
               + "0102;2024;ambulant;4;Müllerstraße\n".encode())
    delivery = read(tmp_path, content)
    line, message = only_problem(delivery)
    assert line == 3
    assert message.startswith("Kodierung gemischt: diese Zeile ist nicht UTF-8")
    assert "Zeile 2" in message
    # The odd line is still read with its own encoding, for the other checks.
    assert delivery.rows[1] == (3, ["0102", "2023", "ambulant", "3", "Süd"])


def test_mixed_encodings_mostly_windows_1252(tmp_path: Path) -> None:
    content = (HEADER.encode() + "0101;2023;ambulant;12;Süd\n".encode("cp1252")
               + "0102;2023;ambulant;3;Süd\n".encode("cp1252")
               + "0102;2024;ambulant;4;Süd\n".encode())
    delivery = read(tmp_path, content)
    assert delivery.detected["encoding"] == "Windows-1252"
    line, message = only_problem(delivery)
    assert line == 4
    assert message.startswith("Kodierung gemischt: diese Zeile ist UTF-8")


def test_bom_in_the_middle(tmp_path: Path) -> None:
    first = BOM + HEADER.encode() + b"0101;2023;ambulant;12;\n"
    second = BOM + b"0102;2023;ambulant;3;\n"
    delivery = read(tmp_path, first + second)
    line, message = only_problem(delivery)
    assert line == 3
    assert message.startswith("Byte-Order-Mark (BOM) mitten in der Datei")
    assert delivery.rows[1] == (3, ["0102", "2023", "ambulant", "3", ""])


def test_truncated_row(tmp_path: Path) -> None:
    delivery = read(tmp_path, (HEADER + "0101;2023;ambulant;12;\n0102;20").encode())
    line, message = only_problem(delivery)
    assert line == 3
    assert message.startswith("2 statt 5 Felder wie in der Kopfzeile – Zeile unvollständig")
    assert [number for number, _ in delivery.rows] == [2]


def test_extra_columns_in_one_row(tmp_path: Path) -> None:
    content = HEADER + "0101;2023;ambulant;12;;\n0102;2023;ambulant;3;x;99\n"
    line, message = only_problem(read(tmp_path, content.encode()))
    assert line == 3
    assert message.startswith("6 statt 5 Felder wie in der Kopfzeile – zu viele Spalten")


def test_unclosed_quote(tmp_path: Path) -> None:
    content = HEADER + '0101;2023;ambulant;12;"offen\n0102;2023;ambulant;3;\n'
    delivery = read(tmp_path, content.encode())
    line, message = only_problem(delivery)
    assert line == 2
    assert message.startswith("Anführungszeichen fehlerhaft")
    assert [number for number, _ in delivery.rows] == [3]


def test_zip_renamed_to_csv(tmp_path: Path) -> None:
    line, message = only_problem(read(tmp_path, b"PK\x03\x04\x14\x00\x06\x00rest"))
    assert line is None
    assert message.startswith("Datei ist ein ZIP-Archiv")


def test_utf16_export(tmp_path: Path) -> None:
    _, message = only_problem(read(tmp_path, HEADER.encode("utf-16")))
    assert message.startswith("Datei ist UTF-16-kodiert")


def test_binary_content(tmp_path: Path) -> None:
    line, message = only_problem(read(tmp_path, HEADER.encode() + b"01\x00\x00\x00;2023\n"))
    assert line == 2
    assert message.startswith("Datei enthält Binärdaten")


def test_line_over_the_limit(tmp_path: Path) -> None:
    delivery = read(tmp_path, HEADER.encode() + b"0101;2023;ambulant;" + b"9" * 200 + b"\n",
                    max_line_bytes=100)
    line, message = only_problem(delivery)
    assert line == 2
    assert message.startswith("Zeile ist länger als 100 Bytes")


def test_50_mb_line_without_newline_is_refused_without_loading_it(tmp_path: Path) -> None:
    path = tmp_path / "riesig.csv"
    chunk = b"1234567890" * 100_000  # 1 MB
    with open(path, "wb") as fh:
        fh.write(HEADER.encode())
        for _ in range(50):
            fh.write(chunk)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        delivery = read_csv_delivery(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    line, message = only_problem(delivery)
    assert line == 2
    assert message.startswith("Zeile ist länger als 1.000.000 Bytes")
    assert elapsed < 5
    assert peak < 10 * 1024 * 1024, f"peak {peak} bytes: the line was loaded whole"
