"""Upload folders: bound to their uploader, expiring, with safe file names."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cockpit.ingest.uploads import (
    UploadForeign,
    UploadMissing,
    Uploads,
    safe_file_name,
)
from cockpit.settings import load_settings


def test_only_the_uploader_gets_the_file(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path, max_age=3600)
    token = uploads.save("anna", "hze", "Lieferung 2025.csv", b"a;b\n")
    path = uploads.file(token, "anna")
    assert (path.name, path.read_bytes()) == ("Lieferung_2025.csv", b"a;b\n")
    with pytest.raises(UploadForeign, match="andere Person"):
        uploads.file(token, "bernd")


@pytest.mark.parametrize("token", [None, 1, ["x" * 32], "../../etc", "x" * 8, "a" * 40])
def test_unknown_or_malformed_tokens_are_missing(tmp_path: Path, token: object) -> None:
    with pytest.raises(UploadMissing):
        Uploads(tmp_path, max_age=3600).file(token, "anna")


def test_old_folders_expire(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path, max_age=3600)
    old = uploads.save("anna", "hze", "a.csv", b"1")
    record = tmp_path / old / "upload.json"
    record.write_text(json.dumps({**json.loads(record.read_text()),
                                  "created": time.time() - 7200}))
    legacy = tmp_path / "legacy-folder-without-record"  # as the old page left them
    legacy.mkdir()
    (legacy / "x.csv").write_bytes(b"1")
    os.utime(legacy, (time.time() - 7200, time.time() - 7200))
    young = uploads.save("anna", "hze", "b.csv", b"2")  # a new upload sweeps first
    assert sorted(p.name for p in tmp_path.iterdir()) == [young]
    with pytest.raises(UploadMissing, match="nicht mehr vorhanden"):
        uploads.file(old, "anna")
    assert uploads.expire(now=time.time() + 7200) == 1
    assert not any(tmp_path.iterdir())


def test_an_expired_folder_is_refused_before_the_sweep(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path, max_age=3600)
    token = uploads.save("anna", "hze", "a.csv", b"1")
    Uploads(tmp_path, max_age=3600).file(token, "anna")
    with pytest.raises(UploadMissing):
        Uploads(tmp_path, max_age=-1).file(token, "anna")


@pytest.mark.parametrize("name,safe", [("../../etc/passwd", "passwd"), ("", "lieferung.csv"),
                                       ("..", "lieferung.csv"), ("a b/ü.xlsx", "_.xlsx"),
                                       ("x" * 300 + ".csv", "x" * 100 + ".csv"),
                                       ("y" * 300, "y" * 111), ("._.", "lieferung.csv")])
def test_file_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_maximum_age_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COCKPIT_UPLOAD_MAX_AGE_HOURS", raising=False)
    assert load_settings(home=str(tmp_path)).upload_max_age == 24 * 3600
    assert load_settings(home=str(tmp_path), upload_max_age_hours="1.5").upload_max_age == 5400
    monkeypatch.setenv("COCKPIT_UPLOAD_MAX_AGE_HOURS", "2")
    assert load_settings(home=str(tmp_path)).upload_max_age == 7200
    for bad in ("0", "-1", "zwei", "nan"):
        with pytest.raises(ValueError, match="COCKPIT_UPLOAD_MAX_AGE_HOURS"):
            _ = load_settings(home=str(tmp_path), upload_max_age_hours=bad).upload_max_age
