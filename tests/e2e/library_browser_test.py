#!/usr/bin/env python3
"""Browser end-to-end test of libraries and discussion (issue 11): headless
Chromium over WebDriver (chromedriver) against the real `paperpulse serve`
with a real SMTP server on loopback, on pp_browser.CommunitySite.

Desktop (1280x900) and mobile (390x844, mobile emulation) readers each sign
in through the mailed link (browser_test.SignedInBrowserTest.sign_in), then:
save the first two cards of a daily page with their save controls without a
reload (a JS marker survives, the controls show pressed, the JSON API read
with an API token of `paperpulse token create` agrees); on /library tag the
first one through its edit form and filter by a tag chip; export the
filtered and the whole library as BibTeX with the browser's session (parsed
by python3-bibtexparser: the papers' eprints, the same entry as the paper
page's BibTeX); on the paper page see it saved with its tags, comment with
Markdown and TeX ($...$ rendered by KaTeX, no raw TeX left, `code` kept) and
reply to the comment; the page, the comments API and numComments agree.
Console errors, failed requests, sideways scrolling on the phone and server
errors or 5xx answers fail the test. Screenshots (library-*.png) go to
ARTIFACT_DIR for a person to look at.

usage: library_browser_test.py PAPERPULSE_BINARY ARTIFACT_DIR   (run by ctest)
Standard library and python3-bibtexparser; the WebDriver client and the
sign-in journey are browser_test.py's.
"""
import json
import os
import re
import sys
import time
import urllib.parse
import warnings

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import browser_test  # noqa: E402
import pp_browser  # noqa: E402
from pp_community import HF_DAYS  # noqa: E402

try:
    import bibtexparser
except ImportError:  # a pyenv/venv python3 first on PATH: use Debian's python3-bibtexparser
    sys.path.append("/usr/lib/python3/dist-packages")
    import bibtexparser

DAY_PATH = "/papers/date/" + HF_DAYS[-1]
TAGS = ["reading-group", "math"]
FILTER_TAG = "math"
COMMENT = "Nice bound: $\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$ and `code`"
# TeX with a backslash before punctuation and an asterisk, which Markdown
# would otherwise eat.
REPLY = "Agreed, and $\\int_0^1 x\\,dx = \\tfrac{1}{2}$ as **well**"

VISITORS = [
    {"prefix": "desktop", "width": 1280, "height": 900, "mobile": False,
     "email": "emmy@paperpulse.test", "name": "Emmy Noether"},
    {"prefix": "mobile", "width": 390, "height": 844, "mobile": True,
     "email": "sophie@paperpulse.test", "name": "Sophie Germain"},
]


def card(paper):
    """The CSS selector of the card of `paper` (ids hold dots)."""
    return '[id="paper-%s"]' % paper


def parse_bib(text):
    """The entries python3-bibtexparser reads from `text` (its pyparsing
    deprecation warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bibtexparser.loads(text).entries


class LibraryBrowserTest(browser_test.SignedInBrowserTest):
    SHOTS = "library"

    def fetch(self, s, url):
        """GET `url` with fetch() in the page (the browser's session):
        {status, type, text}."""
        return s.js_async(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'})"
            "  .then(r => r.text().then(t => done({status: r.status,"
            "                                      type: r.headers.get('content-type'), text: t})))"
            "  .catch(e => done({status: 0, type: '', text: String(e)}));", url)

    def press(self, s, css):
        """Clicks `css` once it is scrolled to the middle of the viewport:
        WebDriver scrolls it just into view, where the sticky site header may
        cover it."""
        s.js("document.querySelector(arguments[0]).scrollIntoView({block: 'center'})", css)
        s.click(css)

    def texts(self, s, css):
        return s.js("return [...document.querySelectorAll(arguments[0])]"
                    ".map(e => e.textContent.trim())", css)

    def saved(self, v, paper):
        """The /api/library item of `paper` for visitor `v`, or None."""
        items = self.site.api("/api/library", token=v["token"])
        return next((item for item in items if item["id"] == paper), None)

    def num_comments(self, paper):
        return self.site.api("/api/papers/" + urllib.parse.quote(paper))["numComments"]

    # ---- 1. save from the daily page -------------------------------------

    def toggle_state(self, s, paper):
        return s.js("const f = document.querySelector(arguments[0] + ' form.save-toggle');"
                    "const b = f && f.querySelector('.save-button');"
                    "return b && {pressed: b.getAttribute('aria-pressed'), busy: b.disabled,"
                    "             label: f.querySelector('.save-label').textContent}", card(paper))

    def save_from_daily(self, s, v):
        p = v["prefix"]
        self.open(s, DAY_PATH)
        papers = s.js("return [...document.querySelectorAll('ol.cards > li.card')].slice(0, 2)"
                      ".map(li => li.querySelector('form.save-toggle[data-paper-id]'))"
                      ".map(f => f && f.getAttribute('data-paper-id'))")
        if len(papers) < 2 or not all(papers):
            raise AssertionError("%s: the first cards of %s have no save controls: %r"
                                 % (p, DAY_PATH, papers))
        button = card(papers[0]) + " form.save-toggle .save-button"
        unpressed = s.js("const cs = getComputedStyle(document.querySelector(arguments[0]));"
                         "return [cs.color, cs.backgroundColor, cs.boxShadow]", button)
        s.js("window.__marker = 1")
        for paper in papers:
            before = self.toggle_state(s, paper)
            self.check(before["pressed"] == "false", "%s: %s is not saved yet: %r" % (p, paper, before))
            self.press(s, card(paper) + " form.save-toggle .save-button")
            deadline = time.time() + 20
            while True:
                state = self.toggle_state(s, paper)
                if state["pressed"] == "true" and not state["busy"] and state["label"] == "Saved":
                    break
                if time.time() > deadline:
                    raise AssertionError("%s: the save control of %s shows %r" % (p, paper, state))
                time.sleep(0.05)
            # Read-your-writes: the acknowledged save is what the API serves.
            item = self.saved(v, paper)
            self.check(item is not None, "%s: /api/library lacks %s after the save" % (p, paper))
        self.check(s.js("return window.__marker === 1"), p + ": saving did not reload the page")
        self.check(self.path(s) == DAY_PATH, p + ": still on the daily page")
        pressed = s.js("const b = document.querySelector(arguments[0]); b.blur();"
                       "const cs = getComputedStyle(b); return [cs.color, cs.backgroundColor, cs.boxShadow]",
                       button)
        self.check(pressed != unpressed, "%s: the pressed save control looks the same as before (%r)"
                   % (p, pressed))
        self.check_page(s, p + " daily after saving", v)
        s.js("window.scrollTo(0, 0)")
        self.shot(s, p + "-daily-saved")
        # A reload shows what the server stored.
        self.open(s, DAY_PATH)
        for paper in papers:
            self.check(self.toggle_state(s, paper)["pressed"] == "true",
                       "%s: after a reload %s is not shown saved" % (p, paper))
        self.console_errors(s, p + " daily after reload")
        return papers

    # ---- 2. tag on /library, filter by a tag chip -------------------------

    def tag_in_library(self, s, v, paper, other):
        p = v["prefix"]
        self.after(s, lambda: s.click(".account-nav a[href='/library']"), "/library")
        self.check(self.path(s) == "/library", p + ": 'Library' leads to /library, not " + self.path(s))
        for x in (paper, other):
            self.check(s.js("return document.querySelector(arguments[0]) !== null", card(x)),
                       "%s: %s is in the library" % (p, x))
        self.check_page(s, p + " library", v)

        c = card(paper)
        self.press(s, c + " details.lib-edit > summary")
        s.wait("return document.querySelector(%s).open" % json.dumps(c + " details.lib-edit"),
               "the edit form to open")
        tags = c + " .lib-edit-form input[name=tags]"
        s.call("POST", "/element/%s/clear" % s.find(tags), {})
        s.type(tags, ", ".join(TAGS))
        s.type(c + " .lib-edit-form textarea[name=note]", "For Thursday's reading group.")
        self.after(s, lambda: self.press(s, c + " .lib-edit-form button[name=action][value=save]"),
                   "the tags saved")
        self.check(self.path(s) == "/library", p + ": saving the tags stays on /library, not "
                   + self.path(s))
        shown = self.texts(s, c + " .lib-tags a.chip.tag")
        self.check(sorted(shown) == sorted(TAGS), "%s: the card shows the tags %r" % (p, shown))
        note = self.texts(s, c + " .lib-note")
        self.check(note == ["For Thursday's reading group."], "%s: the card shows the note %r"
                   % (p, note))
        item = self.saved(v, paper)
        self.check(item is not None and sorted(item["tags"]) == sorted(TAGS),
                   "%s: the API has the tags %r" % (p, item and item["tags"]))
        self.check_page(s, p + " library tagged", v)

        href = s.js("const a = [...document.querySelectorAll('nav.tag-filter a.chip')]"
                    "  .find(a => a.firstChild.textContent.trim() === arguments[0]);"
                    "return a && a.getAttribute('href')", FILTER_TAG)
        if href is None:
            raise AssertionError("%s: no tag chip for %r among %r"
                                 % (p, FILTER_TAG, self.texts(s, "nav.tag-filter a.chip")))
        self.after(s, lambda: self.press(s, 'nav.tag-filter a.chip[href="%s"]' % href),
                   "the tag filter")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(s.url()).query)
        self.check(query.get("tag") == [FILTER_TAG], "%s: filtering by the chip: %s" % (p, s.url()))
        ids = s.js("return [...document.querySelectorAll('ol.cards > li.card')].map(li => li.id)")
        self.check(ids == ["paper-" + paper], "%s: the %r filter shows %r" % (p, FILTER_TAG, ids))
        current = self.texts(s, 'nav.tag-filter a.chip[aria-current="true"]')
        self.check(len(current) == 1 and current[0].startswith(FILTER_TAG),
                   "%s: the current chip is %r" % (p, current))
        self.check_page(s, p + " library filtered", v)
        self.shot(s, p + "-library")
        self.shot(s, p + "-library-full", full=True)

    # ---- 3. export ---------------------------------------------------------

    def export(self, s, v, paper, other):
        p = v["prefix"]
        href = s.js("const a = document.querySelector('.library-export a[href^=\"/library.bib\"]');"
                    "return a && a.getAttribute('href')")
        self.check(href is not None and "tag=" + FILTER_TAG in href,
                   "%s: the filtered page's BibTeX link: %r" % (p, href))
        entries = {}
        for url, want in ((href or "/library.bib?tag=" + FILTER_TAG, [paper]),
                          ("/library.bib", sorted([paper, other]))):
            got = self.fetch(s, url)
            self.check(got["status"] == 200, "%s: GET %s in the browser: %d %s"
                       % (p, url, got["status"], got["text"][:200]))
            self.check("bibtex" in (got["type"] or "") or "text/plain" in (got["type"] or ""),
                       "%s: %s comes as %r" % (p, url, got["type"]))
            parsed = parse_bib(got["text"])
            eprints = sorted(e.get("eprint", "") for e in parsed)
            self.check(eprints == want, "%s: %s holds the eprints %r, wanted %r\n%s"
                       % (p, url, eprints, want, got["text"][:600]))
            for e in parsed:
                entries[e.get("eprint")] = e
        self.console_errors(s, p + " export")
        return entries.get(paper)

    # ---- 4. the paper page: saved, comment with math, reply ----------------

    def comment_state(self, s, cid):
        """What the page shows of comment `cid` (its own body, not replies')."""
        return s.js(
            "const li = document.getElementById('comment-' + arguments[0]);"
            "if (!li) return null;"
            "const body = li.querySelector(':scope > .comment-body');"
            "const bare = body.cloneNode(true);"
            "bare.querySelectorAll('.katex').forEach(k => k.remove());"
            "return {author: li.querySelector(':scope > .comment-head .comment-author').textContent.trim(),"
            "        katex: body.querySelectorAll('.katex').length,"
            "        tex: [...body.querySelectorAll('annotation')].map(a => a.textContent),"
            "        bare: bare.textContent,"
            "        code: [...body.querySelectorAll('code')].map(c => c.textContent),"
            "        strong: [...body.querySelectorAll('strong')].map(c => c.textContent),"
            "        reply: li.classList.contains('reply'),"
            "        parent: li.parentElement.closest('li.comment') &&"
            "                li.parentElement.closest('li.comment').id}", cid)

    def discussion_count(self, s):
        return s.js("const n = document.querySelector('#discussion h2 .count');"
                    "return n ? +n.textContent : 0")

    def post(self, s, v, paper, submit, what):
        """Clicks `submit` (a comment form's button); the id of the comment
        the page then points at."""
        p = v["prefix"]
        self.after(s, lambda: self.press(s, submit), what)
        where = s.js("return [location.pathname, location.hash]")
        self.check(where[0] == "/papers/" + paper, "%s: after the %s the page is %s"
                   % (p, what, where[0]))
        m = re.fullmatch(r"#comment-(\d+)", where[1])
        if not m:
            raise AssertionError("%s: after the %s the URL points at %r" % (p, what, where[1]))
        return int(m.group(1))

    def check_math(self, s, p, cid, tex, what):
        got = self.comment_state(s, cid)
        if got is None:
            raise AssertionError("%s: the %s #%d is not on the page" % (p, what, cid))
        self.check(got["katex"] >= 1, "%s: KaTeX rendered nothing in the %s: %r" % (p, what, got))
        self.check(any(tex in t for t in got["tex"]), "%s: the %s's formula lost its TeX %r: %r"
                   % (p, what, tex, got["tex"]))
        self.check("$" not in got["bare"] and "\\" not in got["bare"],
                   "%s: raw TeX left in the %s: %r" % (p, what, got["bare"]))
        return got

    def discuss(self, s, v, paper, bib_entry):
        p = v["prefix"]
        self.after(s, lambda: self.press(s, card(paper) + " h2 a"), "the paper page")
        self.check(self.path(s) == "/papers/" + paper, "%s: the card's title leads to %s"
                   % (p, self.path(s)))
        pressed = s.js("const b = document.querySelector('.save-panel .save-button');"
                       "return b && b.getAttribute('aria-pressed')")
        self.check(pressed == "true", p + ": the paper page shows the paper saved: %r" % pressed)
        shown = self.texts(s, ".save-panel .save-state a.chip.tag")
        self.check(sorted(shown) == sorted(TAGS), "%s: the paper page shows the tags %r" % (p, shown))
        page_bib = parse_bib(s.js("return document.getElementById('bibtex').textContent"))
        self.check(bib_entry is not None and len(page_bib) == 1 and
                   page_bib[0].get("ID") == bib_entry.get("ID") and
                   page_bib[0].get("eprint") == bib_entry.get("eprint"),
                   "%s: the export's entry %r is not the paper page's %r"
                   % (p, bib_entry and bib_entry.get("ID"), page_bib and page_bib[0].get("ID")))
        self.check_page(s, p + " paper", v)
        self.shot(s, p + "-paper")

        count = self.discussion_count(s)
        api_count = self.num_comments(paper)
        s.type("#new-comment", COMMENT)
        cid = self.post(s, v, paper, "form.new-comment button[type=submit]", "comment")
        got = self.check_math(s, p, cid, "\\sum_{i=1}^n i = \\frac{n(n+1)}{2}", "comment")
        self.check(got["author"] == v["name"], "%s: the comment is by %r" % (p, got["author"]))
        self.check(got["code"] == ["code"], "%s: `code` became %r" % (p, got["code"]))
        self.check(not got["reply"], p + ": the comment is not a reply")
        self.check(self.discussion_count(s) == count + 1, "%s: Discussion counts %d, was %d"
                   % (p, self.discussion_count(s), count))
        self.check_page(s, p + " commented", v)

        self.press(s, '[id="comment-%d"] > details.comment-reply > summary' % cid)
        s.wait("return document.querySelector('[id=\"comment-%d\"] > details.comment-reply').open"
               % cid, "the reply form to open")
        s.type("#reply-%d" % cid, REPLY)
        rid = self.post(s, v, paper,
                        '[id="comment-%d"] > details.comment-reply button[type=submit]' % cid, "reply")
        got = self.check_math(s, p, rid, "\\int_0^1 x\\,dx = \\tfrac{1}{2}", "reply")
        self.check(got["reply"] and got["parent"] == "comment-%d" % cid,
                   "%s: the reply sits under %r, not comment-%d" % (p, got["parent"], cid))
        self.check(got["strong"] == ["well"], "%s: **well** became %r" % (p, got["strong"]))
        self.check(self.discussion_count(s) == count + 2, "%s: Discussion counts %d, was %d"
                   % (p, self.discussion_count(s), count))
        self.check_page(s, p + " replied", v)
        # The discussion from its heading, clear of the sticky header.
        s.js("document.getElementById('discussion').scrollIntoView({block: 'start'});"
             "const h = document.querySelector('.site-header');"
             "if (getComputedStyle(h).position === 'sticky') window.scrollBy(0, -h.offsetHeight - 8)")
        self.shot(s, p + "-discussion")

        # Other clients see the thread: the comments API and numComments.
        thread = {c["id"]: c for c in self.site.api("/api/papers/%s/comments" % paper)}
        self.check(cid in thread and thread[cid].get("text") == COMMENT and
                   thread[cid].get("author", {}).get("name") == v["name"],
                   "%s: the API's comment %d: %r" % (p, cid, thread.get(cid)))
        self.check(rid in thread and thread[rid].get("parentId") == cid,
                   "%s: the API's reply %d: %r" % (p, rid, thread.get(rid)))
        total = self.num_comments(paper)
        self.check(total == api_count + 2, "%s: numComments %d, was %d" % (p, total, api_count))
        label = self.texts(s, '.paper-dates a[href="#discussion"]')
        self.check(label == ["%d comments" % total], "%s: the paper's head says %r, numComments is %d"
                   % (p, label, total))
        self.open(s, DAY_PATH)
        shown = self.texts(s, card(paper) + " .meta .comments")
        self.check(shown == [str(total)], "%s: the daily card shows %r comments, numComments is %d"
                   % (p, shown, total))
        self.console_errors(s, p + " daily after commenting")

    def journey(self, s, v):
        self.sign_in(s, v)
        v["token"] = self.site.api_token(v["email"])
        paper, other = self.save_from_daily(s, v)
        self.tag_in_library(s, v, paper, other)
        entry = self.export(s, v, paper, other)
        self.discuss(s, v, paper, entry)

    def run(self):
        pp_browser.run_sessions(self, [(v["prefix"], v["width"], v["height"], v["mobile"],
                                        lambda s, v=v: self.journey(s, v)) for v in VISITORS])


if __name__ == "__main__":
    sys.exit(browser_test.main_signed_in(__doc__, LibraryBrowserTest, "library browser test passed"))
