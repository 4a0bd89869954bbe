"""Every page at a phone's width, and following the links between pages as a person would: overview → environment →
image → advisory, the overview's cards and reasons → the queue → an image → its base, and the header's navigation."""
from harness import PHONE, PageMissing, checks, click, http_session, landed_on_page, state, ui_path
from page_checks import check_overflow


def phone_pass(browser):
    """Every page at a phone's width (390 CSS px): the page itself must not scroll sideways; panels that do are
    warnings; a screenshot of each."""
    seeded = state["seed"]
    pages = [("rebuilds", "/ui/rebuilds"), ("image", ui_path("images", seeded["hostile_image"])),
             ("advisory", ui_path("advisories", seeded["hostile_advisory"])), ("environments", "/ui/environments"),
             ("environment", ui_path("environments", seeded["hostile_environment"])), ("sla", "/ui/sla")]
    browser.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        for name, path in pages:
            status, headers, _ = http_session(path)
            if status == 404 and "html" not in (headers.get("Content-Type") or ""):
                checks.skip(f"{name} at 390 px", "no such page yet")
                continue
            browser.open(path)
            overflow = browser.sideways()
            checks.ok(f"{name} at 390 px: the page does not scroll sideways", overflow <= 1,
                      f"{overflow}px wider than the screen")
            check_overflow(browser, f"{name} (phone)")
            browser.screenshot(f"{name}-phone.png")
    finally:
        browser.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def links_environment_image_advisory(browser):
    seeded = state["seed"]
    browser.open("/ui/")
    env = seeded["hostile_environment"]
    if not click(browser, f'#environments tr[data-environment="{env}"] a', "overview → environment"):
        return
    landed_on_page(browser, ui_path("environments", env), "overview → environment")
    checkout = ui_path("images", seeded["images"]["checkout"])
    if not click(browser, f'main a[href="{checkout}"]', "environment → image"):
        return
    landed_on_page(browser, checkout, "environment → image")
    links = browser.links("/ui/advisories/")
    if checks.ok("image → advisory: the image links an advisory", bool(links), "no advisory link"):
        target = ui_path("advisories", seeded["hostile_advisory"])
        target = target if target in links else links[0]
        click(browser, f'main a[href="{target}"]', "image → advisory")
        landed_on_page(browser, target, "image → advisory")


def links_queue_and_cards(browser):
    browser.open("/ui/")
    if click(browser, "#card-needing-rebuild", "overview card → rebuild queue"):
        landed_on_page(browser, "/ui/rebuilds", "overview card → rebuild queue")
        links = browser.links("/ui/images/")
        if checks.ok("rebuild queue → image: the queue links images", bool(links)):
            click(browser, f'main a[href="{links[0]}"]', "rebuild queue → image")
            landed_on_page(browser, links[0], "rebuild queue → image")
            base = browser.all("#lineage-up a[href]")
            if base:
                target = browser.href(base[0])
                click(browser, "#lineage-up a[href]", "image → its base image")
                landed_on_page(browser, target, "image → its base image")
    browser.open("/ui/")
    if click(browser, '#rebuild-reasons tr[data-reason="base_image_updated"] a', "overview reason → filtered queue"):
        landed_on_page(browser, "/ui/rebuilds?reason=base_image_updated", "overview reason → filtered queue")
    browser.open("/ui/")
    if click(browser, "#card-sla-breached", "overview card → SLA breaches"):
        landed_on_page(browser, "/ui/sla?status=breached", "overview card → SLA breaches")


def links_navigation(browser):
    for label, href in [("Rebuilds", "/ui/rebuilds"), ("Environments", "/ui/environments"), ("SLA", "/ui/sla"),
                        ("Overview", "/ui/")]:
        browser.open("/ui/rebuilds" if href == "/ui/" else "/ui/")
        if click(browser, f'header nav a[href="{href}"]', f"navigation → {label}"):
            try:
                landed_on_page(browser, href, f"navigation → {label}")
            except PageMissing as missing:
                checks.skip(f"navigation → {label}", str(missing))
                continue
            current = browser.all('header nav a[aria-current="page"]')
            checks.ok(f"navigation → {label}: marked current", bool(current) and current[0].text == label)
