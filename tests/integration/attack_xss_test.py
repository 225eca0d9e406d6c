#!/usr/bin/env python3
"""Attack suite, part 1 (issue 13): the XSS corpus (tests/fixtures/attack/
xss.txt, a few hundred payloads: script and event-handler tags, attribute
break-outs, javascript:/data: URLs, SVG and MathML, mustache delimiters
{{ }} / {{{ }}}, entity- and percent-encoded variants) put into every field
a reader sees, over real HTTP against `paperpulse serve`:

- imported records (a crafted Hugging Face daily file, one paper per
  payload): title, abstract, authors, GitHub and project URLs, AI summary
  and keywords, organisation and submitter names;
- what signed-in users write (signed in through the mailed link, real SMTP
  sink): comments, display names, library tags and notes, reading-list
  titles, descriptions and notes;
- search queries (page, JSON API, Atom);
- the digest mail of the crafted day (headers and HTML part).

Everywhere the payload must stay data: the HTML (parsed as a browser's
tokenizer does) gets no element, attribute, event handler, javascript:
URL or script from it and shows it verbatim as text; JSON answers are JSON
(application/json) holding it as written; Atom feeds are well-formed with
only Atom elements and inert HTML content; mails have one-line headers and
an inert HTML part. The community part runs on SQLite and, with
PAPERPULSE_TEST_PG (scripts/with-postgres), on PostgreSQL.

usage: attack_xss_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import copy
import json
import os
import re
import subprocess
import sys
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_attack  # noqa: E402
import pp_client  # noqa: E402
import pp_community  # noqa: E402
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_attack import (ATOM, atom_problems, inert_problems, json_problems,  # noqa: E402
                       mail_problems, squash)
from pp_community import HF_DAILY, needs_postgres  # noqa: E402

BIN = None
BED = None
SITE = None
BASELINE = pp_attack.Baseline()
XSS = pp_attack.corpus("xss.txt")
N = len(XSS)
DAY = "2026-07-01"        # the crafted day, after the slice's days
REAL_DAY = "2026-06-30"
MARKER = "zqxattack"      # a word every crafted abstract holds, for search
SITE_FLAGS = ("--login-limit-per-ip", "0", "--login-limit-per-email", "0",
              "--comment-limit-per-account", "0", "--comment-limit-per-account-daily", "0",
              "--subscribe-limit-per-ip", "0", "--subscribe-limit-per-email", "0",
              "--cache-ttl-ms", "60000", "--no-access-log")
MAIL_FROM = "paperpulse digests <digest@paperpulse.test>"


def pid(i):
    return "2607.%05d" % (90000 + i)


def payload(i):
    return XSS[i % N]


def crafted_file(path):
    """One HF daily item per payload, built from a real item of REAL_DAY:
    paper i's title is payload i, its other displayed fields payloads i+1...
    Upvotes fall with i, so the first payloads lead the day (and its digest)."""
    with open(os.path.join(HF_DAILY, REAL_DAY + ".json"), encoding="utf-8") as f:
        real = json.load(f)[0]
    items = []
    for i in range(N):
        item = copy.deepcopy(real)
        p = item["paper"]
        p["id"] = pid(i)
        p["title"] = item["title"] = payload(i)
        p["summary"] = item["summary"] = "%s %s %s" % (payload(i + 1), MARKER, payload(i + 2))
        p["authors"] = [{"_id": "a%d" % i, "name": payload(i + 3), "hidden": False},
                        {"_id": "b%d" % i, "name": "Plain Author", "hidden": False}]
        p["githubRepo"] = payload(i + 4) if i % 2 else "https://github.com/x/" + payload(i + 4)
        p["projectPage"] = payload(i + 5) if i % 2 == 0 else "https://example.org/" + payload(i)
        p["ai_summary"] = payload(i + 6)
        p["ai_keywords"] = [payload(i + 7), "plain keyword"]
        org = {"_id": "%024d" % i, "name": "xss-org-%d" % (i % 7), "fullname": payload(i + 8),
               "avatar": ""}
        p["organization"] = item["organization"] = org
        p["upvotes"] = N - i
        for key in ("publishedAt", "submittedOnDailyAt"):
            p[key] = DAY + "T08:00:00.000Z"
        item["publishedAt"] = DAY + "T08:00:00.000Z"
        for who in (p.get("submittedOnDailyBy"), item.get("submittedBy")):
            if who:
                who["fullname"] = payload(i + 9)
                who["name"] = who["user"] = "user%d" % i
        items.append(item)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(items, f)


def get(path, client=None, port=None, headers=None):
    c = client or pp_client.Client(port or SITE.port)
    return c.request("GET", path, headers=headers)


def quote(s):
    return urllib.parse.quote(s, safe="")


class Checks(unittest.TestCase):
    maxDiff = 4000

    def html(self, path, shown=(), client=None, port=None, statuses=(200,)):
        """GET `path` (an HTML page): its status one of `statuses`, inert,
        showing `shown`; returns the body as str."""
        status, headers, body = get(path, client, port)
        self.assertIn(status, statuses, "%s: %d %r" % (path, status, body[:500]))
        self.assertLess(status, 500, path)
        text = body.decode("utf-8")
        if headers.get("content-type", "").startswith("text/html"):
            problems = inert_problems(text, BASELINE, shown if status == 200 else ())
            self.assertEqual(problems, [], path)
        return text

    def json(self, path, client=None, port=None, status=200):
        got, headers, body = get(path, client, port)
        problems, doc = json_problems(got, headers, body, status)
        self.assertEqual(problems, [], path)
        return doc

    def atom(self, path, client=None, port=None):
        status, headers, body = get(path, client, port)
        self.assertEqual(status, 200, path)
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"), path)
        problems, root = atom_problems(body, BASELINE)
        self.assertEqual(problems, [], path)
        return root


# ------------------------------------------------------ imported records

class ImportedRecordsTest(Checks):
    """Payloads in the fields of imported papers."""

    def test_json_round_trip(self):
        for i in range(N):
            doc = self.json("/api/papers/" + pid(i))
            if "\\" not in payload(i):  # TeX accents (\"o) become letters
                self.assertEqual(squash(doc["title"]), squash(payload(i)), pid(i))
            if "\\" not in payload(i + 3):
                self.assertIn(squash(payload(i + 3)), [squash(a["name"]) for a in doc["authors"]])
            self.assertIn(MARKER, doc["summary"])
            for key in ("githubRepo", "projectPage"):
                # Only web URLs are offered as links.
                if key in doc and doc[key] is not None:
                    self.assertIn(pp_attack.scheme(doc[key]), ("http", "https"), (key, doc[key]))
        listed = []
        for page in range(N // 100 + 2):
            listed += self.json("/api/daily_papers?date=%s&limit=100&p=%d" % (DAY, page))
        self.assertEqual(sorted(item["paper"]["id"] for item in listed), [pid(i) for i in range(N)])

    def test_paper_pages(self):
        for i in range(N):
            doc = self.json("/api/papers/" + pid(i))
            shown = [doc["title"]] + [a["name"] for a in doc["authors"]]
            self.html("/papers/" + pid(i), shown)

    def test_list_pages(self):
        titles = [self.json("/api/papers/" + pid(i))["title"] for i in range(N)]
        # The crafted day's list comes in pages of 100: each page is inert,
        # and together they show every title.
        for path in ("/papers/date/" + DAY, "/"):
            pages = [self.html(path)]
            count = int(re.search(r"Page 1 of (\d+)", pages[0]).group(1))
            self.assertEqual(count, (N + 99) // 100, path)
            pages += [self.html(path + "?page=%d" % k) for k in range(2, count + 1)]
            self.assertEqual(inert_problems("".join(pages), BASELINE, titles), [], path)
        self.html("/papers/week/2026-W27")
        self.html("/papers/month/2026-07")
        self.html("/papers/trending")
        for k in range(7):
            self.html("/papers/org/xss-org-%d" % k)

    def test_author_pages(self):
        for i in range(N):
            name = payload(i + 3)
            self.html("/authors/" + quote(name), statuses=(200, 400, 404))
        for i in range(0, N, 9):
            status, headers, body = get("/feeds/authors/%s.atom" % quote(payload(i + 3)))
            self.assertLess(status, 500)
            if status == 200:
                self.assertEqual(atom_problems(body, BASELINE)[0], [], payload(i + 3))

    def test_feeds(self):
        for path in ("/feeds/daily.atom", "/feeds/trending.atom"):
            root = self.atom(path)
            titles = [squash(e.findtext(ATOM + "title") or "") for e in root.iter(ATOM + "entry")]
            self.assertTrue(titles, path)
            if path == "/feeds/daily.atom":
                self.assertIn(squash(payload(0)), titles)

    def test_markdown_is_not_html(self):
        for i in range(0, N, 5):
            status, headers, _ = get("/papers/%s.md" % pid(i))
            self.assertEqual(status, 200)
            # Not HTML: a browser renders none of the payloads in it.
            self.assertTrue(headers["content-type"].startswith("text/markdown"), headers)

    def test_search_queries(self):
        pp_attack.wait_for_index(SITE.port)
        # Snippets of the crafted abstracts, highlighted.
        text = self.html("/search?q=" + MARKER)
        self.assertIn("<mark>", text)
        for offset in (0, 20, 40):
            self.html("/search?q=%s&offset=%d" % (MARKER, offset), statuses=(200, 400))
        doc = self.json("/api/papers/search?q=%s&limit=50" % MARKER)
        self.assertTrue(doc)
        self.atom("/feeds/search.atom?q=" + MARKER)
        # Every payload as the query.
        for p in XSS:
            q = quote(p)
            status, headers, body = get("/search?q=" + q)
            self.assertIn(status, (200, 400), p)
            self.assertEqual(inert_problems(body, BASELINE), [], p)
            status, headers, body = get("/api/papers/search?q=" + q)
            self.assertIn(status, (200, 400), p)
            self.assertEqual(json_problems(status, headers, body, status)[0], [], p)
            status, headers, body = get("/feeds/search.atom?q=" + q)
            self.assertIn(status, (200, 400), p)
            if status == 200:
                self.assertEqual(atom_problems(body, BASELINE)[0], [], p)


# ------------------------------------------------- what signed-in users write

def names():
    """Payloads that are valid display names (1-40 characters, no controls)."""
    return [p for p in XSS
            if 0 < len(p.strip()) <= 40 and not any(ord(c) < 0x20 or ord(c) == 0x7f for c in p)]


class CommunityChecks:
    """Comments, display names, library and reading lists; run against the
    class's site (SITE, or a PostgreSQL one). A mixin of the test cases
    below."""

    site = None
    prefix = "sqlite"

    @classmethod
    def port(cls):
        return (cls.site or SITE).port

    def sign_in(self, local, name=None):
        address = "%s-%s@attack.test" % (local, self.prefix)
        return pp_client.sign_in(self.port(), BED.maildir, address, name=name)

    def test_comments(self):
        port = self.port()
        paper = pid(0)
        mallory = self.sign_in("comments", name="Mallory")
        posted = []
        for p in XSS:
            status, _, doc = mallory.json("POST", "/api/papers/%s/comments" % paper, {"text": p})
            self.assertLess(status, 500, p)
            if status == 201:
                self.assertEqual(doc["text"], p.strip())
                self.assertEqual(inert_problems(doc["html"], BASELINE), [], p)
                posted.append(doc)
            else:
                self.assertEqual(status, 400, (p, doc))
        self.assertGreater(len(posted), N * 3 // 4)
        listed = self.json("/api/papers/%s/comments" % paper, port=port)
        self.assertEqual(sorted(c["text"] for c in listed), sorted(c["text"] for c in posted))
        # The page (anonymous, and the author's with edit forms holding the text).
        for who in (None, mallory):
            self.html("/papers/" + paper, client=who, port=port)
        root = self.atom("/papers/%s/comments.atom" % paper, port=port)
        # The feed holds the newest 50.
        self.assertEqual(len(list(root.iter(ATOM + "entry"))), min(50, len(posted)))

    def test_display_names(self):
        port = self.port()
        paper = pid(1)
        user = self.sign_in("names")
        accepted = 0
        for name in names():
            status, _, doc = user.json("PATCH", "/api/me", {"name": name})
            # 409: another test's account has the name.
            self.assertIn(status, (200, 400, 409), (name, doc))
            if status != 200:
                continue
            accepted += 1
            self.assertEqual(squash(doc["name"]), squash(name))
            self.assertEqual(squash(self.json("/api/me", client=user)["name"]), squash(name))
            self.html("/settings", client=user)
            if accepted % 8 == 1:
                status, _, doc = user.json("POST", "/api/papers/%s/comments" % paper,
                                           {"text": "by " + str(accepted)})
                self.assertEqual(status, 201, doc)
                self.html("/papers/" + paper, [name], port=port)
                for entry in self.atom("/papers/%s/comments.atom" % paper,
                                       port=port).iter(ATOM + "entry"):
                    if entry.findtext(ATOM + "id").endswith("-%d" % doc["id"]):
                        self.assertEqual(squash(entry.findtext(ATOM + "author/" + ATOM + "name")),
                                         squash(name))
        self.assertGreater(accepted, len(names()) // 2)

    def test_library_tags_and_notes(self):
        user = self.sign_in("library", name="Librarian")
        tags = [p for p in names() if "," not in p]
        for k, i in enumerate(range(0, N, 3)):
            tag = tags[k % len(tags)]
            status, _, doc = user.json("POST", "/api/library",
                                       {"id": pid(i), "tags": [tag], "note": payload(i + 1)})
            self.assertIn(status, (200, 201, 400), (tag, doc))
            if status == 400:
                continue
            self.assertEqual([squash(t) for t in doc["tags"]], [squash(tag)])
            if k % 10 == 0:
                self.html("/library?tag=" + quote(squash(tag)), [tag], client=user)
        self.html("/library", client=user)
        self.html("/library?q=" + quote(payload(5)), client=user)
        self.json("/library.json", client=user)
        self.json("/api/library/tags", client=user)
        self.json("/api/library", client=user)

    def test_reading_lists(self):
        port = self.port()
        owner_names = [p for p in names() if "/" not in p and p.strip() not in (".", "..")]
        for k in range(4):
            owner_name = owner_names[k * 7 % len(owner_names)]
            user = self.sign_in("lists%d" % k, name=owner_name)
            for j in range(k, N, 12):
                status, _, doc = user.json("POST", "/api/lists", {
                    "title": payload(j)[:200], "description": payload(j + 1),
                    "visibility": "public"})
                self.assertIn(status, (201, 400), (payload(j), doc))
                if status != 201:
                    continue
                owner, slug = doc["owner"], doc["slug"]
                base = "/lists/%s/%s" % (quote(owner), quote(slug))
                status, _, added = user.json("POST", "/api/lists/%s/%s/papers" % (
                    quote(owner), quote(slug)), {"id": pid(j), "note": payload(j + 2)})
                self.assertEqual(status, 201, added)
                got = self.json("/api/lists/%s/%s" % (quote(owner), quote(slug)), port=port)
                self.assertEqual(squash(got["title"]), squash(payload(j)[:200]))
                self.html(base, [payload(j)[:200]], port=port)
                self.html(base, client=user)
                self.atom(base + "/feed.atom", port=port)
            self.html("/lists/" + quote(squash(owner_name)), port=port, statuses=(200,))
            self.html("/lists", client=user)
            self.json("/api/lists/" + quote(squash(owner_name)), port=port)


class SqliteCommunityTest(CommunityChecks, Checks):
    pass


@needs_postgres
class PostgresCommunityTest(CommunityChecks, Checks):
    prefix = "pg"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = BED.site("pg", *SITE_FLAGS, pg=True)

    @classmethod
    def tearDownClass(cls):
        cls.site.stop()
        super().tearDownClass()


# ------------------------------------------------------------------ mail

class MailTest(Checks):
    def test_digest_of_the_crafted_day(self):
        # The top papers of DAY carry the first payloads in every field.
        address = "digest-reader@attack.test"
        token = SITE.token(address)
        status, _, doc = SITE.client(token=token).json(
            "POST", "/api/subscriptions", {"frequency": "daily"})
        self.assertEqual(status, 201, doc)
        before = len(BED.mails_to(address))
        p = subprocess.run([BIN, "digest", "send", "--data-dir", SITE.data, "--date", DAY,
                            "--base-url", "http://127.0.0.1:%d" % SITE.port, "--mail-from",
                            MAIL_FROM, "--smtp", "smtp://127.0.0.1:%d" % BED.smtp_port],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        mails = BED.mails_to(address, since=before)
        self.assertEqual(len(mails), 1)
        msg = mails[0]
        mail_baseline = pp_attack.Baseline()
        # What the digest's own HTML is made of: learned from a mail of a
        # day of real papers.
        real = "real-reader@attack.test"
        rtoken = SITE.token(real)
        self.assertEqual(SITE.client(token=rtoken).json(
            "POST", "/api/subscriptions", {"frequency": "daily"})[0], 201)
        subprocess.run([BIN, "digest", "send", "--data-dir", SITE.data, "--date", REAL_DAY,
                        "--base-url", "http://127.0.0.1:%d" % SITE.port, "--mail-from",
                        MAIL_FROM, "--smtp", "smtp://127.0.0.1:%d" % BED.smtp_port],
                       check=True, capture_output=True, timeout=120)
        clean = BED.mails_to(real)[-1]
        mail_baseline.learn(clean.get_body(preferencelist=("html",)).get_content())
        titles = [self.json("/api/papers/" + pid(i))["title"] for i in range(3)]
        self.assertEqual(mail_problems(msg, mail_baseline, titles), [])
        text = msg.get_body(preferencelist=("plain",)).get_content()
        for t in titles:
            self.assertIn(squash(t), squash(text))
        self.assertIn(squash(payload(0))[:20], squash(str(msg["Subject"])))

    def test_search_alert_mails(self):
        # An alert's query is in its subject and heading.
        pp_attack.wait_for_index(SITE.port)
        queries = {}
        for k, p in enumerate([x for x in XSS if "\\" not in x][:12]):
            address = "alert%d@attack.test" % k
            status, _, doc = SITE.client(token=SITE.token(address)).json(
                "POST", "/api/subscriptions", {"frequency": "daily", "query": MARKER + " " + p})
            self.assertIn(status, (201, 400), (p, doc))
            if status == 201:
                queries[address] = doc
        self.assertGreater(len(queries), 6)
        p = subprocess.run([BIN, "digest", "send", "--data-dir", SITE.data, "--date", DAY,
                            "--base-url", "http://127.0.0.1:%d" % SITE.port, "--mail-from",
                            MAIL_FROM, "--smtp", "smtp://127.0.0.1:%d" % BED.smtp_port],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        mail_baseline = pp_attack.Baseline()
        mails = [m for address in queries for m in BED.mails_to(address)]
        self.assertGreater(len(mails), 0)
        # What the alert's own HTML is made of: learned from an alert on a
        # plain query.
        plain = "plain-alert@attack.test"
        self.assertEqual(SITE.client(token=SITE.token(plain)).json(
            "POST", "/api/subscriptions", {"frequency": "daily", "query": MARKER})[0], 201)
        subprocess.run([BIN, "digest", "send", "--data-dir", SITE.data, "--date", DAY,
                        "--base-url", "http://127.0.0.1:%d" % SITE.port, "--mail-from",
                        MAIL_FROM, "--smtp", "smtp://127.0.0.1:%d" % BED.smtp_port],
                       check=True, capture_output=True, timeout=120)
        for msg in BED.mails_to(plain):
            mail_baseline.learn(msg.get_body(preferencelist=("html",)).get_content())
        for address, sub in queries.items():
            for msg in BED.mails_to(address):
                self.assertEqual(mail_problems(msg, mail_baseline, [sub["query"]]), [], address)
                self.assertIn(squash(sub["query"])[:40], squash(str(msg["Subject"])))


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED, SITE
    BED = pp_community.TestBed(BIN, "pp_attack_xss_")
    try:
        crafted_file(os.path.join(BED.src, DAY + "-xss.json"))
        SITE = BED.site("sqlite", *SITE_FLAGS)
        # What the site's own pages are made of.
        viewer = pp_client.sign_in(SITE.port, BED.maildir, "baseline@attack.test", name="Base")
        paper = "2606.26740"
        viewer.json("POST", "/api/papers/%s/comments" % paper,
                    {"text": "*hello* [x](https://e.org)"})
        viewer.json("POST", "/api/library", {"id": paper, "tags": ["t"], "note": "n"})
        status, _, doc = viewer.json("POST", "/api/lists", {"title": "Base list",
                                                            "visibility": "public"})
        assert status == 201, doc
        viewer.json("POST", "/api/lists/%s/%s/papers" % (doc["owner"], doc["slug"]), {"id": paper})
        pp_attack.wait_for_index(SITE.port)
        for path in ["/", "/papers/date/" + REAL_DAY, "/papers/" + paper, "/papers/trending",
                     "/search?q=video", "/search?q=zzzznothing", "/authors/Xinyu%20Wang",
                     "/login", "/subscribe", "/papers/org/xss-org-0", "/papers/date/2019-01-01",
                     "/lists", "/lists/Base", "/lists/Base/" + doc["slug"], "/nope"]:
            BASELINE.learn(get(path)[2])
        for path in ["/settings", "/library", "/papers/" + paper, "/lists",
                     "/lists/Base/" + doc["slug"]]:
            BASELINE.learn(get(path, client=viewer)[2])
        # The learned baseline must not admit what no page of ours holds.
        admitted = BASELINE.tags & {"iframe", "object", "embed", "base", "math", "image", "frame",
                                    "frameset", "applet", "xmp", "plaintext", "listing",
                                    "template", "style", "video", "audio", "marquee", "keygen"}
        assert not admitted, "the site's pages hold %s" % admitted
        assert not any(a.startswith("on") for a in BASELINE.attrs), BASELINE.attrs
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if SITE is not None and SITE.proc is not None:
        SITE.stop()
    if BED is not None:
        BED.close()


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
