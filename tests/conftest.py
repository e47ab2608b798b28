"""Shared fixtures: one demo installation per test session, built once; the real samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_MISSING = "../shared/samples fehlt (CI hat den Ordner immer)"
# CI sets this: a test that reads the real samples must run there, never skip.
REQUIRE_SAMPLES = "COCKPIT_REQUIRE_SAMPLES"
_skipped_samples: list[str] = []


def samples_path() -> Path:
    """Where the real official samples are: $COCKPIT_SAMPLES, else <repo>/../shared/samples."""
    configured = os.environ.get("COCKPIT_SAMPLES")
    if configured:
        return Path(configured).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "samples").resolve()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "samples: reads the real official data in ../shared/samples (CI has it)")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A samples test may skip for any reason (fixture, importorskip, module skip);
    # record them all so that CI can refuse every one, not only the fixture's skip.
    if report.skipped and "samples" in report.keywords:
        _skipped_samples.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get(REQUIRE_SAMPLES) != "1" or not _skipped_samples:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (f"{REQUIRE_SAMPLES}=1, but {len(_skipped_samples)} samples test(s) were skipped: "
               + ", ".join(_skipped_samples[:10]))
    if reporter is not None:
        reporter.write_line(message, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real samples folder; skips with a visible reason when it is absent.

    With COCKPIT_REQUIRE_SAMPLES=1 (CI) a missing folder is a failure instead.
    """
    path = samples_path()
    if (path / "koeln").is_dir() and (path / "vg5000").is_dir():
        return path
    if os.environ.get(REQUIRE_SAMPLES) == "1":
        pytest.fail(f"{SAMPLES_MISSING}: {path} (aber {REQUIRE_SAMPLES}=1)", pytrace=False)
    pytest.skip(f"{SAMPLES_MISSING}: {path}")


# The real examples, each built once per session through the command line (tests/examples
# and the browser screenshots share them; the Germany-wide one takes a minute or two).
@pytest.fixture(scope="session")
def koeln_example(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.examples.setup import koeln

    return koeln(samples_dir, tmp_path_factory.mktemp("koeln") / "home")


@pytest.fixture(scope="session")
def saarland_example(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.examples.setup import saarland

    return saarland(samples_dir, tmp_path_factory.mktemp("saarland") / "home")


@pytest.fixture(scope="session")
def deutschland_example(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.examples.setup import deutschland

    return deutschland(samples_dir, tmp_path_factory.mktemp("deutschland") / "home")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """A demo installation with a published Musterstadt store (read-only in tests)."""
    home = tmp_path_factory.mktemp("demo-home")
    inst = Installation(load_settings(home=str(home)))
    build_demo_store(inst.store, inst.catalog)
    return inst


@pytest.fixture
def fresh_home(tmp_path: Path) -> Installation:
    """An installation with an empty COCKPIT_HOME."""
    return Installation(load_settings(home=str(tmp_path / "home")))
