#!/usr/bin/env bash
# Registry poll benchmark on a loopback docker-registry (Debian's package): one watch over 1,000 tags
# (tag_pattern), polled with `patchtrack registry poll`:
#   1. first poll: every tag new (HEAD, manifest and config each, 1,000 images registered);
#   2. nothing changed: HEAD only (goal ≤ 5 s);
#   3. 50 tags moved to new digests, each signed with cosign's tag scheme: HEAD for all, manifest, config and
#      signature (verified with the policy's trusted key) for the 50 (goal ≤ 10 s).
# Usage: Benchmarks/registry/run.sh [TAGS] [CHANGED]
set -euo pipefail
cd "$(dirname "$0")/../.."
tags=${1:-1000}
changed=${2:-50}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
command -v docker-registry >/dev/null || { echo "docker-registry is not installed (apt-get install docker-registry)"; exit 1; }
work=$(mktemp -d)
registry=""
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; [ -n "$registry" ] && kill $registry 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

registry_port=$(free_port)
mkdir -p "$work/storage"
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$registry_port
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry=$!
until curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1; do sleep 0.1; done
python3 Benchmarks/registry/push.py "http://127.0.0.1:$registry_port" bench/app "$tags"

# The registry and the watch, through the API.
port=$(free_port)
"$bin" serve --port "$port" --database "$work/bench.sqlite" --log-level error >"$work/out" 2>"$work/err" &
server=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
api() { curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
openssl ecparam -name prime256v1 -genkey -noout -out "$work/cosign.key" 2>/dev/null
openssl ec -in "$work/cosign.key" -pubout -out "$work/cosign.pub" 2>/dev/null
python3 -c 'import json, sys; print(json.dumps({"trusted_keys": [{"name": "bench", "public_key_pem": open(sys.argv[1]).read()}]}))' \
    "$work/cosign.pub" >"$work/policy.json"
api -X PUT --data-binary @"$work/policy.json" "http://127.0.0.1:$port/v1/policy"
api -X PUT --data "{\"url\":\"http://127.0.0.1:$registry_port\",\"insecure\":true}" "http://127.0.0.1:$port/v1/registries/127.0.0.1:$registry_port"
api -X POST --data "{\"repository\":\"127.0.0.1:$registry_port/bench/app\",\"tag_pattern\":\"t[0-9]+\",\"interval_minutes\":10080}" \
    "http://127.0.0.1:$port/v1/watches"
kill "$server"; wait "$server" 2>/dev/null || true
server=""

poll() {
    local start end
    start=$(date +%s.%N)
    "$bin" registry poll 1 --database "$work/bench.sqlite"
    end=$(date +%s.%N)
    echo "$1: $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e - s}') s"
}
poll "first poll ($tags new tags)"
poll "nothing changed"
python3 Benchmarks/registry/push.py "http://127.0.0.1:$registry_port" bench/app "$changed" 0 b "$work/cosign.key"
poll "$changed of $tags tags changed (signed)"
verified=$(sqlite3 "$work/bench.sqlite" "SELECT count(*) FROM imageSignature WHERE state = 'verified'" 2>/dev/null ||
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM imageSignature WHERE state = '"'verified'"'").fetchone()[0])' "$work/bench.sqlite")
echo "signatures verified: $verified of $changed"
