#!/usr/bin/env bash
# Set up everything the dashboard needs; safe to re-run (about a second when
# nothing changed).
#
#   scripts/setup.sh          .venv + Python packages + Leaflet assets
#                             (+ CJK fonts fonts-wqy-microhei, embedded in the PDF
#                             briefing, and fonts-noto-cjk: installed when root,
#                             a warning otherwise)
#   scripts/setup.sh --test   the same, and also chromium, the CJK fonts and
#                             poppler-utils for the tests (exit 1 if missing), and what
#                             --postgis does: the tests run the store contract and the
#                             page tests on PostGIS too
#   scripts/setup.sh --postgis
#                             the same as no option, then start the project's local
#                             PostgreSQL + PostGIS server (scripts/postgis.sh start: installs
#                             Debian's packages when root) and print the store URL;
#                             stop it with scripts/postgis.sh stop
#
# Environment: PYTHON=/path/to/python3.11+ to pick the interpreter for a new
# .venv (default: python3 on PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"
STAMP="$VENV/.setup-stamp"
RUNTIME_PKGS=(fonts-noto-cjk fonts-wqy-microhei)
TEST_PKGS=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

pkg_installed() {
  # Debian status when dpkg exists; otherwise look for what the package provides.
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
    return
  fi
  case "$1" in
    chromium) [ -x /usr/bin/chromium ] ;;
    poppler-utils) command -v pdftoppm >/dev/null 2>&1 ;;
    fonts-noto-cjk) fc-list ':lang=zh' 2>/dev/null | grep -qi 'Noto Sans CJK' ;;
    fonts-wqy-microhei) [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] ;;
    *) return 1 ;;
  esac
}

ensure_system_pkgs() {
  # ensure_system_pkgs strict|warn WHY PKG... : apt-get install when root, else tell.
  local mode=$1 why=$2 p missing=()
  shift 2
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages ${why}: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    return 0
  fi
  local cmd="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$mode" = strict ]; then
    die "missing system packages needed ${why}: ${missing[*]}
       Run (or ask an administrator to run):
         $cmd
       then re-run this script."
  fi
  say "WARNING: missing ${missing[*]} (needed ${why}). To install: $cmd"
}

make_venv() {
  command -v "$PYTHON" >/dev/null 2>&1 ||
    die "$PYTHON not found; install Python >= 3.11 or set PYTHON=/path/to/python3.11"
  py_ok "$PYTHON" ||
    die "need Python >= 3.11, $PYTHON is $("$PYTHON" -V 2>&1); set PYTHON=/path/to/python3.11"
  say "creating .venv with $("$PYTHON" -V 2>&1) ($(command -v "$PYTHON"))"
  "$PYTHON" -m venv "$VENV" && return 0
  rm -rf "$VENV"   # venv leaves a half-made folder behind when ensurepip is missing
  local prefix
  prefix="$("$PYTHON" -c 'import sys; print(sys.base_prefix)')"
  if [ "$prefix" = /usr ] && is_root && command -v apt-get >/dev/null 2>&1; then
    say "python3 -m venv failed: installing Debian's python3-venv"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv
    "$PYTHON" -m venv "$VENV" && return 0
    rm -rf "$VENV"
  fi
  die "'$PYTHON -m venv .venv' failed. On Debian/Ubuntu run:
         sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-venv
       then re-run this script."
}

requirements_hash() {
  "$VPY" - <<'PY'
import hashlib, pathlib, sys
digest = hashlib.sha256(sys.version.encode())
for name in ("requirements.txt", "requirements-assets.txt"):
    digest.update(pathlib.Path(name).read_bytes())
print(digest.hexdigest())
PY
}

install_python_pkgs() {
  local want
  want="$(requirements_hash)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    say "Python packages up to date (requirements unchanged)"
    return 0
  fi
  rm -f "$STAMP"
  say "installing requirements.txt into .venv"
  "$VPY" -m pip install --disable-pip-version-check -q -r requirements.txt
  say "installing requirements-assets.txt (--no-deps)"
  "$VPY" -m pip install --disable-pip-version-check -q --no-deps -r requirements-assets.txt
  printf '%s\n' "$want" >"$STAMP"
}

main() {
  local with_tests=0 with_postgis=0
  case "${1:-}" in
    "") ;;
    --test) with_tests=1; with_postgis=1 ;;
    --postgis) with_postgis=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (usage: scripts/setup.sh [--test|--postgis])" ;;
  esac

  if [ "$with_tests" = 1 ]; then
    ensure_system_pkgs strict "for the tests (browser, CJK fonts, PDF checks)" "${TEST_PKGS[@]}"
  else
    ensure_system_pkgs warn "for Chinese text in the PDF briefing" "${RUNTIME_PKGS[@]}"
  fi

  if [ -e "$VENV" ] && ! py_ok "$VPY"; then
    die ".venv exists but its python is missing, broken or older than 3.11.
       Remove it (rm -rf .venv) and re-run this script."
  fi
  [ -e "$VENV" ] || make_venv
  install_python_pkgs
  "$VPY" -m dashboard.assets
  if [ "$with_postgis" = 1 ]; then
    bash "$ROOT/scripts/postgis.sh" start
  fi
  say "ready in ${SECONDS}s"
}

main "$@"
