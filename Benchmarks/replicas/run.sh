#!/usr/bin/env bash
# Two-replica scenario (issue 11): starts a throwaway PostgreSQL cluster (or uses PATCHTRACK_TEST_POSTGRES_URL's
# server), creates a new database and runs Benchmarks/replicas/scenario.py against two `patchtrack serve` processes.
# Usage: Benchmarks/replicas/run.sh [KILLS]   (PATCHTRACK_BIN: the binary; default the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
kills=${1:-5}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
chmod 755 "$work"
server=${PATCHTRACK_TEST_POSTGRES_URL:-}
cleanup() {
    [ -n "${PATCHTRACK_TEST_POSTGRES_URL:-}" ] || scripts/test-postgres.sh stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT
[ -n "$server" ] || server=$(scripts/test-postgres.sh start "$work/pg")
name="replicas_$(date +%s)_$$"
psql -X -q "${server%%\?*}" -c "CREATE DATABASE $name TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
python3 Benchmarks/replicas/scenario.py "$bin" "${server%/postgres*}/$name?sslmode=disable" "$kills"
