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
Standard library only; the WebDriver client and the sign-in journey are
browser_test.py's, the site is pp_browser.CommunitySite.
"""
import datetime
import os
import re
import sys
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import browser_test  # noqa: E402
import pp_browser  # noqa: E402
from pp_community import HF_DAYS  # noqa: E402

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


class CommunityBrowserTest(browser_test.SignedInBrowserTest):
    SHOTS = "community"

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
        got = self.site.upvotes(paper)
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
        self.check(before["n"] == self.site.upvotes(paper),
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
        before = self.site.upvotes(paper)
        self.after(s, lambda: s.click('form.votes[data-paper-id] button.vote-button'), "sign-in page")
        self.check(self.path(s) == "/login", p + ": a vote leads to /login, not " + self.path(s))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(s.url()).query)
        self.check(query.get("next") == [VOTE_DAY_PATH], p + ": /login comes back to the list: %r"
                   % query)
        self.check(self.site.upvotes(paper) == before, p + ": the anonymous click counted")
        self.console_errors(s, p)

    def run(self):
        runs = [(v["prefix"], v["width"], v["height"], v["mobile"],
                 lambda s, v=v: self.journey(s, v)) for v in VISITORS]
        runs.append(("anonymous", 1280, 900, False, self.anonymous))
        pp_browser.run_sessions(self, runs)


if __name__ == "__main__":
    sys.exit(browser_test.main_signed_in(__doc__, CommunityBrowserTest,
                                         "community browser test passed"))
