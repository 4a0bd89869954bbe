#!/usr/bin/env bash
# Notification benchmark on the advisory-matching data set (10,000 images × 100 components, 100,000 advisories):
#   1. outbox overhead: the same 50,000-record zip imported three times under new advisory ids, without a
#      subscription, with one (every finding.opened per image written to the outbox in the import's transaction),
#      and without again; the overhead is the middle import against the mean of the other two;
#   2. delivery throughput: the events of the subscribed import posted to a loopback receiver (events/s);
#   3. latency at idle: time from a write to its delivery at the receiver, for a webhook test (ping) and for a new
#      advisory (its first finding.opened), median and max.
# Usage: Benchmarks/webhooks/run.sh [IMAGES COMPONENTS ADVISORIES ZIP_RECORDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=${BENCH_DIR:-$(mktemp -d)}
pid=""
receiver=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$receiver" ] && kill $receiver 2>/dev/null; [ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
python3 Benchmarks/advisory-matching/generate.py "$work/bench.sqlite" "$work" "$@" >/dev/null
python3 - "$work" <<'PY'
import sys, zipfile
work = sys.argv[1]
source = zipfile.ZipFile(f"{work}/records-50k.zip")
for tag in ("B", "C"):
    with zipfile.ZipFile(f"{work}/records-{tag}.zip", "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name.replace("TEST-ZIP-", f"TEST-Z{tag}-"), source.read(name).decode().replace("TEST-ZIP-", f"TEST-Z{tag}-"))
PY
python3 Benchmarks/webhooks/receiver.py "$work/receiver-port" "$work/received" &
receiver=$!
until [ -s "$work/receiver-port" ]; do sleep 0.1; done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" serve --port "$port" --database "$work/bench.sqlite" --webhook-allow-private --log-level error >"$work/out" 2>"$work/err" &
pid=$!
until curl -fsS "$base/readyz" >/dev/null 2>&1; do sleep 0.2; done
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
api() { curl -sS -H "Authorization: Bearer $token" "$@"; }
import_zip() { api -o "$work/answer" -w '%{time_total}' -H 'Content-Type: application/zip' --data-binary @"$1" "$base/v1/advisories"; }
queue() { curl -sS "$base/metrics" | awk '/^patchtrack_webhook_queue_depth /{print int($2)}'; }

a=$(import_zip "$work/records-50k.zip")
echo "zip import without a subscription: $a s: $(head -c 100 "$work/answer")"
hook=$(api -H 'Content-Type: application/json' -X POST "$base/v1/webhooks" \
    -d "{\"url\":\"http://127.0.0.1:$(cat "$work/receiver-port")/hook\",\"events\":[\"finding.opened\"]}")
id=$(printf '%s' "$hook" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
b=$(import_zip "$work/records-B.zip")
imported=$(date +%s.%N)
echo "zip import with a subscription: $b s: $(head -c 100 "$work/answer")"
until [ "$(queue)" = 0 ]; do sleep 0.2; done
drained=$(date +%s.%N)
events=$(wc -l <"$work/received")
first=$(awk 'NR == 1 || $1 < m {m = $1} END {print m}' "$work/received")
last=$(awk 'NR == 1 || $1 > m {m = $1} END {print m}' "$work/received")
echo "delivered $events events; first to last received in $(awk -v f="$first" -v l="$last" 'BEGIN {printf "%.2f", l - f}') s" \
    "($(awk -v n="$events" -v f="$first" -v l="$last" 'BEGIN {printf "%.0f", (l > f) ? (n - 1) / (l - f) : 0}') events/s);" \
    "queue empty $(awk -v s="$imported" -v e="$drained" 'BEGIN {printf "%.2f", e - s}') s after the import answered"
api -o /dev/null -X DELETE "$base/v1/webhooks/$id"
c=$(import_zip "$work/records-C.zip")
echo "zip import without a subscription again: $c s: $(head -c 100 "$work/answer")"
echo "outbox overhead: $(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {printf "%+.1f %%", (b / ((a + c) / 2) - 1) * 100}') (with $b s against the mean of $a s and $c s)"

hook=$(api -H 'Content-Type: application/json' -X POST "$base/v1/webhooks" \
    -d "{\"url\":\"http://127.0.0.1:$(cat "$work/receiver-port")/idle\",\"events\":[\"ping\",\"finding.opened\"]}")
id=$(printf '%s' "$hook" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sleep 2
latency() {  # $1: a command that writes; prints seconds until the receiver logged one more line
    local before started
    before=$(wc -l <"$work/received")
    started=$(date +%s.%N)
    "$@" >/dev/null
    until [ "$(wc -l <"$work/received")" -gt "$before" ]; do sleep 0.005; done
    awk -v s="$started" -v t="$(sed -n "$((before + 1))p" "$work/received" | cut -d' ' -f1)" 'BEGIN {printf "%.3f\n", t - s}'
}
summary() { sort -n | awk '{a[NR]=$1} END {printf "median %.3f s, max %.3f s over %d", a[int((NR+1)/2)], a[NR], NR}'; }
pings=()
for run in $(seq 1 20); do
    pings+=("$(latency api -X POST "$base/v1/webhooks/$id/test")")
    sleep 0.3
done
echo "write to delivery at idle, webhook test: $(printf '%s\n' "${pings[@]}" | summary)"
advisories=()
for run in 1 2 3 4 5; do
    sed "s/TEST-NEW-000001/TEST-IDLE-00000$run/" "$work/new-advisory.json" >"$work/idle-$run.json"
    advisories+=("$(latency api -H 'Content-Type: application/json' --data-binary @"$work/idle-$run.json" "$base/v1/advisories")")
    until [ "$(queue)" = 0 ]; do sleep 0.2; done
    sleep 0.5
done
echo "write to delivery at idle, new advisory (its first finding.opened): $(printf '%s\n' "${advisories[@]}" | summary)"
