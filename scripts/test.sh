#!/usr/bin/env bash
# Set up including the system packages the tests need, then run pytest from the
# repo root. Arguments go to pytest, e.g.
#   scripts/test.sh -m "not browser"      scripts/test.sh tests/test_offline_probe.py
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --test
exec .venv/bin/python -m pytest -q "$@"
