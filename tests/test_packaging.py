"""An installed (non-editable) copy must carry queries/, data/ and assets/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_bundled_folders(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("cockpit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in ("queries", "data", "assets"):
        expected = {
            f"cockpit/_bundled/{p.relative_to(ROOT / source).as_posix()}"
            .replace("cockpit/_bundled/", f"cockpit/_bundled/{source}/", 1)
            for p in (ROOT / source).rglob("*") if p.is_file()
        }
        assert expected and expected <= names, expected - names
    assert "cockpit/cli/main.py" in names
