#!/usr/bin/env bash
# Feed benchmark (issue 12): the advisory-matching data set (10,000 images × 100 components = 1,000,000 components,
# 100,000 advisories) and a 50,000-record Debian ecosystem laid out as an OSV export, served on loopback by Python's
# http.server (which answers If-Modified-Since with 304). Then, with `patchtrack feed sync` (release build):
#   1. the first sync: all.zip downloaded and imported, every record matched against the million components;
#   2. an incremental sync after CHANGED records got a newer `modified` (default 100);
#   3. a sync with nothing changed (the index answers 304).
# Each prints its wall time and the process's peak memory (GNU time's maximum resident set size).
# Usage: Benchmarks/feeds/run.sh [IMAGES COMPONENTS ADVISORIES RECORDS [CHANGED]]   (BENCH_BATCH: records per transaction)
set -euo pipefail
cd "$(dirname "$0")/../.."
images=${1:-10000} components=${2:-100} advisories=${3:-100000} records=${4:-50000} changed=${5:-100}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null; }
work=${BENCH_DIR:-$(mktemp -d)}
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; [ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
python3 Benchmarks/advisory-matching/generate.py "$work/bench.sqlite" "$work" "$images" "$components" "$advisories" "$records"
mv "$work/records-50k.zip" "$work/records.zip"
python3 Benchmarks/feeds/export.py build "$work/records.zip" "$work/export" Debian
source Benchmarks/engine.sh
db=$(bench_database "$work/bench.sqlite")
echo "engine: $(bench_engine)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/export" >/dev/null 2>&1 &
server=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/Debian/modified_id.csv"; do sleep 0.2; done

# The feed, created as an admin would (PUT /v1/feeds/{name} on a short-lived serve), disabled: the CLI syncs it.
api=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$api" --database "$db" --log-level error >"$work/serve.out" 2>"$work/serve.err" &
api_pid=$!
until curl -fsS "http://127.0.0.1:$api/readyz" >/dev/null 2>&1; do sleep 0.2; done
token=$("$bin" token create --role admin --name bench --database "$db" | grep -o 'pt_[A-Za-z0-9_]*' | head -n 1)
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"kind\": \"osv\", \"url\": \"http://127.0.0.1:$port\", \"ecosystems\": [\"Debian\"], \"enabled\": false}" \
    "http://127.0.0.1:$api/v1/feeds/bench"
kill "$api_pid"; wait "$api_pid" 2>/dev/null || true

sync() {
    /usr/bin/time -f '%e s wall, peak RSS %M KiB' -o "$work/time" "$bin" feed sync bench --batch "${BENCH_BATCH:-1000}" --database "$db" >"$work/sync.out" 2>"$work/sync.err"
    echo "$1: $(tail -n 1 "$work/sync.out" | head -c 200) | $(cat "$work/time")"
}
sync "first sync ($records records)"
python3 Benchmarks/feeds/export.py change "$work/export" Debian "$changed" >/dev/null
sync "incremental sync ($changed changed)"
sync "unchanged (index 304)"
