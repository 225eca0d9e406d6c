#!/usr/bin/env python3
"""End-to-end tests of the discussion on paper pages over real HTTP, signed
in through the mailed link (a real SMTP server on loopback): comments and
one level of replies, edits, deletes and admin hiding through the JSON API
and the forms that work without JavaScript; the attack corpus stored as
written and inert in the JSON "html", on the page and in the Atom feed;
numComments (imported + visible local comments) in /api/papers/{id},
/api/daily_papers, the daily page's card, the daily feed and the paper page;
rate limits; 20 users commenting at once on SQLite and on PostgreSQL.

usage: comments_test.py PAPERPULSE_BINARY   (run by ctest; the PostgreSQL
       case runs when PAPERPULSE_TEST_PG is set, as `make test` does)
"""
import html
import html.parser
import os
import re
import sys
import threading
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_client  # noqa: E402
import pp_community  # noqa: E402
from pp_client import Client, run_concurrently  # noqa: E402
from pp_attack import scheme  # noqa: E402
from pp_community import HF_DAYS, kaggle_ids, needs_postgres  # noqa: E402

feedparser = pp_community.system_module("feedparser")

BIN = None
BED = None    # pp_community.TestBed
SITE = None   # the SQLite site most tests use
PAPERS = []   # ids of the papers on the HF list of DAY
DAY = HF_DAYS[-1]
ATOM = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"
# Comments per account per minute on the test servers (the flow tests post
# a dozen with one account; the rate-limit test exhausts it).
COMMENT_LIMIT = 40
SITE_FLAGS = ("--login-limit-per-ip", "0",  # every test client is 127.0.0.1
              "--comment-limit-per-account", str(COMMENT_LIMIT), "--cache-ttl-ms", "60000")

# Markup that must stay text wherever a comment is shown.
ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<div>\n<a href=\"javascript:alert(1)\">raw html block</a>\n</div>",
    "[click](javascript:alert(1)) and [also](JaVaScRiPt:alert(1))",
    "[tab trick](jav&#x09;ascript:alert(1)) [entity](&#106;avascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)> <http://example.org/\"onmouseover=\"alert(1)>",
    "![x\" onerror=\"alert(1)](https://example.org/i.png)",
    "[q](https://example.org \"t\" onmouseover=\"alert(1)\")",
    "{{mustache}} {{{triple}}} {{#section}}x{{/section}}",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;alert(2)&#60;/script&#62;",
    "$</span><script>alert(1)</script>$ and $$<img src=x onerror=alert(1)>$$",
    "```\"><script>alert(1)</script>\n<script>alert(1)</script>\n```",
]

# What comment HTML may contain.
ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "hr", "h4", "h5",
                "h6", "span", "blockquote"}


# ---------------------------------------------------------------- helpers

def sign_in(address, port=None, name=None):
    """Signs in through the mailed link and, with `name`, sets the display
    name comments are shown under; returns the Client."""
    return pp_client.sign_in(port or SITE.port, BED.maildir, address, name=name)


def listed_papers(port=None):
    """Ids of the papers on the HF list of DAY."""
    status, _, doc = Client(port or SITE.port).json("GET", "/api/daily_papers?date=" + DAY)
    assert status == 200 and doc, (status, doc)
    return [item["paper"]["id"] for item in doc]


def unlisted_paper(n):
    """The id of the n-th imported Kaggle paper (on no daily list)."""
    return kaggle_ids(n + 1)[n]


def api_count(pid, port=None):
    status, _, doc = Client(port or SITE.port).json("GET", "/api/papers/" + pid)
    assert status == 200, (status, doc)
    return doc["numComments"]


def daily_count(pid, port=None):
    """numComments of the paper's item on DAY's list (and its paper object)."""
    status, _, doc = Client(port or SITE.port).json("GET", "/api/daily_papers?date=" + DAY)
    assert status == 200, (status, doc)
    for item in doc:
        if item["paper"]["id"] == pid:
            assert item["numComments"] == item["paper"]["numComments"], item
            return item["numComments"]
    raise AssertionError("%s not on the list of %s" % (pid, DAY))


def page(pid, client=None):
    status, _, body = (client or Client(SITE.port)).request("GET", "/papers/" + pid)
    assert status == 200, status
    return body.decode("utf-8")


def page_count(pid, client=None):
    """The comment count the paper page's header shows (0 when none)."""
    m = re.search(r'<a href="#discussion">(\d+) comments?</a>', page(pid, client))
    return int(m.group(1)) if m else 0


def card_count(pid):
    """The comment count on the paper's card on DAY's page (0 when none)."""
    status, _, body = Client(SITE.port).request("GET", "/papers/date/" + DAY)
    assert status == 200, status
    text = body.decode("utf-8")
    start = text.index('id="paper-%s"' % pid)
    end = text.find('class="card"', start)
    m = re.search(r'<span class="comments" title="[^"]*">(\d+)</span>', text[start:end])
    return int(m.group(1)) if m else 0


def feed_count(pid):
    """thr:count of the paper's entry in the daily feed."""
    status, _, body = Client(SITE.port).request("GET", "/feeds/daily.atom")
    assert status == 200, status
    for entry in ET.fromstring(body).iter(ATOM + "entry"):
        if entry.findtext(ATOM + "id") == "https://arxiv.org/abs/" + pid:
            for link in entry.iter(ATOM + "link"):
                if link.get("rel") == "replies":
                    return int(link.get(THR + "count"))
    raise AssertionError("%s not in the daily feed" % pid)


def thread(pid, client=None):
    status, _, doc = (client or Client(SITE.port)).json("GET",
                                                            "/api/papers/%s/comments" % pid)
    assert status == 200, (status, doc)
    return doc


def post(client, pid, text, parent=None, expect=201):
    body = {"text": text}
    if parent is not None:
        body["parentId"] = parent
    status, headers, doc = client.json("POST", "/api/papers/%s/comments" % pid, body)
    assert status == expect, (status, doc)
    return doc


class TagScan(html.parser.HTMLParser):
    """The tags of an HTML document or fragment, and the tags and text
    inside elements of class "comment-body"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (name, attrs dict)
        self.body_tags = []     # inside comment bodies
        self.body_text = []
        self.scripts = []       # (attrs, content)
        self._depth = 0
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self._depth:
            self.body_tags.append((tag, a))
            self._depth += 1
        elif "comment-body" in (a.get("class") or "").split():
            self._depth = 1
        if tag == "script":
            self._script = [a, ""]

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if self._depth:
            self.body_tags.append((tag, a))

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data
        if self._depth:
            self.body_text.append(data)


def assert_no_active_attributes(test, tags, where):
    for name, attrs in tags:
        for key, value in attrs.items():
            test.assertFalse(key.startswith("on"), "%s: <%s %s=...>" % (where, name, key))
            if key in ("href", "src", "action", "formaction", "xlink:href"):
                test.assertIn(scheme(value or ""), ("", "http", "https", "mailto"),
                              "%s: <%s %s=%r>" % (where, name, key, value))


def assert_inert_fragment(test, fragment, where):
    """`fragment` (a comment's HTML) holds only what comments may produce."""
    scan = TagScan()
    scan.feed(fragment)
    scan.close()
    for name, attrs in scan.tags:
        test.assertIn(name, ALLOWED_TAGS, "%s: <%s> in %s" % (where, name, fragment))
        for key, value in attrs.items():
            test.assertIn(key, ("href", "rel", "title", "class", "start"),
                          "%s: %s= in %s" % (where, key, fragment))
            if key == "rel":
                test.assertEqual(value, "nofollow ugc noopener", where)
    for name, attrs in scan.tags:
        if name == "a" and attrs.get("href") is not None:
            test.assertEqual(attrs.get("rel"), "nofollow ugc noopener", where)
    assert_no_active_attributes(test, scan.tags, where)


def assert_inert_page(test, text, where):
    """The page runs only its own scripts and carries no comment markup but
    the allowed tags."""
    scan = TagScan()
    scan.feed(text)
    scan.close()
    for attrs, content in scan.scripts:
        test.assertTrue((attrs.get("src") or "").startswith("/static/"), (where, attrs))
        test.assertEqual(content.strip(), "", where)
    assert_no_active_attributes(test, scan.tags, where)
    for name, attrs in scan.body_tags:
        test.assertIn(name, ALLOWED_TAGS, "%s: <%s %s>" % (where, name, attrs))
    # The layout's logo and search icon are the only images.
    test.assertEqual(sum(1 for n, _ in scan.tags if n == "img"), 1, where)
    test.assertEqual(sum(1 for n, _ in scan.tags if n == "svg"), 1, where)
    test.assertEqual(sum(1 for n, _ in scan.tags if n == "iframe"), 0, where)
    return "".join(scan.body_text)


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED, SITE
    BED = pp_community.TestBed(BIN, "pp_comments_")
    SITE = BED.site("sqlite", *SITE_FLAGS)
    PAPERS[:] = listed_papers()
    assert len(PAPERS) >= 5, PAPERS


def tearDownModule():
    try:
        if SITE:
            SITE.stop()
    finally:
        BED.close()


# ------------------------------------------------------------------ tests

class ThreadTest(unittest.TestCase):
    def counts(self, pid):
        return (api_count(pid), daily_count(pid), page_count(pid), card_count(pid),
                feed_count(pid))

    def assertCounts(self, pid, n):
        self.assertEqual(self.counts(pid), (n, n, n, n, n))

    def test_post_reply_edit_delete(self):
        pid = PAPERS[0]
        base = api_count(pid)
        self.assertCounts(pid, base)
        alice = sign_in("alice@comments.test", name="Alice")
        bob = sign_in("bob@comments.test", name="Bob")

        # Signed out: 401; signed in without a display name: 400 saying why.
        self.assertEqual(Client(SITE.port).json(
            "POST", "/api/papers/%s/comments" % pid, {"text": "hi"})[0], 401)
        nameless = sign_in("nameless@comments.test")
        status, _, doc = nameless.json("POST", "/api/papers/%s/comments" % pid, {"text": "hi"})
        self.assertEqual(status, 400)
        self.assertIn("display name", doc["error"])
        # A cookie session without its CSRF token: 403.
        status, _, _ = alice.json("POST", "/api/papers/%s/comments" % pid, {"text": "x"},
                                  csrf=False)
        self.assertEqual(status, 403)

        first = post(alice, pid, "  Nice result: $a_1 * b_2$ holds.\r\n\r\nSee [code](https://example.org/c).\n")
        self.assertEqual(first["text"], "Nice result: $a_1 * b_2$ holds.\n\nSee [code](https://example.org/c).")
        self.assertEqual(first["paperId"], pid)
        self.assertIsNone(first["parentId"])
        self.assertEqual(first["author"], {"name": "Alice"})
        self.assertIsNone(first["editedAt"])
        self.assertRegex(first["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("$a_1 * b_2$", first["html"])
        self.assertIn('<a rel="nofollow ugc noopener" href="https://example.org/c">code</a>',
                      first["html"])
        self.assertCounts(pid, base + 1)

        reply = post(bob, pid, "Agreed, **but** see eq. $(3)$.", parent=first["id"])
        self.assertEqual(reply["parentId"], first["id"])
        self.assertCounts(pid, base + 2)
        self.assertEqual([c["id"] for c in thread(pid)], [first["id"], reply["id"]])

        # One level of replies; parents on this paper only; sane text.
        status, _, doc = bob.json("POST", "/api/papers/%s/comments" % pid,
                                  {"text": "deeper", "parentId": reply["id"]})
        self.assertEqual(status, 400)
        self.assertIn("parentId", doc["error"])
        other = PAPERS[4]
        elsewhere = post(bob, other, "on another paper")
        for bad in (elsewhere["id"], 999999999, 0, -1, "x"):
            status, _, doc = bob.json("POST", "/api/papers/%s/comments" % pid,
                                      {"text": "y", "parentId": bad})
            self.assertEqual(status, 400, (bad, doc))
            self.assertIn("parentId", doc["error"])
        status, _, doc = bob.json("DELETE", "/api/papers/%s/comments/%d" % (other, elsewhere["id"]))
        self.assertEqual(status, 200, doc)
        for text in ("", "   \n ", "x" * 10001, "bell\x07"):
            status, _, doc = bob.json("POST", "/api/papers/%s/comments" % pid, {"text": text})
            self.assertEqual(status, 400, (text[:20], doc))
            self.assertTrue(doc["error"].startswith("text:"), doc)
        self.assertEqual(bob.json("POST", "/api/papers/%s/comments" % pid, {})[0], 400)
        self.assertEqual(bob.json("POST", "/api/papers/9912.99999/comments", {"text": "a"})[0], 404)
        self.assertEqual(bob.json("POST", "/api/papers/not-an-id/comments", {"text": "a"})[0], 404)
        self.assertEqual(Client(SITE.port).json(
            "GET", "/api/papers/9912.99999/comments")[0], 404)
        self.assertEqual(post(alice, pid, "x" * 10000)["text"], "x" * 10000)
        long_one = thread(pid)[-1]
        self.assertEqual(alice.json("DELETE", "/api/papers/%s/comments/%d"
                                    % (pid, long_one["id"]))[0], 200)

        # Edits: the author only; others get 404 as if it did not exist.
        status, _, doc = alice.json("PATCH", "/api/papers/%s/comments/%d" % (pid, first["id"]),
                                    {"text": "Nice result, edited."})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["text"], "Nice result, edited.")
        self.assertIsNotNone(doc["editedAt"])
        path = "/api/papers/%s/comments/%d" % (pid, first["id"])
        self.assertEqual(bob.json("PATCH", path, {"text": "hijacked"})[0], 404)
        self.assertEqual(bob.json("DELETE", path)[0], 404)
        self.assertEqual(bob.json("PATCH", path, {"hidden": True})[0], 403)
        self.assertEqual(alice.json("PATCH", path, {})[0], 400)
        self.assertEqual(alice.json("PATCH", "/api/papers/%s/comments/%d" % (other, first["id"]),
                                    {"text": "wrong paper"})[0], 404)
        self.assertEqual(alice.json("PATCH", "/api/papers/%s/comments/abc" % pid,
                                    {"text": "t"})[0], 404)
        self.assertEqual(thread(pid)[0]["text"], "Nice result, edited.")
        self.assertCounts(pid, base + 2)

        # Deleting a comment with a reply leaves a placeholder; the count drops.
        self.assertEqual(alice.json("DELETE", path)[0], 200)
        self.assertEqual(alice.json("DELETE", path)[0], 404)
        self.assertEqual(alice.json("PATCH", path, {"text": "back"})[0], 404)
        self.assertEqual(thread(pid), [{"id": first["id"], "deleted": True},
                                       thread(pid)[1]])
        self.assertEqual(thread(pid)[1]["id"], reply["id"])
        self.assertCounts(pid, base + 1)
        text = page(pid)
        self.assertIn("This comment was deleted.", text)
        self.assertNotIn("Nice result", text)
        # A deleted comment takes no more replies.
        status, _, doc = bob.json("POST", "/api/papers/%s/comments" % pid,
                                  {"text": "late", "parentId": first["id"]})
        self.assertEqual(status, 400, doc)
        # Once its last reply is gone, so is the placeholder.
        self.assertEqual(bob.json("DELETE", "/api/papers/%s/comments/%d"
                                  % (pid, reply["id"]))[0], 200)
        self.assertEqual(thread(pid), [])
        self.assertCounts(pid, base)

    def test_page_shows_the_thread_and_the_right_forms(self):
        pid = PAPERS[1]
        carol = sign_in("carol@comments.test", name="Carol <3")
        dave = sign_in("dave@comments.test", name="Dave")
        top = post(carol, pid, "Energy: $E=mc^2$\n\n```python\nprint('hi')\n```")
        post(dave, pid, "A reply", parent=top["id"])
        anon = page(pid)
        self.assertIn('<link rel="alternate" type="application/atom+xml" '
                      'title="Comments on arXiv:%s" href="/papers/%s/comments.atom">' % (pid, pid),
                      anon)
        self.assertIn('id="comment-%d"' % top["id"], anon)
        self.assertIn("Carol &lt;3", anon)
        self.assertIn('<div class="comment-body math"><p>Energy: $E=mc^2$</p>', anon)
        self.assertIn("<pre><code class=\"language-python\">print('hi')", anon)
        self.assertIn("Sign in to comment", anon)
        # Nothing personal on the page anonymous readers share.
        for personal in ("csrf_token\" value=\"", "/edit\"", "/delete\"", "/hide\"",
                         "new-comment"):
            self.assertNotIn(personal, anon.replace('name="csrf_token" value=""', ""))
        mine = page(pid, carol)
        self.assertIn("new-comment", mine)
        self.assertIn("/papers/%s/comments/%d/edit" % (pid, top["id"]), mine)
        self.assertIn("/papers/%s/comments/%d/delete" % (pid, top["id"]), mine)
        self.assertNotIn("/hide\"", mine)
        self.assertNotIn("Sign in to comment", mine)
        # Dave may reply to Carol and edit his own reply, not her comment.
        his = page(pid, dave)
        self.assertNotIn("/papers/%s/comments/%d/edit" % (pid, top["id"]), his)
        self.assertEqual(his.count("/edit\""), 1)
        self.assertIn('name="parent_id" value="%d"' % top["id"], his)

    def test_forms_without_javascript(self):
        pid = PAPERS[2]
        erin = sign_in("erin@comments.test", name="Erin")
        base = api_count(pid)
        form = {"csrf_token": erin.csrf, "text": "From a form: $x^2$"}
        status, headers, _ = erin.request("POST", "/papers/%s/comments" % pid, form=form,
                                          csrf=False)
        self.assertEqual(status, 303)
        m = re.fullmatch(r"/papers/%s#comment-(\d+)" % re.escape(pid), headers["location"])
        self.assertTrue(m, headers["location"])
        cid = int(m.group(1))
        status, headers, _ = erin.request("POST", "/papers/%s/comments" % pid, csrf=False,
                                          form={"csrf_token": erin.csrf, "text": "reply",
                                                "parent_id": str(cid)})
        self.assertEqual(status, 303)
        reply_id = int(headers["location"].rsplit("-", 1)[1])
        self.assertEqual(api_count(pid), base + 2)
        # Without the CSRF token: 403; signed out: to the sign-in page.
        self.assertEqual(erin.request("POST", "/papers/%s/comments" % pid, csrf=False,
                                      form={"text": "forged"})[0], 403)
        status, headers, _ = Client(SITE.port).request(
            "POST", "/papers/%s/comments" % pid, form={"text": "anon"})
        self.assertEqual(status, 303)
        self.assertTrue(headers["location"].startswith("/login"), headers["location"])
        # Bad text: an error page saying what is wrong.
        status, _, body = erin.request("POST", "/papers/%s/comments" % pid, csrf=False,
                                       form={"csrf_token": erin.csrf, "text": " "})
        self.assertEqual(status, 400)
        self.assertIn(b"text: required", body)
        status, headers, _ = erin.request(
            "POST", "/papers/%s/comments/%d/edit" % (pid, cid), csrf=False,
            form={"csrf_token": erin.csrf, "text": "Edited in a form"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/papers/%s#comment-%d" % (pid, cid))
        self.assertEqual(thread(pid)[0]["text"], "Edited in a form")
        status, headers, _ = erin.request("POST", "/papers/%s/comments/%d/delete" % (pid, reply_id),
                                          csrf=False, form={"csrf_token": erin.csrf})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/papers/%s#discussion" % pid)
        self.assertEqual(api_count(pid), base + 1)
        frank = sign_in("frank@comments.test", name="Frank")
        self.assertEqual(frank.request("POST", "/papers/%s/comments/%d/delete" % (pid, cid),
                                       csrf=False, form={"csrf_token": frank.csrf})[0], 404)
        self.assertEqual(frank.request("POST", "/papers/%s/comments/%d/hide" % (pid, cid),
                                       csrf=False, form={"csrf_token": frank.csrf})[0], 403)
        self.assertEqual(api_count(pid), base + 1)


class AttackCorpusTest(unittest.TestCase):
    def test_payloads_are_stored_as_written_and_shown_inert(self):
        pid = PAPERS[3]
        mallory = sign_in("mallory@comments.test", name="<img src=x onerror=alert('name')>")
        posted = [post(mallory, pid, text) for text in ATTACKS]
        for text, doc in zip(ATTACKS, posted):
            self.assertEqual(doc["text"], text.strip())
            assert_inert_fragment(self, doc["html"], "POST answer for %r" % text)
        listed = thread(pid)
        self.assertEqual([c["text"] for c in listed], [t.strip() for t in ATTACKS])
        for c in listed:
            assert_inert_fragment(self, c["html"], "GET comments, %r" % c["text"])
            self.assertNotIn("href=\"javascript", c["html"].lower())
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", listed[0]["html"])

        # The page, anonymous and signed in (with edit forms holding the text).
        for who, client in (("anonymous", None), ("author", mallory)):
            text = page(pid, client)
            shown = assert_inert_page(self, text, "page for " + who)
            self.assertIn("<script>alert(1)</script>", shown)
            self.assertIn("<img src=x onerror=alert(1)>", shown)
            self.assertIn("{{mustache}} {{{triple}}}", shown)
            # Entities are text too: Markdown decodes them, the page escapes.
            self.assertIn("<script>alert(1)</script> <script>alert(2)</script>", shown)
            # The author's name is text too.
            self.assertNotIn("<img src=x onerror", text)
            self.assertIn("<img src=x onerror=alert('name')>", html.unescape(text))

        # The Atom feed: valid, one entry per comment, content inert HTML.
        status, headers, body = Client(SITE.port).request(
            "GET", "/papers/%s/comments.atom" % pid)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"))
        feed = feedparser.parse(body, sanitize_html=False)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual(len(feed.entries), len(ATTACKS))
        by_id = {c["id"]: c for c in listed}
        for entry in feed.entries:
            cid = int(entry.link.rsplit("-", 1)[1])
            self.assertEqual(entry.content[0].type, "text/html")
            assert_inert_fragment(self, entry.content[0].value, "feed entry %d" % cid)
            self.assertEqual(entry.author, "<img src=x onerror=alert('name')>")
        # feedparser re-serialises the HTML; the document itself carries
        # exactly the HTML of the API.
        raw = {}
        for entry in ET.fromstring(body).iter(ATOM + "entry"):
            raw[int(entry.findtext(ATOM + "id").rsplit("-", 1)[1])] = entry.findtext(ATOM + "content")
        self.assertEqual(raw, {cid: c["html"] for cid, c in by_id.items()})
        # Newest first.
        ids = [int(e.link.rsplit("-", 1)[1]) for e in feed.entries]
        self.assertEqual(ids, sorted(ids, reverse=True))


class ModerationTest(unittest.TestCase):
    def test_admin_hides_and_unhides_everywhere(self):
        admin = sign_in("admin@comments.test", name="Admin")
        SITE.cli("user", "grant-admin", "admin@comments.test")
        gina = sign_in("gina@comments.test", name="Gina")
        # A listed paper: every count moves.
        pid = PAPERS[5] if len(PAPERS) > 5 else PAPERS[4]
        base = api_count(pid)
        spam = post(gina, pid, "Buy [pills](https://spam.example/)")
        self.assertEqual(daily_count(pid), base + 1)
        path = "/api/papers/%s/comments/%d" % (pid, spam["id"])
        status, _, doc = admin.json("PATCH", path, {"hidden": True})
        self.assertEqual(status, 200, doc)
        self.assertTrue(doc["hidden"])
        self.assertEqual((api_count(pid), daily_count(pid), page_count(pid), card_count(pid),
                          feed_count(pid)), (base,) * 5)
        self.assertEqual(thread(pid), [])
        self.assertNotIn("spam.example", page(pid))
        self.assertNotIn(b"spam.example",
                         Client(SITE.port).request("GET", "/papers/%s/comments.atom" % pid)[2])
        # Its author sees it gone too and cannot change it; admins see it.
        self.assertEqual(thread(pid, gina), [])
        self.assertEqual(gina.json("PATCH", path, {"text": "changed"})[0], 404)
        seen = thread(pid, admin)
        self.assertEqual([(c["id"], c.get("hidden")) for c in seen], [(spam["id"], True)])
        self.assertIn("hidden by an admin", page(pid, admin))
        self.assertIn("/comments/%d/hide" % spam["id"], page(pid, admin))
        status, _, log = admin.json("GET", "/api/admin/audit")
        self.assertEqual(status, 200)
        self.assertIn(("hide_comment", "comment:%d" % spam["id"]),
                      [(e["action"], e["target"]) for e in log])
        # Unhide through the form.
        status, headers, _ = admin.request("POST", "/papers/%s/comments/%d/hide" % (pid, spam["id"]),
                                           csrf=False,
                                           form={"csrf_token": admin.csrf, "hidden": "false"})
        self.assertEqual(status, 303)
        self.assertEqual(api_count(pid), base + 1)
        self.assertEqual([c["id"] for c in thread(pid)], [spam["id"]])

    def test_a_paper_on_no_list_counts_its_comments(self):
        pid = unlisted_paper(3)
        hank = sign_in("hank@comments.test", name="Hank")
        self.assertEqual(api_count(pid), 0)
        self.assertEqual(page_count(pid), 0)
        self.assertIn("No comments yet.", page(pid))
        c = post(hank, pid, "First!")
        self.assertEqual((api_count(pid), page_count(pid)), (1, 1))
        self.assertIn("First!", page(pid))
        self.assertEqual(hank.json("DELETE", "/api/papers/%s/comments/%d" % (pid, c["id"]))[0],
                         200)
        self.assertEqual((api_count(pid), page_count(pid)), (0, 0))


class RateLimitTest(unittest.TestCase):
    def test_too_many_comments_get_429_with_retry_after(self):
        pid = unlisted_paper(4)
        ivan = sign_in("ivan@comments.test", name="Ivan")
        statuses = []
        for i in range(COMMENT_LIMIT + 1):
            status, headers, doc = ivan.json("POST", "/api/papers/%s/comments" % pid,
                                             {"text": "comment %d" % i})
            statuses.append(status)
            if status == 429:
                self.assertGreater(int(headers["retry-after"]), 0)
                self.assertIn("too many comments", doc["error"])
                break
        self.assertEqual(statuses, [201] * COMMENT_LIMIT + [429])
        self.assertEqual(api_count(pid), COMMENT_LIMIT)
        # Another account is not slowed down.
        judy = sign_in("judy@comments.test", name="Judy")
        post(judy, pid, "still fine")


def check_concurrent_comments(test, port, pid, prefix):
    """20 users sign in and comment 3 times each, all at once; every
    comment is there and numComments is exact."""
    users = 20
    per_user = 3
    base = api_count(pid, port)
    clients = [None] * users
    errors = []

    def sign(i):
        try:
            clients[i] = sign_in("%s%d@comments.test" % (prefix, i), port=port,
                                 name="%s %d" % (prefix, i))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    run_concurrently((sign, i) for i in range(users))
    test.assertEqual(errors, [])
    barrier = threading.Barrier(users)
    created = []
    lock = threading.Lock()

    def write(i):
        barrier.wait()
        for k in range(per_user):
            text = "%s %d says $x_%d$" % (prefix, i, k)
            for attempt in range(20):
                status, _, doc = clients[i].json("POST", "/api/papers/%s/comments" % pid,
                                                 {"text": text})
                if status != 503:
                    break
            with lock:
                if status == 201:
                    created.append(doc["id"])
                else:
                    errors.append((status, doc))

    run_concurrently((write, i) for i in range(users))
    test.assertEqual(errors, [])
    test.assertEqual(len(set(created)), users * per_user)
    listed = thread(pid, Client(port))
    mine = [c for c in listed if c["text"].startswith(prefix + " ")]
    test.assertEqual(sorted(c["id"] for c in mine), sorted(created))
    test.assertEqual(len({c["author"]["name"] for c in mine}), users)
    test.assertEqual(api_count(pid, port), base + users * per_user)
    test.assertEqual(daily_count(pid, port), base + users * per_user)


class ConcurrencyTest(unittest.TestCase):
    def test_twenty_users_at_once_on_sqlite(self):
        check_concurrent_comments(self, SITE.port, PAPERS[4], "sqlite")


@needs_postgres
class PostgresConcurrencyTest(pp_community.SiteTestCase):
    @classmethod
    def new_site(cls):
        return BED.site("pg", *SITE_FLAGS, pg=True)

    def test_twenty_users_at_once_on_postgresql(self):
        port = self.site.port
        check_concurrent_comments(self, port, listed_papers(port)[0], "pg")


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
