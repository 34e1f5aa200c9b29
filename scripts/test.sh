#!/usr/bin/env bash
# Set up including the system packages the tests need, check the code with ruff and mypy
# (any finding stops here), then run pytest from the repo root. Arguments go to pytest, e.g.
#   scripts/test.sh -m "not browser"      scripts/test.sh tests/test_offline_probe.py
# Settings of both checkers: pyproject.toml.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --test
echo "ruff: geo dashboard tests benchmarks docs"
.venv/bin/ruff check geo dashboard tests benchmarks docs
echo "mypy: geo dashboard"
.venv/bin/mypy
exec .venv/bin/python -m pytest -q "$@"
