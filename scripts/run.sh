#!/usr/bin/env bash
# Set up (quick when nothing changed) and start the dashboard on
# http://localhost:8501 . Extra arguments go to `streamlit run`, e.g.
#   scripts/run.sh --server.port 8600
# QY_SKIP_SETUP=1 starts it without running scripts/setup.sh first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"   # .streamlit/config.toml is read from the working directory

[ "${QY_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
# `streamlit run` puts dashboard/ (the script's folder) on sys.path, not the
# repo root; the app imports the geo package from there.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Options that come from the settings (geo/settings.py), e.g. the upload limit
# --server.maxUploadSize = QY_IMPORT_MAX_MB: the config file above cannot read them.
read -r -a FROM_SETTINGS <<<"$(.venv/bin/python -m geo.settings)"
exec .venv/bin/streamlit run dashboard/app.py "${FROM_SETTINGS[@]}" "$@"
