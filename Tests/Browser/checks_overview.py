"""The overview (`/ui/`) against `GET /v1/status` and `/v1/status/trend`: its cards, the rebuild reasons, open
findings, environments, SLA, time to patch, rollouts, feeds and the trend chart; then dark and at a phone's width."""
from harness import PHONE, SEVERITIES, checks, state, ui_path
from page_checks import check_contrast, check_escaping, check_overflow, check_stylesheet_applied


def overview(browser, api):
    browser.open("/ui/")
    checks.eq("overview: at /ui/", browser.path, "/ui/")
    status = api.get("/v1/status")
    # A page and an API answer a moment apart agree unless a write came between; none does here.
    images, findings, sla, rollouts = status["images"], status["findings"], status["sla"], status["rollouts"]
    for card, want in [("card-images", images["total"]), ("card-needing-rebuild", images["needing_rebuild"]),
                       ("card-open-findings", findings["open"]), ("card-sla-breached", sla["breached"]),
                       ("card-active-rollouts", rollouts["active"])]:
        checks.eq(f"overview: #{card}", browser.text("#" + card), str(want))

    reasons = browser.rows("#rebuild-reasons", "data-reason")
    checks.eq("overview: rebuild reasons listed", sorted(reasons), sorted(images["rebuild_reasons"]))
    for code, count in images["rebuild_reasons"].items():
        checks.eq(f"overview: images needing a rebuild for {code}", (reasons.get(code) or ["", ""])[-1], str(count))

    rows = browser.rows("#open-findings", "data-severity")
    checks.eq("overview: open-findings severities", sorted(rows), sorted(findings["by_severity"]))
    for severity, counts in findings["by_severity"].items():
        checks.eq(f"overview: open {severity} findings (fixable, no fix)", (rows.get(severity) or ["", "", ""])[1:],
                  [str(counts["fixable"]), str(counts["unfixable"])])

    environments(browser, status)

    rows = browser.rows("#sla", "data-severity")
    for severity in ["critical", "high", "medium", "low"]:
        checks.eq(f"overview: SLA {severity} (breached, due within 24 h)", (rows.get(severity) or ["", "", ""])[1:],
                  [str(sla["breached_by_severity"][severity]), str(sla["due_within_24h_by_severity"][severity])])
    checks.eq("overview: breached total = sum of rows", sum(sla["breached_by_severity"].values()), sla["breached"])

    rows = browser.rows("#time-to-patch", "data-severity")
    for severity, figures in status["time_to_patch"]["by_severity"].items():
        checks.eq(f"overview: time to patch, {severity} closed", (rows.get(severity) or ["", ""])[1], str(figures["closed"]))
        if "median_seconds" not in figures:
            checks.eq(f"overview: time to patch, {severity} median shown as none", (rows.get(severity) or ["", "", ""])[2], "—")

    rows = browser.rows("#rollouts", "data-state")
    checks.eq("overview: rollouts by state", {k: v[-1] for k, v in rows.items()},
              {k: str(v) for k, v in rollouts["by_state"].items()})
    feeds = [row.get_attribute("data-feed") for row in browser.all("#feeds tr[data-feed]")]
    checks.eq("overview: feeds", sorted(feeds), sorted(f["name"] for f in status.get("feeds", [])))

    trend_chart(browser, api)
    check_escaping(browser, "overview")
    check_stylesheet_applied(browser, "overview")
    check_contrast(browser, "overview")
    browser.screenshot("overview.png")
    state["status"] = status


def environments(browser, status):
    """The overview's environments table: in the status's order, its figures, each linking to its page."""
    rows = browser.rows("#environments", "data-environment")
    names = [row.get_attribute("data-environment") for row in browser.all("#environments tr[data-environment]")]
    checks.eq("overview: environments in order", names, [e["name"] for e in status["environments"]])
    for environment in status["environments"]:
        cells = rows.get(environment["name"]) or [""] * 7
        checks.eq(f"overview: environment {environment['name']} (stage, workloads, replicas, vulnerable)", cells[1:6],
                  [environment["stage"], str(environment["workloads"]), str(environment["replicas"]),
                   str(environment["vulnerable_workloads"]), str(environment["vulnerable_replicas"])])
        href = browser.href(browser.one(f'#environments tr[data-environment="{environment["name"]}"] a'))
        checks.eq(f"overview: environment {environment['name']} links to its page", href, ui_path("environments", environment["name"]))


def trend_chart(browser, api):
    """One data row per day of `/v1/status/trend`, the last day's figures, and a drawn line."""
    trend = api.get("/v1/status/trend")
    chart_rows = [browser.cells(row) for row in browser.all("#chart-trend tbody tr")]
    checks.eq("overview: trend chart has one data row per day", len(chart_rows), len(trend["points"]))
    if chart_rows and trend["points"]:
        last = trend["points"][-1]
        checks.eq("overview: trend chart's last day", chart_rows[-1],
                  [last["day"][5:]] + [str(last["open"][s]) for s in SEVERITIES if s != "unknown"])
    checks.ok("overview: the trend chart is drawn (data today)", browser.has("#chart-trend svg polyline"),
              "no polyline in #chart-trend")


STICKING_OUT_SCRIPT = """
return [...document.querySelectorAll('main *')].filter(e => {
  const r = e.getBoundingClientRect();
  let p = e.parentElement, clipped = false;
  while (p) { const s = getComputedStyle(p); if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') { clipped = true; break; } p = p.parentElement; }
  return !clipped && r.right > document.documentElement.clientWidth + 1;
}).slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
"""


def overview_variants(browser):
    browser.open("/ui/")
    browser.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    browser.open("/ui/")
    check_stylesheet_applied(browser, "overview dark", dark=True)
    color = browser.d.execute_script("return getComputedStyle(document.querySelector('main')).color")
    checks.eq("overview dark: light text", color, "rgb(230, 232, 235)")
    check_contrast(browser, "overview dark")
    browser.screenshot("overview-dark.png")
    browser.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

    browser.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        browser.open("/ui/")
        overflow = browser.sideways()
        checks.ok("overview at 390 px: the page does not scroll sideways", overflow <= 1, f"{overflow}px wider than the screen")
        wide = browser.d.execute_script(STICKING_OUT_SCRIPT)
        checks.ok("overview at 390 px: nothing sticks out of the screen", not wide, str(wide))
        check_overflow(browser, "overview (phone)")
        browser.screenshot("overview-phone.png")
    finally:
        browser.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
