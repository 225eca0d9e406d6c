#!/usr/bin/env python3
"""Browser end-to-end test of the community features (issue 9): headless
Chromium over WebDriver (chromedriver) against the real `paperpulse serve`,
a real SMTP server on loopback (tests/tools/smtp_sink.py) and the arXiv
fixture server (tests/fixtures/arxiv_fixture_server.py).

Desktop (1280x900) and mobile (390x844, mobile emulation) sessions each:
click "Sign in" in the header, ask for a link on /login, open the mailed link,
press the confirm page's button, pick a display name on /settings and see it
in the header; upvote the first card of a daily page without a reload (a JS
marker survives, the count goes up by one, aria-pressed turns "true", the
JSON API agrees), take the vote back the same way; submit a paper by URL and
land on today's list with its card saying "by <name>". A fresh anonymous
session's vote button leads to /login and changes nothing. Console errors,
failed requests, sideways scrolling on the phone and server errors fail the
test. Screenshots (community-*.png) go to ARTIFACT_DIR for a person to look at.

usage: community_browser_test.py PAPERPULSE_BINARY ARTIFACT_DIR   (run by ctest)
Standard library only; the WebDriver client is browser_test.py's.
"""
import datetime
import email
import email.policy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import browser_test  # noqa: E402
import pp_browser  # noqa: E402
import pp_server  # noqa: E402
from pp_community import FIXTURE, HF_DAILY, HF_DAYS, KAGGLE, SINK, start_helper  # noqa: E402

# The day whose list the sessions vote on: the newest imported one, which is
# also the home page until the first submission makes today's list newer.
VOTE_DAY_PATH = "/papers/date/" + HF_DAYS[-1]

# One visitor per screen size. The desktop one submits a paper that is not in
# the Store (fetched from the arXiv fixture server); the phone one an imported
# Kaggle paper, by its PDF URL with a version.
VISITORS = [
    {"prefix": "desktop", "width": 1280, "height": 900, "mobile": False,
     "email": "ada@paperpulse.test", "name": "Ada Lovelace",
     "submit": "https://arxiv.org/abs/1707.08567", "paper": "1707.08567"},
    {"prefix": "mobile", "width": 390, "height": 844, "mobile": True,
     "email": "grace@paperpulse.test", "name": "Grace Hopper",
     "submit": "https://arxiv.org/pdf/0704.0002v1", "paper": "0704.0002"},
]


class Community:
    """The site under test: data dir, SMTP sink, arXiv fixture server, serve."""

    def __init__(self, binary):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="pp_community_e2e_")
        self.maildir = os.path.join(self.tmp, "mail")
        self.log_path = os.path.join(self.tmp, "serve.log")
        self.sink = self.fixture = self.proc = self.log = None
        self.base = None

    def start(self):
        os.makedirs(self.maildir)
        self.sink, smtp_port = start_helper(
            [sys.executable, SINK, "--port", "0", "--dir", self.maildir])
        self.fixture, fixture_port = start_helper([sys.executable, FIXTURE, "--port", "0"])
        src = os.path.join(self.tmp, "in")
        os.makedirs(src)
        for day in HF_DAYS:
            shutil.copy(os.path.join(HF_DAILY, day + ".json"), src)
        shutil.copy(KAGGLE, src)
        data = os.path.join(self.tmp, "var")
        p = subprocess.run([self.binary, "import", "--data-dir", data, src],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError("import failed:\n" + p.stderr[-4000:])
        self.proc, port, self.log = pp_server.start_server(
            self.binary, data, self.log_path, "--no-harvest",
            "--smtp", "smtp://127.0.0.1:%d" % smtp_port,
            "--mail-from", "paperpulse <noreply@paperpulse.test>",
            "--arxiv-api-endpoint", "http://127.0.0.1:%d/api/query" % fixture_port,
            # Every browser here is 127.0.0.1; per-address limits would count
            # them as one visitor.
            "--login-limit-per-ip", "0", "--vote-limit-per-ip", "0", "--submit-limit-per-ip", "0")
        self.base = "http://127.0.0.1:%d" % port

    def stop(self):
        try:
            if self.proc is not None:
                pp_server.stop_server(self.proc, self.log)
        finally:
            pp_server.stop_process(self.sink)
            pp_server.stop_process(self.fixture)
            shutil.rmtree(self.tmp, ignore_errors=True)

    def server_errors(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return [line.strip() for line in f if "[error]" in line or "[critical]" in line]

    def api(self, path):
        """The JSON document of GET `path` (anonymous, as another client)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise AssertionError("GET %s: %d %s" % (path, e.code, e.read()[:300]))

    def upvotes(self, paper_id):
        return self.api("/api/papers/" + urllib.parse.quote(paper_id))["upvotes"]

    def sign_in_link(self, address, timeout=20):
        """The sign-in link of the newest mail to `address`, once it is there
        (the sink writes each message before it answers the DATA)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in sorted(glob.glob(os.path.join(self.maildir, "*.eml")), reverse=True):
                with open(path, "rb") as f:
                    msg = email.message_from_binary_file(f, policy=email.policy.default)
                if address not in (msg["To"] or ""):
                    continue
                body = msg.get_body(preferencelist=("plain",)).get_content()
                m = re.search(r"https?://\S+/login/confirm\?token=[A-Za-z0-9_-]+\S*", body)
                if not m:
                    raise AssertionError("no sign-in link in the mail:\n" + body)
                return m.group(0)
            time.sleep(0.05)
        raise AssertionError("no mail for %s within %d s" % (address, timeout))


class CommunityBrowserTest(browser_test.BrowserTest):
    def __init__(self, site, artifacts, driver_url, profile_dir):
        super().__init__(types.SimpleNamespace(base=site.base), artifacts, driver_url, profile_dir)
        self.community = site

    def shot(self, s, name, full=False):
        super().shot(s, "community-" + name, full)

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

    # ---- a visitor's journey ---------------------------------------------

    def sign_in(self, s, v):
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

        link = self.community.sign_in_link(v["email"])
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

    def vote_state(self, s, css):
        return s.js("const f = document.querySelector(arguments[0]);"
                    "const b = f.querySelector('button.vote-button');"
                    "return {n: +f.querySelector('.n').textContent, pressed: b.getAttribute('aria-pressed'),"
                    "        busy: b.disabled}", css)

    def click_vote(self, s, p, css, paper, expect_count, expect_pressed):
        s.js("window.__marker = 1")
        s.click(css + " button.vote-button")
        want = "%s: vote button to show %d, pressed=%s" % (p, expect_count, expect_pressed)
        deadline = time.time() + 20
        while s.js("const f = document.querySelector(arguments[0]);"
                   "const b = f.querySelector('button.vote-button');"
                   "return b.disabled || b.getAttribute('aria-pressed') !== arguments[1] || "
                   "+f.querySelector('.n').textContent !== arguments[2]",
                   css, expect_pressed, expect_count):
            if time.time() > deadline:
                raise AssertionError("timed out waiting for %s; it shows %r"
                                     % (want, self.vote_state(s, css)))
            time.sleep(0.05)
        self.check(s.js("return window.__marker === 1"), p + ": the page did not reload")
        self.check(self.path(s) == VOTE_DAY_PATH, p + ": still on the daily page")
        # Read-your-writes: the acknowledged vote is what the API serves next.
        got = self.community.upvotes(paper)
        self.check(got == expect_count, "%s: the API says %d upvotes for %s, the page %d"
                   % (p, got, paper, expect_count))

    def vote(self, s, v):
        p = v["prefix"]
        self.open(s, VOTE_DAY_PATH)
        self.check(s.js("return document.querySelector('meta[name=\"csrf-token\"]') !== null"),
                   p + ": signed-in page carries its CSRF token")
        paper = s.js("return document.querySelector('form.votes[data-paper-id]')"
                     ".getAttribute('data-paper-id')")
        css = 'form.votes[data-paper-id="%s"]' % paper
        before = self.vote_state(s, css)
        self.check(before["pressed"] == "false", p + ": not voted yet: %r" % before)
        self.check(before["n"] == self.community.upvotes(paper),
                   p + ": the card and the API agree before voting")
        self.click_vote(s, p, css, paper, before["n"] + 1, "true")
        style = s.js("const b = document.querySelector(arguments[0] + ' button.vote-button');"
                     "const cs = getComputedStyle(b); return [cs.backgroundColor, cs.boxShadow]", css)
        self.check_page(s, p + " daily after voting", v)
        self.shot(s, p + "-daily")
        self.click_vote(s, p, css, paper, before["n"], "false")
        unpressed = s.js("const b = document.querySelector(arguments[0] + ' button.vote-button');"
                         "b.blur(); const cs = getComputedStyle(b); return [cs.backgroundColor, cs.boxShadow]",
                         css)
        self.check(style != unpressed, p + ": the pressed button looks different (%r vs %r)"
                   % (style, unpressed))
        # A reload shows what the server stored.
        self.open(s, VOTE_DAY_PATH)
        after = self.vote_state(s, css)
        self.check(after["n"] == before["n"] and after["pressed"] == "false",
                   p + ": after a reload the card shows %r" % after)
        self.console_errors(s, p + " daily after reload")

    def submit(self, s, v):
        p = v["prefix"]
        self.open(s, VOTE_DAY_PATH)
        s.type("#submit-id", v["submit"])
        self.after(s, lambda: s.click("form.submit-box button[type=submit]"), "the submission")
        where = s.js("return [location.pathname, location.hash]")
        m = re.fullmatch(r"/papers/date/(\d{4}-\d{2}-\d{2})", where[0])
        self.check(m is not None, p + ": a submission lands on a day's list, not " + where[0])
        if m:
            # The server's day (UTC by default) is today, give or take the
            # midnight this test might straddle.
            day = datetime.date.fromisoformat(m.group(1))
            today = datetime.datetime.now(datetime.timezone.utc).date()
            self.check(abs((day - today).days) <= 1, p + ": landed on %s, today is %s" % (day, today))
        self.check(where[1] == "#paper-" + v["paper"], p + ": the URL points at the card: " + where[1])
        card = '[id="paper-%s"]' % v["paper"]
        self.check(s.js("return document.querySelector(arguments[0]) !== null", card),
                   p + ": the submitted paper's card is on today's list")
        by = s.js("const e = document.querySelector(arguments[0] + ' .by'); return e && e.textContent",
                  card)
        self.check(by == "by " + v["name"], p + ": the card says %r" % by)
        self.check_page(s, p + " submitted", v)
        self.shot(s, p + "-submitted")

    def journey(self, s, v):
        self.sign_in(s, v)
        self.vote(s, v)
        self.submit(s, v)

    def anonymous(self, s):
        p = "anonymous"
        self.open(s, VOTE_DAY_PATH)
        self.check(s.js("return document.querySelector('.account-nav .who') === null"),
                   p + ": a fresh browser is not signed in")
        self.check(s.js("return document.querySelector('meta[name=\"csrf-token\"]') === null"),
                   p + ": no CSRF token on an anonymous page")
        # Signed-in pages never reach the shared cache.
        self.check(s.js("return document.querySelectorAll('.vote-button[aria-pressed=\"true\"]')"
                        ".length") == 0, p + ": no vote shows as pressed")
        header = s.js("return document.querySelector('.site-header').textContent")
        self.check(not any(v["name"] in header for v in VISITORS),
                   p + ": no visitor's name in the header")
        paper = s.js("return document.querySelector('form.votes[data-paper-id]')"
                     ".getAttribute('data-paper-id')")
        before = self.community.upvotes(paper)
        self.after(s, lambda: s.click('form.votes[data-paper-id] button.vote-button'), "sign-in page")
        self.check(self.path(s) == "/login", p + ": a vote leads to /login, not " + self.path(s))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(s.url()).query)
        self.check(query.get("next") == [VOTE_DAY_PATH], p + ": /login comes back to the list: %r"
                   % query)
        self.check(self.community.upvotes(paper) == before, p + ": the anonymous click counted")
        self.console_errors(s, p)

    def run(self):
        runs = [(v["prefix"], v["width"], v["height"], v["mobile"],
                 lambda s, v=v: self.journey(s, v)) for v in VISITORS]
        runs.append(("anonymous", 1280, 900, False, self.anonymous))
        pp_browser.run_sessions(self, runs)


def main():
    binary, artifacts = pp_browser.command_line(
        __doc__, (browser_test.CHROMIUM, browser_test.CHROMEDRIVER))
    for old in glob.glob(os.path.join(artifacts, "community-*.png")):
        os.remove(old)  # no stale screenshots from an earlier run
    profile_dir = tempfile.mkdtemp(prefix="pp_e2e_chrome_")
    site = Community(binary)
    driver = None
    try:
        site.start()
        driver, driver_url = pp_browser.start_chromedriver(browser_test.CHROMEDRIVER)
        test = CommunityBrowserTest(site, artifacts, driver_url, profile_dir)
        test.run()
        for line in site.server_errors():
            test.failures.append("server logged: " + line)
    finally:
        pp_server.stop_process(driver)
        site.stop()
        shutil.rmtree(profile_dir, ignore_errors=True)
    return pp_browser.report(test, "community browser test passed")


if __name__ == "__main__":
    sys.exit(main())
