#!/usr/bin/env python3
"""Browser end-to-end test: headless Chromium, driven over the W3C WebDriver
protocol (chromedriver, Debian packages `chromium` and `chromium-driver`),
against the real `paperpulse serve` over a slice of ../shared/data.

Desktop (1440 px) and mobile (390 px, mobile emulation) sessions open the
daily page, follow a paper, check that KaTeX rendered its formulas, copy the
BibTeX, search from the header box, check that XSS attempts stay inert, and
that nothing overflows sideways on the phone. Any console error or failed
request of a page (CSP violations included) fails the test. Screenshots go to
ARTIFACT_DIR for a person to look at.

usage: browser_test.py PAPERPULSE_BINARY ARTIFACT_DIR   (run by ctest)
Standard library only; the WebDriver client below speaks JSON over HTTP.
SignedInBrowserTest and main_signed_in are the journey pieces and main() the
signed-in tests (community_browser_test.py, library_browser_test.py) share.
"""
import base64
import glob
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import pp_browser  # noqa: E402
import pp_server  # noqa: E402
import pp_site  # noqa: E402

CHROMIUM = os.environ.get("PAPERPULSE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PAPERPULSE_CHROMEDRIVER", "/usr/bin/chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # W3C WebDriver element key
ENTER = "\ue007"


class WebDriverError(Exception):
    pass


class Session:
    """One browser session (W3C WebDriver, https://www.w3.org/TR/webdriver2/)."""

    def __init__(self, driver_url, capabilities):
        self.driver_url = driver_url
        value = self._request("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.id = value["sessionId"]

    def _request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.driver_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            value = json.loads(e.read() or b"{}").get("value", {})
            raise WebDriverError("%s %s: %s: %s" % (method, path, value.get("error"),
                                                   str(value.get("message", ""))[:500]))

    def call(self, method, path, body=None):
        return self._request(method, "/session/%s%s" % (self.id, path), body)

    def get(self, url):
        self.call("POST", "/url", {"url": url})

    def url(self):
        return self.call("GET", "/url")

    def js(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        """Runs `script`, which reports its result by calling its last
        argument (a callback); e.g. the text of a fetch() in the page."""
        return self.call("POST", "/execute/async", {"script": script, "args": list(args)})

    def find(self, css):
        return self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self.call("POST", "/element/%s/click" % self.find(css), {})

    def type(self, css, text):
        self.call("POST", "/element/%s/value" % self.find(css), {"text": text})

    def cdp(self, cmd, params=None):
        """A Chrome DevTools Protocol command (chromedriver extension)."""
        return self.call("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params or {}})

    def console(self):
        """Browser log entries since the last call (chromedriver extension)."""
        return self.call("POST", "/se/log", {"type": "browser"})

    def alert_open(self):
        try:
            self.call("GET", "/alert/text")
            return True
        except WebDriverError as e:
            if "no such alert" in str(e):
                return False
            raise

    def wait(self, script, what, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(script):
                return
            time.sleep(0.1)
        raise AssertionError("timed out waiting for " + what)

    def quit(self):
        try:
            self.call("DELETE", "")
        except (WebDriverError, OSError):
            pass


class BrowserTest:
    def __init__(self, site, artifacts, driver_url, profile_dir):
        self.site = site
        self.artifacts = artifacts
        self.driver_url = driver_url
        self.profile_dir = profile_dir
        self.failures = []
        self.shots = []

    # ---- helpers -------------------------------------------------------

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)
            print("FAIL:", message, file=sys.stderr)

    def session(self, name, width, height, mobile):
        args = ["--headless=new", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--no-default-browser-check", "--disable-dev-shm-usage", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--force-color-profile=srgb", "--lang=en-US",
                "--user-data-dir=" + os.path.join(self.profile_dir, name)]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to sandbox as root
        options = {"binary": CHROMIUM, "args": args}
        if mobile:
            options["mobileEmulation"] = {"deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 2.0, "mobile": True, "touch": True}}
        else:
            args += ["--window-size=%d,%d" % (width, height), "--force-device-scale-factor=1"]
        return Session(self.driver_url, {"browserName": "chrome", "goog:chromeOptions": options,
                                         "goog:loggingPrefs": {"browser": "ALL"},
                                         "pageLoadStrategy": "normal"})

    def open(self, s, path):
        s.get(self.site.base + path)
        s.wait("return document.readyState === 'complete'", "load of " + path)
        # app.js marks the page once it has run (KaTeX included).
        s.wait("return document.documentElement.classList.contains('js-ready')", "app.js on " + path)

    def console_errors(self, s, where, allowed=()):
        for entry in s.console():
            if entry.get("level") != "SEVERE":
                continue
            if any(a in entry.get("message", "") for a in allowed):
                continue
            self.check(False, "%s: console error: %s" % (where, entry.get("message")))

    def shot(self, s, name, full=False):
        """Saves a PNG of the viewport, or of the whole page (capped) when `full`."""
        if full:
            size = s.js("return [document.documentElement.scrollWidth, "
                        "Math.min(document.documentElement.scrollHeight, 6000)]")
            png = s.cdp("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})["data"]
        else:
            png = s.call("GET", "/screenshot")
        path = os.path.join(self.artifacts, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        self.shots.append(path)

    def no_sideways_scroll(self, s, where, width):
        # A phone widens its layout viewport to fit wide content, so compare
        # with the device width rather than window.innerWidth.
        wide = s.js("return document.documentElement.scrollWidth")
        self.check(wide <= width, "%s: page is %d px wide on a %d px screen" % (where, wide, width))

    # ---- the journey -----------------------------------------------------

    def journey(self, s, prefix, mobile, width):
        search_enabled = self.site.search_enabled()

        # The daily page.
        self.open(s, "/")
        self.check("Daily Papers" in s.js("return document.title"), prefix + ": home title")
        cards = s.js("return document.querySelectorAll('ol.cards > li.card').length")
        self.check(cards >= 10, "%s: %d cards on the daily page" % (prefix, cards))
        votes = s.js("return [...document.querySelectorAll('.card .votes .n')].map(e => +e.textContent)")
        self.check(votes == sorted(votes, reverse=True), prefix + ": cards sorted by upvotes")
        self.no_sideways_scroll(s, prefix + " daily", width)
        self.shot(s, prefix + "-daily")
        self.shot(s, prefix + "-daily-full", full=True)
        s.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        bg = s.js("return getComputedStyle(document.body).backgroundColor")
        self.check(bg != "rgb(247, 248, 250)", prefix + ": dark mode changes the background (%s)" % bg)
        self.shot(s, prefix + "-daily-dark")
        s.cdp("Emulation.setEmulatedMedia", {"features": []})
        self.console_errors(s, prefix + " daily")

        # Follow the first paper.
        href = s.js("return document.querySelector('ol.cards li.card h2 a').getAttribute('href')")
        s.click("ol.cards li.card h2 a")
        s.wait("return location.pathname === %s && document.readyState === 'complete'" % json.dumps(href),
               "navigation to " + href)
        s.wait("return document.documentElement.classList.contains('js-ready')", "app.js on paper")
        self.check(s.js("return !!document.querySelector('h1.paper-title')"), prefix + ": paper title")
        self.check(s.js("return document.querySelectorAll('.paper-authors a[href^=\"/authors/\"]').length > 0"),
                   prefix + ": author links")
        self.check(s.js("return !document.querySelector('button.copy').hidden"),
                   prefix + ": app.js shows the copy button")
        self.no_sideways_scroll(s, prefix + " paper", width)
        self.shot(s, prefix + "-paper")
        self.shot(s, prefix + "-paper-full", full=True)
        self.console_errors(s, prefix + " paper")

        # KaTeX on a paper with TeX in its title and abstract.
        self.open(s, "/papers/" + pp_site.MATH_ID)
        rendered = s.js("return document.querySelectorAll('.paper-title .katex, .abstract .katex').length")
        self.check(rendered >= 2, "%s: %d KaTeX formulas rendered" % (prefix, rendered))
        tex = s.js("return [...document.querySelectorAll('.paper-title annotation')].map(a => a.textContent)")
        self.check(any("\\Lambda" in t for t in tex), prefix + ": KaTeX kept the TeX source %r" % tex)
        raw = s.js("return document.querySelector('.paper-title').textContent")
        self.check("$" not in raw.replace("$$", ""), prefix + ": no raw $ left in the title: " + raw)
        font = s.js("return document.fonts.check('16px KaTeX_Main')")
        self.check(font, prefix + ": KaTeX fonts load from the binary")
        if not mobile:
            s.click("button.copy")
            s.wait("return document.querySelector('button.copy').textContent !== 'Copy'", "copy button")
            label = s.js("return document.querySelector('button.copy').textContent")
            self.check(label == "Copied", prefix + ": copy button says %r" % label)
        self.no_sideways_scroll(s, prefix + " math paper", width)
        self.shot(s, prefix + "-math")
        self.console_errors(s, prefix + " math paper")

        # Search from the box in the header.
        self.open(s, "/")
        s.type(".site-header input[name=q]", "video diffusion" + ENTER)
        s.wait("return location.pathname === '/search' && document.readyState === 'complete'",
               "search results")
        s.wait("return document.documentElement.classList.contains('js-ready')", "app.js on search")
        self.check("q=video+diffusion" in s.url(), prefix + ": search URL " + s.url())
        if search_enabled:
            hits = s.js("return document.querySelectorAll('ol.cards > li.card').length")
            self.check(hits >= 5, "%s: %d search results" % (prefix, hits))
            self.check(s.js("return document.querySelectorAll('.card mark').length > 0"),
                       prefix + ": matches highlighted")
            self.console_errors(s, prefix + " search")
        else:
            text = s.js("return document.body.textContent")
            self.check("Search is unavailable" in text, prefix + ": search says it is unavailable")
            self.console_errors(s, prefix + " search", allowed=["status of 503"])
        self.no_sideways_scroll(s, prefix + " search", width)
        self.shot(s, prefix + "-search")

        # XSS attempts stay text.
        self.open(s, "/papers/" + pp_site.XSS_ID)
        self.check(not s.alert_open(), prefix + ": no alert from the XSS paper")
        self.check(s.js("return window.__pwned === undefined"), prefix + ": injected script did not run")
        self.check(s.js("return document.querySelectorAll('img:not(.logo)').length === 0"),
                   prefix + ": no injected <img>")
        title = s.js("return document.querySelector('h1.paper-title').textContent")
        self.check("<script>" in title, prefix + ": the title shows the markup as text")
        self.console_errors(s, prefix + " xss paper")

        # The 404 page, for the screenshot (its own 404 is expected).
        self.open(s, "/papers/2606.00000")
        self.check(s.js("return !!document.querySelector('.error-page form[action=\"/search\"]')"),
                   prefix + ": 404 page has a search box")
        self.no_sideways_scroll(s, prefix + " 404", width)
        self.shot(s, prefix + "-404")
        self.console_errors(s, prefix + " 404", allowed=["status of 404"])

    def run(self):
        pp_browser.run_sessions(self, [
            (prefix, width, height, mobile,
             lambda s, p=prefix, m=mobile, w=width: self.journey(s, p, m, w))
            for prefix, width, height, mobile in [("desktop", 1440, 1000, False), ("mobile", 390, 844, True)]])


class SignedInBrowserTest(BrowserTest):
    """A browser test of the signed-in site (tests/e2e/community_browser_test.py,
    library_browser_test.py): `site` is a pp_browser.CommunitySite, a visitor
    `v` a dict with prefix, width, mobile, email and name. Its screenshots are
    named SHOTS-*.png; run it with main_signed_in."""

    SHOTS = None

    def shot(self, s, name, full=False):
        super().shot(s, self.SHOTS + "-" + name, full)

    def after(self, s, action, what, timeout=20):
        """Runs `action` (a click that loads a page) and waits until the new
        page has loaded and app.js has run. A marker set on the old page tells
        the two apart, even when the URL does not change."""
        s.js("window.__leaving = 1")
        action()
        s.wait("return window.__leaving === undefined && document.readyState === 'complete' && "
               "document.documentElement.classList.contains('js-ready')", what, timeout)

    def path(self, s):
        return s.js("return location.pathname")

    def check_page(self, s, where, v, allowed=()):
        if v["mobile"]:
            self.no_sideways_scroll(s, where, v["width"])
        self.console_errors(s, where, allowed)

    def sign_in(self, s, v):
        """Signs visitor `v` in as a reader would: "Sign in" in the header, the
        address on /login, the mailed link, the confirm page's button, then a
        display name on /settings (a new account lands there)."""
        p = v["prefix"]
        self.open(s, "/")
        self.check(s.js("return document.querySelector('.account-nav a[href^=\"/login\"]')"
                        ".textContent.trim()") == "Sign in", p + ": header offers 'Sign in'")
        self.after(s, lambda: s.click(".account-nav a[href^='/login']"), "/login")
        self.check(self.path(s) == "/login", p + ": 'Sign in' leads to /login, not " + self.path(s))
        self.check_page(s, p + " login", v)
        self.shot(s, p + "-login")
        s.type("#login-email", v["email"])
        self.after(s, lambda: s.click("form.stack-form button[type=submit]"), "the link sent")
        heading = s.js("return document.querySelector('.account-page h1').textContent")
        self.check(heading == "Check your inbox", p + ": after asking for a link: %r" % heading)
        self.check(v["email"] in s.js("return document.querySelector('.notice').textContent"),
                   p + ": the notice names the address")
        self.check_page(s, p + " link sent", v)

        link = self.site.sign_in_link(v["email"])
        self.check(link.startswith(self.site.base + "/login/confirm?token="),
                   p + ": the mailed link points at this site: " + link)
        s.get(link)
        s.wait("return document.readyState === 'complete' && "
               "document.documentElement.classList.contains('js-ready')", "the confirm page")
        self.check(s.js("return !!document.getElementById('confirm-sign-in')"),
                   p + ": the confirm page has its button")
        self.check(s.js("return document.querySelector('.account-nav .who') === null"),
                   p + ": opening the link alone does not sign in")
        self.check_page(s, p + " confirm", v)
        self.shot(s, p + "-confirm")
        self.after(s, lambda: s.click("#confirm-sign-in"), "sign-in")

        # A new account picks its display name first.
        self.check(self.path(s) == "/settings", p + ": a new account lands on /settings, not "
                   + self.path(s))
        self.check(s.js("return document.getElementById('display-name').value") == "",
                   p + ": a new account has no display name yet")
        shown = s.js("return document.querySelector('.account-nav .who').textContent.trim()")
        self.check(shown == v["email"].split("@")[0],
                   p + ": before a name is set the header shows %r" % shown)
        s.call("POST", "/element/%s/clear" % s.find("#display-name"), {})
        s.type("#display-name", v["name"])
        self.after(s, lambda: s.click("form.stack-form button[type=submit]"), "settings saved")
        self.check(self.path(s) == "/settings", p + ": saving stays on /settings")
        self.check(s.js("return document.querySelector('.notice[role=status]') !== null"),
                   p + ": 'Saved.' notice")
        self.check(s.js("return document.getElementById('display-name').value") == v["name"],
                   p + ": the form shows the saved name")
        shown = s.js("return document.querySelector('.account-nav .who').textContent.trim()")
        self.check(shown == v["name"], p + ": the header shows %r, not the name" % shown)
        self.check_page(s, p + " settings", v)
        self.shot(s, p + "-settings")


def main_signed_in(usage, test_class, passed):
    """The main() of a SignedInBrowserTest subclass: the command line (`usage`
    on misuse), its old screenshots removed, a CommunitySite and chromedriver
    started, test_class(site, ...).run(), server errors counted as failures,
    everything stopped; the exit code (0 printing `passed`)."""
    binary, artifacts = pp_browser.command_line(usage, (CHROMIUM, CHROMEDRIVER))
    for old in glob.glob(os.path.join(artifacts, test_class.SHOTS + "-*.png")):
        os.remove(old)  # no stale screenshots from an earlier run
    profile_dir = tempfile.mkdtemp(prefix="pp_e2e_chrome_")
    site = pp_browser.CommunitySite(binary, "pp_%s_e2e_" % test_class.SHOTS)
    driver = None
    try:
        site.start()
        driver, driver_url = pp_browser.start_chromedriver(CHROMEDRIVER)
        test = test_class(site, artifacts, driver_url, profile_dir)
        test.run()
        for line in site.server_errors():
            test.failures.append("server logged: " + line)
    finally:
        pp_server.stop_process(driver)
        site.stop()
        shutil.rmtree(profile_dir, ignore_errors=True)
    return pp_browser.report(test, passed)


def main():
    binary, artifacts = pp_browser.command_line(__doc__, (CHROMIUM, CHROMEDRIVER))
    profile_dir = tempfile.mkdtemp(prefix="pp_e2e_chrome_")
    driver = None
    try:
        driver, driver_url = pp_browser.start_chromedriver(CHROMEDRIVER)
        with pp_site.Site(binary) as site:
            test = BrowserTest(site, artifacts, driver_url, profile_dir)
            test.run()
            errors = [line for line in site.log if "[error]" in line or " error " in line]
            for line in errors:
                test.failures.append("server logged: " + line.strip())
    finally:
        pp_server.stop_process(driver)
        shutil.rmtree(profile_dir, ignore_errors=True)
    return pp_browser.report(test, "browser test passed")


if __name__ == "__main__":
    sys.exit(main())
