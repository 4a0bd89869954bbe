#!/usr/bin/env bash
# Shows that SIGKILL loses no webhook event: a server on a temporary SQLite database posts its events to a local
# receiver while advisories are written; it is killed with SIGKILL in the middle of the writes, twice, and restarted.
# Every advisory post answered 201 opened one finding, so wrote one finding.opened event in its transaction: at the
# end every such event must have reached the receiver (duplicates allowed, losses not) and be marked delivered.
# Usage: scripts/webhook-crash-check.sh [ROUNDS] (PATCHTRACK_BIN: the binary; default a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
bin=${PATCHTRACK_BIN:-.build/debug/patchtrack}
[ -x "$bin" ] || swift build --product patchtrack
work=$(mktemp -d)
pid=""
receiver=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$receiver" ] && kill $receiver 2>/dev/null; rm -rf "$work"' EXIT
python3 Benchmarks/webhooks/receiver.py "$work/receiver-port" "$work/received" &
receiver=$!
until [ -s "$work/receiver-port" ]; do sleep 0.1; done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
start() {
    "$bin" serve --port "$port" --database "$work/db.sqlite" --webhook-allow-private --log-level error >>"$work/out" 2>>"$work/err" &
    pid=$!
    until curl -fsS "$base/readyz" >/dev/null 2>&1; do sleep 0.1; done
}
start
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
api() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
hook=$(api -X POST "$base/v1/webhooks" -d "{\"url\":\"http://127.0.0.1:$(cat "$work/receiver-port")/hook\",\"events\":[\"finding.opened\"]}")
id=$(printf '%s' "$hook" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
packages=$((rounds * 100 + 100))
python3 - "$work/scan.json" "$packages" <<'PY'
import json, sys
path, count = sys.argv[1], int(sys.argv[2])
components = [{"bom-ref": f"c{i}", "type": "library", "name": f"crash-{i}", "version": "1.0.0", "purl": f"pkg:pypi/crash-{i}@1.0.0"} for i in range(count)]
doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
       "metadata": {"component": {"bom-ref": "image", "type": "container", "name": "registry.example.com/crash/app",
                                  "version": "sha256:" + "c" * 64}},
       "components": components}
json.dump(doc, open(path, "w"))
PY
api -o /dev/null -X POST "$base/v1/scans" --data-binary @"$work/scan.json"
next=0
: >"$work/created"
post_advisories() {  # posts advisories $1..$2-1, recording those answered 201
    for ((i = $1; i < $2; i++)); do
        record="{\"id\":\"TEST-CRASH-$i\",\"modified\":\"2026-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"crash-$i\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0.1\"}]}]}]}"
        code=$(api -o /dev/null -w '%{http_code}' -X POST "$base/v1/advisories" -d "$record" 2>/dev/null || true)
        [ "$code" = 201 ] && echo "TEST-CRASH-$i" >>"$work/created"
    done
    return 0
}
for ((round = 1; round <= rounds; round++)); do
    post_advisories $next $((next + 100)) &
    writer=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 2.0), 2))')"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    wait "$writer"
    echo "round $round: SIGKILL after $(wc -l <"$work/created") advisories were answered 201"
    next=$((next + 100))
    start
done
post_advisories $next $((next + 20))
created=$(wc -l <"$work/created")
# The restarted server takes the delivery lease over once the killed holder's lease expired (45 s).
deadline=$((SECONDS + 240))
while :; do
    pending=$(curl -sS "$base/metrics" | awk '/^patchtrack_webhook_queue_depth /{print $2}')
    delivered=$(api "$base/v1/webhooks/$id/deliveries?status=delivered&limit=1000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
    [ "${pending%.*}" = 0 ] && [ "$delivered" -ge "$created" ] && break
    [ $SECONDS -ge $deadline ] && { echo "FAIL: $pending deliveries still pending, $delivered delivered of $created"; exit 1; }
    sleep 1
done
api "$base/v1/webhooks/$id/deliveries?limit=1000" >"$work/log.json"
python3 - "$work/log.json" "$work/received" "$created" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))["items"]
received = [line.split()[1] for line in open(sys.argv[2]) if line.strip()]
created = int(sys.argv[3])
events = {item["event_id"] for item in log}
missing = events - set(received)
undelivered = [item["id"] for item in log if item["status"] != "delivered"]
duplicates = len(received) - len(set(received))
print(f"{created} advisories answered 201; {len(events)} finding.opened events stored; {len(set(received))} received "
      f"({duplicates} duplicate deliveries); missing {len(missing)}; not delivered {len(undelivered)}")
if len(events) < created or missing or undelivered:
    sys.exit("FAIL: an event was lost")
print("OK: no event lost across SIGKILL")
PY
