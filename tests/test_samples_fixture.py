"""The samples fixture skips visibly without ../shared/samples, and CI's switch makes that fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONFTEST = """
from tests.conftest import (  # noqa: F401
    pytest_configure, pytest_runtest_logreport, pytest_sessionfinish, samples_dir)
"""
TEST = """
import pytest

@pytest.mark.samples
def test_reads_samples(samples_dir):
    assert (samples_dir / "koeln").is_dir()
"""


def _run(tmp_path: Path, samples: Path, require: bool) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_x.py").write_text(TEST)
    env = {**os.environ, "COCKPIT_SAMPLES": str(samples), "PYTHONPATH": str(REPO)}
    env.pop("COCKPIT_REQUIRE_SAMPLES", None)
    if require:
        env["COCKPIT_REQUIRE_SAMPLES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:dash",
         str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_missing_samples_skip_with_visible_reason(tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path / "nowhere", require=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "../shared/samples fehlt (CI hat den Ordner immer)" in result.stdout


def test_missing_samples_fail_when_required(tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path / "nowhere", require=True)
    assert result.returncode == 1, result.stdout
    assert "../shared/samples fehlt" in result.stdout


def test_any_skipped_samples_test_fails_when_required(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    (samples / "koeln").mkdir(parents=True)
    (samples / "vg5000").mkdir()
    (tmp_path / "test_y.py").write_text(
        "import pytest\n\n@pytest.mark.samples\ndef test_other():\n    pytest.skip('anders')\n")
    result = _run(tmp_path, samples, require=True)
    assert result.returncode == 1, result.stdout
    assert "samples test(s) were skipped" in result.stdout
    assert "1 passed" in result.stdout
