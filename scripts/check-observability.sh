#!/usr/bin/env bash
# Checks the Grafana dashboard and the Prometheus alert rules against the real server:
#   1. the dashboard is JSON and promtool parses its queries; `promtool check rules` accepts the rules and
#      `promtool test rules` passes their tests;
#   2. a server on a temporary SQLite database is seeded through the API until every conditional series exists (an
#      image with a scan, an advisory and a production inventory; a KEV feed served from loopback; a webhook and a
#      registry watch pointed at a closed loopback port);
#   3. every metric name in the dashboard's queries and the rules' expressions is in its /metrics answer, with every
#      label value they select with `label="value"` (a state, a health, …), and the server reports itself ready
#      (`patchtrack_ready 1`) as /readyz does.
# Usage: scripts/check-observability.sh   (PATCHTRACK_BIN: the binary; default a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
dashboard=deploy/grafana/patchtrack.json
rules=deploy/prometheus/alerts.yml
rule_tests=deploy/prometheus/alerts_test.yml
bin=${PATCHTRACK_BIN:-.build/debug/patchtrack}

promtool=$(command -v promtool || true)
[ -n "$promtool" ] || { echo "FAIL: promtool not found (apt-get install prometheus)"; exit 1; }
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable (build it: swift build --product patchtrack, or set PATCHTRACK_BIN)"; exit 1; }

work=$(mktemp -d)
pid=""
feed_pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ -n "$feed_pid" ] && kill -0 "$feed_pid" 2>/dev/null; then kill "$feed_pid" 2>/dev/null || true; wait "$feed_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "--- $dashboard: JSON, and PromQL that promtool parses"
python3 -m json.tool "$dashboard" >/dev/null
# Each panel query as a recording rule, Grafana's variables replaced by values, so that promtool parses the PromQL.
python3 - "$dashboard" >"$work/dashboard-rules.yml" <<'PY'
import json, re, sys
values = {"job": ".*", "environment": ".*", "__rate_interval": "5m", "__range": "1d", "__interval": "1m"}
exprs = []
def walk(node):
    if isinstance(node, dict):
        exprs.extend([node["expr"]] if isinstance(node.get("expr"), str) else [])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for item in node:
            walk(item)
walk(json.load(open(sys.argv[1])).get("panels", []))
print("groups:\n  - name: dashboard\n    rules:")
for number, expr in enumerate(exprs, 1):
    expr = re.sub(r"\$\{?(\w+)\}?", lambda m: values[m.group(1)], expr)
    print(f"      - record: dashboard_query_{number}\n        expr: {json.dumps(expr)}")
PY
"$promtool" check rules "$work/dashboard-rules.yml" | grep -v "^Checking"
echo "--- promtool check rules $rules"
"$promtool" check rules "$rules"
echo "--- promtool test rules $rule_tests"
"$promtool" test rules "$rule_tests"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# A KEV catalogue served from loopback, so that one feed succeeds (its last-success series exists only then).
mkdir "$work/feed"
cat >"$work/feed/kev.json" <<'JSON'
{"catalogVersion": "2026.01.01", "dateReleased": "2026-01-01T00:00:00.000Z",
 "vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02", "dueDate": "2024-01-23",
                      "knownRansomwareCampaignUse": "Unknown"}]}
JSON
feed_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$work/feed" "$feed_port" >"$work/feed.log" 2>&1 &
feed_pid=$!
# A port nothing listens on: the webhook's deliveries and the watch's polls fail there.
closed_port=$(free_port)

port=$(free_port)
base="http://127.0.0.1:$port"
echo "--- starting $bin serve on 127.0.0.1:$port"
"$bin" serve --host 127.0.0.1 --port "$port" --database "$work/db.sqlite" --webhook-allow-private --log-level error \
    >"$work/server.out" 2>"$work/server.err" &
pid=$!
for _ in $(seq 1 300); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.err"; echo "FAIL: the server exited"; exit 1; }
    sleep 0.1
done
curl -fsS "$base/readyz" >/dev/null || { cat "$work/server.err"; echo "FAIL: the server is not ready"; exit 1; }
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/server.out" | head -n 1)
[ -n "$token" ] || { echo "FAIL: the server printed no initial admin token"; exit 1; }
api() {  # METHOD PATH [BODY]: fails, printing the answer, unless it is 2xx
    local body=() status
    [ $# -lt 3 ] || body=(--data-binary "$3")
    status=$(curl -sS -o "$work/answer" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' "${body[@]}" "$base$2")
    case "$status" in
        2??) ;;
        *) echo "FAIL: $1 $2 answered $status:"; cat "$work/answer"; echo; exit 1 ;;
    esac
}

echo "--- seeding"
digest="sha256:$(printf 'ab%.0s' $(seq 32))"
# An image with a tag (so that it enters the rebuild plan), a scan of one PyPI package and an advisory that hits it.
api POST /v1/images "{\"reference\":\"registry.example.com/obs/app:1.0@$digest\"}"
api POST /v1/scans "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,
  \"metadata\":{\"component\":{\"bom-ref\":\"image\",\"type\":\"container\",\"name\":\"registry.example.com/obs/app\",\"version\":\"$digest\"}},
  \"components\":[{\"bom-ref\":\"c1\",\"type\":\"library\",\"name\":\"obs-lib\",\"version\":\"1.0.0\",\"purl\":\"pkg:pypi/obs-lib@1.0.0\"}]}"
api POST /v1/advisories '{"id":"TEST-OBS-1","modified":"2026-01-01T00:00:00Z","database_specific":{"severity":"HIGH"},
  "affected":[{"package":{"ecosystem":"PyPI","name":"obs-lib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]}]}'
# The image runs in production: vulnerable replicas.
api PUT /v1/environments/production '{"stage":"production","order":1}'
api POST /v1/environments/production/inventory \
    "[{\"workload\":\"obs/app\",\"container\":\"app\",\"image\":\"registry.example.com/obs/app@$digest\",\"replicas\":3}]"
# A KEV feed on the loopback catalogue (synced at once, being enabled).
api PUT /v1/feeds/kev-mirror "{\"kind\":\"kev\",\"url\":\"http://127.0.0.1:$feed_port/kev.json\",\"enabled\":true}"
# A webhook whose receiver is not there, and a ping to it: failed deliveries, a pending one, its health series.
api POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$closed_port/hook\"}"
api POST /v1/webhooks/1/test
# A registry watch on a registry that is not there (plain HTTP): a failing watch, polled at once.
api PUT "/v1/registries/127.0.0.1:$closed_port" "{\"url\":\"http://127.0.0.1:$closed_port\",\"insecure\":true}"
api POST /v1/watches "{\"repository\":\"127.0.0.1:$closed_port/obs/app\",\"tags\":[\"latest\"]}"

# Lists every metric name the dashboard's queries (panel targets and template variables) and the rules'
# expressions use, and, given a /metrics answer, those it lacks and the label values selected with `label="value"`
# that none of its samples has. Exit 1 when some are missing.
cat >"$work/names.py" <<'PY'
import json, re, sys

KEYWORDS = {  # aggregation operators (also written `sum by (x) (…)`), modifiers, set operators, literals
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "atan2", "bool",
    "offset", "inf", "nan",
}
IGNORED = {"up"}  # added by Prometheus itself, not by PatchTrack
IGNORED_LABELS = {"job", "instance"}  # added by Prometheus itself
# Label values selected that the seeding cannot produce: no request of the check is rate limited.
UNSEEDED = {("patchtrack_http_requests_total", "status", "429")}
SELECTOR = re.compile(r"(?<![\w.])([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
LABEL_LISTS = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")

def metric_names(expr):
    """Metric names in a PromQL expression: identifiers that are no function, operator, label or literal."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)  # string literals
    expr = re.sub(r"\{[^}]*\}", "", expr)                                     # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)                                    # ranges and subqueries
    expr = LABEL_LISTS.sub(r"\1", expr)                                       # by (…), on (…), …
    expr = re.sub(r"\$\{?\w+\}?", "", expr)                                   # Grafana variables
    expr = re.sub(r"\boffset\s+-?\w+", "", expr)                              # offset 1h
    names = set()
    for match in re.finditer(r"(?<![\w.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?", expr):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in KEYWORDS or re.fullmatch(r"\d+\w*", name):
            continue
        names.add(name)
    return names

def selected_values(expr):
    """(metric, label, value) of each `metric{label="value"}` equality matcher, Grafana variables and Prometheus'
    own labels left out."""
    found = set()
    for selector in SELECTOR.finditer(expr):
        for label, operator, value in MATCHER.findall(selector.group(2)):
            if operator == "=" and label not in IGNORED_LABELS and "$" not in value:
                found.add((selector.group(1), label, value))
    return found

def dashboard_exprs(path):
    found = []
    def walk(node, where):
        if isinstance(node, dict):
            title = node.get("title", where)
            for key, value in node.items():
                if key == "expr" and isinstance(value, str):
                    found.append((f"dashboard panel '{title}'", value))
                else:
                    walk(value, title)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)
    dashboard = json.load(open(path))
    walk(dashboard.get("panels", []), "")
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        values = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query)  # label_values(selector, label)
        found.append((f"dashboard variable '{variable['name']}'", values.group(1) if values else query))
    return found

def rule_exprs(path):
    """`expr:` values of the rules file: one line (plain or quoted) or a block scalar (| or >)."""
    found, lines, i, alert = [], open(path).read().split("\n"), 0, "?"
    while i < len(lines):
        line = lines[i]
        named = re.match(r"\s*-?\s*(?:alert|record):\s*(\S+)", line)
        if named:
            alert = named.group(1)
        match = re.match(r"(\s*)expr:\s*(.*)$", line)
        if match:
            indent, value = len(match.group(1)), match.group(2).strip()
            if value[:1] in "|>":
                block = []
                while i + 1 < len(lines) and (not lines[i + 1].strip() or len(lines[i + 1]) - len(lines[i + 1].lstrip()) > indent):
                    i += 1
                    block.append(lines[i].strip())
                value = " ".join(block)
            elif value[:1] in "'\"":
                value = value[1:-1].replace("''", "'") if value[0] == "'" else json.loads(value)
            found.append((f"rule '{alert}'", value))
        i += 1
    return found

def exposed(path):
    """Sample names of a /metrics answer, their (name, label, value) triples, and the histogram or summary families
    its TYPE lines declare (for hints)."""
    samples, labelled, families = set(), set(), set()
    for line in open(path):
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) >= 4 and parts[3] in ("histogram", "summary"):
                families.add(parts[2])
        elif line.strip() and not line.startswith("#"):
            name = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line).group(0)
            samples.add(name)
            labels = re.match(r"[^{\s]*\{([^}]*)\}", line)
            for label, value in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels.group(1) if labels else ""):
                labelled.add((name, label, value))
    return samples, labelled, families

dashboard_path, rules_path, metrics_path = sys.argv[1:4]
quiet = len(sys.argv) > 4
uses, selects = {}, {}
for where, expr in dashboard_exprs(dashboard_path) + rule_exprs(rules_path):
    for name in metric_names(expr) - IGNORED:
        uses.setdefault(name, []).append(where)
    for selected in selected_values(expr) - UNSEEDED:
        if selected[0] not in IGNORED:
            selects.setdefault(selected, []).append(where)
samples, labelled, families = exposed(metrics_path)
missing = []
for name in sorted(uses):
    if name in samples:  # a histogram `h` is there as h_bucket, h_sum and h_count samples, which queries name
        continue
    hint = ""
    if name in families:
        hint = " (a histogram: its series are _bucket, _sum and _count)"
    elif re.sub(r"_(bucket|sum|count)$", "", name) in families:
        hint = " (its histogram is declared, but has no sample in this answer)"
    missing.append(f"  {name}{hint}: used by {', '.join(sorted(set(uses[name])))}")
for name, label, value in sorted(selects):
    if name in samples and (name, label, value) not in labelled:
        missing.append(f'  {name}{{{label}="{value}"}} (no sample has this label value): used by {", ".join(sorted(set(selects[(name, label, value)])))}')
if quiet:
    sys.exit(1 if missing else 0)
print(f"series named by {dashboard_path} and {rules_path}:")
for name in sorted(uses):
    print(f"  {name} ({len(uses[name])} {'query' if len(uses[name]) == 1 else 'queries'})")
print(f"label values selected with label=\"value\" (besides job):")
for name, label, value in sorted(selects):
    print(f'  {name}{{{label}="{value}"}}')
if missing:
    print(f"FAIL: {len(missing)} of the {len(uses)} series and {len(selects)} label values named are not in the /metrics answer:")
    print("\n".join(missing))
    sys.exit(1)
print(f"{len(uses)} series and {len(selects)} label values named, all present")
PY

# The feed sync, the webhook attempt and the watch poll run in the background: wait until every name is there.
echo "--- waiting for the series the dashboard and the rules name"
deadline=$((SECONDS + 90))
while :; do
    curl -fsS "$base/metrics" >"$work/metrics.txt"
    python3 "$work/names.py" "$dashboard" "$rules" "$work/metrics.txt" quiet && break
    if [ $SECONDS -ge $deadline ]; then echo "(gave up waiting after 90 s)"; break; fi
    sleep 1
done
echo "--- /metrics: $(grep -vc '^#' "$work/metrics.txt") samples"
python3 "$work/names.py" "$dashboard" "$rules" "$work/metrics.txt"
# The server answered /readyz ready: its readiness gauge must say so too.
grep -qx 'patchtrack_ready 1' "$work/metrics.txt" || {
    echo "FAIL: /readyz answers ready but /metrics has no 'patchtrack_ready 1':"; grep '^patchtrack_ready' "$work/metrics.txt"; exit 1; }
echo "patchtrack_ready 1, as /readyz answers"
