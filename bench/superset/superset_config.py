"""Superset 6.1 configuration for the peer benchmark (bench/bench_superset.py, issue 9).

Read by Superset through SUPERSET_CONFIG_PATH. Everything lives below
SUPERSET_BENCH_HOME: the SQLite metadata database, the secret key written by
the setup, and (with SUPERSET_BENCH_CACHE=1) the file-system data cache that
both gunicorn workers share. SUPERSET_BENCH_CACHE=0 runs without a data cache
(NullCache), so every chart data request runs its SQL ("uncached / cold").
"""

import os
from pathlib import Path

_HOME = Path(os.environ["SUPERSET_BENCH_HOME"])

SECRET_KEY = (_HOME / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"
# The benchmark's data lives in a SQLite file as well; Superset refuses SQLite
# databases unless this is off.
PREVENT_UNSAFE_DB_CONNECTIONS = False
# A loopback benchmark: no login rate limit (the setup logs in many times) and no
# example data.
RATELIMIT_ENABLED = False
AUTH_RATE_LIMITED = False
# As many rows as the largest territory has areas (the default limit is 10,000).
ROW_LIMIT = 50_000
SQL_MAX_ROW = 100_000

if os.environ.get("SUPERSET_BENCH_CACHE", "0") == "1":
    # FileSystemCache, because SimpleCache is per process and the 2 workers would
    # each need their own first request.
    DATA_CACHE_CONFIG = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(_HOME / "data-cache"),
        "CACHE_DEFAULT_TIMEOUT": 86_400,
        "CACHE_THRESHOLD": 0,
    }
else:
    DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
