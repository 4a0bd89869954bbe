#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: its own data directory under DIR, a free loopback port, run
# by an unprivileged user (postgres refuses root), C collation (bytewise text order, as SQLite compares).
#
#   scripts/test-postgres.sh start DIR   prints the URL to put in PATCHTRACK_TEST_POSTGRES_URL
#   scripts/test-postgres.sh stop DIR    stops the server by the PID in its postmaster.pid, removes DIR
set -euo pipefail
command=${1:?usage: test-postgres.sh start|stop DIR}
dir=${2:?usage: test-postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
user=patchtrack-pg

run_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

case "$command" in
start)
    if [ "$(id -u)" -eq 0 ] && ! id "$user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown "$user" "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run_as "$bin/initdb" -D "$dir/data" -U patchtrack -A trust --locale=C -E UTF8 >"$dir/initdb.log" 2>&1
    # Throwaway settings: no durability needed, many test databases at once. PATCHTRACK_PG_DURABLE=1 (benchmarks)
    # keeps PostgreSQL's durable defaults (fsync, synchronous commit) and sizes shared buffers for a 1M-row database.
    settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PATCHTRACK_PG_DURABLE:-0}" = 1 ] && settings="-c shared_buffers=1GB"
    run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir $settings -c max_connections=300" \
        start >/dev/null
    echo "postgres://patchtrack@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        pid=$(head -n 1 "$dir/data/postmaster.pid")
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: test-postgres.sh start|stop DIR" >&2; exit 64
    ;;
esac
