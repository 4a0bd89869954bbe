#!/usr/bin/env bash
# Rebuild-plan benchmark: GET /v1/rebuilds/plan (the whole plan, JSON) against a release build on loopback, over a
# database of 10,000 tagged images in three lineage levels with 1,000,000 components and 50,000 findings
# (generate.py). Prints the plan's size and the median of RUNS requests after one warm-up, and the CSV's median.
# Usage: Benchmarks/rebuild-plan/run.sh [RUNS]   (builds the release binary first if needed)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
start=$(date +%s.%N)
python3 Benchmarks/rebuild-plan/generate.py "$work/bench.sqlite"
echo "generated in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"
source Benchmarks/engine.sh
db=$(bench_database "$work/bench.sqlite")
echo "engine: $(bench_engine)"
token=$("$bin" token create --role read --name bench --database "$db")
admin=$("$bin" token create --role admin --name bench-admin --database "$db")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --database "$db" --log-level error >"$work/out" 2>"$work/err" &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
measure() {
    local accept=$1 times=()
    # The server reuses a plan until the next write (or for a minute): force a fresh one with a write first, and
    # report that request (which computes the plan) apart from the following ones (which reuse it).
    curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        --data-binary '{"min_severity":"high"}' "http://127.0.0.1:$port/v1/policy" || true
    first=$(curl -fsS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $token" -H "Accept: $accept" "http://127.0.0.1:$port/v1/rebuilds/plan")
    printf '%-16s first request after a write (computes the plan): %.1f ms\n' "$accept" "$(awk -v m="$first" 'BEGIN {print m * 1000}')"
    for _ in $(seq 1 "$runs"); do
        times+=("$(curl -fsS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $token" -H "Accept: $accept" \
            "http://127.0.0.1:$port/v1/rebuilds/plan")")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-16s %8.1f KB: median %.1f ms over %d requests (all, s: %s)\n' "$accept" \
        "$(awk -v s="$(stat -c %s "$work/answer")" 'BEGIN {print s / 1000}')" \
        "$(awk -v m="$median" 'BEGIN {print m * 1000}')" "$runs" "${times[*]}"
}
measure application/json
python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); print("plan:", p["total"], "images in", p["wave_count"], "waves")' "$work/answer"
measure text/csv
