"""Set up the real examples as a user would and time each step, and the API at their scale.

For examples/koeln, examples/saarland and examples/deutschland: `cockpit init --territory`,
`cockpit load` (through the command line, into a fresh COCKPIT_HOME), then through the API
as a logged-in user the values of the lowest level for the latest period and that level's
boundaries (time and size). Needs ../shared/samples or $COCKPIT_SAMPLES.

Usage: COCKPIT_SAMPLES=../shared/samples python bench/bench_real_examples.py [names...]
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.examples import setup  # noqa: E402 - the tests' set-up, so both do the same

LOWEST = {"koeln": ("stadtteil", "einwohner"), "saarland": ("gemeinde", "einwohner"),
          "deutschland": ("gemeinde", "einwohner")}


def _timed(function, *args):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def bench(name: str, samples: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        steps: dict[str, float] = {}
        original = setup.Example.run

        def timed_run(self, *args, stdin=None):  # noqa: ANN001, ANN202
            start = time.perf_counter()
            try:
                return original(self, *args, stdin=stdin)
            finally:
                steps.setdefault(" ".join(args[:1]), time.perf_counter() - start)

        setup.Example.run = timed_run
        try:
            example = getattr(setup, name)(samples, home)
        finally:
            setup.Example.run = original
        client = setup.logged_in_client(example)
        level, indicator = LOWEST[name]
        rows, t_values = _timed(lambda: setup.values(client, indicator, level=level))
        answer, t_geo = _timed(lambda: client.get("/api/v1/areas/geojson",
                                                  query_string={"level": level}))
        body = answer.get_data()
        print(f"{name}: init --territory {steps.get('init', 0):.1f} s, "
              f"load {steps.get('load', 0):.1f} s; API values {level} (latest period, "
              f"{len(rows)} rows) {t_values:.2f} s; geojson {level} {t_geo:.2f} s, "
              f"{len(body) / 1e6:.2f} MB ({len(gzip.compress(body)) / 1e6:.2f} MB gzip)")


def main() -> None:
    samples = Path(os.environ.get("COCKPIT_SAMPLES") or ROOT.parent / "shared" / "samples")
    if not (samples / "vg5000").is_dir():
        sys.exit(f"{samples} fehlt: COCKPIT_SAMPLES setzen")
    for name in sys.argv[1:] or list(LOWEST):
        bench(name, samples.resolve())


if __name__ == "__main__":
    main()
