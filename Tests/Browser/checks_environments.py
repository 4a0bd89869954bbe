"""The environments page (`/ui/environments`: each environment's figures, the rollouts, their CSV and filter) and one
environment's page (`/ui/environments/{name}`: its figures, what runs there with the vulnerable containers marked by
the inventory's `highest_severity`, its rollouts) against the API's answers."""
from selenium.webdriver.common.by import By

from harness import checks, csv_link, http_session, media_type, require_page, squash, state, ui_path
from page_checks import check_escaping
from seed import IMG, SCRIPT


def rollout_rows(browser, api, name, query):
    want = api.get("/v1/rollouts", query)["items"]
    rows = browser.all("#rollouts tr[data-rollout]")
    checks.eq(f"{name}: rollouts (id, state)", [(r.get_attribute("data-rollout"), r.get_attribute("data-state")) for r in rows],
              [(str(r["id"]), r["state"]) for r in want])
    for rollout in want:
        row = browser.all(f'#rollouts tr[data-rollout="{rollout["id"]}"]')
        if not row:
            continue
        bar = row[0].find_elements(By.CSS_SELECTOR, "progress")
        checks.eq(f"{name}: rollout #{rollout['id']} progress", bar[0].get_attribute("value") if bar else None, str(rollout["weight"]))
        hrefs = browser.hrefs_in(row[0])
        checks.ok(f"{name}: rollout #{rollout['id']} links its new image", ui_path("images", rollout["to_digest"]) in hrefs, str(hrefs))


def environments_page(browser, api):
    require_page(browser, "/ui/environments", "environments")
    listed = api.get("/v1/environments")["items"]
    exposure = {e["name"]: e for e in api.get("/v1/status")["environments"]}
    rows = browser.rows("#environments", "data-environment")
    names = [row.get_attribute("data-environment") for row in browser.all("#environments tr[data-environment]")]
    checks.eq("environments: one row per environment, in order", names, [e["name"] for e in listed])
    links = browser.links("/ui/environments/")
    for environment in listed:
        name = environment["name"]
        checks.ok(f"environments: {name} links to its page", ui_path("environments", name) in links)
        cells = rows.get(name) or [""] * 7
        vulnerable = exposure.get(name, {})
        checks.eq(f"environments: {name} (workloads, replicas, vulnerable workloads, vulnerable replicas)", cells[2:6],
                  [str(environment["workloads"]), str(environment["replicas"]),
                   str(vulnerable.get("vulnerable_workloads", 0)), str(vulnerable.get("vulnerable_replicas", 0))])
        checks.eq(f"environments: {name} stage", cells[1], f"{environment['stage']} ({environment['order']})")
        if environment.get("description"):
            checks.ok(f"environments: {name} description shown", squash(environment["description"]) in cells[0], cells[0])
    rollout_rows(browser, api, "environments", {})
    check_escaping(browser, "environments", visible=[SCRIPT, IMG])  # the descriptions of staging and production
    browser.screenshot("environments.png")
    csv_link(browser, api, "#rollouts-csv", "/v1/rollouts", "environments")
    browser.open("/ui/environments?state=finished")
    checks.ok("environments?state=finished: no rollout, and it says so",
              browser.has("#rollouts-empty") and not browser.has("#rollouts tr[data-rollout]"))


def container_marks(browser, row):
    """(digest, severity badge text or None, the badge's class or None) of each container in a workload's row."""
    marks = []
    for item in row.find_elements(By.CSS_SELECTOR, "td:nth-child(4) li[data-digest]"):
        badge = item.find_elements(By.CSS_SELECTOR, "span.sev")
        marks.append((item.get_attribute("data-digest"), squash(badge[0].get_attribute("textContent")) if badge else None,
                      badge[0].get_attribute("class") if badge else None))
    return marks


def inventory_rows(browser, label, inventory, exposure):
    """What runs there, workload by workload: kind, replicas, each container's image link and `highest_severity`
    badge; a row is marked vulnerable (`tr.vulnerable[data-vulnerable=true]`) exactly when one of its containers
    carries `highest_severity`, and the marked rows add up to the status's vulnerable figures."""
    rows = {r.get_attribute("data-workload"): r for r in browser.all("#inventory tr[data-workload]")}
    checks.eq(f"{label}: workloads", sorted(rows), sorted(w["name"] for w in inventory["items"]))
    should_mark = sorted(w["name"] for w in inventory["items"] if any(c.get("highest_severity") for c in w["containers"]))
    marked = sorted(r.get_attribute("data-workload") for r in browser.all('#inventory tr.vulnerable[data-vulnerable="true"]'))
    checks.eq(f"{label}: the rows marked vulnerable are the workloads with a container carrying highest_severity",
              marked, should_mark)
    vulnerable_replicas = 0
    for workload in inventory["items"]:
        row = rows.get(workload["name"])
        if row is None:
            continue
        cells = browser.cells(row)
        checks.eq(f"{label}: {workload['name']!r} (kind, replicas)", cells[1:3], [workload["kind"], str(workload["replicas"])])
        hrefs = browser.hrefs_in(row)
        for container in workload["containers"]:
            checks.ok(f"{label}: {workload['name']!r} links image {container['digest'][:19]}",
                      ui_path("images", container["digest"]) in hrefs, str(hrefs))
        badges = [(c["digest"], c.get("highest_severity"), f"sev sev-{c['highest_severity']}" if c.get("highest_severity") else None)
                  for c in workload["containers"]]
        checks.eq(f"{label}: {workload['name']!r} containers' severity badges (digest, severity, class)",
                  container_marks(browser, row), badges)
        vulnerable = any(c.get("highest_severity") for c in workload["containers"])
        classes = (row.get_attribute("class") or "").split()
        checks.eq(f"{label}: {workload['name']!r} is marked vulnerable exactly when a container carries highest_severity",
                  ("vulnerable" in classes, row.get_attribute("data-vulnerable"),
                   bool(row.find_elements(By.CSS_SELECTOR, "td:first-child .vulnerable-flag"))),
                  (vulnerable, "true" if vulnerable else None, vulnerable))
        vulnerable_replicas += workload["replicas"] if vulnerable else 0
    checks.eq(f"{label}: as many workloads marked vulnerable as the status counts", len(marked),
              exposure.get("vulnerable_workloads", 0))
    checks.eq(f"{label}: the replicas of the workloads marked vulnerable add up to the status's figure",
              vulnerable_replicas, exposure.get("vulnerable_replicas", 0))


def environment_page_of(browser, api, name, label, visible=()):
    require_page(browser, ui_path("environments", name), label)
    environment = api.get(f"/v1/environments/{name}")
    inventory = api.get(f"/v1/environments/{name}/inventory")
    exposure = next((e for e in api.get("/v1/status")["environments"] if e["name"] == name), {})
    checks.eq(f"{label}: #environment-name", browser.text("#environment-name"), name)
    if environment.get("description"):
        checks.eq(f"{label}: description", browser.text("#environment-description"), squash(environment["description"]))
    for css, want in [("#environment-workloads", environment["workloads"]), ("#environment-replicas", environment["replicas"]),
                      ("#environment-vulnerable-workloads", exposure.get("vulnerable_workloads", 0)),
                      ("#environment-vulnerable-replicas", exposure.get("vulnerable_replicas", 0))]:
        checks.eq(f"{label}: {css}", browser.text(css), str(want))
    inventory_rows(browser, label, inventory, exposure)
    rollout_rows(browser, api, label, {"environment": name})
    check_escaping(browser, label, visible=visible)


def environment_page(browser, api):
    seeded = state["seed"]
    name = seeded["hostile_environment"]
    environment_page_of(browser, api, name, "environment", visible=[SCRIPT, IMG])  # description, workload, container
    csv_link(browser, api, "#inventory-csv", f"/v1/environments/{name}/inventory", "environment")
    browser.screenshot("environment.png")
    environment_page_of(browser, api, "canary", "environment canary")  # the rollout
    environment_page_of(browser, api, "production", "environment production", visible=[IMG])  # its description
    status, headers, _ = http_session(ui_path("environments", "nowhere"))
    checks.eq("environment: an unknown name answers 404 as HTML", (status, media_type(headers)), (404, "text/html"))
