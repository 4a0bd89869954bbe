#!/usr/bin/env bash
# Scan-ingest benchmark: end-to-end POST /v1/scans of a 10,000-component CycloneDX SBOM and a 10,000-package Trivy
# report against a release build on loopback; median of RUNS posts each (each post a new document, so every one is
# parsed, normalised and replaces the component set), and the server's peak memory above idle.
# Usage: Benchmarks/scan-ingest/run.sh [RUNS]   (builds the release binary first if needed)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
source Benchmarks/engine.sh
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
db=$(bench_database "$work/bench.sqlite")
echo "engine: $(bench_engine)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --database "$db" --log-level error >"$work/out" 2>"$work/err" &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
for format in cyclonedx trivy; do
    times=()
    for run in $(seq 1 "$runs"); do
        python3 Benchmarks/scan-ingest/generate.py "$work" 10000 "$run" >/dev/null
        file="$work/$format-10k.json"
        size=$(stat -c %s "$file")
        t=$(curl -sS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' --data-binary @"$file" \
            "http://127.0.0.1:$port/v1/scans?image=registry.example.com/bench/$format@sha256:$(printf '%064d' 0)")
        grep -q '"components":10000' "$work/answer" || { echo "unexpected answer: $(head -c 300 "$work/answer")"; exit 1; }
        times+=("$t")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-9s %d components, %.1f MB: median %.3f s over %d posts (all: %s)\n' \
        "$format" 10000 "$(awk -v s="$size" 'BEGIN {print s / 1e6}')" "$median" "$runs" "${times[*]}"
done
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
awk -v i="$idle_kb" -v p="$peak_kb" \
    'BEGIN {printf "server memory: idle %.1f MB, peak %.1f MB, peak above idle %.1f MB\n", i / 1000, p / 1000, (p - i) / 1000}'
