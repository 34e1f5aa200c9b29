#!/usr/bin/env bash
# Set up including the system packages the tests need and the project's PostGIS server,
# check the code with ruff and mypy (any finding stops here; settings in pyproject.toml),
# then run pytest from the repo root. With no arguments: the whole suite (the store
# contract on both backends), then the tests that read and write stores (page tests,
# writes, command line, migrate) again with every scratch store on PostGIS
# (QY_TEST_BACKEND=postgis), both on QY_TEST_WORKERS processes (see below). Arguments go to pytest and run once, e.g.
#   scripts/test.sh -m "not browser"      scripts/test.sh tests/test_offline_probe.py
#   QY_TEST_BACKEND=postgis scripts/test.sh tests/dashboard/test_page_data.py
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --test
echo "ruff: geo dashboard tests benchmarks docs"
.venv/bin/ruff check geo dashboard tests benchmarks docs
echo "mypy: geo dashboard"
.venv/bin/mypy
if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest -q "$@"
fi
# Both passes run on QY_TEST_WORKERS processes (default 2, the CI machine's cores; 0: one process),
# each test file on one of them (--dist loadfile: a file's servers and fixtures start once).
WORKERS="${QY_TEST_WORKERS:-2}"
PARALLEL=()
if [ "$WORKERS" != "0" ]; then PARALLEL=(-n "$WORKERS" --dist loadfile); fi
status=0
.venv/bin/python -m pytest -q "${PARALLEL[@]}" || status=$?
printf '\ntest: the store-backed tests again, every store on PostGIS (QY_TEST_BACKEND=postgis)\n'
QY_TEST_BACKEND=postgis .venv/bin/python -m pytest -q "${PARALLEL[@]}" -m "not browser and not gpkg_only" \
  tests/dashboard tests/geo/cli tests/geo/test_writes.py tests/geo/test_writes_schedule.py tests/geo/test_audit.py tests/geo/test_auth.py \
  tests/geo/store/test_migrate.py || status=$?
exit "$status"
