#!/usr/bin/env bash
# Matching benchmark: a fleet of 10,000 images × 100 components (1 million) and 100,000 advisories; then, against a
# release build on loopback: one new advisory matched (median of 7 requests, each a new record), one 10k-component
# SBOM ingested and matched (median of 5), and a 50,000-record zip imported (one request).
# Usage: Benchmarks/advisory-matching/run.sh [IMAGES COMPONENTS ADVISORIES ZIP_RECORDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=${BENCH_DIR:-$(mktemp -d)}
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
start=$(date +%s.%N)
python3 Benchmarks/advisory-matching/generate.py "$work/bench.sqlite" "$work" "$@"
echo "generated in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}') s"
source Benchmarks/engine.sh
db=$(bench_database "$work/bench.sqlite")
echo "engine: $(bench_engine)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --database "$db" --log-level error >"$work/out" 2>"$work/err" &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.2; done
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
post() { curl -sS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $token" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

times=()
for run in 1 2 3 4 5 6 7; do
    sed "s/TEST-NEW-000001/TEST-NEW-00000$run/" "$work/new-advisory.json" >"$work/advisory-$run.json"
    times+=("$(post -H 'Content-Type: application/json' --data-binary @"$work/advisory-$run.json" "http://127.0.0.1:$port/v1/advisories")")
    grep -q '"created":1' "$work/answer" || { echo "unexpected: $(head -c 300 "$work/answer")"; exit 1; }
done
findings=$(curl -sS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/advisories/TEST-NEW-000001" | grep -o '"open_findings":[0-9]*' | cut -d: -f2)
echo "one new advisory matched: median $(printf '%s\n' "${times[@]}" | median) s over 7 (all: ${times[*]}); it opened $findings findings"

times=()
for run in 1 2 3 4 5; do
    sed "s/ffffffffffffffff/fffffffffffffff$run/" "$work/sbom-10k.json" >"$work/sbom-$run.json"
    times+=("$(post -H 'Content-Type: application/json' --data-binary @"$work/sbom-$run.json" "http://127.0.0.1:$port/v1/scans")")
    grep -q '"components":10000' "$work/answer" || { echo "unexpected: $(head -c 300 "$work/answer")"; exit 1; }
done
echo "10k-component SBOM ingested and matched: median $(printf '%s\n' "${times[@]}" | median) s over 5 (all: ${times[*]})"

t=$(post -H 'Content-Type: application/zip' --data-binary @"$work/records-50k.zip" "http://127.0.0.1:$port/v1/advisories")
echo "50,000-record zip ($(stat -c %s "$work/records-50k.zip") bytes) imported: $t s: $(head -c 120 "$work/answer")"
