#!/usr/bin/env bash
# Fleet benchmark (issue 7) against a release build on loopback: a database of 10,000 images, 1,000,000 components and
# 50,000 findings (Benchmarks/rebuild-plan/generate.py) with 600 images rebuilt, 20 environments (19 fed two simple
# workload-list snapshots of 400 workloads, one a 5,000-pod `kubectl get pods -A -o json` list).
# Prints: the 5,000-pod inventory post (median of RUNS posts), GET /v1/status and GET /metrics (median of RUNS first
# requests after an inventory post, after a VEX post, then median of RUNS requests on unchanged data).
# Usage: Benchmarks/fleet/run.sh [RUNS]   (builds the release binary first if needed)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
source Benchmarks/engine.sh
source Benchmarks/fleet/setup.sh
fleet_setup

times=()
for _ in $(seq 1 "$runs"); do times+=("$(post /v1/environments/canary/inventory "$work/fleet/pods.json")"); done
python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print("inventory:", a["workloads"], "workloads,", a["replicas"], "pods,", a["containers"], "container rows,", a["digests"], "digests")' "$work/answer"
printf 'POST 5,000-pod kubectl list (%.1f MB): median %s ms over %d posts (s: %s)\n' \
    "$(awk -v s="$(stat -c %s "$work/fleet/pods.json")" 'BEGIN {print s / 1e6}')" "$(median "${times[@]}")" "$runs" "${times[*]}"

get() { curl -fsS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $read_token" "$url$1"; }
# Two kinds of write before each "first" request: an inventory post (the frequent write; what the server knows of
# findings is reused) and a VEX statement (a write that can change findings, so that is recomputed too).
vex() {
    printf '{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/bench-%s","author":"bench","timestamp":"2026-11-27T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2099-%05d"},"products":[{"@id":"pkg:oci/none"}],"status":"not_affected","justification":"component_not_present"}]}' "$1" "$1" >"$work/vex.json"
    post /v1/vex "$work/vex.json" >/dev/null
}
round=0
for route in /v1/status /metrics; do
    for kind in inventory vex; do
        cold=()
        for _ in $(seq 1 "$runs"); do
            round=$((round + 1))
            if [ "$kind" = inventory ]; then post /v1/environments/env-01/inventory "$work/fleet/env-01-b.json" >/dev/null; else vex "$round"; fi
            cold+=("$(get "$route")")
            sleep 1   # let the rebuild plan the write made stale be recomputed in the background before the next round
        done
        printf '%-11s first after a write (%-9s): median %s ms (s: %s)\n' "$route" "$kind" "$(median "${cold[@]}")" "${cold[*]}"
    done
    times=()
    for _ in $(seq 1 "$runs"); do times+=("$(get "$route")"); done
    printf '%-11s unchanged data:                  median %s ms (s: %s)\n' "$route" "$(median "${times[@]}")" "${times[*]}"
done
get /v1/status >/dev/null
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print("status: images", s["images"]["total"], "needing rebuild", s["images"]["needing_rebuild"], "open findings", s["findings"]["open"], "vulnerable replicas", sum(e["vulnerable_replicas"] for e in s["environments"]), "closed (30 d)", sum(v["closed"] for v in s["time_to_patch"]["by_severity"].values()))' "$work/answer"
