#!/usr/bin/env python3
"""Attack suite, part 2 (issue 13): what a stranger can send over HTTP,
against the real `paperpulse serve`:

- SQL injection strings (tests/fixtures/attack/sqli.txt) in every
  parameter of every route: the path, query and body parameters of each
  operation of /openapi.json and of the page and form routes
  (src/paperpulse/http/pages); as a signed-in user (API token, session and
  CSRF token). Never a 5xx, never SQL error text, and nothing changes that
  the requests could not legitimately change: the paper, daily-entry and
  change counts, and another user's comments, library, lists and
  subscriptions, read through the API before and after. Run on SQLite and,
  with PAPERPULSE_TEST_PG, on PostgreSQL.
- Path traversal (tests/fixtures/attack/traversal.txt: .., %2e%2e, %2f,
  %5c, backslashes, %00, overlong UTF-8, double encoding) on the static and
  data routes: 4xx on static routes, never a file's bytes, never a 5xx.
- CRLF in everything that may reach a response header (next= redirects,
  cursors, export names, lists' addresses, raw CR/LF in the request line and
  header values): no header injected, no header dropped for a line break.
- Request smuggling shapes over a raw socket (Content-Length with
  Transfer-Encoding, conflicting or duplicated Content-Length, obs-fold,
  bad chunk sizes, Transfer-Encoding other than chunked, bare LF): 400 and
  the connection closed, never a second request parsed from a body.
- Oversized header, URL and body: 431 / 413, not 5xx.
- 10,000 randomly malformed requests (valid requests mutated: byte flips,
  truncation, junk methods, huge tokens, random headers; seeded, the seed
  printed, PP_FUZZ_SEED to replay): no 5xx, the server keeps answering and
  its log holds no crash or sanitizer report.

usage: attack_http_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import concurrent.futures
import http.client
import json
import os
import random
import re
import socket
import sys
import time
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
from pp_community import needs_postgres  # noqa: E402

BIN = None
BED = None
SITE = None
SQLI = pp_attack.corpus("sqli.txt")
TRAVERSAL = pp_attack.corpus("traversal.txt")
SITE_FLAGS = ("--login-limit-per-ip", "0", "--login-limit-per-email", "0",
              "--comment-limit-per-account", "0", "--comment-limit-per-account-daily", "0",
              "--subscribe-limit-per-ip", "0", "--subscribe-limit-per-email", "0",
              "--vote-limit-per-account", "0", "--vote-limit-per-ip", "0",
              "--submit-limit-per-account", "0", "--submit-limit-per-ip", "0",
              "--cache-ttl-ms", "0")
PAPER = "2606.26740"  # on the slice's list of 2026-06-30
DAY = "2026-06-30"
# What a database error says (none of the corpus's strings holds these).
SQL_ERROR = re.compile(
    r"syntax error|SQLSTATE|unterminated quoted|no such table|no such column|unrecognized "
    r"token|SQL logic error|sqlite3_|libpq|ERROR: {1,2}[a-z]|invalid input syntax|"
    r"incomplete input|near \"", re.I)
# What must never be in an answer: a system file, the database, sources, templates.
LEAKS = [b"root:x:0:0", b"SQLite format 3", b"#include", b"{{#", b"[extensions]",
         b"[fonts]", b"HOSTNAME=", b"\x00\x00\x00"]
CRASH = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|terminate called|"
                   r"Aborted|Segmentation fault|I/O thread failed|handler threw|dropped header")

# Page and form routes (src/paperpulse/http/pages, app.cc): method, path with
# {params}, query parameters, form fields.
PAGE_ROUTES = [
    ("GET", "/", [], []),
    ("GET", "/papers/date/{p}", ["sort"], []),
    ("GET", "/papers/week/{p}", [], []),
    ("GET", "/papers/month/{p}", [], []),
    ("GET", "/papers/trending", ["p"], []),
    ("GET", "/papers/org/{name}", [], []),
    ("GET", "/papers/{id}", [], []),
    ("GET", "/papers/{id}/bibtex", [], []),
    ("GET", "/authors/{name}", ["p"], []),
    ("GET", "/search", ["q", "sort", "from", "to", "category", "offset", "p"], []),
    ("GET", "/login", ["next"], []),
    ("POST", "/login", [], ["email", "next"]),
    ("GET", "/login/confirm", ["token", "next"], []),
    ("POST", "/login/confirm", [], ["token", "next"]),
    ("GET", "/settings", ["next", "error", "saved"], []),
    ("POST", "/settings", [], ["name", "next"]),
    ("POST", "/papers/{id}/upvote", [], ["next"]),
    ("POST", "/submit", [], ["id", "url"]),
    ("POST", "/papers/{id}/comments", [], ["text", "parentId"]),
    ("POST", "/papers/{id}/comments/{cid}/edit", [], ["text"]),
    ("POST", "/papers/{id}/comments/{cid}/delete", [], []),
    ("POST", "/papers/{id}/comments/{cid}/hide", [], ["hidden"]),
    ("GET", "/library", ["tag", "q"], []),
    ("POST", "/papers/{id}/save", [], ["tags", "note", "next"]),
    ("GET", "/lists", [], []),
    ("POST", "/lists", [], ["title", "slug", "description", "visibility"]),
    ("POST", "/lists/add", [], ["id", "list", "next"]),
    ("GET", "/lists/{owner}", [], []),
    ("GET", "/lists/{owner}/{slug}", ["key"], []),
    ("GET", "/lists/{owner}/{slug}/bibtex", ["key"], []),
    ("POST", "/lists/{owner}/{slug}/edit", [], ["title", "description", "visibility"]),
    ("POST", "/lists/{owner}/{slug}/papers", [], ["id", "note"]),
    ("POST", "/lists/{owner}/{slug}/papers/{id}/note", [], ["note"]),
    ("POST", "/lists/{owner}/{slug}/papers/{id}/move", [], ["position"]),
    ("GET", "/subscribe", ["query", "categories", "keywords"], []),
    ("POST", "/subscribe", [], ["email", "frequency", "categories", "keywords", "minUpvotes",
                                "query"]),
    ("GET", "/subscriptions/confirm/{token}", [], []),
    ("POST", "/subscriptions/confirm/{token}", [], []),
    ("GET", "/unsubscribe/{token}", [], []),
    ("POST", "/unsubscribe/{token}", [], []),
    ("POST", "/settings/subscriptions/{id}", [], ["frequency", "minUpvotes"]),
    ("GET", "/static/{path}", [], []),
]
# Routes whose normal use would end the session the sweep runs in, or that
# only an administrator may call (403 for the sweep's user anyway).
SKIP = {("POST", "/api/logout"), ("POST", "/logout")}
# A valid value for each path parameter, used while another one is attacked.
PATH_DEFAULTS = {"id": PAPER, "p": DAY, "name": "Xinyu Wang", "owner": "Victim",
                 "slug": "victims-list", "commentId": "1", "cid": "1", "token": "x" * 43,
                 "path": "app.css"}


def quote(s):
    return urllib.parse.quote(s, safe="")


# ----------------------------------------------------------------- sending

class Conn:
    """A keep-alive connection that reconnects when the server closed it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
                if r.will_close:
                    self.close()
                return out
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def raw(port, data, timeout=10, half_close=True):
    """Sends `data` on a new connection (then half-closes it), returns all
    the server sends until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        return pp_http.read_to_close(s, stop_on=(ConnectionResetError, socket.timeout))
    finally:
        s.close()


def statuses(answer):
    """The status codes of the responses in `answer` (raw bytes, responses
    one after the other, each with a Content-Length unless 204/304); a
    trailing part that is no response adds -1."""
    out = []
    while answer:
        m = re.match(rb"HTTP/1\.[01] (\d{3}) [^\r\n]*\r\n", answer)
        end = answer.find(b"\r\n\r\n")
        if not m or end < 0:
            out.append(-1)
            break
        status = int(m.group(1))
        out.append(status)
        length = re.search(rb"\r\ncontent-length: *(\d+)\r\n", answer[:end + 2], re.I)
        size = int(length.group(1)) if length and status not in (204, 304) else 0
        answer = answer[end + 4 + size:]
    return out


def server_log():
    with open(SITE.log_path, "rb") as f:
        return f.read().decode("utf-8", "replace")


# ------------------------------------------------------------ SQL injection

def api_operations():
    """(method, path template, query names, path names, body fields) of
    every operation of the site's /openapi.json."""
    status, _, body = pp_http.request(SITE.port, "/openapi.json")
    assert status == 200
    doc = json.loads(body)

    def resolve(s):
        while "$ref" in s:
            node = doc
            for part in s["$ref"].split("/")[1:]:
                node = node[part]
            s = node
        return s

    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [resolve(p) for p in op.get("parameters", []) + item.get("parameters", [])]
            query = [p["name"] for p in params if p["in"] == "query"]
            fields = {}
            content = op.get("requestBody", {}).get("content", {})
            schema = resolve(content.get("application/json", {}).get("schema", {}))
            for name, prop in schema.get("properties", {}).items():
                fields[name] = resolve(prop).get("type")
            ops.append((method.upper(), path, query, re.findall(r"\{(\w+)\}", path), fields,
                        "application/json" in content or not content))
    return ops


def fill(template, attacked=None, value=None):
    """`template` with its {params} replaced: `attacked` by `value`, the
    others by PATH_DEFAULTS."""
    def sub(m):
        name = m.group(1)
        return quote(value) if name == attacked else quote(PATH_DEFAULTS.get(name, "1"))
    return re.sub(r"\{(\w+)\}", sub, template)


def sweep_requests(ops, strings):
    """Every request of the sweep: (method, path, JSON body or None, form or None)."""
    out = []
    for method, path, query, path_params, fields, is_json in ops:
        if (method, path) in SKIP:
            continue
        for s in strings:
            for p in path_params:
                out.append((method, fill(path, p, s), {} if fields else None, None))
            for q in query:
                out.append((method, fill(path) + "?" + q + "=" + quote(s),
                            {} if fields and is_json else None, None))
            for f, kind in fields.items():
                v = [s] if kind == "array" else s
                if is_json:
                    out.append((method, fill(path), {f: v}, None))
                else:
                    out.append((method, fill(path), None, {f: s}))
    return out


def state(port, victim):
    """What the sweep's requests must not change: counts of the Store and the
    victim's comments, library, lists and subscriptions."""
    health = json.loads(pp_http.request(port, "/healthz")[2])
    c = pp_client.Client(port, token=victim)
    out = {"papers": health["papers"], "daily_entries": health["daily_entries"]}
    # The victim's own fields (counts other users move, such as a paper's
    # upvotes and comments, are left out).
    pick = {
        "comments": lambda d: [(x["id"], x["text"]) for x in d if x["author"]["name"] == "Victim"],
        "library": lambda d: [(x["id"], x.get("tags"), x.get("note")) for x in d],
        "lists": lambda d: [(x["slug"], x["title"], x.get("description"), x.get("visibility"))
                            for x in d],
        "subscriptions": lambda d: d,
        "me": lambda d: d,
        "paper": lambda d: {k: d[k] for k in ("title", "summary", "authors")},
        "list": lambda d: (d["title"], d.get("description"), d.get("visibility"),
                           [p["paper"]["id"] if "paper" in p else p.get("id")
                            for p in d.get("papers", [])]),
    }
    for key, path in (("comments", "/api/papers/%s/comments" % PAPER), ("library", "/api/library"),
                      ("lists", "/api/lists"), ("subscriptions", "/api/subscriptions"),
                      ("me", "/api/me"), ("paper", "/api/papers/" + PAPER),
                      ("list", "/api/lists/Victim/victims-list")):
        status, _, doc = c.json("GET", path)
        assert status == 200, (path, status, doc)
        out[key] = pick[key](doc)
    return out


def make_victim(port, site):
    """An account "Victim" with a comment, a library item, a public list and a
    subscription; returns its API token."""
    token = site.token("victim@attack.test")
    c = pp_client.Client(port, token=token)
    for method, path, body, want in (
            ("PATCH", "/api/me", {"name": "Victim"}, 200),
            ("POST", "/api/papers/%s/comments" % PAPER, {"text": "the victim's comment"}, 201),
            ("POST", "/api/library", {"id": PAPER, "tags": ["mine"], "note": "n"}, 201),
            ("POST", "/api/lists", {"title": "Victim's list", "slug": "victims-list",
                                    "visibility": "public"}, 201),
            ("POST", "/api/lists/Victim/victims-list/papers", {"id": PAPER}, 201),
            ("POST", "/api/subscriptions", {"frequency": "daily"}, 201)):
        status, _, doc = c.json(method, path, body)
        assert status == want, (path, status, doc)
    return token


def run_sweep(test, site, strings):
    port = site.port
    pp_attack.wait_for_index(port)
    victim = make_victim(port, site)
    attacker_token = site.token("attacker@attack.test")
    pp_client.Client(port, token=attacker_token).json("PATCH", "/api/me", {"name": "Attacker"})
    browser = pp_client.sign_in(port, BED.maildir, "attacker-browser@attack.test", name="Browser")
    before = state(port, victim)
    api = sweep_requests(api_operations(), strings)
    pages = sweep_requests([(m, p, q, re.findall(r"\{(\w+)\}", p),
                             {f: "string" for f in fields}, False)
                            for m, p, q, fields in PAGE_ROUTES], strings)
    problems = []
    seen = {}  # status -> count

    def run_batch(batch):
        conn = Conn(port)
        cookie = "; ".join("%s=%s" % kv for kv in browser.cookies.items())
        try:
            for kind, (method, path, body, form) in batch:
                headers = {}
                data = None
                if kind == "api":
                    headers["Authorization"] = "Bearer " + attacker_token
                    if body is not None:
                        data = json.dumps(body).encode()
                        headers["Content-Type"] = "application/json"
                else:
                    headers["Cookie"] = cookie
                    if method == "POST":
                        form = dict(form or {})
                        form["csrf_token"] = browser.csrf
                        data = urllib.parse.urlencode(form).encode()
                        headers["Content-Type"] = "application/x-www-form-urlencoded"
                        headers["Origin"] = "http://127.0.0.1:%d" % port
                status, hdrs, answer = conn.request(method, path, data, headers)
                seen[status] = seen.get(status, 0) + 1
                text = answer.decode("utf-8", "replace")
                sent = path + (data or b"").decode()
                if status >= 500:
                    problems.append("%s %s %r -> %d %r" % (method, path, data, status, text[:200]))
                m = SQL_ERROR.search(text)
                if m and m.group(0).lower() not in urllib.parse.unquote_plus(sent).lower():
                    problems.append("%s %s %r: SQL error text %r" % (method, path, data,
                                                                    text[max(0, m.start() - 80):
                                                                         m.end() + 80]))
        finally:
            conn.close()

    work = [("api", r) for r in api] + [("page", r) for r in pages]
    chunks = [work[i::4] for i in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(run_batch, chunks))
    print("\nstatuses %s" % dict(sorted(seen.items())), file=sys.stderr)
    test.assertEqual(problems[:20], [], "%d problems" % len(problems))
    after = state(port, victim)
    test.assertEqual(after, before)
    # The attacker's own comments are stored as written.
    mine = [c["text"] for c in pp_client.Client(port).json(
        "GET", "/api/papers/%s/comments" % PAPER)[2]]
    test.assertTrue(set(s.strip() for s in strings if s.strip()) & set(mine))
    return len(work)


class SqlInjectionTest(unittest.TestCase):
    def test_every_parameter_of_every_route(self):
        start = time.monotonic()
        n = run_sweep(self, SITE, SQLI)
        print("\nSQLite: %d requests in %.1f s" % (n, time.monotonic() - start), file=sys.stderr)


@needs_postgres
class PostgresSqlInjectionTest(pp_community.SiteTestCase):
    @classmethod
    def new_site(cls):
        return BED.site("pg", *SITE_FLAGS, pg=True)

    def test_every_parameter_of_every_route(self):
        start = time.monotonic()
        # Every other string: the statements are the same ones as on SQLite.
        n = run_sweep(self, self.site, SQLI[::2])
        print("\nPostgreSQL: %d requests in %.1f s" % (n, time.monotonic() - start),
              file=sys.stderr)


# ---------------------------------------------------------- path traversal

class TraversalTest(unittest.TestCase):
    STATIC = ["/static/", "/static/katex/", "/static/katex/fonts/", "/favicon.ico/"]
    DATA = ["/papers/", "/papers/date/", "/papers/org/", "/authors/", "/lists/", "/lists/x/",
            "/feeds/authors/", "/api/papers/", "/api/lists/", "/api/library/", "/library.bib/",
            "/papers/%s/" % PAPER, "/search/", "/openapi.json/", "/healthz/", "/"]

    def test_traversal_never_reaches_a_file(self):
        problems = []
        for prefix in self.STATIC + self.DATA:
            for t in TRAVERSAL:
                target = (prefix + t).encode("latin-1", "replace") if all(
                    ord(c) < 256 for c in t) else (prefix + t).encode()
                answer = raw(SITE.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
                codes = statuses(answer)
                if len(codes) != 1 or codes[0] >= 500:
                    problems.append((target, codes, answer[:200]))
                    continue
                if prefix in self.STATIC and not 400 <= codes[0] < 500:
                    problems.append((target, codes, answer[:200]))
                if codes[0] in (301, 302, 303, 307, 308):
                    problems.append((target, "redirect", answer[:300]))
                for leak in LEAKS:
                    if leak in answer:
                        problems.append((target, leak))
        self.assertEqual(problems, [])

    def test_static_files_still_served(self):
        status, headers, body = pp_http.request(SITE.port, "/static/app.css")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/css"))

    def test_non_origin_form_targets(self):
        for target in (b"../../etc/passwd", b"etc/passwd", b"http://127.0.0.1/../../etc/passwd",
                       b"file:///etc/passwd", b"*", b"\\..\\..\\etc\\passwd", b"/%00",
                       b"/static/%00", b"/\x00", b"/static/app.css\x00.txt"):
            answer = raw(SITE.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            codes = statuses(answer)
            self.assertEqual(len(codes), 1, (target, answer[:300]))
            self.assertTrue(400 <= codes[0] < 500, (target, answer[:300]))
            for leak in LEAKS:
                self.assertNotIn(leak, answer, target)


# ------------------------------------------------------------------- CRLF

INJECTIONS = ["%0d%0aX-Injected:%201", "%0aX-Injected:%201", "%0dX-Injected:%201",
              "%E5%98%8A%E5%98%8DX-Injected:%201",  # U+560A U+560D: CR/LF in their low bytes
              "%c4%8d%c4%8aX-Injected:%201", "%250d%250aX-Injected:%201",
              "\\r\\nX-Injected:1"]


def injected(headers):
    return any(k.lower() == "x-injected" or "\n" in v or "\r" in v
               for k, v in headers.items())


class CrlfTest(unittest.TestCase):
    def setUp(self):
        self.log_start = len(server_log())

    def tearDown(self):
        self.assertIsNone(CRASH.search(server_log()[self.log_start:]))

    def check(self, status, headers, what):
        self.assertLess(status, 500, what)
        self.assertFalse(injected(headers), (what, headers))
        location = headers.get("location")
        if location is not None:
            # Redirects stay on this site.
            self.assertTrue(location.startswith("/") and not location.startswith("//")
                            and "\\" not in location, (what, location))

    def test_redirect_targets(self):
        browser = pp_client.sign_in(SITE.port, BED.maildir, "crlf@attack.test", name="Crlf")
        anon = pp_client.Client(SITE.port)
        for inj in INJECTIONS + ["//evil.example/", "/\\evil.example", "https://evil.example/",
                                 "/%2F%2Fevil.example", "/\t/evil.example", "javascript:alert(1)"]:
            nxt = urllib.parse.unquote(inj) if "%" in inj else inj
            for client, method, path, form in (
                    (anon, "GET", "/login?next=" + quote(nxt), None),
                    (anon, "GET", "/login?next=/" + (inj if "%" in inj else quote(inj)), None),
                    (anon, "GET", "/settings?next=" + quote(nxt), None),
                    (browser, "POST", "/settings", {"name": "Crlf", "next": nxt}),
                    (browser, "POST", "/papers/%s/upvote" % PAPER, {"next": nxt}),
                    (browser, "POST", "/papers/%s/save" % PAPER, {"next": nxt}),
                    (anon, "POST", "/login", {"email": "crlf2@attack.test", "next": nxt})):
                if form is not None:
                    form = dict(form, csrf_token=browser.csrf or "")
                status, headers, body = client.request(method, path, form=form)
                self.check(status, headers, (method, path, form))
            # The mailed sign-in link carries next= and redirects after confirming.
        msgs = BED.mails_to("crlf2@attack.test")
        self.assertTrue(msgs)
        for msg in msgs:
            self.assertEqual(pp_attack.mail_problems(msg, pp_attack.Baseline()), [])
            link, token = pp_client.link_token(msg)
            path = link.split("://", 1)[1].split("/", 1)[1]
            status, headers, _ = anon.request("GET", "/" + path)
            self.check(status, headers, link)
            fresh = pp_client.Client(SITE.port)
            status, headers, _ = fresh.request("POST", "/login/confirm",
                                               form={"token": token,
                                                     "next": urllib.parse.parse_qs(
                                                         urllib.parse.urlsplit(link).query).get(
                                                             "next", ["/"])[0]})
            self.check(status, headers, link)

    def test_header_reaching_parameters(self):
        token = SITE.token("crlf-api@attack.test")
        c = pp_client.Client(SITE.port, token=token)
        c.json("PATCH", "/api/me", {"name": "CrlfApi"})
        for inj in INJECTIONS:
            for path in ("/api/papers?cursor=" + inj, "/api/papers?limit=1" + inj,
                         "/api/papers?limit=1&cursor=" + PAPER + inj,
                         "/library.bib?tag=" + inj, "/library.json?q=" + inj,
                         "/lists/CrlfApi/x" + inj + ".bib", "/lists/CrlfApi/x/bibtex?key=" + inj,
                         "/papers/%s%s.md" % (PAPER, inj), "/papers/" + PAPER + "?x=" + inj,
                         "/api/papers/search?q=" + inj, "/feeds/search.atom?q=" + inj,
                         "/static/app.css?v=" + inj):
                conn = Conn(SITE.port)
                try:
                    status, headers, _ = conn.request(
                        "GET", path, headers={"Authorization": "Bearer " + token})
                finally:
                    conn.close()
                self.check(status, headers, path)
        # Names and slugs that end up in Content-Disposition and Location.
        for name in ("a\r\nX-Injected: 1", "a%0d%0aX-Injected: 1", 'a"; filename=evil.html'):
            status, headers, doc = c.json("POST", "/api/lists", {
                "title": name, "slug": name, "visibility": "public"})
            self.check(status, headers, name)
            status, headers, doc = c.json("POST", "/api/lists", {"title": name,
                                                                "visibility": "public"})
            self.check(status, headers, name)
            if status == 201:
                for suffix in (".bib", "/bibtex", "/feed.atom", ""):
                    got = c.request("GET", "/lists/CrlfApi/%s%s" % (quote(doc["slug"]), suffix))
                    self.check(got[0], got[1], suffix)
                    disposition = got[1].get("content-disposition")
                    if disposition:
                        self.assertRegex(disposition, r'^attachment; filename="[A-Za-z0-9._-]+"$')
            status, headers, doc = c.json("PATCH", "/api/me", {"name": name})
            self.check(status, headers, name)
        status, headers, _ = c.request("GET", "/api/papers?limit=2")
        self.assertEqual(status, 200)
        self.assertIn("x-next-cursor", headers)

    def test_raw_line_breaks_in_the_request(self):
        for data in (b"GET /search?q=a\r\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /search?q=a\rX-Injected:1 HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /search?q=a\nX-Injected:1 HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nCookie: pp_session=a\r\n\rX-Injected: 1"
                     b"\r\n\r\n",
                     b"GET /login?next=/%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: x\r\n\r\n"):
            answer = raw(SITE.port, data)
            codes = statuses(answer)
            self.assertEqual(len(codes), 1, (data, answer[:300]))
            self.assertLess(codes[0], 500, data)
            head = answer.split(b"\r\n\r\n", 1)[0]
            self.assertNotIn(b"\r\nX-Injected", head, data)


# ------------------------------------------------------------ smuggling

SMUGGLED = b"GET /smuggled-%d HTTP/1.1\r\nHost: x\r\n\r\n"


def post(headers, body):
    # /healthz takes no POST: a request the server parsed is answered 405,
    # one it refused to parse 400.
    return b"POST /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n" + body


class SmugglingTest(unittest.TestCase):
    """Each shape is sent with a second request hidden where a parser that
    got the body's length wrong would find it."""

    def shapes(self, n):
        s = SMUGGLED % n
        cl = b"Content-Length: %d\r\n"
        chunked = b"%x\r\n" % len(s) + s + b"\r\n0\r\n\r\n"
        return [
            # CL.TE and TE.CL
            post(cl % 5 + b"Transfer-Encoding: chunked\r\n", b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n" + cl % 5, b"0\r\n\r\n" + s),
            post(cl % len(chunked) + b"Transfer-Encoding: chunked\r\n", chunked),
            post(b"Transfer-Encoding: chunked\r\n" + cl % 3, b"3\r\nabc\r\n0\r\n\r\n" + s),
            # Conflicting and duplicated Content-Length
            post(cl % 0 + cl % len(s), s),
            post(cl % len(s) + cl % 0, s),
            post(b"Content-Length: 0, %d\r\n" % len(s), s),
            post(b"Content-Length: %d, 0\r\n" % len(s), s),
            post(b"Content-Length: +0\r\n", s),
            post(b"Content-Length: -1\r\n", s),
            post(b"Content-Length: 0x10\r\n", s),
            post(b"Content-Length: 1e2\r\n", s),
            post(b"Content-Length: 99999999999999999999999\r\n", s),
            post(b"Content-Length : 0\r\n", s),
            post(b"Content-Length:\t0\x0b\r\n", s),
            # obs-fold
            post(b"Transfer-Encoding: identity\r\n chunked\r\n", b"0\r\n\r\n" + s),
            post(b"X-Folded: a\r\n b\r\n" + cl % 0, s),
            post(b"Content-Length:\r\n 0\r\n", s),
            post(b"Transfer-Encoding:\r\n chunked\r\n", b"0\r\n\r\n" + s),
            # Transfer-Encoding other than a final chunked
            post(b"Transfer-Encoding: xchunked\r\n", b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding: chunked, identity\r\n", b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding: identity\r\n", b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
                 b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding : chunked\r\n", b"0\r\n\r\n" + s),
            post(b"Transfer-Encoding: \x0bchunked\r\n", b"0\r\n\r\n" + s),
            # The hidden request is the whole body when the coding is not chunked.
            post(b"Transfer-Encoding: xchunked\r\n", s),
            post(b"Transfer-Encoding: identity\r\n", s),
            post(b"Transfer-Encoding: chunked, identity\r\n", s),
            post(b"Transfer-Encoding: gzip\r\n" + cl % 0, s),
            post(b"Content-Length: 0\r\nTransfer-Encoding: identity\r\n", s),
            post(b"Transfer-Encoding: \r\n", s),
            # Bad chunk sizes
            post(b"Transfer-Encoding: chunked\r\n", b"zz\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"-1\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffffff1\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"10000000000000000\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"0x5\r\nhello\r\n0\r\n\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"5\r\nhelloXX\r\n0\r\n\r\n" + s),
            post(b"Transfer-Encoding: chunked\r\n", b"5\nhello\n0\n\n" + s),
            # Bare LF
            b"POST /healthz HTTP/1.1\nHost: x\nContent-Length: 0\n\n" + s,
            b"GET / HTTP/1.1\r\nHost: x\nContent-Length: %d\r\n\r\n" % len(s) + s,
            b"GET / HTTP/1.1\nHost: x\n\n" + s,
        ]

    def test_shapes_are_refused_and_the_connection_closed(self):
        problems = []
        for n, data in enumerate(self.shapes(0)):
            data = data.replace(b"/smuggled-0", b"/smuggled-%d" % n)
            start = time.monotonic()
            answer = raw(SITE.port, data, half_close=False, timeout=15)
            codes = statuses(answer)
            closed_in = time.monotonic() - start
            if codes != [400]:
                problems.append((n, data, codes, answer[:300]))
            if closed_in > 9:  # waited for the request timeout: the server kept reading
                problems.append((n, data, "not closed"))
        time.sleep(0.2)
        log = server_log()
        for n in range(len(self.shapes(0))):
            if '"/smuggled-%d"' % n in log:
                problems.append(("parsed a request from a body", n))
        self.assertEqual(problems, [])

    def test_pipelining_still_works(self):
        data = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2\r\n\r\n{}"
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(raw(SITE.port, data)), [200, 400, 200])


# -------------------------------------------------------------- oversized

class OversizedTest(unittest.TestCase):
    def exchange(self, data):
        answer = raw(SITE.port, data, half_close=False, timeout=20)
        codes = statuses(answer)
        self.assertEqual(len(codes), 1, answer[:300])
        return codes[0]

    def test_limits(self):
        self.assertEqual(self.exchange(b"GET /search?q=" + b"a" * 20000 + b" HTTP/1.1\r\n"
                                       b"Host: x\r\n\r\n"), 431)
        self.assertEqual(self.exchange(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n"), 431)
        self.assertEqual(self.exchange(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 +
                                       b"\r\n\r\n"), 431)
        self.assertEqual(self.exchange(b"GET / HTTP/1.1\r\nHost: x\r\n" +
                                       b"".join(b"X-%d: y\r\n" % i for i in range(3000)) +
                                       b"\r\n"), 431)
        self.assertEqual(self.exchange(b"X" * 30000), 431)
        # Bodies: declared too large (refused before reading), and sent
        # chunked past the limit.
        self.assertEqual(self.exchange(b"POST /api/login HTTP/1.1\r\nHost: x\r\n"
                                       b"Content-Length: 1000000\r\n\r\n" + b"{" * 70000), 413)
        chunk = b"x" * 8192
        body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(12)) + b"0\r\n\r\n"
        self.assertEqual(self.exchange(b"POST /api/login HTTP/1.1\r\nHost: x\r\n"
                                       b"Transfer-Encoding: chunked\r\n\r\n" + body), 413)
        self.assertEqual(self.exchange(b"POST /api/library/import HTTP/1.1\r\nHost: x\r\n"
                                       b"Content-Length: 99999999\r\n\r\n"), 413)
        self.assertEqual(self.exchange(b"POST /api/login HTTP/1.1\r\nHost: x\r\n"
                                       b"Content-Length: 18446744073709551615\r\n\r\n"), 413)
        self.assertEqual(pp_http.request(SITE.port, "/healthz")[0], 200)


# ------------------------------------------------------------------- fuzz

BASE_REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /papers/2606.26740 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n",
    b"GET /api/daily_papers?date=2026-06-30&limit=5 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/papers/search?q=video&limit=3 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /search?q=diffusion+models&sort=date HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /feeds/daily.atom HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\n\r\n",
    b"GET /static/app.css HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Tue, 01 Dec 2026 10:00:00 GMT"
    b"\r\n\r\n",
    b"HEAD /papers/date/2026-06-29 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/papers?limit=2&cursor=2606.26740 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 27\r\n\r\n{\"email\": \"not-an-address\"}",
    b"POST /api/papers/2606.26740/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
    b"\r\nAuthorization: Bearer abc\r\nContent-Length: 15\r\n\r\n{\"text\": \"hi\"}",
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Cookie: pp_session=abc; pp_csrf=def\r\nContent-Length: 21\r\n\r\nemail=a%40b.c&next=%2F",
    b"POST /api/library/import HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
    b"boundary=XyZ\r\nContent-Length: 96\r\n\r\n--XyZ\r\nContent-Disposition: form-data; "
    b"name=\"text\"\r\n\r\n@misc{a, title={b}}\r\n--XyZ--\r\n",
    b"POST /api/daily_papers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Type: application/json\r\n\r\nb\r\n{\"id\": \"1\"}\r\n0\r\n\r\n",
    b"GET /metrics HTTP/1.0\r\n\r\n",
]
JUNK_METHODS = [b"GETT", b"G\x00T", b"", b"get", b"PRI", b"CONNECT", b"TRACE", b"OPTIONS",
                b"PROPFIND", b"M" * 5000, b"\xff\xfe", b"DELETE", b"PATCH", b"PUT", b"BREW"]
JUNK_HEADERS = [b"Transfer-Encoding: chunked", b"Content-Length: 99", b"Content-Length: -5",
                b"Expect: 100-continue", b"Connection: keep-alive, Upgrade", b"Upgrade: h2c",
                b"Host:", b"Accept-Encoding: " + b"gzip," * 500, b"Range: bytes=0-1,2-3",
                b"If-None-Match: *", b"Cookie: " + b"a=b; " * 300, b"X-Forwarded-For: ::1, ::ffff",
                b"Authorization: Bearer " + b"A" * 3000, b"Content-Type: multipart/form-data",
                b"\x00: \x00", b": empty-name", b"Bad Header: x", b"X: \xff\xfe\xfd"]


def mutate(rng, base):
    data = bytearray(base)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        if op == 0 and data:   # flip bytes
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(data))
                data[i] ^= 1 << rng.randrange(8)
        elif op == 1 and data:  # truncate
            del data[rng.randrange(len(data)):]
        elif op == 2:           # junk method
            sp = data.find(b" ")
            data[:max(sp, 0)] = rng.choice(JUNK_METHODS)
        elif op == 3:           # huge token somewhere
            i = rng.randrange(len(data) + 1)
            data[i:i] = bytes([rng.choice(b"a/%?=&;: \t")]) * rng.choice((100, 5000, 20000))
        elif op == 4:           # random header
            i = data.find(b"\r\n")
            if i >= 0:
                data[i + 2:i + 2] = rng.choice(JUNK_HEADERS) + b"\r\n"
        elif op == 5 and data:  # random bytes
            i = rng.randrange(len(data))
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif op == 6:           # line ends
            data = bytearray(data.replace(b"\r\n", rng.choice((b"\n", b"\r", b"\r\r\n", b"\n\r"))))
        elif op == 7:           # duplicate a slice
            if data:
                i, j = sorted(rng.randrange(len(data)) for _ in range(2))
                data[j:j] = data[i:j]
        else:                   # version
            data = bytearray(re.sub(rb"HTTP/1\.[01]", rng.choice(
                [b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.1.1", b"HTTP/9", b"http/1.1", b"HTTP/1.10"]),
                bytes(data), count=1))
    return bytes(data)


class FuzzTest(unittest.TestCase):
    def test_ten_thousand_malformed_requests(self):
        seed = int(os.environ.get("PP_FUZZ_SEED") or random.randrange(1 << 32))
        print("\nfuzz seed %d (PP_FUZZ_SEED=%d replays it)" % (seed, seed), file=sys.stderr)
        rng = random.Random(seed)
        cases = [mutate(rng, rng.choice(BASE_REQUESTS)) for _ in range(10000)]
        log_start = len(server_log())
        problems = []
        seen = {}  # first status of each answer (0: none, -1: not HTTP) -> count

        def send(batch):
            for data in batch:
                try:
                    answer = raw(SITE.port, data, timeout=15)
                except OSError as e:
                    problems.append((data[:200], repr(e)))
                    continue
                codes = statuses(answer)
                seen[codes[0] if codes else 0] = seen.get(codes[0] if codes else 0, 0) + 1
                if any(c >= 500 for c in codes):
                    problems.append((data[:300], codes, answer[:300]))

        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(send, [cases[i::8] for i in range(8)]))
        print("fuzz: %d requests in %.1f s, first statuses %s" % (
            len(cases), time.monotonic() - start, dict(sorted(seen.items()))), file=sys.stderr)
        self.assertEqual(problems[:10], [], "seed %d: %d problems" % (seed, len(problems)))
        self.assertIsNone(SITE.proc.poll(), "the server exited")
        self.assertEqual(pp_http.request(SITE.port, "/healthz")[0], 200)
        self.assertEqual(pp_http.request(SITE.port, "/papers/" + PAPER)[0], 200)
        m = CRASH.search(server_log()[log_start:])
        self.assertIsNone(m, m and server_log()[log_start:][m.start() - 500:m.end() + 500])


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED, SITE
    BED = pp_community.TestBed(BIN, "pp_attack_http_")
    try:
        SITE = BED.site("sqlite", *SITE_FLAGS)
        pp_attack.wait_for_index(SITE.port)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    try:
        if SITE is not None and SITE.proc is not None:
            SITE.stop()
    finally:
        if BED is not None:
            BED.close()


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
