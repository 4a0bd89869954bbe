#!/usr/bin/env python3
"""The web dashboard in a real browser (issue 15): headless Chromium driven by Selenium against a server seeded with a
scenario through the API (seed.py). Signs in with a read token, opens every page, compares the figures and rows shown
with the API's answers, follows the links between pages, checks the hostile names in the DOM (no element, no
attribute, shown as text), the pages' headers and session cookie, sign-out and revocation, and saves a full-page
screenshot of each page (light, the overview dark too, and every page at a phone's width).

Environment: BASE_URL (the server), ADMIN_TOKEN (its first admin token), SCREENSHOT_DIR (where the PNGs and
checks.txt, the list of every check, go), CHROMIUM (default /usr/bin/chromium), CHROMEDRIVER (default
/usr/bin/chromedriver). Run by scripts/browser-test.sh, which starts the server.

Exits 1 when a check fails. A page the server does not have (its router's JSON 404) is reported as not run. Text
contrast under 4.5:1 and panels that scroll sideways are printed as warnings: what a person would notice, but no
requirement states.

The checks live beside this file: harness.py (settings, results, HTTP, the driver, screenshots), page_checks.py
(escaping, stylesheet, contrast, overflow), checks_auth.py, checks_overview.py, checks_images.py (rebuild queue,
image), checks_findings.py (advisory, SLA), checks_environments.py and checks_links.py (phone width, links).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ADMIN, BASE, SHOTS, Browser, checks, make_driver, state, wait_for_stable_status  # noqa: E402
from seed import Api, seed  # noqa: E402
import checks_auth  # noqa: E402
import checks_environments  # noqa: E402
import checks_findings  # noqa: E402
import checks_images  # noqa: E402
import checks_links  # noqa: E402
import checks_overview  # noqa: E402


def main():
    print(f"browser test against {BASE}; screenshots in {SHOTS}", flush=True)
    os.makedirs(SHOTS, exist_ok=True)
    seeded = seed(BASE, ADMIN)
    state["seed"] = seeded
    state["read_token"] = seeded["read_token"]
    state["read_name"] = seeded["read_token_name"]
    api = Api(BASE, seeded["read_token"])
    wait_for_stable_status(api, seeded["last_write_at"])

    driver = make_driver()
    browser = Browser(driver)
    try:
        checks.section("sign-in", checks_auth.sign_in_flow, browser)
        checks.section("headers and cookie", checks_auth.headers_and_cookie)
        if "cookie" in state:
            checks.section("overview", checks_overview.overview, browser, api)
            checks.section("overview dark and phone", checks_overview.overview_variants, browser)
            checks.section("rebuild queue", checks_images.rebuilds, browser, api)
            checks.section("image page", checks_images.image_page, browser, api)
            checks.section("advisory page", checks_findings.advisory_page, browser, api)
            checks.section("environments page", checks_environments.environments_page, browser, api)
            checks.section("environment page", checks_environments.environment_page, browser, api)
            checks.section("SLA page", checks_findings.sla_page, browser, api)
            checks.section("every page at a phone's width", checks_links.phone_pass, browser)
            checks.section("links: overview → environment → image → advisory", checks_links.links_environment_image_advisory, browser)
            checks.section("links: overview cards → queue → image → base", checks_links.links_queue_and_cards, browser)
            checks.section("links: navigation", checks_links.links_navigation, browser)
            checks.section("sign-out and revocation", checks_auth.sign_out_and_revoke, browser)
        else:
            checks.ok("a session could be opened", False, "no session cookie: no page was checked")
    finally:
        driver.quit()
    return checks.report(SHOTS)


if __name__ == "__main__":
    sys.exit(main())
