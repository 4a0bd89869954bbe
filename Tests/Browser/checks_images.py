"""The rebuild queue (`/ui/rebuilds`) against `GET /v1/rebuilds/plan` (rows, waves, reasons, links, CSV, filters) and
the image page (`/ui/images/{digest}`) against the image's API answers: summary, lineage, rebuild, findings, builds
(`GET /v1/builds?digest=`) and where it runs (`GET /v1/images/{digest}/running`)."""
import urllib.parse

from selenium.webdriver.common.by import By

from harness import checks, http_session, media_type, require_page, squash, state, ui_path
from page_checks import check_escaping
from seed import IMG, SCRIPT


def rebuild_row(browser, row, item):
    """One row of the queue (rebuilds.mustache: `tr[data-digest]` in `table.rebuild-queue[data-wave]`) against its
    plan entry."""
    name = f"rebuilds: {item['repository']}@{item['digest'][7:19]}"
    table = row.find_element(By.XPATH, "ancestor::table[1]")
    checks.eq(f"{name}: wave", table.get_attribute("data-wave"), str(item["wave"]))
    cells = browser.cells(row)
    checks.eq(f"{name}: fixable findings", cells[2] if len(cells) > 2 else None, str(item["fixable_findings"]))
    severity = row.find_elements(By.CSS_SELECTOR, "td:nth-child(2) .sev")
    checks.eq(f"{name}: highest fixable severity", squash(severity[0].get_attribute("textContent")) if severity else None,
              item.get("highest_severity") or "none")
    checks.eq(f"{name}: reasons, in order",
              [r.get_attribute("data-reason") for r in row.find_elements(By.CSS_SELECTOR, "li.reason[data-reason]")],
              [r["code"] for r in item["reasons"]])
    checks.eq(f"{name}: tags", [squash(b.get_attribute("textContent")) for b in row.find_elements(By.CSS_SELECTOR, "td:first-child .badge")],
              item.get("tags", []))
    hrefs = browser.hrefs_in(row)
    checks.ok(f"{name}: links its image page", ui_path("images", item["digest"]) in hrefs, str(hrefs))
    base = item.get("base") or {}
    if base.get("digest"):
        checks.ok(f"{name}: links its base image", ui_path("images", base["digest"]) in hrefs, str(hrefs))
    for reason in item["reasons"]:
        for finding in reason.get("findings", []):
            checks.ok(f"{name}: links advisory {finding['advisory']}", ui_path("advisories", finding["advisory"]) in hrefs, str(hrefs))


def queue_digests(browser):
    return [r.get_attribute("data-digest") for r in browser.all("tr[data-digest]")]


def rebuilds(browser, api):
    require_page(browser, "/ui/rebuilds", "rebuilds")
    plan = api.get("/v1/rebuilds/plan")
    checks.eq("rebuilds: #plan-total", browser.text("#plan-total"), str(plan.get("total", len(plan["items"]))))
    if "wave_count" in plan:
        checks.eq("rebuilds: #plan-waves", browser.text("#plan-waves"), str(plan["wave_count"]))
    checks.eq("rebuilds: the rows are the plan's images, in the plan's order", queue_digests(browser),
              [i["digest"] for i in plan["items"]])
    checks.eq("rebuilds: one section per wave",
              [s.get_attribute("id") for s in browser.all("section[id^='wave-']")],
              [f"wave-{n}" for n in sorted({i["wave"] for i in plan["items"]})])
    for item in plan["items"]:
        rows = browser.all(f'tr[data-digest="{item["digest"]}"]')
        if rows:
            rebuild_row(browser, rows[0], item)
    check_escaping(browser, "rebuilds")
    browser.screenshot("rebuilds.png")

    # The CSV link is the API's CSV.
    link = browser.all("#rebuilds-csv")
    if checks.ok("rebuilds: a CSV link", bool(link)):
        status, headers, body = http_session(browser.href(link[0]))
        _, api_csv = api.request("GET", "/v1/rebuilds/plan", accept="text/csv", raw=True)
        checks.eq("rebuilds: the CSV link answers 200 text/csv", (status, media_type(headers)), (200, "text/csv"))
        checks.ok("rebuilds: the CSV is the API's CSV", body == api_csv.decode(), f"{body[:200]!r} vs {api_csv[:200]!r}")

    # The overview's reason rows link to the queue filtered by that reason.
    for code, count in state["status"]["images"]["rebuild_reasons"].items():
        if count == 0:
            continue
        browser.open("/ui/rebuilds?" + urllib.parse.urlencode({"reason": code}))
        want = [i["digest"] for i in api.get("/v1/rebuilds/plan", {"reason": code})["items"]]
        checks.eq(f"rebuilds?reason={code}: rows", queue_digests(browser), want)
        checks.eq(f"rebuilds?reason={code}: as many images as the overview counts", len(want), count)
        selected = browser.all('select[name="reason"] option[selected]')
        checks.eq(f"rebuilds?reason={code}: the filter shows it", selected[0].get_attribute("value") if selected else None, code)
    browser.open("/ui/rebuilds?min_severity=critical")
    want = [i["digest"] for i in api.get("/v1/rebuilds/plan", {"min_severity": "critical"})["items"]]
    checks.eq("rebuilds?min_severity=critical: rows", queue_digests(browser), want)
    browser.open("/ui/rebuilds?repository=registry.example.com/nothing/here")
    checks.ok("rebuilds: a filter matching nothing says so", browser.has("#rebuilds-empty") and not browser.has("tr[data-digest]"))


def image_page_of(browser, api, digest, name, visible=()):
    path = ui_path("images", digest)
    require_page(browser, path, name)
    image = api.get(f"/v1/images/{digest}")
    checks.eq(f"{name}: #image-digest", browser.text("#image-digest"), digest)
    checks.eq(f"{name}: #image-repository", browser.text("#image-repository"), image["repository"])
    checks.eq(f"{name}: tags", sorted(t.get_attribute("data-tag") for t in browser.all("#image-tags [data-tag]")),
              sorted(t["name"] for t in image["tags"]))
    summary = squash(browser.one("#image-summary").get_attribute("textContent")) if browser.has("#image-summary") else ""
    for key, value in image["labels"].items():
        checks.ok(f"{name}: label {key!r} = {value!r} shown", key in summary and value in summary, summary[:300])

    base = image.get("base") or {}
    up = [li.get_attribute("data-digest") for li in browser.all("#lineage-up li[data-digest]")]
    if base.get("digest"):
        checks.eq(f"{name}: lineage starts at its base", up[:1], [base["digest"]])
        checks.ok(f"{name}: links its base image", ui_path("images", base["digest"]) in browser.links("/ui/images/"))

    rebuild = api.get(f"/v1/images/{digest}/rebuild")
    checks.eq(f"{name}: needs a rebuild", browser.one("#image-rebuild").get_attribute("data-needs-rebuild"),
              str(bool(rebuild.get("needs_rebuild"))).lower())
    if rebuild.get("needs_rebuild"):
        checks.eq(f"{name}: rebuild reasons",
                  [li.get_attribute("data-reason") for li in browser.all("#image-rebuild li.reason[data-reason]")],
                  [r["code"] for r in rebuild["entry"]["reasons"]])

    findings = api.get(f"/v1/images/{digest}/findings")["items"]
    rows = browser.all("#findings tr[data-advisory]")
    checks.eq(f"{name}: findings (advisory, package, state)",
              sorted((r.get_attribute("data-advisory"), r.get_attribute("data-package"), r.get_attribute("data-state")) for r in rows),
              sorted((f["advisory"], f["package"], f["state"]) for f in findings))
    links = browser.links("/ui/advisories/")
    for finding in findings:
        checks.ok(f"{name}: finding {finding['package']} links advisory {finding['advisory']}",
                  ui_path("advisories", finding["advisory"]) in links, str(links))
    builds(browser, api, digest, name)
    runs(browser, api, digest, name)
    check_escaping(browser, name, visible=visible)


def builds(browser, api, digest, name):
    """The "Builds" table (`#builds`) against `GET /v1/builds?digest=`: the same builds, newest first, each with its
    relation to the image; an http(s) run URL is linked."""
    answer = api.get("/v1/builds?" + urllib.parse.urlencode({"digest": digest}))["items"]
    rows = browser.all("#builds tr[data-build]")
    checks.eq(f"{name}: the builds naming the image, newest first", [row.get_attribute("data-build") for row in rows],
              [str(item["id"]) for item in answer])
    for row, item in zip(rows, answer):
        relation = "built this image" if item.get("digest") == digest else "rebuilds this image"
        checks.ok(f"{name}: build #{item['id']} says it {relation}", relation in row.text, row.text)
        if (item.get("url") or "").startswith("https://"):
            checks.ok(f"{name}: build #{item['id']} links its run", item["url"] in browser.hrefs_in(row), row.text)
    if not answer:
        checks.ok(f"{name}: builds: says none names it", "No build" in browser.text("#builds tbody"), browser.text("#builds tbody"))


def runs(browser, api, digest, name):
    """The "Where it runs now" table (`#runs`) row by row against `GET /v1/images/{digest}/running`, in its order;
    each row links its environment."""
    running = api.get(f"/v1/images/{digest}/running")
    checks.eq(f"{name}: the running answer is about the image", running.get("digest"), digest)
    checks.eq(f"{name}: the running answer's replicas add up", running.get("replicas"),
              sum(item["replicas"] for item in running["items"]))
    want = [(item["environment"], item["workload"], item["container"] + (" init" if item["init"] else ""), str(item["replicas"]))
            for item in running["items"]]
    rows = browser.all("#runs tr[data-environment]")
    shown = []
    for row in rows:
        cells = browser.cells(row)
        shown.append((row.get_attribute("data-environment"), row.get_attribute("data-workload"),
                      cells[2] if len(cells) > 2 else None, cells[-1]))
    checks.eq(f"{name}: where it runs, in the running answer's order (environment, workload, container, replicas)", shown, want)
    checks.eq(f"{name}: where it runs: the init badges",
              [bool(row.find_elements(By.CSS_SELECTOR, "td:nth-child(3) .badge")) for row in rows],
              [bool(item["init"]) for item in running["items"]])
    if not running["items"]:
        checks.ok(f"{name}: where it runs: says nothing runs it", "No environment" in browser.text("#runs tbody"),
                  browser.text("#runs tbody"))
    for row, item in zip(rows, running["items"]):
        hrefs = browser.hrefs_in(row)
        checks.ok(f"{name}: the run in {item['environment']}/{item['workload']} links its environment",
                  ui_path("environments", item["environment"]) in hrefs, str(hrefs))


def image_page(browser, api):
    seeded = state["seed"]
    image_page_of(browser, api, seeded["hostile_image"], "image", visible=[SCRIPT, IMG])  # its labels
    browser.screenshot("image.png")
    # The cart image runs in staging as the workload `"><img …>` with the container `<script>…`.
    image_page_of(browser, api, seeded["images"]["cart"], "image (cart)", visible=[SCRIPT, IMG])
    checks.eq("image (cart): its failed rebuild is listed", len(browser.all("#builds tr[data-build]")), 1)
    # The old base runs nowhere any more: the table says so.
    image_page_of(browser, api, seeded["images"]["base_old"], "image (old base)")
    # An unknown digest: the API's 404 as an HTML error page.
    missing = "sha256:" + "0" * 64
    status, headers, _ = http_session(ui_path("images", missing))
    checks.eq("image: an unknown digest answers 404 as HTML", (status, media_type(headers)), (404, "text/html"))
    status, headers, body = http_session(ui_path("images", seeded["hostile_image"]) + "/findings.csv")
    checks.eq("image: the findings CSV answers 200 text/csv", (status, media_type(headers)), (200, "text/csv"))
