#!/usr/bin/env bash
# Issue 16's harness: one run on one data set (the fleet of Benchmarks/rebuild-plan/generate.py and
# Benchmarks/fleet/generate.py, plus the OSV advisories of Benchmarks/advisory-matching/generate.py) against a release
# build on loopback, printing every figure of the issue beside its same-run reference (/healthz's requests/s, or the
# parse-and-insert floor, or the same request on unchanged data), its goal and PASS/FAIL. See Benchmarks/README.md.
# Usage: Benchmarks/run-all.sh [--images 10000|100000] [--advisories N] [--seconds S] [--runs N]
#   --images      images in the data set, 100 components each (default 10000)
#   --advisories  OSV advisories added (default 100000; 200000 with --images 100000)
#   --seconds     wrk's duration per route and phase (default 5; env BENCH_SECONDS)
#   --runs        repetitions of each timed write/read (median; default 5; env BENCH_RUNS)
# Env: PATCHTRACK_BIN (default .build-release/release/patchtrack, built when missing), BENCH_POSTGRES_URL (run on
# PostgreSQL, see Benchmarks/engine.sh), BENCH_CONNECTIONS (32), BENCH_WRITERS (8), BENCH_WRK_THREADS (1),
# BENCH_HOSTILE_TIMEOUT (curl's limit for the 200k-record request, 120 s), BENCH_ROUTES (a regular expression: only
# the GET routes whose label matches are loaded; default all).
# Exit status: 0 when every figure was measured (FAILs included), non-zero when a request answered an error status
# where success was expected, or a step failed.
set -euo pipefail
{ # the whole script is read before it runs, so editing the file during a run does not change that run
cd "$(dirname "$0")/.."
images=10000 advisories="" seconds=${BENCH_SECONDS:-5} runs=${BENCH_RUNS:-5}
while [ $# -gt 0 ]; do
    case $1 in
        --images) images=$2; shift 2 ;;
        --advisories) advisories=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
[ -n "$advisories" ] || advisories=$([ "$images" -ge 100000 ] && echo 200000 || echo 100000)
connections=${BENCH_CONNECTIONS:-32} writers=${BENCH_WRITERS:-8} wrk_threads=${BENCH_WRK_THREADS:-1}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
work=$(mktemp -d)
pid="" writers_pid="" watch_pid="" db=""
cleanup() {
    set +e
    for helper in $writers_pid $watch_pid; do kill "$helper" 2>/dev/null && wait "$helper" 2>/dev/null; done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    case "$db" in postgres://*)
        local name=${db##*/}
        psql -X -q "${BENCH_POSTGRES_URL%%\?*}" -c "DROP DATABASE IF EXISTS ${name%%\?*}" >/dev/null 2>&1 ;;
    esac
    rm -rf "$work"
    return 0
}
trap cleanup EXIT
source Benchmarks/engine.sh
source Benchmarks/harness/lib.sh
python=python3

echo "run-all.sh $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), binary $bin"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1e6}' /proc/meminfo); load at start: $(uptime | sed 's/.*load average: //')"
echo "load generator: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $wrk_threads thread(s), $connections connections, ${seconds} s per route; timed writes and reads: median of $runs"

section "Data set"
start=$(date +%s.%N)
"$bin" migrate --database "$work/bench.sqlite" >/dev/null
"$bin" migrate --database "$work/schema.sqlite" >/dev/null   # the floor's table definitions
"$bin" migrate --database "$work/scratch.sqlite" >/dev/null
note "$($python Benchmarks/rebuild-plan/generate.py "$work/bench.sqlite" "$images" 100)"
note "$($python Benchmarks/fleet/generate.py "$work/bench.sqlite" "$work/fleet")"
note "$($python Benchmarks/harness/advisories.py "$work/bench.sqlite" "$work/scratch.sqlite" "$work" "$advisories")"
note "generated in $(calc '%.0f' "$(date +%s.%N) - $start") s"
db=$(bench_database "$work/bench.sqlite")
engine=$(bench_engine)
note "engine: $engine"

read_token=$("$bin" token create --role read --name bench-read --database "$db")
ingest=$("$bin" token create --role ingest --name bench-ingest --database "$db")
admin=$("$bin" token create --role admin --name bench-admin --database "$db")
for n in $(seq 0 $((writers - 1))); do
    "$bin" token create --role ingest --name "bench-writer-$n" --database "$db" >>"$work/writer-tokens"
done
port=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
"$bin" serve --port "$port" --database "$db" --log-level error --max-body 134217728 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 600); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || die "the server exited: $(tail -n 5 "$work/err")"
    sleep 0.2
done
curl -fsS "$url/readyz" >/dev/null || die "the server is not ready after 120 s"
sleep 1
idle_kb=$(mem VmRSS)

# What a fleet writes before anyone reads: environments with inventories, a rollout, a build, a VEX statement.
put_json /v1/environments/canary "$admin" '{"stage":"canary","order":0}' >/dev/null
for n in $(seq -w 1 19); do put_json "/v1/environments/env-$n" "$admin" "{\"stage\":\"production\",\"order\":$((10#$n))}" >/dev/null; done
for n in $(seq 0 $((writers - 1))); do put_json "/v1/environments/writers-$n" "$admin" "{\"stage\":\"staging\",\"order\":$((100 + n))}" >/dev/null; done
for round in a b; do
    for n in $(seq -w 1 19); do post_json "/v1/environments/env-$n/inventory" "$ingest" "$work/fleet/env-$n-$round.json" >/dev/null; done
done
read -r repo digest < <($python -c 'import json, sys; w = json.load(open(sys.argv[1]))[0]; print(w["image"].rsplit(":", 1)[0], w["digest"])' "$work/fleet/env-01-b.json")
call POST /v1/rollouts "$ingest" -H 'Content-Type: application/json' --data-binary \
    "{\"environment\":\"env-01\",\"workload\":\"ns00/w000\",\"repository\":\"$repo\",\"to_digest\":\"sha256:$(printf '%064d' 1)\",\"steps\":[25,50,100]}" >/dev/null
call POST /v1/builds "$ingest" -H 'Content-Type: application/json' --data-binary "{\"repository\":\"$repo\",\"tag\":\"latest\",\"status\":\"started\"}" >/dev/null
$python Benchmarks/harness/docs.py vex "$work/vex.json" 1
post_json /v1/vex "$ingest" "$work/vex.json" >/dev/null
bench_settle "$db"
note "set up: 28 environments (19 with two inventories of 400 workloads), a rollout, a build, a VEX statement"
note "server memory after setup: $(mb "$(mem VmRSS)") MB (at start: $(mb "$idle_kb") MB)"

# Every GET route of openapi.yaml with real parameter values; the token each needs (read, else admin).
$python Benchmarks/harness/routes.py openapi.yaml "$work/bench.sqlite" "$url" "$read_token" >"$work/routes.tsv"
while IFS='|' read -r class label path accept; do
    [[ $label =~ ${BENCH_ROUTES:-.} ]] || continue
    code=$(curl -sS -o "$work/answer" -w '%{http_code}' -H "Authorization: Bearer $read_token" ${accept:+-H "Accept: $accept"} "$url$path")
    role=read
    if [ "$code" = 403 ]; then
        role=admin
        code=$(curl -sS -o "$work/answer" -w '%{http_code}' -H "Authorization: Bearer $admin" ${accept:+-H "Accept: $accept"} "$url$path")
    fi
    case $code in 2??) ;; *) die "GET $path answered $code: $(head -c 300 "$work/answer")" ;; esac
    printf '%s|%s|%s|%s|%s|%s\n' "$class" "$label" "$path" "$accept" "$role" "$(stat -c %s "$work/answer")"
done <"$work/routes.tsv" >"$work/routes-ready.tsv"

probe_path="/v1/repositories/$repo"   # the point read settle waits for (harness/lib.sh)

# reads PHASE: every route under wrk, beside /healthz measured in the same phase.
declare -A quiet_rps
reads() {
    local phase=$1 baseline=$2 active=$3 healthz_rps goal verdict reference
    settle "$baseline" "$active"
    load /healthz "$read_token"
    healthz_rps=$rps
    figure "GET /healthz ($phase)" "$rps req/s" "p50 $p50 ms, p99 $p99 ms" "reference" "-"
    while IFS='|' read -r class label path accept role size; do
        token=$read_token; [ "$role" = admin ] && token=$admin
        settle "$baseline" "$active"
        local waited=$settled
        load "$path" "$token" "$accept"
        local share; share=$(calc '%.1f' "100 * $rps / $healthz_rps")
        reference="$share % of /healthz"
        [ "$phase" = quiet ] && quiet_rps[$label]=$rps
        [ "$phase" != quiet ] && reference="$reference (quiet ${quiet_rps[$label]:-?})"
        case $class in
            point) goal=">= 50 % of /healthz"; verdict=$(verdict "$share" 50 ge) ;;
            list) goal="p99 <= 20 ms"; verdict=$(verdict "$p99" 20) ;;
            *) goal="none set (reported)"; verdict=INFO ;;
        esac
        [ "$bad" -eq 0 ] || { verdict=FAIL; reference="$reference, $bad socket errors/timeouts"; }
        [ "$completed" -gt 0 ] || { verdict=FAIL; reference="none completed in ${seconds} s"; }
        figure "GET $label" "$rps req/s" "$reference" "$goal" "$verdict"
        note "   p50 $p50 ms, p99 $p99 ms ($class, answer $size bytes; after waiting $waited s for the previous load to drain)"
    done <"$work/routes-ready.tsv"
    settle "$baseline" "$active"
    load /healthz "$read_token"
    figure "GET /healthz again, end of phase ($phase)" "$rps req/s" "start of phase $healthz_rps req/s" "drift check" "-"
}

section "1. Reads at $connections connections, every GET route (quiet server)"
reads quiet 0 0

section "2. The same reads while $writers writers post (scans of 20-component SBOMs, inventories, VEX)"
$python Benchmarks/harness/writers.py 127.0.0.1 "$port" "$work/writer-tokens" >"$work/writers.out" 2>"$work/writers.err" &
writers_pid=$!
sleep 1
baseline=$(cpu_percent 3)
note "server CPU with the writers alone: $baseline % of a core (the reads wait for the server to be back near it between routes)"
reads "$writers writers" "$baseline" "$writers"
kill -TERM "$writers_pid"
writers_status=0
wait "$writers_pid" || writers_status=$?
writers_pid=""
note "writers: $(cat "$work/writers.out")"
if [ "$writers_status" -ne 0 ]; then
    # A failed write is a server error: printed here with the server's log, the run goes on and exits 1 at the end.
    failed_writes=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' "$work/writers.out")
    figure "writers' posts answered an error" "${failed_writes:-?} failed" "see below" "none" "FAIL"
    sed 's/^/   /' "$work/writers.err" | cut -c1-400
    note "server log: $(tail -n 3 "$work/err" | cut -c1-400)"
fi

section "3. Ingest of a 10,000-component SBOM beside the parse-and-insert floor"
for run in $(seq 1 "$runs"); do
    $python Benchmarks/scan-ingest/generate.py "$work" 10000 "$run" >/dev/null
    mv "$work/cyclonedx-10k.json" "$work/ingest-$run.json"
done
size=$(stat -c %s "$work/ingest-1.json")
settle 0
before_kb=$(mem VmRSS) before_anon=$(mem RssAnon)
reset_peak && peak_note="VmHWM reset before the posts" || peak_note="VmHWM since start (reset refused)"
$python Benchmarks/harness/memwatch.py "$pid" >"$work/memwatch" &
watch_pid=$!
sleep 0.2
times=()
for run in $(seq 1 "$runs"); do
    times+=("$(post_json "/v1/scans?image=registry.example.com/bench/cyclonedx@sha256:$(printf '%064d' 0)" "$ingest" "$work/ingest-$run.json")")
    $python Benchmarks/harness/docs.py floor-check "$work/answer" 10000
done
peak_kb=$(mem VmHWM)
kill -TERM "$watch_pid"; wait "$watch_pid"
read -r peak_anon < <(sed 's/.*anon=//' "$work/memwatch")
ingest_s=$(median "${times[@]}")
$python Benchmarks/harness/floor.py "$work/schema.sqlite" "$work" "$work"/ingest-[0-9]*.json >"$work/floor"
floors=($(cut -d' ' -f1 "$work/floor"))
floor_s=$(median "${floors[@]}")
ratio=$(calc '%.2f' "$ingest_s / $floor_s")
figure "POST /v1/scans 10k components ($(calc '%.1f' "$size / 1e6") MB)" "$(ms "$ingest_s") ms" "floor $(ms "$floor_s") ms: ${ratio}x" "<= 3x floor" "$(verdict "$ratio" 3)"
note "posts (s): ${times[*]}; floor (s): ${floors[*]} (parse, insert: $(awk '{printf "%s%.3f+%.3f", (NR > 1 ? " " : ""), $2, $3}' "$work/floor"))"
grow=$(calc '%.2f' "($peak_anon - $before_anon) * 1000 / $size")
figure "peak heap (RssAnon) during the ingest" "$(mb "$peak_anon") MB" "idle $(mb "$before_anon") MB, doc $(calc '%.1f' "$size / 1e6") MB" "<= idle + 4x doc" "$(verdict "$grow" 4)"
note "heap peak above idle: $(mb $((peak_anon - before_anon))) MB = ${grow}x the document (RssAnon sampled every 2 ms)"
note "resident (VmRSS, with the database's memory-mapped pages): $(mb "$before_kb") MB before, peak $(mb "$peak_kb") MB = $(calc '%.2f' "($peak_kb - $before_kb) * 1000 / $size")x the document above ($peak_note)"

times=()
for run in $(seq 1 "$runs"); do
    sed "s/ffffffffffffffff/fffffffffffffff$run/" "$work/sbom-10k.json" >"$work/matching-$run.json"
    times+=("$(post_json /v1/scans "$ingest" "$work/matching-$run.json")")
    $python Benchmarks/harness/docs.py floor-check "$work/answer" 10000
done
matched_s=$(median "${times[@]}")
floors=($($python Benchmarks/harness/floor.py "$work/schema.sqlite" "$work" "$work"/matching-[0-9]*.json | cut -d' ' -f1))
figure "POST /v1/scans 10k, $advisories advisories to match" "$(ms "$matched_s") ms" "floor $(ms "$(median "${floors[@]}")") ms" "<= 500 ms" "$(verdict "$matched_s" 0.5)"
note "posts (s): ${times[*]} ($(stat -c %s "$work/matching-1.json") bytes, packages the advisories name)"

times=()
for run in $(seq 1 "$runs"); do
    sed "s/TEST-NEW-000001/TEST-NEW-00000$run/" "$work/new-advisory.json" >"$work/advisory-$run.json"
    times+=("$(post_json /v1/advisories "$ingest" "$work/advisory-$run.json")")
    grep -q '"created":1' "$work/answer" || die "POST /v1/advisories: unexpected answer $(head -c 300 "$work/answer")"
done
figure "POST /v1/advisories, one new record matched" "$(ms "$(median "${times[@]}")") ms" "$advisories advisories stored" "sizing table" "INFO"
note "posts (s): ${times[*]}; the record is advisory-matching/generate.py's new one; last answer: $(head -c 160 "$work/answer")"

# first_after WRITE PATH TOKEN: median of $runs first GETs after a write, each round a second apart.
first_after() {
    local write=$1 path=$2 token=$3 round cold=()
    for round in $(seq 1 "$runs"); do
        $write "$round"
        cold+=("$(get "$path" "$token")")
        sleep 1
    done
    first_s=$(median "${cold[@]}"); first_all="${cold[*]}"
}
unchanged() {
    local warm=() _
    get "$1" "$2" >/dev/null
    for _ in $(seq 1 "$runs"); do warm+=("$(get "$1" "$2")"); done
    warm_s=$(median "${warm[@]}")
}
read -r app_repo app_digest < <($python -c 'import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute("SELECT r.name, i.digest FROM image i JOIN repository r ON r.id = i.repositoryId JOIN tag t ON t.imageId = i.id WHERE r.name LIKE \"ghcr.io/acme/app%\" ORDER BY i.id LIMIT 1").fetchone())' "$work/bench.sqlite")
scan_one() {   # a small scan ingest touching one image of the fleet
    $python Benchmarks/harness/docs.py sbom "$work/one.json" "$((1000 + $1))"
    post_json "/v1/scans?image=$app_repo@$app_digest" "$ingest" "$work/one.json" >/dev/null
}
severity=$(get /v1/policy "$admin" >/dev/null; $python -c 'import json, sys; print(json.load(open(sys.argv[1]))["min_severity"])' "$work/answer")
policy_change() {   # alternates the global policy's minimum severity (critical or high) with the one it had
    local level=$severity
    [ $(($1 % 2)) -eq 1 ] && level=$([ "$severity" = critical ] && echo high || echo critical)
    put_json /v1/policy "$admin" "{\"min_severity\":\"$level\"}" >/dev/null
}

section "4. The first rebuild plan after a write ($images images)"
unchanged /v1/rebuilds/plan "$read_token"
plan_warm=$warm_s
first_after scan_one /v1/rebuilds/plan "$read_token"
figure "GET /v1/rebuilds/plan, first after a scan" "$(ms "$first_s") ms" "unchanged $(ms "$plan_warm") ms" "<= 100 ms" "$(verdict "$first_s" 0.1)"
note "first requests (s): $first_all; plan $(stat -c %s "$work/answer") bytes"
first_after policy_change /v1/rebuilds/plan "$read_token"
figure "GET /v1/rebuilds/plan, first after a policy change" "$(ms "$first_s") ms" "unchanged $(ms "$plan_warm") ms" "<= 100 ms" "$(verdict "$first_s" 0.1)"
note "first requests (s): $first_all"
put_json /v1/policy "$admin" "{\"min_severity\":\"$severity\"}" >/dev/null

section "5. Status and a findings page, first after a write and unchanged"
for path in /v1/status "/v1/findings?limit=100"; do
    unchanged "$path" "$read_token"
    first_after scan_one "$path" "$read_token"
    if [ "$path" = /v1/status ]; then goal="none set (reported)"; v1=INFO; v2=INFO
    else goal="<= 20 ms (list page)"; v1=$(verdict "$first_s" 0.02); v2=$(verdict "$warm_s" 0.02); fi
    figure "GET $path, first after a scan" "$(ms "$first_s") ms" "unchanged $(ms "$warm_s") ms" "$goal" "$v1"
    figure "GET $path, unchanged data" "$(ms "$warm_s") ms" "-" "$goal" "$v2"
    note "first requests (s): $first_all"
done

section "6. Database size and server memory"
if [ "$engine" = PostgreSQL ]; then
    bytes=$(psql -X -qAt "${db%%\?*}" -c "SELECT pg_database_size(current_database())")
else
    bytes=$(( $(stat -c %s "$work/bench.sqlite") + $(stat -c %s "$work/bench.sqlite-wal" 2>/dev/null || echo 0) ))
fi
figure "database size ($engine)" "$(calc '%.1f' "$bytes / 1e6") MB" "$images images, $advisories advisories" "sizing table" "INFO"
figure "server memory (VmRSS) now" "$(mb "$(mem VmRSS)") MB" "peak $(mb "$(mem VmHWM)") MB, start $(mb "$idle_kb") MB" "sizing table" "INFO"
figure "server heap (RssAnon) now" "$(mb "$(mem RssAnon)") MB" "mapped files $(mb "$(mem RssFile)") MB" "sizing table" "INFO"

section "7. POST /v1/advisories with 200,000 rejected records"
$python Benchmarks/harness/docs.py rejected "$work/rejected.json" 200000
hostile_timeout=${BENCH_HOSTILE_TIMEOUT:-120}
(curl -sS -o "$work/rejected-answer" -w '%{http_code} %{time_total} %{size_download}' --max-time "$hostile_timeout" \
    -H "Authorization: Bearer $ingest" -H 'Content-Type: application/json' --data-binary @"$work/rejected.json" \
    "$url/v1/advisories" >"$work/rejected-result" 2>"$work/rejected-err" || true) &
hostile=$!
sleep 2
healthz_during=$(curl -sS -o /dev/null -w '%{time_total}' --max-time "$hostile_timeout" "$url/healthz" || echo timeout)
wait "$hostile"
read -r code seconds_taken answer_bytes <"$work/rejected-result" || true
if [ "${code:-000}" = 000 ]; then
    figure "200k rejected records ($(calc '%.0f' "$(stat -c %s "$work/rejected.json") / 1e3") KB)" "no answer" "curl: $(head -c 80 "$work/rejected-err")" "<= 1 s, <= 100 KB" "FAIL"
else
    case $code in 5??) die "the 200k-record request answered $code: $(head -c 300 "$work/rejected-answer")" ;; esac
    v=FAIL; [ "$(verdict "$seconds_taken" 1)" = PASS ] && [ "$answer_bytes" -le 100000 ] && v=PASS
    figure "200k rejected records ($(calc '%.0f' "$(stat -c %s "$work/rejected.json") / 1e3") KB)" "$(calc '%.2f' "$seconds_taken") s" "answer $code, $(calc '%.1f' "$answer_bytes / 1e3") KB" "<= 1 s, <= 100 KB" "$v"
    note "answer starts: $(head -c 160 "$work/rejected-answer")"
fi
figure "GET /healthz while that request runs" "$([ "$healthz_during" = timeout ] && echo timeout || echo "$(ms "$healthz_during") ms")" "-" "none set (reported)" "INFO"

section "Summary"
echo "$(grep -c '^PASS$' "$work/verdicts" || true) PASS, $(grep -c '^FAIL$' "$work/verdicts" || true) FAIL, $(grep -c '^INFO$' "$work/verdicts" || true) reported without a goal ($engine, $images images, $advisories advisories)"
echo "load at end: $(uptime | sed 's/.*load average: //')"
[ "${writers_status:-0}" -eq 0 ] || { echo "run-all.sh: a writer's request answered an error (above)" >&2; exit 1; }
exit 0
}
