"""The advisory page (`/ui/advisories/{id}`: the record, its patch progress, affected images; the lookup by alias and
its form; unknown and hostile ids) and the SLA page (`/ui/sla`: by severity, the findings soonest due first, its
filters and CSV) against the API's answers."""
import urllib.parse

from harness import checks, click, csv_link, http_session, media_type, require_page, squash, state, ui_path
from page_checks import check_escaping
from seed import IMG, SCRIPT


def advisory_page_of(browser, api, record, name, visible=()):
    path = ui_path("advisories", record)
    require_page(browser, path, name)
    advisory = api.get(f"/v1/advisories/{record}")
    checks.eq(f"{name}: #advisory-id", browser.text("#advisory-id"), advisory["id"])
    if advisory.get("summary"):
        checks.eq(f"{name}: #advisory-text (summary)", browser.text("#advisory-text"), squash(advisory["summary"]))
    checks.eq(f"{name}: severity", browser.one("#advisory-severity").get_attribute("data-severity"),
              (advisory.get("severity") or {}).get("level") or "unknown")
    checks.eq(f"{name}: vulnerability", browser.text("#advisory-vulnerability"), advisory.get("vulnerability_id", ""))
    checks.eq(f"{name}: aliases", [squash(a.text) for a in browser.all("#advisory-aliases a")], advisory.get("aliases", []))
    checks.eq(f"{name}: open findings", browser.text("#advisory-open-findings"), str(advisory.get("open_findings", 0)))

    progress = api.get(f"/v1/advisories/{record}/progress")
    for key, value in progress["summary"].items():
        if isinstance(value, int) and browser.has(f"#progress-{key.replace('_', '-')}"):
            checks.eq(f"{name}: progress {key}", browser.text(f"#progress-{key.replace('_', '-')}"), str(value))
    rows = browser.rows("#advisory-environments", "data-environment")
    checks.eq(f"{name}: environments", [r.get_attribute("data-environment") for r in browser.all("#advisory-environments tr[data-environment]")],
              [e["name"] for e in progress["environments"]])
    for environment in progress["environments"]:
        cells = rows.get(environment["name"]) or [""] * 6
        checks.eq(f"{name}: environment {environment['name']} (status, vulnerable workloads, replicas, patched)", cells[1:5],
                  [environment["status"], str(environment["vulnerable_workloads"]), str(environment["vulnerable_replicas"]),
                   str(environment.get("patched_replicas", 0))])
    images = api.get(f"/v1/advisories/{record}/images")["items"]
    checks.eq(f"{name}: affected images", sorted(r.get_attribute("data-digest") for r in browser.all("#affected-images tr[data-digest]")),
              sorted(i["image"]["digest"] for i in images))
    links = browser.links("/ui/images/")
    for item in images:
        checks.ok(f"{name}: links affected image {item['image']['digest'][:19]}", ui_path("images", item["image"]["digest"]) in links)
    checks.eq(f"{name}: patch progress by image (digest, stage)",
              sorted((r.get_attribute("data-digest"), r.get_attribute("data-stage")) for r in browser.all("#image-progress tr[data-digest]")),
              sorted((i["digest"], i["stage"]) for i in progress["images"]))
    check_escaping(browser, name, visible=visible)
    return advisory


def advisory_page(browser, api):
    seeded = state["seed"]
    advisory_page_of(browser, api, seeded["hostile_advisory"], "advisory", visible=[SCRIPT])  # its summary
    csv_link(browser, api, "#exposure-csv", f"/v1/advisories/{seeded['hostile_advisory']}/exposure", "advisory")
    browser.screenshot("advisory.png")
    advisory_page_of(browser, api, "TEST-BROWSER-2", "advisory TEST-BROWSER-2", visible=[IMG])  # its summary
    real = advisory_page_of(browser, api, "PYSEC-2018-27", "advisory PYSEC-2018-27 (real OSV record)")
    # Looking a record up by an alias answers the record.
    browser.open("/ui/advisories?id=CVE-2018-10895")
    checks.eq("advisory lookup by CVE alias: lands on its page", browser.path, ui_path("advisories", "CVE-2018-10895"))
    checks.eq("advisory lookup by CVE alias: shows the record", browser.text("#advisory-id") if browser.has("#advisory-id") else None, real["id"])
    browser.open("/ui/")
    lookup = browser.all('form[action="/ui/advisories"] input[name="id"]')
    if checks.ok("overview: has the advisory lookup form", bool(lookup)):
        lookup[0].send_keys("GHSA-wgmx-52ph-qqcw")
        browser.navigate(lookup[0].submit)
        checks.eq("overview lookup form → advisory page", browser.path, ui_path("advisories", "GHSA-wgmx-52ph-qqcw"))

    # An unknown, hostile id: the error page shows the problem, escaped.
    status, headers, _ = http_session(ui_path("advisories", SCRIPT))
    checks.eq("advisory: an unknown id answers 404 as HTML", (status, media_type(headers)), (404, "text/html"))
    browser.open(ui_path("advisories", SCRIPT))
    check_escaping(browser, "advisory error page")
    browser.open("/ui/advisories?" + urllib.parse.urlencode({"id": IMG}))
    check_escaping(browser, "advisory lookup of a hostile id")


def sla_rows(browser):
    return [(r.get_attribute("data-finding"), r.get_attribute("data-status"), r.get_attribute("data-digest"))
            for r in browser.all("#sla-findings tr[data-finding]")]


def sla_page(browser, api):
    require_page(browser, "/ui/sla", "sla")
    status = api.get("/v1/status")["sla"]
    rows = browser.rows("#sla-by-severity", "data-severity")
    for severity in ["critical", "high", "medium", "low"]:
        checks.eq(f"sla: {severity} (breached, due within 24 h)", (rows.get(severity) or ["", "", ""])[1:],
                  [str(status["breached_by_severity"][severity]), str(status["due_within_24h_by_severity"][severity])])
    breaches = api.get("/v1/sla/breaches")["items"]
    checks.eq("sla: the findings, soonest due first (id, standing, image)", sla_rows(browser),
              [(str(i["finding_id"]), i["sla"]["status"], i["digest"]) for i in breaches])
    for item in breaches:
        row = browser.one(f'#sla-findings tr[data-finding="{item["finding_id"]}"]')
        hrefs = browser.hrefs_in(row)
        advisory = item.get("advisory_id") or item["vulnerability_id"]
        checks.ok(f"sla: finding {item['finding_id']} links its image", ui_path("images", item["digest"]) in hrefs, str(hrefs))
        checks.ok(f"sla: finding {item['finding_id']} links its advisory", ui_path("advisories", advisory) in hrefs, str(hrefs))
    check_escaping(browser, "sla")
    browser.screenshot("sla.png")
    csv_link(browser, api, "#sla-csv", "/v1/sla/breaches", "sla")

    for query in [{"status": "breached"}, {"status": "due_soon"}, {"severity": "high"}, {"status": "breached", "severity": "low"}]:
        browser.open("/ui/sla?" + urllib.parse.urlencode(query))
        want = api.get("/v1/sla/breaches", query)["items"]
        label = "sla?" + urllib.parse.urlencode(query)
        checks.eq(f"{label}: rows", sla_rows(browser), [(str(i["finding_id"]), i["sla"]["status"], i["digest"]) for i in want])
        if not want:
            checks.ok(f"{label}: says nothing matches", browser.has("#sla-empty"))
    browser.open("/ui/sla?status=breached")
    checks.eq("sla?status=breached: as many rows as the overview's card", len(sla_rows(browser)), state["status"]["sla"]["breached"])
    browser.open("/ui/sla")
    if click(browser, '#sla-by-severity tr[data-severity="high"] td:nth-child(3) a', "sla: the due-soon count of high"):
        checks.eq("sla: the due-soon count of high links to its rows", browser.path, "/ui/sla?status=due_soon&severity=high")
        checks.eq("sla: as many rows as the count", len(sla_rows(browser)), status["due_within_24h_by_severity"]["high"])
