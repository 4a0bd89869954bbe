"""The browser test's harness (issue 15): its settings, the results (`checks`) and shared state (`state`), HTTP without
a browser, the Selenium driver and a small wrapper of it (`Browser`, with full-page screenshots), and the steps every
page's checks use (opening a page, clicking a link, comparing a CSV link with the API's CSV).

Environment: BASE_URL, ADMIN_TOKEN, SCREENSHOT_DIR, CHROMIUM, CHROMEDRIVER (see dashboard_test.py).
"""
import base64
import json
import os
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

BASE = os.environ["BASE_URL"].rstrip("/")
ADMIN = os.environ["ADMIN_TOKEN"]
SHOTS = os.environ.get("SCREENSHOT_DIR", ".ci/artifacts/screenshots")
SEVERITIES = ["critical", "high", "medium", "low", "unknown"]
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


# MARK: - Results


class Checks:
    def __init__(self):
        self.passed = []
        self.failed = []
        self.not_run = []
        self.warnings = []

    def ok(self, name, condition, detail=""):
        if condition:
            self.passed.append(name)
        else:
            self.failed.append(f"{name}: {detail}" if detail else name)
            print(f"  FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
        return condition

    def eq(self, name, got, want):
        return self.ok(name, got == want, f"got {got!r}, expected {want!r}")

    def warn(self, name, detail):
        """Something a person would notice that no requirement states (contrast): reported, not failed."""
        self.warnings.append(f"{name}: {detail}")
        print(f"  WARN {name}: {detail}", flush=True)

    def skip(self, name, why):
        self.not_run.append(f"{name}: {why}")
        print(f"  NOT RUN {name}: {why}", flush=True)

    def section(self, name, function, *args):
        print(f"- {name}", flush=True)
        before = len(self.failed)
        try:
            function(*args)
        except PageMissing as missing:
            self.skip(name, str(missing))
        except Exception as error:  # one broken section must not hide the others
            self.failed.append(f"{name}: {type(error).__name__}: {error}")
            print(f"  FAIL {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc()
        return len(self.failed) == before

    def report(self, directory):
        """Prints what was not run, warned and failed, writes `checks.txt` (every check) into `directory` and answers
        the exit status."""
        print()
        for title, lines in [("Not run", self.not_run), ("Warnings, not failures", self.warnings), ("Failed", self.failed)]:
            if lines:
                print(f"{title} ({len(lines)}):")
                for line in lines:
                    print("  - " + line)
        with open(os.path.join(directory, "checks.txt"), "w") as report:
            report.writelines(f"pass {line}\n" for line in self.passed)
            report.writelines(f"FAIL {line}\n" for line in self.failed)
            report.writelines(f"not run {line}\n" for line in self.not_run)
            report.writelines(f"warn {line}\n" for line in self.warnings)
        shots = sorted(f for f in os.listdir(directory) if f.endswith(".png"))
        print(f"screenshots: {', '.join(shots)}; every check listed in {os.path.join(directory, 'checks.txt')}")
        print(f"browser: {len(self.passed)} passed, {len(self.failed)} failed, {len(self.not_run)} skipped")
        return 1 if self.failed else 0


class PageMissing(Exception):
    """The server has no such dashboard page (yet)."""


checks = Checks()
# What the sections share: the seeding's answer (`seed`), the read token and its name, the session cookie
# (`cookie`, set by the header checks) and the overview's `/v1/status` answer (`status`).
state = {}


# MARK: - HTTP without a browser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(method, path, body=None, headers=None):
    """(status, headers, text) of a request, redirects not followed."""
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def http_session(path):
    """(status, headers, text) of a GET with the session cookie."""
    return http("GET", path, headers={"Cookie": state["cookie"]})


def media_type(headers):
    return (headers.get("Content-Type") or "").split(";")[0]


def http_sign_in(token, headers=None):
    """Signs in with a form post; answers (status, Set-Cookie, `name=value` of the cookie)."""
    form = urllib.parse.urlencode({"token": token, "next": "/ui/"}).encode()
    fields = {"Content-Type": "application/x-www-form-urlencoded"}
    fields.update(headers or {})
    status, answer, _ = http("POST", "/ui/login", form, fields)
    set_cookie = answer.get("Set-Cookie") or ""
    return status, set_cookie, set_cookie.split(";")[0]


def path_of(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def ui_path(kind, value):
    """The dashboard's path of an image, advisory or environment (a segment percent-encoded but for `-._~:`)."""
    return f"/ui/{kind}/" + urllib.parse.quote(value, safe="-._~:")


def wait_for_stable_status(api, last_write_at):
    """Waits until the rebuild plan behind `/v1/status` was computed after the seeding's last write (right after a
    write the API answers the previous plan while it computes the next) and two answers in a row agree."""
    previous = None
    deadline = time.time() + 30
    while time.time() < deadline:
        current = api.get("/v1/status")
        computed = current["images"].get("rebuilds_computed_at") or ""
        key = json.loads(json.dumps(current))
        key.pop("generated_at", None)
        key["images"].pop("rebuilds_computed_at", None)
        if computed >= last_write_at and key == previous:
            return current
        previous = key if computed >= last_write_at else None
        time.sleep(0.5)
    raise TimeoutError(f"the rebuild plan was not recomputed after {last_write_at} within 30 s")


# MARK: - Browser


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000",
                     "--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


class Browser:
    def __init__(self, driver):
        self.d = driver

    def open(self, path):
        self.d.get(BASE + path)
        self.wait_loaded()

    def wait_loaded(self):
        deadline = time.time() + 20
        while self.d.execute_script("return document.readyState") != "complete":
            if time.time() > deadline:
                raise TimeoutError("page did not finish loading")
            time.sleep(0.05)

    def navigate(self, action):
        """Runs `action` (a click or submit that loads another page) and waits for the new page: the old document
        goes stale first, so its `complete` state is not mistaken for the new one's."""
        old = self.one("html")
        action()
        WebDriverWait(self.d, 20).until(lambda _: gone(old))
        self.wait_loaded()

    @property
    def path(self):
        return path_of(self.d.current_url)

    def all(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def one(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def has(self, css):
        return bool(self.all(css))

    def text(self, css):
        """The text content of the first element matching `css` (whether displayed or not), whitespace collapsed."""
        return squash(self.one(css).get_attribute("textContent"))

    def cells(self, row):
        return [squash(cell.get_attribute("textContent")) for cell in row.find_elements(By.CSS_SELECTOR, "td")]

    def rows(self, table_css, attribute):
        """{row's `attribute` value: [cell texts]} of a table's body rows carrying that attribute."""
        return {row.get_attribute(attribute): self.cells(row) for row in self.all(f"{table_css} tr[{attribute}]")}

    def main_text(self):
        """The visible text of the page's main part (not the header, which shows the token's name)."""
        found = self.all("main")
        return (found[0] if found else self.one("body")).text

    def links(self, prefix):
        """The hrefs, as written in the document, of every link whose href starts with `prefix`."""
        return self.d.execute_script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
            ".filter(h => h.startsWith(arguments[0]))", prefix)

    def href(self, element):
        """The href of `element`, as written."""
        return self.d.execute_script("return arguments[0].getAttribute('href')", element)

    def hrefs_in(self, element):
        """The hrefs, as written, of the links inside `element`."""
        return self.d.execute_script("return [...arguments[0].querySelectorAll('a[href]')].map(a => a.getAttribute('href'))",
                                     element)

    def console_problems(self):
        """Console messages since the last call about refused content (CSP) or a resource that failed to load, but
        the browser's own favicon request and the document itself answering an error status."""
        try:
            entries = self.d.get_log("browser")
        except Exception:
            return []
        problems = []
        for entry in entries:
            message = entry.get("message", "")
            if "Content Security Policy" in message or "Refused to" in message:
                problems.append(message)
            elif entry.get("level") == "SEVERE" and "/favicon.ico" not in message \
                    and not message.startswith(self.d.current_url.split("?")[0] + " "):
                problems.append(message)
        return problems

    def sideways(self):
        """How many CSS px the page itself is wider than the window (0 when it does not scroll sideways)."""
        return self.d.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def screenshot(self, name):
        """A full-page PNG (the document's whole height at the window's width)."""
        os.makedirs(SHOTS, exist_ok=True)
        metrics = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
        width = max(size["width"], viewport["clientWidth"])
        height = max(size["height"], viewport["clientHeight"])
        shot = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        return path


# What ChromeDriver says, besides a stale reference, when asked about an element while its document is being replaced.
_REPLACED = ("does not belong to the document", "No node with given id")


def gone(element):
    """Whether `element`'s document is gone (Selenium's `staleness_of`, but an element asked about mid-navigation
    can also answer an inspector error naming a node of another document, which means the same)."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if any(text in str(error) for text in _REPLACED):
            return True
        raise


def squash(text):
    return " ".join((text or "").split())


# MARK: - Steps the pages share


def require_page(browser, path, name):
    """Opens `path`; raises PageMissing when the server has no dashboard page there (its router's JSON 404)."""
    status, headers, _ = http_session(path)
    if status == 404 and "html" not in (headers.get("Content-Type") or ""):
        raise PageMissing(f"GET {path} answers 404 {headers.get('Content-Type')} (no such page yet)")
    checks.eq(f"{name}: GET {path} status", status, 200)
    browser.open(path)
    checks.eq(f"{name}: stays at {path} (signed in)", browser.path, path)


def click(browser, css, name):
    found = browser.all(css)
    if not checks.ok(f"{name}: link {css} present", bool(found), f"at {browser.path}"):
        return False
    browser.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", found[0])
    browser.navigate(found[0].click)
    return True


def landed_on_page(browser, expected_path, name):
    checks.eq(f"{name}: lands on {expected_path}", browser.path, expected_path)
    heading = browser.all("h1")
    if not heading:
        raise PageMissing(f"{expected_path} is not a dashboard page yet")


def csv_link(browser, api, css, api_path, name):
    """The page's CSV link answers the API's CSV of the same question."""
    link = browser.all(css)
    if not checks.ok(f"{name}: CSV link {css}", bool(link)):
        return
    href = browser.href(link[0])
    status, headers, body = http_session(href)
    checks.eq(f"{name}: {href} answers 200 text/csv", (status, media_type(headers)), (200, "text/csv"))
    _, api_csv = api.request("GET", api_path, accept="text/csv", raw=True)
    checks.ok(f"{name}: the CSV is the API's ({api_path})", body == api_csv.decode(), f"{body[:160]!r} vs {api_csv[:160]!r}")
