#!/usr/bin/env bash
# Dashboard benchmark (issue 15) against a release build on loopback, on the fleet data set of Benchmarks/fleet
# (10,000 images, 1,000,000 components, 50,000 findings, 20 environments; Benchmarks/fleet/setup.sh).
# Signs in with a read token, then for every page prints the median time of RUNS requests on unchanged data (after
# one warm-up request) and of RUNS first requests after an inventory post (the frequent write), each a second apart
# so the background rebuild-plan refresh does not overlap the next. Beside curl's time, the server's own time per page
# on unchanged data: the growth of patchtrack_http_request_duration_seconds_{sum,count} for the page's route over
# those requests. Pages are kept rendered per write generation, so a third measure renders each time on unchanged
# data (an extra query parameter no page reads makes each URI new): the page's API reads from their warm caches, the
# JSON parsed, the view built and rendered. The goal is ≤ 50 ms of server time per page.
# Usage: Benchmarks/ui/run.sh [RUNS]   (builds the release binary first if needed; BENCH_POSTGRES_URL: PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
bin=${PATCHTRACK_BIN:-.build-release/release/patchtrack}
[ -x "$bin" ] || swift build -c release --product patchtrack --scratch-path .build-release
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
source Benchmarks/engine.sh
source Benchmarks/fleet/setup.sh
fleet_setup

cookie=$(curl -fsS -o /dev/null -D - --data-urlencode "token=$read_token" "$url/ui/login" | tr -d '\r' |
    sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
api() { curl -fsS -H "Authorization: Bearer $read_token" "$url$1"; }
page() { curl -fsS -o "$work/page" -w '%{http_code} %{time_total}' -b "$cookie" "$url$1"; }
timed() {
    local answer
    answer=$(page "$1")
    [ "${answer%% *}" = 200 ] || { echo "$1 answered ${answer%% *}" >&2; exit 1; }
    echo "${answer#* }"
}
digest=$(api '/v1/rebuilds/plan' | python3 -c 'import json, sys; print(json.load(sys.stdin)["waves"][0]["entries"][0]["digest"])' 2>/dev/null ||
    api '/v1/images?limit=1' | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["digest"])')
advisory=$(api '/v1/findings?limit=1' | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["vulnerability_id"])')
pages=(/ui/ /ui/rebuilds "/ui/rebuilds?min_severity=high&reason=fixable_vulnerability" "/ui/images/$digest"
    "/ui/advisories/$advisory" /ui/environments /ui/environments/env-01 /ui/sla)
echo "pages: ${pages[*]}"
# The summed duration and count of the route `path` ($1, a template) from /metrics, as "sum count".
served() {
    curl -fsS "$url/metrics" | python3 -c '
import re, sys
route = sys.argv[1]
total = count = 0.0
for line in sys.stdin:
    m = re.match(r"patchtrack_http_request_duration_seconds_(sum|count)\{(.*)\} (\S+)", line)
    if m and f"route=\"{route}\"" in m.group(2) and "method=\"GET\"" in m.group(2):
        if m.group(1) == "sum": total += float(m.group(3))
        else: count += float(m.group(3))
print(total, count)' "$1"
}
template() {
    case $1 in
        /ui/) echo /ui ;;
        /ui/images/*) echo '/ui/images/{digest}' ;;
        /ui/advisories/*) echo '/ui/advisories/{id}' ;;
        /ui/environments/*) echo '/ui/environments/{name}' ;;
        *) echo "${1%%\?*}" ;;
    esac
}
slowest=0
for path in "${pages[@]}"; do
    timed "$path" >/dev/null
    before=$(served "$(template "$path")")
    warm=()
    for _ in $(seq 1 "$runs"); do warm+=("$(timed "$path")"); done
    after=$(served "$(template "$path")")
    server=$(python3 -c "b = '$before'.split(); a = '$after'.split(); print(f'{(float(a[0]) - float(b[0])) / max(float(a[1]) - float(b[1]), 1) * 1000:.1f}')")
    separator=$(case $path in *\?*) echo '&' ;; *) echo '?' ;; esac)
    before=$(served "$(template "$path")")
    for n in $(seq 1 "$runs"); do timed "$path${separator}render=$n$RANDOM" >/dev/null; done
    after=$(served "$(template "$path")")
    rendered=$(python3 -c "b = '$before'.split(); a = '$after'.split(); print(f'{(float(a[0]) - float(b[0])) / max(float(a[1]) - float(b[1]), 1) * 1000:.1f}')")
    cold=()
    for _ in $(seq 1 "$runs"); do
        post /v1/environments/env-01/inventory "$work/fleet/env-01-b.json" >/dev/null
        cold+=("$(timed "$path")")
        sleep 1
    done
    size=$(stat -c %s "$work/page")
    w=$(median "${warm[@]}") c=$(median "${cold[@]}")
    printf '%-64s %6d B  unchanged: median %5s ms, server %5s ms; rendered anew: server %5s ms; first after a write: median %6s ms\n' \
        "${path:0:64}" "$size" "$w" "$server" "$rendered" "$c"
    slowest=$(python3 -c "print(max($slowest, $server))")
    slowest_render=$(python3 -c "print(max(${slowest_render:-0}, $rendered))")
done
python3 -c "s = $slowest; print(f'slowest page, server time on unchanged data: {s} ms (goal 50 ms):', 'PASS' if s <= 50 else 'FAIL')"
python3 -c "s = $slowest_render; print(f'slowest page rendered anew on unchanged data: {s} ms (goal 50 ms):', 'PASS' if s <= 50 else 'FAIL')"
