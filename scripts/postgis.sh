#!/usr/bin/env bash
# A PostgreSQL + PostGIS server for this project on a local port (for the PostGIS store
# backend, its tests and benchmarks). Nothing is downloaded but Debian packages.
#
#   scripts/postgis.sh start    install postgresql + postgis when root (else print the apt line),
#                               create the project's cluster on first use, start it (unless a
#                               server already answers on the port: then that one is used), create
#                               the database with the postgis extension, print the store URL
#   scripts/postgis.sh stop     stop the project's cluster (its data stay)
#   scripts/postgis.sh url      print the store URL (for QY_STORE)
#   scripts/postgis.sh status   say whether it runs (or another checkout's server answers on the port)
#
# Environment: QY_PGDATA (cluster folder, default .pgdata/ in the repo, git-ignored),
# QY_PGPORT (default 54329), QY_PGDATABASE (default qingyang).
# The server listens on 127.0.0.1 and a socket in the cluster folder only, and trusts
# local connections: it is a development and test server. A deployment points QY_STORE
# at its own managed PostgreSQL instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGDATA="${QY_PGDATA:-$ROOT/.pgdata}"
PORT="${QY_PGPORT:-54329}"
DB="${QY_PGDATABASE:-qingyang}"
PKGS=(postgresql postgresql-postgis)

say() { printf 'postgis: %s\n' "$*"; }
die() { printf 'postgis: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && printf '%s' "$dir"
}

has_postgis() {
  local bin="$1" share
  share="$("$bin/pg_config" --sharedir 2>/dev/null || true)"
  [ -n "$share" ] && ls "$share"/extension/postgis.control >/dev/null 2>&1
}

ensure_packages() {
  local bin
  bin="$(bindir || true)"
  if [ -n "$bin" ] && has_postgis "$bin"; then return 0; fi
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "installing ${PKGS[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PKGS[@]}"
    return 0
  fi
  die "PostgreSQL with PostGIS is not installed. Run:
         sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PKGS[*]}
       then re-run this script."
}

# Run a server binary as the cluster's owner (postgres refuses to run as root).
as_owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$PORT" "$DB"; }

running() {
  local bin
  bin="$(bindir || true)"
  [ -n "$bin" ] && [ -f "$PGDATA/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

# A server answers on the port (this cluster, or one started from another checkout of the project).
answering() {
  local bin
  bin="$(bindir || true)"
  [ -n "$bin" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1
}

init_cluster() {
  local bin="$1"
  [ -f "$PGDATA/PG_VERSION" ] && return 0
  say "creating a cluster in $PGDATA"
  mkdir -p "$PGDATA"
  if is_root; then chown postgres:postgres "$PGDATA"; fi
  chmod 700 "$PGDATA"
  as_owner "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$PGDATA/postgresql.conf" <<EOF
# project settings (scripts/postgis.sh)
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDATA'
max_connections = 200
shared_buffers = 256MB
fsync = on
EOF
}

start() {
  ensure_packages
  local bin
  bin="$(bindir)"
  if is_root && [ -d "$ROOT" ]; then
    # the server (user postgres) must be able to reach a cluster folder inside the repo
    local dir="$PGDATA"
    while [ "$dir" != "/" ]; do dir="$(dirname "$dir")"; chmod o+x "$dir" 2>/dev/null || true; done
  fi
  if running; then
    say "already running on port $PORT"
  elif answering; then
    say "a server already answers on port $PORT (another checkout's cluster); using it"
  else
    init_cluster "$bin"
    as_owner "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null ||
      die "the server did not start; see $PGDATA/server.log"
    say "started on 127.0.0.1:$PORT (data in $PGDATA)"
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE \"$DB\""
  fi
  "${psql[@]}" -d "$DB" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  say "store URL: $(url)"
}

stop() {
  local bin
  bin="$(bindir || true)"
  if [ -z "$bin" ] || ! running; then say "not running"; return 0; fi
  as_owner "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  status)
    if running; then say "running on port $PORT: $(url)"
    elif answering; then say "a server answers on port $PORT (not this checkout's cluster $PGDATA): $(url)"
    else say "not running"; exit 1; fi ;;
  -h|--help|"") awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; [ -n "${1:-}" ] ;;
  *) die "unknown command '$1' (usage: scripts/postgis.sh start|stop|url|status)" ;;
esac
