"""Sessions: the sign-in form in the browser (a wrong token, a hostile `next`, the read token), the pages' security
headers and the session cookie's attributes over plain HTTP, sign-out, and revoking the token ending every session."""
import time
import urllib.parse

from harness import ADMIN, BASE, checks, click, http, http_sign_in, media_type, state
from page_checks import check_escaping, check_stylesheet_applied
from seed import IMG, Api

WRONG_TOKEN = "pt_AAAAAAAAAAAA_" + "B" * 40


def sign_in_flow(browser):
    status, headers, _ = http("GET", "/")
    checks.eq("/ redirects", (status, headers.get("Location")), (303, "/ui/"))
    status, headers, _ = http("GET", "/ui/", headers={"Authorization": "Bearer " + state["read_token"]})
    checks.eq("a bearer token is no session: /ui/ redirects to the sign-in form", status, 303)

    browser.open("/ui/")
    checks.eq("/ui/ without a session redirects to the sign-in form", browser.path, "/ui/login?next=/ui/")
    checks.ok("the sign-in form has a token field", browser.has("#token") and browser.has("#sign-in"))
    check_stylesheet_applied(browser, "login")

    browser.one("#token").send_keys(WRONG_TOKEN)
    browser.navigate(browser.one("#sign-in").click)
    checks.ok("a wrong token shows the error", browser.has("#login-error"), "no #login-error")
    if browser.has("#login-error"):
        checks.eq("the error's text", browser.text("#login-error"), "The token is unknown or revoked.")
    checks.ok("a wrong token opens no session", not any(c["name"] == "patchtrack_session" for c in browser.d.get_cookies()))
    browser.screenshot("login.png")

    # The form keeps `next` in a hidden field: a hostile one must stay a value.
    browser.open("/ui/login?" + urllib.parse.urlencode({"next": IMG}))
    check_escaping(browser, "login with a hostile next")
    hidden = browser.all('input[name="next"]')
    checks.ok("login: the hostile next stays one attribute value",
              len(hidden) == 1 and hidden[0].get_attribute("value") in (IMG, "/ui/"),
              f"hidden inputs: {[h.get_attribute('value') for h in hidden]}")

    browser.open("/ui/")
    browser.one("#token").send_keys(state["read_token"])
    browser.navigate(browser.one("#sign-in").click)
    checks.eq("signing in with the read token lands on the overview", browser.path, "/ui/")
    checks.ok("the overview is shown", browser.has("#card-images"), f"at {browser.path}")
    cookie = next((c for c in browser.d.get_cookies() if c["name"] == "patchtrack_session"), None)
    checks.ok("the session cookie is HttpOnly", bool(cookie and cookie.get("httpOnly")), str(cookie))
    checks.ok("the session cookie is SameSite=Strict", bool(cookie and cookie.get("sameSite") == "Strict"), str(cookie))
    checks.ok("the session cookie is no token", bool(cookie and state["read_token"] not in cookie["value"]))


def headers_and_cookie():
    status, set_cookie, cookie = http_sign_in(state["read_token"])
    checks.eq("form sign-in answers 303", status, 303)
    attributes = [part.strip() for part in set_cookie.split(";")]
    checks.ok("Set-Cookie has HttpOnly", "HttpOnly" in attributes, set_cookie)
    checks.ok("Set-Cookie has SameSite=Strict", "SameSite=Strict" in attributes, set_cookie)
    checks.ok("Set-Cookie has no Secure over plain HTTP", "Secure" not in attributes, set_cookie)
    checks.ok("Set-Cookie has Path=/ui", "Path=/ui" in attributes, set_cookie)
    state["cookie"] = cookie

    _, secure_cookie, _ = http_sign_in(state["read_token"], {"X-Forwarded-Proto": "https"})
    checks.ok("Set-Cookie has Secure behind a TLS proxy (X-Forwarded-Proto: https)",
              "Secure" in [part.strip() for part in secure_cookie.split(";")], secure_cookie)

    status, wrong, _ = http_sign_in(WRONG_TOKEN)
    checks.eq("a wrong token: 401 and no cookie", (status, wrong), (401, ""))

    for path, fields in [("/ui/", {"Cookie": cookie}), ("/ui/login", {})]:
        status, headers, body = http("GET", path, headers=fields)
        checks.eq(f"GET {path}", status, 200)
        csp = headers.get("Content-Security-Policy") or ""
        checks.ok(f"{path}: Content-Security-Policy present", bool(csp))
        checks.ok(f"{path}: CSP has no unsafe-inline", "unsafe-inline" not in csp, csp)
        checks.ok(f"{path}: CSP allows no script", "script-src" not in csp or "script-src 'none'" in csp, csp)
        checks.eq(f"{path}: X-Content-Type-Options", headers.get("X-Content-Type-Options"), "nosniff")
        checks.eq(f"{path}: Referrer-Policy", headers.get("Referrer-Policy"), "same-origin")
        checks.ok(f"{path}: text/html", (headers.get("Content-Type") or "").startswith("text/html"))
        checks.ok(f"{path}: the hostile token name is escaped in the HTML",
                  path != "/ui/" or ("&lt;script&gt;" in body and "<script>" not in body), "raw <script> in the HTML")
    status, headers, _ = http("GET", "/ui/static/style.css")
    checks.eq("the stylesheet is served as CSS", (status, media_type(headers)), (200, "text/css"))


def sign_out_and_revoke(browser):
    browser.open("/ui/")
    checks.ok("sign-out: signed in before", browser.path == "/ui/", browser.path)
    click(browser, "#sign-out", "sign-out")
    checks.eq("sign-out: lands on the sign-in form", browser.path, "/ui/login")
    browser.open("/ui/")
    checks.eq("sign-out: /ui/ redirects to the sign-in form again", browser.path, "/ui/login?next=/ui/")

    browser.one("#token").send_keys(state["read_token"])
    browser.navigate(browser.one("#sign-in").click)
    checks.eq("revocation: a second session is open", browser.path, "/ui/")
    status, _, second = http_sign_in(state["read_token"])
    checks.eq("revocation: a third session (no browser) is open", http("GET", "/ui/", headers={"Cookie": second})[0], 200)

    admin = Api(BASE, ADMIN)
    admin.delete(f"/v1/tokens/{state['seed']['read_token_id']}")
    deadline = time.time() + 10
    ended = False
    while time.time() < deadline:
        browser.open("/ui/")
        if browser.path.startswith("/ui/login"):
            ended = True
            break
        time.sleep(0.5)
    checks.ok("revocation: the browser's session ends within 10 s", ended, f"still at {browser.path}")
    checks.eq("revocation: the other session ends too", http("GET", "/ui/", headers={"Cookie": second})[0], 303)
    status, _, _ = http_sign_in(state["read_token"])
    checks.eq("revocation: the token can no longer sign in", status, 401)
