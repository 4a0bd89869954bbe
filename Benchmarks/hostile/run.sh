#!/usr/bin/env bash
# Hostile-input benchmark (issue 16, "Abuse is cheap"): against a release build on loopback, on a fresh SQLite
# database, times the requests a hostile client sends and prints each answer's status and size:
#   1. POST /v1/advisories with a JSON array of 200,000 `{}` records (≈600 KB), all rejected (goal: ≤ 1 s, ≤ 100 KB);
#   2. a zip whose 140 entries declare 16 MiB each (refused from the central directory, before inflating);
#   3. the same request as 1 sent by a client that gives up after 0.2 s, then /healthz right after it;
#   4. 20,000 valid records from a client that gives up after 0.5 s: whether the server went on writing them
#      (Hummingbird 2 does not cancel a handler whose client went away; see the report in the commit message).
# Usage: Benchmarks/hostile/run.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-200000}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
db="$work/bench.sqlite"
"$bin" migrate --database "$db" >/dev/null
token=$("$bin" token create --role ingest --name hostile --database "$db")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --database "$db" --log-level error >"$work/out" 2>"$work/err" &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.2; done

python3 - "$work" "$records" <<'PY'
import struct, sys, zlib
work, records = sys.argv[1], int(sys.argv[2])
open(f"{work}/rejected.json", "w").write("[" + ",".join(["{}"] * records) + "]")
# A zip of 140 entries of "{}" whose headers declare 16 MiB each (APPNOTE 4.3.7 and 4.3.12).
local, central, offset = b"", b"", 0
data = zlib.compress(b"{}")[2:-4]
crc = zlib.crc32(b"{}")
for i in range(140):
    name = f"r{i}.json".encode()
    header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), 16 << 20, len(name), 0) + name
    central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), 16 << 20,
                           len(name), 0, 0, 0, 0, 0, offset) + name
    local += header + data
    offset += len(header) + len(data)
end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 140, 140, len(central), len(local), 0)
open(f"{work}/declared.zip", "wb").write(local + central + end)
valid = ('{"id":"HOSTILE-%d","modified":"2024-01-01T00:00:00Z",'
         '"affected":[{"package":{"ecosystem":"PyPI","name":"p%d"},"versions":["1.0"]}]}')
open(f"{work}/valid.json", "w").write("[" + ",".join(valid % (i, i) for i in range(20000)) + "]")
PY

post() {
    curl -sS -o "$work/answer" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" "$@" \
        "http://127.0.0.1:$port/v1/advisories" || true
}
printf 'rejected array: %s records, %s bytes\n' "$records" "$(wc -c <"$work/rejected.json")"
read -r status seconds < <(post -H 'Content-Type: application/json' --data-binary @"$work/rejected.json")
echo "  status $status in $seconds s, answer $(wc -c <"$work/answer") bytes, server peak memory so far $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
printf 'declared-size zip: %s bytes\n' "$(wc -c <"$work/declared.zip")"
read -r status seconds < <(post -H 'Content-Type: application/zip' --data-binary @"$work/declared.zip")
echo "  status $status in $seconds s, answer $(wc -c <"$work/answer") bytes: $(head -c 200 "$work/answer")"
echo "client gone after 0.2 s:"
post --max-time 0.2 -H 'Content-Type: application/json' --data-binary @"$work/rejected.json" >/dev/null
health=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/healthz")
echo "  /healthz right after: $health s"
echo "20,000 valid records, client gone after 0.5 s:"
post --max-time 0.5 -H 'Content-Type: application/json' --data-binary @"$work/valid.json" >/dev/null
echo "  advisories stored at the disconnect + 0 s: $(sqlite3 "$db" 'SELECT count(*) FROM advisory')"
sleep 10
echo "  advisories stored at the disconnect + 10 s: $(sqlite3 "$db" 'SELECT count(*) FROM advisory')"
echo "server peak memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status 2>/dev/null || echo unknown)"
