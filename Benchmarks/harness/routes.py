#!/usr/bin/env python3
"""Lists every GET route of openapi.yaml as a concrete request on the benchmark's data set, one per line:
CLASS|LABEL|PATH|ACCEPT (ACCEPT empty for the default; /healthz, the reference, left out)
CLASS is `point` (one resource: goal >= 50 % of /healthz's requests/s), `list` (a page: goal p99 <= 20 ms) or `whole`
(a whole document the issue sets no read goal for: plan, status, metrics, inventory, the spec). Path parameters
are filled with values taken from the generated SQLite file (the most affected advisory, an application image with
findings and its repository, a component's purl) and from the API (an environment with an inventory, a rollout, a
finding). A GET path this script cannot fill makes it fail, so a new route is never skipped silently.
Usage: routes.py OPENAPI SQLITE URL TOKEN"""
import json, re, sqlite3, sys, urllib.parse, urllib.request

spec, db_path, base, token = sys.argv[1:5]

def api(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)

# GET operations of openapi.yaml, with whether they take `limit` (a page), read line by line (no YAML library).
routes, path, in_get = [], None, False
for line in open(spec):
    if re.match(r"^  /\S*:\s*$", line):
        path, in_get = line.strip()[:-1], False
    elif path and re.match(r"^    get:", line):
        routes.append([path, False])
        in_get = True
    elif path and re.match(r"^    \S", line):
        in_get = False
    elif re.match(r"^\S", line):
        path, in_get = None, False
    elif in_get and re.search(r"parameters/Limit|name: limit\b", line):
        routes[-1][1] = True

db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
one = lambda sql, *args: db.execute(sql, args).fetchone()
# An application image (built on a base) with the most open findings, its repository and one of its components.
image_id, digest, repository = one(
    """SELECT i.id, i.digest, r.name FROM image i JOIN repository r ON r.id = i.repositoryId
       JOIN finding f ON f.imageId = i.id AND f.state = 'open'
       WHERE i.baseDigest IS NOT NULL GROUP BY i.id ORDER BY count(*) DESC, i.id LIMIT 1""")
purl_base = one("SELECT purlBase FROM component WHERE imageId = ? ORDER BY id LIMIT 1", image_id)[0]
# The advisory with the most open findings (its images, progress and exposure are the largest answers).
advisory, vulnerability = one(
    """SELECT a.osvId, a.vulnerabilityId FROM advisory a JOIN finding f ON f.advisoryId = a.id AND f.state = 'open'
       GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1""")
# From the API: an environment with an inventory, a rollout, a finding of the image.
environments = api("/v1/environments")
environments = environments.get("items", environments) if isinstance(environments, dict) else environments
with_inventory = [e["name"] for e in environments if e.get("inventory_at")]
if not with_inventory:
    sys.exit("routes.py: no environment with an inventory (the harness posts them before the reads)")
environment = with_inventory[0]
rollouts = api("/v1/rollouts?limit=1")["items"]
if not rollouts:
    sys.exit("routes.py: no rollout to read (the harness creates one before the reads)")
rollout = rollouts[0]["id"]
finding = api(f"/v1/images/{digest}/findings?limit=1")["items"][0]["id"]

q = urllib.parse.quote
fill = {
    "/v1/repositories/{name}": repository, "/v1/repositories/{name}/policy": repository,
    "/v1/environments/{name}": environment, "/v1/environments/{name}/inventory": environment,
    "/v1/environments/{name}/snapshots": environment,
}
# Realistic query strings: the pages a dashboard or a CLI asks for.
queries = {
    "/v1/images": "?limit=100", "/v1/repositories": "?limit=100", "/v1/findings": "?limit=100",
    "/v1/images/{digest}/components": "?limit=100", "/v1/images/{digest}/findings": "?limit=100",
    "/v1/components": "?purl=" + q(purl_base, safe="") + "&limit=100", "/v1/builds": "?limit=100",
    "/v1/rollouts": "?limit=100", "/v1/environments/{name}/snapshots": "?limit=100",
    "/v1/advisories/{id}/images": "?limit=100", "/v1/advisories/{id}/exposure": "?limit=100",
}
whole = {"/metrics", "/openapi.yaml", "/v1/rebuilds/plan", "/v1/status", "/v1/environments/{name}/inventory"}
# Collections without a `limit` parameter in the spec (or with one the parser may miss): list pages all the same.
lists = {"/v1/tokens", "/v1/environments", "/v1/images/{digest}/scans", "/v1/images/{digest}/disagreements",
         "/v1/policy/changes", "/v1/sla/breaches", "/v1/advisories/{id}/images", "/v1/advisories/{id}/exposure"}

def concrete(template):
    path = template
    if "{name}" in path:
        if template not in fill:
            sys.exit(f"routes.py: no value for {{name}} in {template}")
        path = path.replace("{name}", fill[template])
    path = path.replace("{digest}", digest)
    if "{id}" in path:
        if path.startswith("/v1/advisories/"):
            path = path.replace("{id}", q(advisory, safe=""))
        elif path.startswith("/v1/rollouts/"):
            path = path.replace("{id}", str(rollout))
        elif path.startswith("/v1/findings/"):
            path = path.replace("{id}", str(finding))
        elif path.startswith("/v1/tokens/"):
            return None  # DELETE only
        else:
            sys.exit(f"routes.py: no value for {{id}} in {template}")
    if "{" in path:
        sys.exit(f"routes.py: unfilled parameter in {template}")
    return path + queries.get(template, "")

for template, paged in routes:
    path = concrete(template)
    if path is None or template == "/healthz":
        continue
    kind = "whole" if template in whole else ("list" if paged or template in lists else "point")
    print(f"{kind}|{template}|{path}|")
    if template == "/v1/rebuilds/plan":
        print(f"whole|{template} (CSV)|{path}|text/csv")
    if template == "/v1/findings":
        print(f"list|{template}?vulnerability=|/v1/findings?vulnerability={q(vulnerability, safe='')}&limit=100|")
