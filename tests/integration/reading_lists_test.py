#!/usr/bin/env python3
"""End-to-end tests of reading lists (issue 11) over real HTTP against
`paperpulse serve`, signed in through the link a real SMTP server on
loopback (tests/tools/smtp_sink.py) received: a display name first; papers
added (any id form) with notes, reordered, removed; a public list read
anonymously as a page, JSON, an Atom feed (python3-feedparser) and BibTeX
(python3-bibtexparser: the eprints in list order); unlisted lists only with
their secret link, which a new one replaces; private lists for their owner
alone, on every route; edits by anybody else answered 404; the forms that
work without JavaScript; markup shown inert; a change visible at once on the
cached public page; and concurrent edits (two owners at once, many adds to
one list) with dense positions and nothing lost. On SQLite, and again on
PostgreSQL when PAPERPULSE_TEST_PG is set (scripts/with-postgres).

usage: reading_lists_test.py PAPERPULSE_BINARY
"""
import itertools
import os
import re
import sys
import threading
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_client  # noqa: E402
import pp_community  # noqa: E402
from pp_client import run_concurrently  # noqa: E402
from pp_community import SiteTestCase, kaggle_ids, needs_postgres  # noqa: E402
from pp_community import bibtex_entries as parse_bibtex  # noqa: E402

feedparser = pp_community.system_module("feedparser")

BIN = None
BED = None
USERS = itertools.count(1)
# A long-lived response cache: anonymous pages must still show every write
# at once. Every client is 127.0.0.1: no per-address sign-in limit.
SITE_FLAGS = ("--login-limit-per-ip", "0", "--cache-ttl-ms", "60000")


def user(site, name=None):
    """A new account of `site` (a pp_community.Site) signed in through the
    mailed link; with `name` set as its display name (unique per site: the
    number of the user), kept as the client's `name`."""
    n = next(USERS)
    full = None if name is None else "%s %d" % (name, n)
    client = site.sign_in(site.address("reader%d" % n), name=full)
    client.name = full
    return client


def owner_path(client):
    return "/lists/" + urllib.parse.quote(client.name, safe="")


def create(client, **fields):
    status, headers, doc = client.json("POST", "/api/lists", fields)
    assert status == 201, (status, doc)
    return doc, headers


def routes(path, query=""):
    """Every read route of the list at `path` ("/lists/owner/slug")."""
    return [path + query, "/api" + path + query, path + "/feed.atom" + query,
            path + "/bibtex" + query, path + ".bib" + query]


def statuses(client, path, query=""):
    return [client.request("GET", r)[0] for r in routes(path, query)]


def items(client, path, query=""):
    status, _, doc = client.json("GET", "/api" + path + query)
    assert status == 200, (status, doc)
    return doc["items"]


def with_retry(fn):
    """fn() -> (status, ...), called again on 503 (the database busy), as a
    real client would."""
    return pp_client.with_retry(fn, statuses=(503,), errors=())


ALL_OK = [200] * 5
ALL_MISSING = [404] * 5


class ReadingListChecks:
    """The suite, against self.site on the `backend` of the class ("sqlite"
    or "pg")."""

    @classmethod
    def new_site(cls):
        return BED.site(cls.backend, *SITE_FLAGS, pg=cls.backend == "pg")

    def test_creating_needs_a_display_name(self):
        c = user(self.site)
        status, _, doc = c.json("POST", "/api/lists", {"title": "This week"})
        self.assertEqual(status, 409, doc)
        self.assertIn("display name in Settings first", doc["error"])
        status, _, page = c.request("GET", "/lists")
        self.assertEqual(status, 200)
        self.assertIn(b'href="/settings?next=%2Flists"', page)
        status, _, page = c.request("POST", "/lists", form={"title": "This week",
                                                            "csrf_token": c.csrf})
        self.assertEqual(status, 409)
        self.assertIn(b'href="/settings?next=%2Flists"', page)
        c.name = "Namer %d" % next(USERS)
        self.assertEqual(c.json("PATCH", "/api/me", {"name": c.name})[0], 200)
        doc, headers = create(c, title="This week")
        self.assertEqual(doc["slug"], "this-week")
        self.assertEqual(headers["location"], "/api" + owner_path(c) + "/this-week")
        # Anonymous readers are sent to sign in; the API says 401.
        status, headers, _ = self.site.client().request("GET", "/lists")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/login?next=%2Flists")
        self.assertEqual(self.site.client().json("POST", "/api/lists", {"title": "x"})[0], 401)

    def test_public_list_read_everywhere(self):
        ada = user(self.site, "Ada")
        title = "<script>alert('t')</script> Reading group: this week"
        description = "Thursdays 10:00.\n<img src=x onerror=alert(1)> & more"
        doc, _ = create(ada, title=title, description=description, visibility="public")
        path = owner_path(ada) + "/" + doc["slug"]
        self.assertEqual(doc["slug"], "script-alert-t-script-reading-group-this-week")
        self.assertTrue(doc["url"].endswith(path), doc["url"])
        a, b, c, d = kaggle_ids(4)
        notes = {a: "<b>Start here</b>: §2 and $x^2$", b: "", c: "then this", d: "skim"}
        # Any arXiv id form names the paper.
        for raw, pid in ((a, a), ("arXiv:%sv2" % b, b), ("https://arxiv.org/abs/" + c, c), (d, d)):
            status, _, item = ada.json("POST", "/api" + path + "/papers",
                                       {"id": raw, "note": notes[pid]})
            self.assertEqual(status, 201, item)
            self.assertEqual(item["paper"]["id"], pid)
        # The same paper again: 200, place and note kept.
        status, _, item = ada.json("POST", "/api" + path + "/papers", {"id": a})
        self.assertEqual((status, item["position"], item["note"]), (200, 0, notes[a]))
        self.assertEqual(ada.json("POST", "/api" + path + "/papers", {"id": "2401.99999"})[0], 404)
        self.assertEqual(ada.json("POST", "/api" + path + "/papers", {"id": "no id"})[0], 400)
        # Reorder: d first (API), then b down one (form); note on c; remove a.
        status, _, item = ada.json("PATCH", "/api" + path + "/papers/" + d, {"position": 0})
        self.assertEqual((status, item["position"]), (200, 0), item)
        status, headers, _ = ada.request("POST", path + "/papers/%s/move" % b,
                                         form={"direction": "down", "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], path + "#paper-" + b)
        status, _, item = ada.json("PATCH", "/api" + path + "/papers/" + c,
                                   {"note": "read <i>after</i> d"})
        self.assertEqual(status, 200, item)
        self.assertEqual([i["paper"]["id"] for i in items(ada, path)], [d, a, c, b])

        anon = self.site.client()
        status, _, page = anon.request("GET", path)  # cached from here on
        self.assertEqual(status, 200)
        html = page.decode()
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<img src=x", html)
        self.assertNotIn("<b>Start", html)
        self.assertNotIn("<i>after", html)
        self.assertIn("&lt;script&gt;alert(", html)
        self.assertIn("&lt;b&gt;Start here&lt;/b&gt;", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertNotIn("Save note", html)  # no owner controls for others
        order = [html.index('id="paper-%s"' % p) for p in (d, a, c, b)]
        self.assertEqual(order, sorted(order))

        # The paper JSON is /api/papers/{id}'s.
        got = items(anon, path)
        self.assertEqual([i["position"] for i in got], [0, 1, 2, 3])
        self.assertEqual(got[1]["note"], notes[a])
        status, _, paper = anon.json("GET", "/api/papers/" + a)
        self.assertEqual(got[1]["paper"], paper)
        status, _, listed = anon.json("GET", "/api" + path)
        self.assertEqual((listed["title"], listed["description"], listed["visibility"]),
                         (title, description, "public"))
        self.assertEqual(listed["owner"], ada.name)

        status, headers, raw = anon.request("GET", path + "/feed.atom")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"))
        self.assertNotIn(b"<script>", raw)
        feed = feedparser.parse(raw)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertIn("<script>alert('t')</script>", feed.feed.title)
        newest = sorted(got, key=lambda i: (i["addedAt"], i["position"]), reverse=True)
        self.assertEqual([e.id for e in feed.entries],
                         ["https://arxiv.org/abs/" + i["paper"]["id"] for i in newest])
        by_id = {e.id.rsplit("/", 1)[1]: e for e in feed.entries}
        self.assertIn("Note: skim", by_id[d].summary)

        for route, media in (("/bibtex", "text/plain"), (".bib", "application/x-bibtex")):
            status, headers, raw = anon.request("GET", path + route)
            self.assertEqual(status, 200)
            self.assertTrue(headers["content-type"].startswith(media), headers)
            self.assertIn("charset=utf-8", headers["content-type"])
            bib = parse_bibtex(raw)
            self.assertEqual([e["eprint"] for e in bib], [d, a, c, b])
            self.assertEqual(len({e["ID"] for e in bib}), 4)

        # Listed on the owner's page, which the JSON API mirrors.
        status, _, page = anon.request("GET", owner_path(ada))
        self.assertEqual(status, 200)
        self.assertIn(path.encode(), page)
        status, _, lists = anon.json("GET", "/api" + owner_path(ada))
        self.assertEqual([l["slug"] for l in lists], [doc["slug"]])

        # A change shows at once on the cached page, JSON and feed.
        status, _, _ = ada.request("POST", path + "/papers/%s/remove" % a,
                                   form={"csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        status, _, page = anon.request("GET", path)
        self.assertNotIn(('id="paper-%s"' % a).encode(), page)
        self.assertIn(b"3 papers", page)
        self.assertEqual([(i["paper"]["id"], i["position"]) for i in items(anon, path)],
                         [(d, 0), (c, 1), (b, 2)])
        self.assertEqual(len(feedparser.parse(anon.request("GET", path + "/feed.atom")[2]).entries),
                         3)
        status, _, _ = ada.json("PATCH", "/api" + path, {"title": "Week 28"})
        self.assertEqual(status, 200)
        self.assertIn(b"Week 28", anon.request("GET", path)[2])

    def test_unlisted_only_with_the_secret_link(self):
        ada = user(self.site, "Ada")
        doc, _ = create(ada, title="Group", visibility="unlisted")
        path = owner_path(ada) + "/group"
        url = urllib.parse.urlsplit(doc["secretUrl"])
        self.assertEqual(url.path, path)
        key = urllib.parse.parse_qs(url.query)["key"][0]
        self.assertEqual(ada.json("POST", "/api" + path + "/papers",
                                  {"id": kaggle_ids(1)[0]})[0], 201)
        anon, bob = self.site.client(), user(self.site, "Bob")
        for who in (anon, bob):
            self.assertEqual(statuses(who, path), ALL_MISSING)
            self.assertEqual(statuses(who, path, "?key=" + "A" * 43), ALL_MISSING)
            self.assertEqual(statuses(who, path, "?key=" + key[:-1]), ALL_MISSING)
            self.assertEqual(statuses(who, path, "?key=" + key), ALL_OK)
        self.assertEqual(statuses(ada, path), ALL_OK)
        # The feed of the secret link parses; its links keep the key.
        feed = feedparser.parse(anon.request("GET", path + "/feed.atom?key=" + key)[2])
        self.assertFalse(feed.bozo)
        self.assertEqual(len(feed.entries), 1)
        page = anon.request("GET", path + "?key=" + key)[2].decode()
        self.assertIn(path + "/feed.atom?key=" + key, page)
        # Not on the owner's public page.
        self.assertNotIn(path.encode(), anon.request("GET", owner_path(ada))[2])
        self.assertEqual(anon.json("GET", "/api" + owner_path(ada))[2], [])

        # A new link (API): the old one stops working on every route.
        status, _, doc = ada.json("PATCH", "/api" + path, {"newSecret": True})
        self.assertEqual(status, 200, doc)
        key2 = urllib.parse.parse_qs(urllib.parse.urlsplit(doc["secretUrl"]).query)["key"][0]
        self.assertNotEqual(key, key2)
        self.assertEqual(statuses(anon, path, "?key=" + key), ALL_MISSING)
        self.assertEqual(statuses(anon, path, "?key=" + key2), ALL_OK)
        # And by the form: 303 to the page with the new key, shown to the owner.
        status, headers, _ = ada.request("POST", path + "/secret", form={"csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        m = re.match(re.escape(path) + r"\?key=([A-Za-z0-9_-]{43})#share$", headers["location"])
        self.assertTrue(m, headers["location"])
        key3 = m.group(1)
        self.assertIn(("/group?key=" + key3).encode(),
                      ada.request("GET", headers["location"].split("#")[0])[2])
        self.assertEqual(statuses(anon, path, "?key=" + key2), ALL_MISSING)
        self.assertEqual(statuses(bob, path, "?key=" + key3), ALL_OK)
        # Private, then unlisted again: a new link, none of the old ones.
        self.assertEqual(ada.json("PATCH", "/api" + path, {"visibility": "private"})[0], 200)
        self.assertEqual(statuses(anon, path, "?key=" + key3), ALL_MISSING)
        status, _, doc = ada.json("PATCH", "/api" + path, {"visibility": "unlisted"})
        key4 = urllib.parse.parse_qs(urllib.parse.urlsplit(doc["secretUrl"]).query)["key"][0]
        self.assertEqual(statuses(anon, path, "?key=" + key3), ALL_MISSING)
        self.assertEqual(statuses(anon, path, "?key=" + key4), ALL_OK)

    def test_private_for_the_owner_only(self):
        ada, bob = user(self.site, "Ada"), user(self.site, "Bob")
        doc, _ = create(ada, title="Mine", slug="mine")
        self.assertEqual(doc["visibility"], "private")
        self.assertNotIn("secretUrl", doc)
        path = owner_path(ada) + "/mine"
        self.assertEqual(ada.json("POST", "/api" + path + "/papers",
                                  {"id": kaggle_ids(2)[1], "note": "secret note"})[0], 201)
        self.assertEqual(statuses(ada, path), ALL_OK)
        for who in (self.site.client(), bob):
            self.assertEqual(statuses(who, path), ALL_MISSING)
            # The same answer as for a list that does not exist.
            missing = who.json("GET", "/api" + owner_path(ada) + "/nope")[2]["error"]
            hidden = who.json("GET", "/api" + path)[2]["error"]
            self.assertEqual(hidden.replace("mine", "nope"), missing)
            self.assertNotIn(b"secret note", who.request("GET", path)[2])
        # Owner-only JSON of one's own lists.
        self.assertEqual([l["slug"] for l in ada.json("GET", "/api/lists")[2]], ["mine"])
        self.assertEqual(bob.json("GET", "/api/lists")[2], [])
        # A token (scripts) reads it too, as the owner.
        script = self.site.client(token=self.site.token(ada.json("GET", "/api/me")[2]["email"]))
        self.assertEqual(statuses(script, path), ALL_OK)

    def test_only_the_owner_edits(self):
        ada, bob = user(self.site, "Ada"), user(self.site, "Bob")
        doc, _ = create(ada, title="Shared", visibility="public")
        path = owner_path(ada) + "/shared"
        pid, other = kaggle_ids(2)
        self.assertEqual(ada.json("POST", "/api" + path + "/papers", {"id": pid})[0], 201)
        before = ada.json("GET", "/api" + path)[2]
        api = [("PATCH", "/api" + path, {"title": "mine now"}),
               ("DELETE", "/api" + path, None),
               ("POST", "/api" + path + "/papers", {"id": other}),
               ("PATCH", "/api" + path + "/papers/" + pid, {"note": "x"}),
               ("DELETE", "/api" + path + "/papers/" + pid, None)]
        for method, target, body in api:
            self.assertEqual(bob.json(method, target, body)[0], 404, (method, target))
            self.assertEqual(self.site.client().json(method, target, body)[0], 401)
        for action, form in (("edit", {"title": "x"}), ("delete", {}), ("secret", {}),
                             ("papers", {"id": other}), ("papers/%s/note" % pid, {"note": "x"}),
                             ("papers/%s/move" % pid, {"direction": "down"}),
                             ("papers/%s/remove" % pid, {})):
            form["csrf_token"] = bob.csrf
            self.assertEqual(bob.request("POST", path + "/" + action, form=form)[0], 404, action)
        # Nor through the paper page's control (the list is looked up among
        # the writer's own).
        self.assertEqual(bob.request("POST", "/lists/add", form={
            "list": "shared", "id": other, "csrf_token": bob.csrf})[0], 404)
        # Without the CSRF token the owner's own cookie session cannot write.
        self.assertEqual(ada.request("DELETE", "/api" + path, csrf=False)[0], 403)
        self.assertEqual(ada.request("POST", path + "/delete", form={}, csrf=False)[0], 403)
        self.assertEqual(ada.json("GET", "/api" + path)[2], before)

    def test_forms_without_javascript(self):
        ada = user(self.site, "Ada")
        pid, other, third = kaggle_ids(3)
        # "New list with this paper" from a paper page.
        status, _, page = ada.request("GET", "/lists?paper=" + pid)
        self.assertEqual(status, 200)
        self.assertIn(('name="paper" value="%s"' % pid).encode(), page)
        status, headers, _ = ada.request("POST", "/lists", form={
            "title": "Journal club", "description": "", "visibility": "public", "paper": pid,
            "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        path = owner_path(ada) + "/journal-club"
        self.assertEqual(headers["location"], path)
        # The paper page's control lists the reader's lists and posts back.
        status, _, page = ada.request("GET", "/papers/" + other)
        self.assertEqual(status, 200)
        self.assertIn(b'action="/lists/add"', page)
        self.assertIn(b'<option value="journal-club">Journal club (1)</option>', page)
        status, headers, _ = ada.request("POST", "/lists/add", form={
            "list": "journal-club", "id": other, "next": "/papers/" + other,
            "csrf_token": ada.csrf})
        self.assertEqual((status, headers["location"]), (303, "/papers/" + other))
        # The list page's own add form, by URL, with a note.
        status, headers, _ = ada.request("POST", path + "/papers", form={
            "id": "https://arxiv.org/pdf/%sv1" % third, "note": "for next week",
            "csrf_token": ada.csrf})
        self.assertEqual((status, headers["location"]), (303, path + "#paper-" + third))
        status, _, _ = ada.request("POST", path + "/papers/%s/move" % third,
                                   form={"direction": "top", "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        status, _, _ = ada.request("POST", path + "/papers/%s/note" % pid,
                                   form={"note": "first\nsecond line", "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        got = items(ada, path)
        self.assertEqual([i["paper"]["id"] for i in got], [third, pid, other])
        self.assertEqual(got[1]["note"], "first\nsecond line")
        self.assertEqual(got[0]["note"], "for next week")
        # A refused input comes back to the page with the reason.
        status, headers, _ = ada.request("POST", path + "/papers", form={
            "id": "not an id", "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        self.assertIn("?error=", headers["location"])
        self.assertIn(b"expected an arXiv id", ada.request("GET", headers["location"])[2])
        # The owner's page has every control.
        page = ada.request("GET", path)[2].decode()
        for needle in ("Save note", 'action="%s/edit"' % path, 'action="%s/delete"' % path,
                       'value="up"', 'value="down"', "Atom feed", "BibTeX"):
            self.assertIn(needle, page)
        # Edit: new title and address, unlisted: to the new address with its key.
        status, headers, _ = ada.request("POST", path + "/edit", form={
            "title": "Journal club (week 28)", "slug": "jc-28", "description": "Room 4",
            "visibility": "unlisted", "csrf_token": ada.csrf})
        self.assertEqual(status, 303)
        new_path = owner_path(ada) + "/jc-28"
        self.assertRegex(headers["location"],
                         re.escape(new_path) + r"\?key=[A-Za-z0-9_-]{43}#share$")
        self.assertEqual(self.site.client().request("GET", path)[0], 404)
        # Delete: gone, back to /lists.
        status, headers, _ = ada.request("POST", new_path + "/delete",
                                         form={"csrf_token": ada.csrf})
        self.assertEqual((status, headers["location"]), (303, "/lists"))
        self.assertEqual(statuses(ada, new_path), ALL_MISSING)

    def test_concurrent_edits(self):
        papers = kaggle_ids(60)
        ada, bob = user(self.site, "Ada"), user(self.site, "Bob")
        create(ada, title="Ada's", visibility="public")
        create(bob, title="Bob's", visibility="public")
        ada_path, bob_path = owner_path(ada) + "/adas", owner_path(bob) + "/bobs"
        acked = {ada_path: [], bob_path: []}
        errors = []
        lock = threading.Lock()

        def add(client, path, pid, note):
            def call():
                return client.json("POST", "/api" + path + "/papers", {"id": pid, "note": note})
            try:
                status, _, doc = with_retry(call)
            except Exception as e:  # noqa: BLE001 - reported below
                status, doc = None, repr(e)
            with lock:
                if status == 201:
                    acked[path].append(pid)
                else:
                    errors.append((path, pid, status, doc))

        # Two owners editing their own lists at once, 20 papers each.
        run_concurrently([(add, ada, ada_path, papers[i], "a%d" % i) for i in range(20)]
                         + [(add, bob, bob_path, papers[20 + i], "b%d" % i) for i in range(20)])
        self.assertEqual(errors, [])
        for path, client, first in ((ada_path, ada, 0), (bob_path, bob, 20)):
            got = items(client, path)
            self.assertEqual(sorted(i["paper"]["id"] for i in got), sorted(papers[first:first + 20]))
            self.assertEqual([i["position"] for i in got], list(range(20)))
            for i in got:
                n = papers.index(i["paper"]["id"]) - first
                self.assertEqual(i["note"], ("a%d" if path == ada_path else "b%d") % n)

        # One owner, many adds to one list at once (several browser tabs and
        # a script), mixed with moves and note edits of what is there.
        moves = []

        def move(pid, position):
            answer = with_retry(lambda: ada.json("PATCH", "/api" + ada_path + "/papers/" + pid,
                                                 {"position": position, "note": "moved"}))
            with lock:
                moves.append(answer[0])

        run_concurrently([(add, ada, ada_path, papers[40 + i], "c%d" % i) for i in range(20)]
                         + [(move, papers[i], i % 3) for i in range(5)])
        self.assertEqual(errors, [])
        self.assertEqual(moves, [200] * 5)
        got = items(ada, ada_path)
        self.assertEqual(sorted(i["paper"]["id"] for i in got),
                         sorted(papers[:20] + papers[40:60]))
        self.assertEqual([i["position"] for i in got], list(range(40)))
        self.assertEqual(sum(1 for i in got if i["note"] == "moved"), 5)
        # The BibTeX export agrees with the order.
        bib = parse_bibtex(self.site.client().request("GET", ada_path + "/bibtex")[2])
        self.assertEqual([e["eprint"] for e in bib], [i["paper"]["id"] for i in got])


class SqliteReadingListTest(ReadingListChecks, SiteTestCase):
    backend = "sqlite"


@needs_postgres
class PostgresReadingListTest(ReadingListChecks, SiteTestCase):
    """The same suite with `serve --db postgresql://...`."""
    backend = "pg"


def setUpModule():
    global BED
    BED = pp_community.TestBed(BIN, "pp_reading_lists_")


def tearDownModule():
    BED.close()


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
