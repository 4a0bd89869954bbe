# Helpers sourced by Benchmarks/run-all.sh. Expect: $url (the server), $work (a temporary directory), $pid (the
# server's process id), $seconds (wrk's duration per route), $connections, $wrk_threads.

die() {
    echo "run-all.sh: $*" >&2
    [ -s "${work:-/nonexistent}/err" ] && { echo "server log (last lines):" >&2; tail -n 5 "$work/err" >&2; }
    exit 1
}
section() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }

# figure NAME VALUE REFERENCE GOAL VERDICT: one line of the report.
figure() {
    printf '%-52s %14s | %-34s | %-22s | %s\n' "$1" "$2" "$3" "$4" "$5"
    echo "$5" >>"$work/verdicts"
}
# verdict VALUE LIMIT [le|ge]: PASS when VALUE <= LIMIT (or >= with ge).
verdict() {
    awk -v v="$1" -v l="$2" -v op="${3:-le}" 'BEGIN { ok = (op == "ge") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "PASS" : "FAIL" }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ms() { calc '%.1f' "$1 * 1000"; }   # seconds -> milliseconds

# call METHOD PATH TOKEN [curl args...]: one request; prints its time in seconds, keeps the answer in $work/answer
# and its status in $work/status; fails loudly on a status that is not 2xx.
call() {
    local method=$1 path=$2 token=$3 out
    shift 3
    out=$(curl -sS -X "$method" -o "$work/answer" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
        "$@" "$url$path") || die "$method $path: curl failed"
    echo "${out%% *}" >"$work/status"
    case "${out%% *}" in
        2??) echo "${out#* }" ;;
        *) die "$method $path answered ${out%% *}: $(head -c 400 "$work/answer")" ;;
    esac
}
get() { call GET "$1" "$2" "${@:3}"; }
post_json() { call POST "$1" "$2" -H 'Content-Type: application/json' --data-binary "@$3"; }
put_json() { call PUT "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"; }

# load PATH TOKEN [ACCEPT]: wrk at $connections connections for $seconds s; sets rps, p50, p99 (ms), bad (socket
# errors and timeouts), completed (requests answered). Fails loudly when any answer was not 2xx/3xx.
load() {
    local line
    line=$(BENCH_TOKEN=$2 BENCH_ACCEPT=${3:-} wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 10s \
        -s Benchmarks/harness/auth.lua "$url$1" | grep '^BENCH ') || die "wrk failed on $1"
    local requests=0 duration=1 p50us=0 p99us=0 non2xx=0 sockets=0 timeouts=0 kv
    for kv in ${line#BENCH }; do
        case ${kv%%=*} in
            requests) requests=${kv#*=} ;;
            duration_us) duration=${kv#*=} ;;
            p50_us) p50us=${kv#*=} ;;
            p99_us) p99us=${kv#*=} ;;
            non2xx3xx) non2xx=${kv#*=} ;;
            socket_errors) sockets=${kv#*=} ;;
            timeouts) timeouts=${kv#*=} ;;
        esac
    done
    [ "$non2xx" -eq 0 ] || die "GET $1: $non2xx of $requests answers under load were not 2xx/3xx"
    rps=$(calc '%.1f' "$requests / ($duration / 1e6)")
    p50=$(calc '%.1f' "$p50us / 1000")
    p99=$(calc '%.1f' "$p99us / 1000")
    bad=$((sockets + timeouts)) completed=$requests
}

# The server's CPU time in clock ticks; settle BASELINE waits (up to 60 s) until the server uses at most BASELINE + 20
# percent of a core over half a second (the work wrk left in flight when it stopped), and sets settled (seconds);
# settle BASELINE ACTIVE also waits for at most ACTIVE running statements on PostgreSQL, and for $probe_path (a
# point read) to answer within 250 ms.
ticks_per_second=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
cpu_percent() {   # the server's CPU use over $1 seconds, in percent of one core
    local a b; a=$(cpu_ticks); sleep "$1"; b=$(cpu_ticks)
    calc '%.0f' "100 * ($b - $a) / $ticks_per_second / $1"
}
settle() {
    local start; start=$(date +%s.%N) drained=""
    for _ in $(seq 1 120); do
        [ "$(cpu_percent 0.5)" -le $(( ${1:-0} + 20 )) ] || continue
        # On PostgreSQL the work is in its backends: also wait until no more statements of the database run than
        # the writers' (a second argument), none in the quiet phase.
        case "$db" in postgres://*)
            [ "$(psql -X -qAt "${db%%\?*}" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                AND state = 'active' AND pid <> pg_backend_pid()")" -le "${2:-0}" ] || continue ;;
        esac
        # A server can be idle and still stuck (requests queued behind others that wait): a point read
        # ($probe_path) must answer within 250 ms.
        if [ -n "${probe_path:-}" ]; then
            [ "$(verdict "$(curl -sS -o /dev/null -w '%{time_total}' --max-time 2 -H "Authorization: Bearer $read_token" \
                "$url$probe_path" 2>/dev/null || echo 9)" 0.25)" = PASS ] || continue
        fi
        drained=yes
        break
    done
    settled=$(calc '%.1f' "$(date +%s.%N) - $start")
    [ -n "$drained" ] || settled="$settled (not drained)"
}

# mem FIELD: the server's VmRSS or VmHWM in kB.
mem() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }
# Resets the server's peak resident size (VmHWM) to its current size; false where the kernel refuses.
reset_peak() { echo 5 >"/proc/$pid/clear_refs" 2>/dev/null; }
mb() { calc '%.1f' "$1 / 1000"; }   # kB -> MB
