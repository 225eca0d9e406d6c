#!/usr/bin/env python3
"""End-to-end tests of digest subscriptions and search alerts over real HTTP
against `paperpulse serve` with a real SMTP server on loopback
(tests/tools/smtp_sink.py): double opt-in (the mailed link's page confirms
nothing until its button is pressed), the same answer for subscribed and
new addresses, validation, rate limits (per client address, through a
trusted proxy's X-Forwarded-For, and per address), subscriptions of a
signed-in account (API token and session), one's own only, the alert form
of the search page, markup shown inert, and the one-click unsubscribe
endpoint answering mail providers' POSTs. On SQLite, and on PostgreSQL when
PAPERPULSE_TEST_PG is set.

Unsubscribe secrets are minted only by digest runs: the full one-click flow
is in the digest tests; here unknown secrets must get a page, never a 5xx,
415 or redirect.

usage: subscriptions_test.py PAPERPULSE_BINARY
"""
import os
import re
import secrets
import sys
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_community  # noqa: E402
from pp_community import needs_postgres  # noqa: E402

BIN = None
BED = None      # pp_community.TestBed: the sink and the Kaggle records
SQLITE = None   # the SQLite site
# Each test sends from its own client address (X-Forwarded-For), so that
# the per-address limits count tests apart.
SITE_FLAGS = ("--trusted-proxy", "127.0.0.1/32")


# ---------------------------------------------------------------- helpers

def Client(site, token=None):
    """A client of `site` with a client address of its own (the trusted
    proxy's X-Forwarded-For), so per-address limits see many clients."""
    return site.client(token, forwarded=True)


def mails_to(address):
    return BED.mails_to(address)


def wait_for_mail(address, count, timeout=20):
    return BED.wait_for_mail(address, count, timeout)


def text_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def confirm_link(msg):
    """(path, token) of the confirmation link in a mail."""
    m = re.search(r"https?://[^/\s]+(/subscriptions/confirm/([A-Za-z0-9_-]{43}))\b", text_of(msg))
    assert m, "no confirmation link in:\n" + text_of(msg)
    return m.group(1), m.group(2)


def sign_in(site, address):
    """A browser session (with a client address of its own) through the
    mailed sign-in link."""
    return site.sign_in(address, client=Client(site))


def subscribe(client, address, **fields):
    body = {"email": address}
    body.update(fields)
    return client.json("POST", "/api/subscriptions", body)


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED, SQLITE
    BED = pp_community.TestBed(BIN, "pp_subscriptions_", days=())
    SQLITE = BED.site("sqlite", *SITE_FLAGS)


def tearDownModule():
    try:
        if SQLITE:
            SQLITE.stop()
    finally:
        BED.close()


# ------------------------------------------------------------------ tests

class SubscriptionChecks:
    """The checks every backend runs; `site` is set by the concrete class."""

    site = None

    def test_double_opt_in(self):
        site = self.site
        address = site.address("ada")
        c = Client(site)
        status, headers, doc = subscribe(c, address.upper(), frequency="weekly",
                                         categories=["cs.lg", "hep-th"],
                                         keywords=["diffusion"], minUpvotes=3)
        self.assertEqual(status, 202, doc)
        self.assertEqual(doc["status"], "pending")
        self.assertIn("no-store", headers["cache-control"])
        msg = wait_for_mail(address, 1)
        self.assertIn("Confirm", msg["Subject"])
        body = text_of(msg)
        self.assertIn("the weekly digest", body)
        self.assertIn("Categories: cs.LG, hep-th", body)
        self.assertIn("Keywords: diffusion", body)
        self.assertIn("did not ask", body)
        html = msg.get_body(preferencelist=("html",)).get_content()
        path, token = confirm_link(msg)
        self.assertIn(path, html)
        # The address's own view (an API token of its account) lists only
        # confirmed subscriptions.
        owner = Client(site, token=site.token(address))
        self.assertEqual(owner.json("GET", "/api/subscriptions")[2], [])
        # Opening the link, as mail scanners do, confirms nothing.
        for _ in range(2):
            status, headers, page = c.request("GET", path)
            self.assertEqual(status, 200)
            self.assertIn(b'method="post"', page)
            self.assertIn(('action="%s"' % path).encode(), page)
            self.assertIn("no-store", headers["cache-control"])
        self.assertEqual(owner.json("GET", "/api/subscriptions")[2], [])
        # Its button does.
        status, headers, page = Client(site).request("POST", path)
        self.assertEqual(status, 200, page)
        self.assertIn(b"now gets the weekly digest", page)
        status, _, subs = owner.json("GET", "/api/subscriptions")
        self.assertEqual(status, 200)
        self.assertEqual(len(subs), 1, subs)
        s = subs[0]
        self.assertEqual(s["email"], address)
        self.assertEqual(s["status"], "active")
        self.assertEqual(s["frequency"], "weekly")
        self.assertEqual(s["categories"], ["cs.LG", "hep-th"])
        self.assertEqual(s["keywords"], ["diffusion"])
        self.assertEqual(s["minUpvotes"], 3)
        self.assertIsNone(s["query"])
        self.assertTrue(s["createdAt"] and s["confirmedAt"])
        # The API confirms the same link again, idempotently.
        status, _, again = Client(site).json("POST", "/api/subscriptions/confirm",
                                             {"token": token})
        self.assertEqual(status, 200, again)
        self.assertEqual(again["id"], s["id"])
        # A second confirmed digest replaces the first.
        subscribe(c, address, frequency="daily")
        path2, _ = confirm_link(wait_for_mail(address, 2))
        self.assertEqual(Client(site).request("POST", path2)[0], 200)
        subs = owner.json("GET", "/api/subscriptions")[2]
        self.assertEqual([x["frequency"] for x in subs], ["daily"])

    def test_same_answer_whether_or_not_subscribed(self):
        site = self.site
        known = site.address("known")
        c = Client(site)
        first = subscribe(c, known)
        path, _ = confirm_link(wait_for_mail(known, 1))
        self.assertEqual(c.request("POST", path)[0], 200)
        again = subscribe(Client(site), known)
        new = subscribe(Client(site), site.address("stranger"))
        self.assertEqual(first[0], 202)
        self.assertEqual((again[0], again[2]), (first[0], first[2]))
        self.assertEqual((new[0], new[2]), (first[0], first[2]))
        # The form's page, too, apart from the address it repeats.
        pages = []
        for address in (known, site.address("stranger2")):
            status, _, page = Client(site).request("POST", "/subscribe",
                                                   form={"email": address, "frequency": "daily"})
            self.assertEqual(status, 200)
            pages.append(page.replace(address.encode(), b"X"))
        self.assertIn(b"Check your inbox", pages[0])
        self.assertEqual(pages[0], pages[1])
        wait_for_mail(site.address("stranger2"), 1)

    def test_validation(self):
        c = Client(self.site)
        a = self.site.address("valid")
        for body, field in [({"email": "not an address"}, "email"),
                            ({"email": a, "frequency": "hourly"}, "frequency"),
                            ({"email": a, "categories": ["cs.LG", "cs;DROP"]}, "categories"),
                            ({"email": a, "categories": ["c%d" % i for i in range(21)]},
                             "categories"),
                            ({"email": a, "keywords": ["k%d" % i for i in range(21)]}, "keywords"),
                            ({"email": a, "keywords": ["x" * 61]}, "keywords"),
                            ({"email": a, "keywords": ["bell\u0007"]}, "keywords"),
                            ({"email": a, "minUpvotes": -1}, "minUpvotes"),
                            ({"email": a, "minUpvotes": 100001}, "minUpvotes"),
                            ({"email": a, "minUpvotes": "5"}, "minUpvotes"),
                            ({"email": a, "query": "q" * 501}, "query"),
                            ({"email": a, "query": "title:\"open"}, "query"),
                            ({}, "email")]:
            status, _, doc = c.json("POST", "/api/subscriptions", body)
            self.assertEqual(status, 400, (body, doc))
            self.assertTrue(doc["error"].startswith(field), (body, doc))
        status, _, _ = c.request("POST", "/api/subscriptions", raw=b"email=a@b.example",
                                 content_type="text/plain")
        self.assertEqual(status, 415)
        time.sleep(0.3)
        self.assertEqual(mails_to(a), [])

    def test_rate_limits(self):
        site = self.site
        flood = site.address("flood")
        statuses = []
        for _ in range(7):
            status, headers, doc = subscribe(Client(site), flood)
            statuses.append(status)
            if status == 429:
                self.assertGreater(int(headers["retry-after"]), 0)
                self.assertIn("error", doc)
        self.assertEqual(statuses, [202] * 5 + [429] * 2)
        # One client address, many mailboxes: 20 an hour.
        c = Client(site)
        statuses = [subscribe(c, site.address("ip%d" % i))[0] for i in range(21)]
        self.assertEqual(statuses, [202] * 20 + [429])
        time.sleep(0.3)
        self.assertEqual(len(mails_to(flood)), 5)

    def test_signed_in_accounts_manage_their_own(self):
        site = self.site
        bob_address = site.address("bob")
        bob = Client(site, token=site.token(bob_address))
        carol = Client(site, token=site.token(site.address("carol")))
        status, _, digest = bob.json("POST", "/api/subscriptions",
                                     {"frequency": "daily", "categories": ["cs"]})
        self.assertEqual(status, 201, digest)
        self.assertEqual(digest["status"], "active")
        self.assertEqual(digest["email"], bob_address)
        status, _, alert = bob.json("POST", "/api/subscriptions",
                                    {"email": bob_address, "query": "author:Gu cat:cs.LG",
                                     "frequency": "weekly"})
        self.assertEqual(status, 201, alert)
        self.assertEqual(alert["query"], "author:Gu cat:cs.LG")
        time.sleep(0.3)
        self.assertEqual(mails_to(bob_address), [])  # no confirmation for one's own address
        listed = bob.json("GET", "/api/subscriptions")[2]
        self.assertEqual([x["id"] for x in listed], [digest["id"], alert["id"]])
        self.assertEqual(carol.json("GET", "/api/subscriptions")[2], [])
        self.assertEqual(Client(site).json("GET", "/api/subscriptions")[0], 401)

        dpath = "/api/subscriptions/%d" % digest["id"]
        apath = "/api/subscriptions/%d" % alert["id"]
        status, _, doc = bob.json("PATCH", dpath, {"frequency": "weekly", "keywords": ["llm"],
                                                   "minUpvotes": 4})
        self.assertEqual(status, 200, doc)
        self.assertEqual((doc["frequency"], doc["keywords"], doc["minUpvotes"],
                          doc["categories"]), ("weekly", ["llm"], 4, ["cs"]))
        self.assertEqual(bob.json("PATCH", dpath, {"email": "x@y.example"})[0], 400)
        self.assertEqual(bob.json("PATCH", dpath, {"minUpvotes": -4})[0], 400)
        # Carol cannot tell Bob's subscriptions from missing ones.
        for method, body in (("PATCH", {"minUpvotes": 1}), ("DELETE", None)):
            self.assertEqual(carol.json(method, dpath, body)[0], 404)
            self.assertEqual(carol.json(method, "/api/subscriptions/987654", body)[0], 404)
        status, _, doc = bob.json("DELETE", apath)
        self.assertEqual((status, doc["status"]), (200, "unsubscribed"))
        self.assertEqual(bob.json("DELETE", apath)[0], 200)
        self.assertEqual(bob.json("PATCH", apath, {"frequency": "daily"})[0], 404)
        self.assertEqual([x["id"] for x in bob.json("GET", "/api/subscriptions")[2]],
                         [digest["id"]])
        # Another address goes through its own mailbox, even for Bob.
        other = site.address("bobs-friend")
        self.assertEqual(bob.json("POST", "/api/subscriptions", {"email": other})[0], 202)
        wait_for_mail(other, 1)

    def test_unknown_unsubscribe_links_get_a_page(self):
        c = Client(self.site)
        path = "/unsubscribe/" + secrets.token_urlsafe(32)
        status, headers, page = c.request("GET", path)
        self.assertEqual(status, 404)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn("no-store", headers["cache-control"])
        self.assertIn(b"does not work", page)
        # What mail providers send (RFC 8058): no cookie, no token, no Origin.
        multipart = (b"--xyz\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                     b"One-Click\r\n--xyz--\r\n")
        for raw, ctype in ((b"List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"),
                           (multipart, "multipart/form-data; boundary=xyz"),
                           (b"", None), (b"\x00\xff", "application/octet-stream")):
            status, headers, page = c.request("POST", path, raw=raw, content_type=ctype)
            self.assertEqual(status, 404, (ctype, page[:200]))
            self.assertNotIn("location", headers)
            self.assertIn("text/html", headers["content-type"])
            self.assertIn("no-store", headers["cache-control"])
        self.assertEqual(c.request("POST", "/unsubscribe/not-a-token")[0], 404)


class SqliteSubscriptionTest(SubscriptionChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = SQLITE

    def test_settings_list_subscriptions_inert(self):
        site = self.site
        address = site.address("eve")
        c = sign_in(site, address)
        query = 'title:"<script>alert(1)</script>"'
        status, _, doc = c.json("POST", "/api/subscriptions", {"query": query})
        self.assertEqual(status, 201, doc)
        status, headers, page = c.request("GET", "/settings")
        self.assertEqual(status, 200)
        self.assertEqual(headers["cache-control"], "private, no-store")
        self.assertNotIn(b"<script>alert", page)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", page)
        # The new-digest form of settings starts at once, with the CSRF token.
        status, headers, _ = c.request("POST", "/subscribe", csrf=False,
                                       form={"frequency": "weekly", "categories": "cs.CL",
                                             "csrf_token": c.csrf})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/settings?saved=1#subscriptions")
        page = c.request("GET", "/settings")[2]
        self.assertIn(b"The weekly digest", page)
        self.assertIn(b'value="cs.CL"', page)
        # Without the token, nothing changes.
        sub_id = re.search(rb'action="/settings/subscriptions/(\d+)"', page).group(1).decode()
        status, _, _ = c.request("POST", "/settings/subscriptions/%s/delete" % sub_id, csrf=False,
                                 form={})
        self.assertEqual(status, 403)
        status, _, _ = c.request("POST", "/settings/subscriptions/%s/delete" % sub_id, csrf=False,
                                 form={"csrf_token": c.csrf})
        self.assertEqual(status, 303)
        self.assertEqual(len(c.json("GET", "/api/subscriptions")[2]), 1)

    def test_search_page_alert_form(self):
        site = self.site
        q = "learning <img src=x onerror=alert(1)>"
        deadline = time.time() + 60
        while True:
            status, _, page = Client(site).request(
                "GET", "/search?q=" + urllib.parse.quote(q))
            if status != 503 or time.time() > deadline:
                break
            time.sleep(0.2)  # the index's first build
        self.assertEqual(status, 200, page[:300])
        self.assertIn(b'<form class="alert-box" action="/subscribe" method="post">', page)
        self.assertIn(b'name="query" value="learning &lt;img src=x onerror=alert(1)&gt;"', page)
        self.assertNotIn(b"<img src=x", page)
        # Anonymous: the alert goes through the mailbox.
        address = site.address("alerted")
        status, _, page = Client(site).request("POST", "/subscribe", form={
            "query": "learning", "frequency": "weekly", "email": address})
        self.assertEqual(status, 200)
        self.assertIn(b"Check your inbox", page)
        mail = text_of(wait_for_mail(address, 1))
        self.assertIn("the weekly alert for \u201clearning\u201d", mail)
        # Without an address the form asks for one.
        status, _, page = Client(site).request("POST", "/subscribe", form={"query": "learning"})
        self.assertEqual(status, 200)
        self.assertIn(b"Enter your e-mail address", page)
        self.assertIn(b"<code>learning</code>", page)

    def test_pages_and_cross_site_forms(self):
        site = self.site
        status, headers, page = Client(site).request("GET", "/subscribe")
        self.assertEqual(status, 200)
        self.assertIn(b'action="/subscribe"', page)
        self.assertIn(b'name="minUpvotes"', page)
        status, _, page = Client(site).request("GET", "/")
        self.assertIn(b'href="/subscribe"', page)
        status, _, _ = Client(site).request(
            "POST", "/subscribe", form={"email": site.address("forged")},
            headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        status, _, page = Client(site).request("POST", "/subscribe",
                                               form={"email": site.address("x"),
                                                     "frequency": "fortnightly"})
        self.assertEqual(status, 400)
        self.assertIn(b"frequency: expected daily or weekly", page)
        self.assertIn(site.address("x").encode(), page)  # the form keeps what was typed
        status, _, page = Client(site).request("GET", "/subscriptions/confirm/garbage")
        self.assertEqual(status, 404)


@needs_postgres
class PostgresSubscriptionTest(SubscriptionChecks, pp_community.SiteTestCase):
    """The same checks with `serve --db postgresql://...` (nothing imported)."""

    @classmethod
    def new_site(cls):
        return pp_community.Site(BED, "pg", *SITE_FLAGS, data=os.path.join(BED.tmp, "var-pg"),
                                 db=BED.database("pg"))


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
