#!/bin/sh
# Apache Superset 6.1 as the peer of bench/bench_superset.py (issue 9), reproducibly:
# its own venv OUTSIDE the repository (never a dependency of the cockpit), then the
# bench home with SQLite metadata, the data of bench/scale_city.py (540 and 11,000
# areas), a dataset, a bar chart and a dashboard per territory.
# Usage: bench/superset_setup.sh [VENV=/work/superset-venv] [HOME=/tmp/s-peer-superset]
# Run from the cockpit's venv (it builds the data with the cockpit's generator).
set -eu
VENV=${1:-/work/superset-venv}
HOME_DIR=${2:-/tmp/s-peer-superset}
HERE=$(dirname "$0")
if [ ! -x "$VENV/bin/superset" ]; then
    python3.11 -m venv "$VENV"
    # rich, cachetools and this flask-caching are needed by 6.1 but not pulled in by it.
    "$VENV/bin/pip" install -q 'apache-superset==6.1.*' rich cachetools \
        'flask-caching==2.3.1' gunicorn
fi
python "$HERE/bench_superset.py" --setup --superset-venv "$VENV" --superset-home "$HOME_DIR"
