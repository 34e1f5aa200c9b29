#!/usr/bin/env bash
# Set up (quick when nothing changed) and start the dashboard on
# http://localhost:8501 . Extra arguments go to `streamlit run`, e.g.
#   scripts/run.sh --server.port 8600
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"   # .streamlit/config.toml is read from the working directory

bash scripts/setup.sh
# `streamlit run` puts dashboard/ (the script's folder) on sys.path, not the
# repo root; the app imports the geo package from there.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/streamlit run dashboard/app.py "$@"
