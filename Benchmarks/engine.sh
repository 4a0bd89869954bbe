# Sourced by the benchmarks' run.sh: which engine the measured server runs on. Every benchmark generates its data
# into a SQLite file; with BENCH_POSTGRES_URL set to a PostgreSQL server
# (postgres://user@host:port/postgres?sslmode=disable, e.g. from `PATCHTRACK_PG_DURABLE=1 scripts/test-postgres.sh
# start DIR`), that file is copied into a new PostgreSQL database with `patchtrack copy-database` and the server runs
# on it instead.

# Prints the database location the benchmark's server and commands use for the generated SQLite file $1.
bench_database() {
    if [ -z "${BENCH_POSTGRES_URL:-}" ]; then
        echo "$1"
        return
    fi
    local name="bench_$(date +%s%N)"
    psql -X -q "${BENCH_POSTGRES_URL%%\?*}" -c "CREATE DATABASE $name TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'" >&2
    local url="${BENCH_POSTGRES_URL%/postgres*}/$name?sslmode=disable"
    "$bin" copy-database --database "$1" --to "$url" >/dev/null
    psql -X -q "${url%%\?*}" -c "VACUUM ANALYZE" >&2
    echo "$url"
}

# After a benchmark's setup writes: on PostgreSQL, ANALYZE the database it runs on ($1), as autovacuum does within a
# minute of a table's first few thousand rows. PostgreSQL plans the foreign-key checks of each pooled connection
# once; planned while the inventory tables were empty (they are at copy-database), they scan whole tables for every
# inserted row until the next ANALYZE invalidates them (a 5,000-pod post took 3.1 s instead of 0.3 s). Measuring the
# steady state, not a new database's first minute. Nothing on SQLite.
bench_settle() {
    [ -n "${BENCH_POSTGRES_URL:-}" ] || return 0
    psql -X -q "${1%%\?*}" -c "ANALYZE" >&2
}

# The engine, for the report.
bench_engine() { if [ -n "${BENCH_POSTGRES_URL:-}" ]; then echo "PostgreSQL"; else echo "SQLite"; fi; }
