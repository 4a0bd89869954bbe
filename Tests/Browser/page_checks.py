"""Checks every dashboard page gets: nothing came out of a hostile name (no element, no attribute, no alert, shown as
text), no CSP refusal in the console, the stylesheet is applied; and, as warnings, text contrast under WCAG AA's 4.5:1
and panels that scroll sideways."""
from selenium.common.exceptions import NoAlertPresentException

from harness import checks, state


def check_escaping(browser, name, visible=()):
    """No element and no attribute came out of a hostile name; the names read as text in the page's main part."""
    checks.eq(f"{name}: no <script> element", len(browser.all("script")), 0)
    checks.eq(f"{name}: no element with onerror", len(browser.all("[onerror]")), 0)
    checks.eq(f"{name}: no element with onload", len(browser.all("[onload]")), 0)
    checks.eq(f"{name}: no img[src=x]", len(browser.all('img[src="x"]')), 0)
    checks.eq(f"{name}: no img at all", len(browser.all("img")), 0)
    try:
        text = browser.d.switch_to.alert.text
        checks.ok(f"{name}: no alert", False, f"an alert opened: {text!r}")
    except NoAlertPresentException:
        checks.ok(f"{name}: no alert", True)
    if browser.has("#who"):
        checks.eq(f"{name}: the header shows the hostile token name as text", browser.text("#who"), state["read_name"])
    main = browser.main_text()
    for hostile in visible:
        checks.ok(f"{name}: {hostile!r} shows as text", hostile in main, "not in the page's visible text")
    problems = browser.console_problems()
    checks.ok(f"{name}: no CSP refusal or error in the console", not problems, "; ".join(problems)[:800])
    check_overflow(browser, name)


def check_stylesheet_applied(browser, name, dark=False):
    background = browser.d.execute_script("return getComputedStyle(document.body).backgroundColor")
    want = "rgb(20, 22, 26)" if dark else "rgb(247, 247, 248)"
    checks.eq(f"{name}: the stylesheet is applied ({'dark' if dark else 'light'} background)", background, want)


CONTRAST_SCRIPT = """
function lum(c) {
  const [r, g, b] = c.match(/[0-9.]+/g).slice(0, 3).map(Number).map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const seen = {}, low = [];
for (const e of document.querySelectorAll(arguments[0])) {
  const s = getComputedStyle(e);
  if (!e.textContent.trim() || s.backgroundColor === 'rgba(0, 0, 0, 0)') continue;
  const key = e.className + ' ' + e.textContent.trim();
  if (seen[key]) continue; seen[key] = 1;
  const [a, b] = [lum(s.color), lum(s.backgroundColor)];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) low.push(`${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim()}" ${s.color} on ${s.backgroundColor}: ${ratio.toFixed(1)}:1`);
}
return low;
"""


def check_contrast(browser, name):
    """Text on a coloured background (severity badges, buttons) under WCAG AA's 4.5:1, as warnings."""
    for line in browser.d.execute_script(CONTRAST_SCRIPT, ".sev, button, .badge"):
        checks.warn(f"{name}: contrast below 4.5:1", line)


OVERFLOW_SCRIPT = """
return [...document.querySelectorAll('main .panel, main figure')].filter(p => p.scrollWidth > p.clientWidth + 1).map(p => {
  const h = p.querySelector('h2, figcaption, table[id]');
  const what = p.id ? '#' + p.id : (h ? (h.id ? '#' + h.id : h.textContent.trim().slice(0, 40)) : p.className);
  return `${what}: content ${p.scrollWidth}px wide in ${p.clientWidth}px`;
});
"""


def check_overflow(browser, name):
    """Panels whose content is wider than they are (a part of a table only reachable by scrolling it sideways), as
    warnings."""
    for line in browser.d.execute_script(OVERFLOW_SCRIPT):
        checks.warn(f"{name}: a panel scrolls sideways at {browser.d.execute_script('return innerWidth')}px", line)
