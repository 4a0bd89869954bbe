# Sourced by Benchmarks/fleet/run.sh and Benchmarks/ui/run.sh: the fleet data set and a server on it.
# fleet_setup (needs $bin and $work; sets db, read_token, ingest, admin, port, pid, url; defines put and post): a
# database of 10,000 images, 1,000,000 components and 50,000 findings (Benchmarks/rebuild-plan/generate.py) with 600
# images rebuilt (generate.py here), 20 environments, 19 of them fed two 400-workload snapshots.
fleet_setup() {
    "$bin" migrate --database "$work/bench.sqlite" >/dev/null
    python3 Benchmarks/rebuild-plan/generate.py "$work/bench.sqlite"
    python3 Benchmarks/fleet/generate.py "$work/bench.sqlite" "$work/fleet"
    db=$(bench_database "$work/bench.sqlite")
    echo "engine: $(bench_engine)"
    read_token=$("$bin" token create --role read --name bench --database "$db")
    ingest=$("$bin" token create --role ingest --name bench-ci --database "$db")
    admin=$("$bin" token create --role admin --name bench-admin --database "$db")
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$bin" serve --port "$port" --database "$db" --log-level error --max-body 134217728 >"$work/out" 2>"$work/err" &
    pid=$!
    url="http://127.0.0.1:$port"
    until curl -fsS "$url/readyz" >/dev/null 2>&1; do sleep 0.1; done
    put() { curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' --data-binary "$2" "$url$1"; }
    post() { curl -fsS -o "$work/answer" -w '%{time_total}' -H "Authorization: Bearer $ingest" -H 'Content-Type: application/json' --data-binary "@$2" "$url$1"; }
    median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}'; }
    put /v1/environments/canary '{"stage":"canary","order":0}'
    for n in $(seq -w 1 19); do put "/v1/environments/env-$n" "{\"stage\":\"production\",\"order\":$((10#$n))}"; done
    for round in a b; do
        for n in $(seq -w 1 19); do post "/v1/environments/env-$n/inventory" "$work/fleet/env-$n-$round.json" >/dev/null; done
    done
    echo "20 environments, $(ls "$work/fleet" | wc -l) snapshots posted"
    bench_settle "$db"
}
