#!/usr/bin/env bash
# Set up (quick when nothing changed) and start the dashboard on
# http://localhost:8501 . Extra arguments go to `streamlit run`, e.g.
#   scripts/run.sh --server.port 8600
# QY_SKIP_SETUP=1 starts it without running scripts/setup.sh first.
# Once the server answers, a background warm-up opens its pages once (dashboard/warmup.py), so the
# first visitor does not wait for the imports and today's figures; QY_WARMUP=0 turns it off.
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
if [ "${QY_WARMUP:-1}" != 0 ]; then
  .venv/bin/python -m dashboard.warmup "$@" &
fi
exec .venv/bin/streamlit run dashboard/app.py "${FROM_SETTINGS[@]}" "$@"
