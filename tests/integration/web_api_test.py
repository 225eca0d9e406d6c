#!/usr/bin/env python3
"""End-to-end tests of `paperpulse serve`: the HF-compatible JSON API, the
Atom feeds and the server itself (keep-alive, gzip, ETag/304, limits,
timeouts, graceful shutdown, /healthz, /metrics), with the real binary on a
free port over a Store imported from a subset of ../shared/data.

usage: web_api_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import ast
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_hf import hf_items  # noqa: E402

try:
    import feedparser
except ImportError:  # a pyenv/venv python3 first on PATH: use Debian's python3-feedparser
    sys.path.append("/usr/lib/python3/dist-packages")
    import feedparser

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")

# Two weeks of recent lists, and three days of the 2024-12 files whose items
# are Python-repr strings instead of JSON objects.
HF_DAYS = ["2026-06-%02d" % d for d in (15, 16, 17, 18, 19, 22, 23, 24, 25, 26, 29, 30)] + [
    "2024-12-11", "2024-12-12", "2024-12-13"]
COMPARE_DAYS = ["2026-06-30", "2026-06-23", "2026-06-22", "2024-12-11", "2024-12-12"]

XSS_ID = "2606.99999"
XSS_DAY = "2026-07-01"
XSS_TITLE = "<script>alert(1)</script> Attention Is All You Need"
XSS_ABSTRACT = 'We show "><img src=x onerror=alert(1)> is inert, as are <b>tags</b> & $x<y$.'
XSS_AUTHOR = "Eve <script>alert(2)</script> Mallory"
XSS_SUBMITTER = 'eve"><img src=x onerror=alert(3)>'

ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
# What the hand-made record's markup would look like unescaped.
RAW_MARKUP = [b"<script>alert", b"<img src=x", b"<b>tags", b"onerror=alert(1)>"]

STATE = {}


def ws(s):
    return " ".join(s.split())


def start_server(data_dir, log_path, *extra):
    return pp_server.start_server(BIN, data_dir, log_path, "--no-harvest", *extra)


def stop_server(proc, log):
    return pp_server.stop_server(proc, log, timeout=20)


def request(path, method="GET", headers=None, body=None, port=None):
    return pp_http.request(port or STATE["port"], path, method, headers, body)


def get_json(path, status=200):
    code, headers, body = request(path)
    if code != status:
        raise AssertionError("%s: status %d, wanted %d: %r" % (path, code, status, body[:300]))
    assert headers["content-type"].startswith("application/json"), headers
    return json.loads(body)


def raw_exchange(data, port=None, read_timeout=30, pause_after=None):
    return pp_http.raw_exchange(port or STATE["port"], data, timeout=read_timeout)


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="pp_web_")
    STATE["tmp"] = tmp
    src = os.path.join(tmp, "in")
    os.makedirs(src)
    for day in HF_DAYS:
        shutil.copy(os.path.join(HF_DAILY, day + ".json"), src)
    shutil.copy(KAGGLE, src)
    # A hand-made daily list with markup in every text field a source controls.
    xss = [{
        "paper": {
            "id": XSS_ID,
            "authors": [{"name": XSS_AUTHOR, "hidden": False}, {"name": "Alan Turing", "hidden": False}],
            "publishedAt": "2026-06-30T00:00:00.000Z",
            "submittedOnDailyAt": XSS_DAY + "T08:00:00.000Z",
            "title": XSS_TITLE,
            "summary": XSS_ABSTRACT,
            "upvotes": 30,  # enough to be on the trending list and its feed
            "githubRepo": "javascript:alert(1)",
            "projectPage": 'https://example.org/"><script>alert(4)</script>',
        },
        "publishedAt": "2026-06-30T00:00:00.000Z",
        "title": XSS_TITLE,
        "summary": XSS_ABSTRACT,
        "numComments": 1,
        "submittedBy": {"name": XSS_SUBMITTER},
    }]
    with open(os.path.join(src, XSS_DAY + ".json"), "w", encoding="utf-8") as f:
        json.dump(xss, f)
    data = os.path.join(tmp, "var")
    p = subprocess.run([BIN, "import", "--json", "--data-dir", data, src], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise AssertionError("import failed:\n" + p.stderr[-4000:])
    STATE["import"] = json.loads(p.stdout)
    STATE["data"] = data
    STATE["log_path"] = os.path.join(tmp, "serve.log")
    proc, port, log = start_server(data, STATE["log_path"])
    STATE.update(proc=proc, port=port, log=log)


def tearDownModule():
    proc = STATE.get("proc")
    try:
        if proc is not None:
            pp_server.stop_server_cleanly(proc, STATE["log"], STATE["log_path"], timeout=20)
    finally:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


class DailyPapersApi(unittest.TestCase):
    """GET /api/daily_papers: HF's shape, field by field against HF's own files."""

    def check_item_types(self, item):
        p = item["paper"]
        self.assertIsInstance(p["id"], str)
        self.assertIsInstance(p["authors"], list)
        self.assertGreater(len(p["authors"]), 0)
        for a in p["authors"]:
            self.assertIsInstance(a, dict)
            self.assertIsInstance(a["name"], str)
        for k in ("publishedAt", "submittedOnDailyAt"):
            self.assertRegex(p[k], ISO_TS)
        self.assertRegex(item["publishedAt"], ISO_TS)
        for k in ("title", "summary"):
            self.assertIsInstance(p[k], str)
            self.assertIsInstance(item[k], str)
        self.assertIs(type(p["upvotes"]), int)
        self.assertIs(type(item["numComments"]), int)
        self.assertIsInstance(item["submittedBy"], dict)
        self.assertIsInstance(item["submittedBy"]["name"], str)
        for k in ("githubRepo", "projectPage"):
            if k in p:
                self.assertRegex(p[k], r"^https?://[^\s\"<>]+$")
        if "githubStars" in p:
            self.assertIs(type(p["githubStars"]), int)

    def compare_day(self, day):
        ours = get_json("/api/daily_papers?date=%s&limit=100" % day)
        hf = {}
        for it in hf_items(day):
            hf.setdefault(it["paper"]["id"], it)
        self.assertEqual(sorted(x["paper"]["id"] for x in ours), sorted(hf), day)
        # HF lists a day most upvoted first; so do we.
        ups = [x["paper"]["upvotes"] for x in ours]
        self.assertEqual(ups, sorted(ups, reverse=True), day)
        for o in ours:
            self.check_item_types(o)
            h = hf[o["paper"]["id"]]
            op, hp = o["paper"], h["paper"]
            where = "%s %s" % (day, op["id"])
            # Titles: arXiv line-wraps them; we store them with white space folded.
            self.assertEqual(op["title"], ws(hp["title"]), where)
            self.assertEqual(op["summary"], hp["summary"].strip(), where)
            self.assertEqual(op["upvotes"], hp["upvotes"], where)
            self.assertEqual([a["name"] for a in op["authors"]], [a["name"] for a in hp["authors"]], where)
            self.assertEqual(op["publishedAt"], hp["publishedAt"], where)
            if hp.get("submittedOnDailyAt"):
                self.assertEqual(op["submittedOnDailyAt"], hp["submittedOnDailyAt"], where)
            for k in ("githubRepo", "projectPage", "githubStars"):
                if hp.get(k) is not None:
                    self.assertEqual(op.get(k), hp[k], where + " " + k)
                else:
                    self.assertNotIn(k, op, where)
            self.assertEqual(o["title"], ws(h["title"]), where)
            if "summary" in h:
                self.assertEqual(o["summary"], h["summary"].strip(), where)
            self.assertEqual(o["numComments"], h["numComments"], where)
            self.assertEqual(o["submittedBy"]["name"], h["submittedBy"]["name"], where)

    def test_days_match_hugging_face_field_by_field(self):
        for day in COMPARE_DAYS:
            with self.subTest(day=day):
                self.compare_day(day)

    def test_python_repr_items_come_out_as_objects(self):
        with open(os.path.join(HF_DAILY, "2024-12-13.json"), encoding="utf-8") as f:
            raw = json.load(f)
        self.assertTrue(any(isinstance(x, str) for x in raw), "fixture lost its quirk")
        ours = get_json("/api/daily_papers?date=2024-12-13")
        self.assertEqual(len(ours), len({ (ast.literal_eval(x) if isinstance(x, str) else x)["paper"]["id"] for x in raw}))
        for item in ours:
            self.check_item_types(item)

    def test_date_forms_like_hugging_face(self):
        want = get_json("/api/daily_papers?date=2026-06-30")
        self.assertGreater(len(want), 10)
        for form in ("2026-6-30", "2026-06-30T00:00:00.000Z", "2026-06-30T17:45:00Z", "2026-06-30%2008:00"):
            self.assertEqual(get_json("/api/daily_papers?date=" + form), want, form)
        # Weekend, before the data starts, far future: 200 [] (HF does not 404).
        for empty in ("2026-06-27", "2026-06-28", "2019-01-01", "2099-12-31"):
            self.assertEqual(get_json("/api/daily_papers?date=" + empty), [], empty)
        for bad in ("2026-02-30", "2026-13-01", "yesterday", "2026-06-30T99:00", "%3Cscript%3E"):
            err = get_json("/api/daily_papers?date=" + bad, status=400)
            self.assertIsInstance(err["error"], str)
            self.assertIn("date", err["error"])

    def test_no_date_is_the_latest_day(self):
        latest = get_json("/api/daily_papers")
        self.assertEqual([x["paper"]["id"] for x in latest], [XSS_ID])
        self.assertEqual(get_json("/api/daily_papers?date="), latest)

    def test_week_month_limit_page_sort(self):
        days = ["2026-06-%02d" % d for d in (22, 23, 24, 25, 26)]
        ids = set()
        for d in days:
            ids |= {x["paper"]["id"] for x in hf_items(d)}
        week = get_json("/api/daily_papers?week=2026-W26&limit=100")
        self.assertEqual(len(week), 100)
        week += get_json("/api/daily_papers?week=2026-W26&limit=100&p=1")
        self.assertEqual({x["paper"]["id"] for x in week}, ids)
        self.assertEqual(len(week), len(ids), "a paper listed twice in a week appears once")
        month = get_json("/api/daily_papers?month=2026-06&limit=100")
        self.assertEqual(len(month), 100, "limit caps at 100")
        two = get_json("/api/daily_papers?date=2026-06-30&limit=2")
        nxt = get_json("/api/daily_papers?date=2026-06-30&limit=2&p=1")
        full = get_json("/api/daily_papers?date=2026-06-30")
        self.assertEqual(two + nxt, full[:4])
        self.assertEqual(get_json("/api/daily_papers?date=2026-06-30&limit=10&p=1000"), [])
        by_date = get_json("/api/daily_papers?date=2026-06-30&sort=publishedAt")
        pub = [x["paper"]["publishedAt"] for x in by_date]
        self.assertEqual(pub, sorted(pub, reverse=True))
        trending = get_json("/api/daily_papers?week=2026-W26&sort=trending")
        self.assertGreater(len(trending), 0)
        for bad in ("limit=0", "limit=abc", "p=-1", "sort=random", "week=2026-W99", "month=2026-13",
                    "date=2026-06-30&week=2026-W26"):
            err = get_json("/api/daily_papers?" + bad, status=400)
            self.assertIn("error", err, bad)


class PapersApi(unittest.TestCase):
    def test_paper_by_id(self):
        p = get_json("/api/papers/2606.26740")
        self.assertEqual(p["id"], "2606.26740")
        self.assertEqual(p["upvotes"], 57)
        self.assertRegex(p["publishedAt"], ISO_TS)
        self.assertEqual(get_json("/api/papers/2606.26740v2"), p, "a version names the same paper")
        _, headers, _ = request("/api/papers/2606.26740")
        self.assertEqual(headers.get("access-control-allow-origin"), "*")
        # A paper that was never on a daily list (Kaggle metadata only).
        k = get_json("/api/papers/0704.0001")
        self.assertEqual(k["upvotes"], 0)
        self.assertGreater(len(k["authors"]), 0)
        self.assertNotIn("submittedOnDailyAt", k)

    def test_unknown_is_404_json(self):
        for path in ("/api/papers/2601.00000", "/api/papers/not-an-id", "/api/papers/hep-th/9901001",
                     "/api/nothing-here"):
            err = get_json(path, status=404)
            self.assertIsInstance(err["error"], str, path)


class Feeds(unittest.TestCase):
    def parse(self, path):
        code, headers, body = request(path)
        self.assertEqual(code, 200, (path, body[:300]))
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"), headers)
        feed = feedparser.parse(body)
        self.assertEqual(feed.bozo, 0, (path, feed.get("bozo_exception")))
        self.assertEqual(feed.version, "atom10")
        return feed, body

    def test_daily_and_trending(self):
        daily, _ = self.parse("/feeds/daily.atom")
        ids = [e.id for e in daily.entries]
        self.assertEqual(ids[0], "https://arxiv.org/abs/" + XSS_ID, "the latest day first")
        self.assertGreater(len(ids), 30)
        self.assertEqual(len(ids), len(set(ids)))
        for e in daily.entries:
            self.assertTrue(e.id.startswith("https://arxiv.org/abs/"))
            self.assertTrue(e.link.startswith("http://127.0.0.1:%d/papers/" % STATE["port"]))
            self.assertTrue(e.title)
            self.assertTrue(e.updated_parsed)
        # Stable ids: the same papers give the same ids in a differently
        # sized (so freshly rendered) feed.
        small, _ = self.parse("/feeds/daily.atom?limit=5")
        self.assertEqual([e.id for e in small.entries], ids[:5])
        trending, _ = self.parse("/feeds/trending.atom")
        self.assertGreater(len(trending.entries), 5)
        self.assertTrue(set(e.id for e in trending.entries) <= set(ids) | {e.id for e in trending.entries})
        code, _, _ = request("/feeds/daily.atom?limit=0")
        self.assertEqual(code, 400)

    def search_ready(self, path):
        """200 once the index exists; 503 with a clear message without one."""
        deadline = time.time() + 60
        while True:
            code, _, body = request(path)
            if code != 503 or b"without a search index" in body or time.time() > deadline:
                return code, body
            time.sleep(0.5)

    def test_search_and_author_feeds(self):
        # With an index (serve reports its lag) these feeds must work; without
        # one they must say so.
        has_index = get_json("/healthz")["index_lag"] is not None
        for path, expect_id in (("/feeds/search.atom?q=streaming+video+editing", "2606.26740"),
                                ("/feeds/authors/Fangneng%20Zhan.atom", "2606.26740")):
            code, body = self.search_ready(path)
            if not has_index:
                self.assertEqual(code, 503, body)
                self.assertIn(b"without a search index", body)
                continue
            feed, _ = self.parse(path)
            self.assertIn("https://arxiv.org/abs/" + expect_id, [e.id for e in feed.entries], path)
        for path in ("/feeds/search.atom", "/feeds/search.atom?q=", "/feeds/search.atom?q=%22unbalanced"):
            code, _, _ = request(path)
            self.assertEqual(code, 400 if has_index or "unbalanced" not in path else 503, path)


class Escaping(unittest.TestCase):
    """Markup from a source is data: escaped in JSON, feeds and HTML."""

    def assert_inert(self, body, where):
        for bad in RAW_MARKUP:
            self.assertNotIn(bad, body, where)

    def test_json(self):
        code, _, body = request("/api/daily_papers?date=" + XSS_DAY)
        self.assertEqual(code, 200)
        self.assert_inert(body, "daily_papers")
        item = json.loads(body)[0]
        self.assertEqual(item["paper"]["title"], XSS_TITLE)
        self.assertEqual(item["paper"]["summary"], XSS_ABSTRACT)
        self.assertEqual(item["paper"]["authors"][0]["name"], XSS_AUTHOR)
        self.assertEqual(item["submittedBy"]["name"], XSS_SUBMITTER)
        self.assertNotIn("githubRepo", item["paper"], "javascript: URL dropped")
        self.assertNotIn("projectPage", item["paper"], "URL with markup dropped")
        code, _, body = request("/api/papers/" + XSS_ID)
        self.assertEqual(code, 200)
        self.assert_inert(body, "papers")
        self.assertEqual(json.loads(body)["title"], XSS_TITLE)

    def test_feeds(self):
        for path in ("/feeds/daily.atom", "/feeds/trending.atom"):
            code, _, body = request(path)
            self.assertEqual(code, 200)
            self.assert_inert(body, path)
            self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", body)
            feed = feedparser.parse(body)
            self.assertEqual(feed.bozo, 0)
            entry = [e for e in feed.entries if e.id.endswith(XSS_ID)][0]
            # The text survives (escaped once, not twice) and parses back.
            self.assertIn("Attention Is All You Need", entry.title)
            self.assertNotIn("&lt;", entry.title)
            self.assertNotIn("&amp;", entry.summary)

    def test_html(self):
        for path in ("/", "/papers/date/" + XSS_DAY, "/papers/trending"):
            code, headers, body = request(path)
            self.assertEqual(code, 200, path)
            self.assertTrue(headers["content-type"].startswith("text/html"))
            self.assertIn("content-security-policy", headers)
            self.assert_inert(body, path)
            self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", body, path)
        # The paper page belongs to the pages layer; when it exists it must be inert too.
        code, _, body = request("/papers/" + XSS_ID)
        self.assertIn(code, (200, 404))
        self.assert_inert(body, "paper page")


class Server(unittest.TestCase):
    def test_healthz(self):
        h = get_json("/healthz")
        self.assertEqual(h["status"], "ok")
        self.assertRegex(h["version"], r"^\d+\.\d+\.\d+")
        want = STATE["import"]["total"]
        self.assertGreater(h["papers"], 400)
        self.assertIn("index_lag", h)
        self.assertTrue(h["index_lag"] is None or isinstance(h["index_lag"], int))
        self.assertGreater(want["read"], 0)

    def test_metrics(self):
        request("/healthz")
        request("/api/papers/2601.00000")
        code, headers, body = request("/metrics")
        self.assertEqual(code, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        text = body.decode()
        sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
                            r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [-+]?[0-9.eE+-]+|[-+]?Inf|NaN$')
        for line in text.splitlines():
            if line.startswith("#"):
                self.assertRegex(line, r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$")
            else:
                self.assertRegex(line, sample)
        self.assertRegex(text, r'paperpulse_http_requests_total\{route="healthz",status="200"\} [1-9]')
        self.assertRegex(text, r'paperpulse_http_requests_total\{route="api_paper",status="404"\} [1-9]')
        self.assertIn("# TYPE paperpulse_http_request_duration_seconds histogram", text)
        self.assertRegex(text, r'paperpulse_http_request_duration_seconds_bucket\{route="healthz",le="0.005"\} \d+')
        self.assertRegex(text, r'paperpulse_http_request_duration_seconds_bucket\{route="healthz",le="\+Inf"\} \d+')
        self.assertRegex(text, r"(?m)^paperpulse_index_lag \d+")
        self.assertRegex(text, r"(?m)^paperpulse_outbox_size 0$")

    def test_conditional_requests(self):
        path = "/api/daily_papers?date=2026-06-30"
        code, h, body = request(path)
        self.assertEqual(code, 200)
        etag, modified = h["etag"], h["last-modified"]
        self.assertIn("max-age", h["cache-control"])
        code, h2, body2 = request(path, headers={"If-None-Match": etag})
        self.assertEqual((code, body2), (304, b""))
        self.assertEqual(h2["etag"], etag)
        code, _, _ = request(path, headers={"If-None-Match": '"other", ' + etag})
        self.assertEqual(code, 304)
        code, _, _ = request(path, headers={"If-Modified-Since": modified})
        self.assertEqual(code, 304)
        code, _, body3 = request(path, headers={"If-None-Match": '"nope"'})
        self.assertEqual((code, body3), (200, body))
        # The gzip variant has its own tag, and either revalidates.
        code, hz, _ = request(path, headers={"Accept-Encoding": "gzip"})
        self.assertNotEqual(hz["etag"], etag)
        code, _, _ = request(path, headers={"Accept-Encoding": "gzip", "If-None-Match": hz["etag"]})
        self.assertEqual(code, 304)
        # Errors carry no validators and are not cached.
        code, he, _ = request("/api/papers/2601.00000")
        self.assertEqual(code, 404)
        self.assertNotIn("etag", he)
        self.assertEqual(he["cache-control"], "no-store")

    def test_gzip(self):
        for path in ("/api/daily_papers?date=2026-06-30", "/feeds/daily.atom", "/", "/static/katex/katex.min.js"):
            code, plain_h, plain = request(path)
            self.assertEqual(code, 200, path)
            self.assertNotIn("content-encoding", plain_h)
            code, h, body = request(path, headers={"Accept-Encoding": "br, gzip;q=0.8"})
            self.assertEqual(h.get("content-encoding"), "gzip", path)
            self.assertIn("Accept-Encoding", h.get("vary", ""))
            self.assertLess(len(body), len(plain))
            self.assertEqual(gzip.decompress(body), plain, path)
            code, h, _ = request(path, headers={"Accept-Encoding": "gzip;q=0"})
            self.assertNotIn("content-encoding", h)

    def test_static_cache_control(self):
        code, h, body = request("/static/katex/katex.min.js")
        self.assertEqual(code, 200)
        self.assertIn("max-age=31536000", h["cache-control"])
        self.assertIn("immutable", h["cache-control"])
        self.assertTrue(h["content-type"].startswith("application/javascript"))
        code, _, _ = request("/static/nope.js")
        self.assertEqual(code, 404)
        for path in ("/healthz", "/metrics"):
            self.assertEqual(request(path)[1]["cache-control"], "no-store")

    def test_keep_alive_and_head(self):
        conn = http.client.HTTPConnection("127.0.0.1", STATE["port"], timeout=30)
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            sock = conn.sock
            self.assertIsNotNone(sock)
            for path in ("/api/daily_papers?date=2026-06-30", "/feeds/daily.atom", "/api/papers/2601.00000"):
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                self.assertIsNot(r.getheader("Connection"), "close")
                self.assertIs(conn.sock, sock, "connection was not kept alive")
            conn.request("HEAD", "/api/daily_papers?date=2026-06-30")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertGreater(int(r.getheader("Content-Length")), 1000)
            self.assertEqual(r.read(), b"")
        finally:
            conn.close()
        # Pipelined requests on one connection are answered in order.
        out = raw_exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                           b"GET /api/papers/2601.00000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(re.findall(rb"HTTP/1.1 (\d+)", out), [b"200", b"404"])

    def test_methods_and_bad_requests(self):
        code, h, _ = request("/healthz", method="POST", body=b"x=1",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(code, 405)
        self.assertIn("GET", h["allow"])
        out = raw_exchange(b"GARBAGE\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:100])

    def test_limits(self):
        # A 20 KiB header (limit 16 KiB) -> 431; a 100 KB body (limit 64 KiB) -> 413.
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        out = raw_exchange(big)
        self.assertTrue(out.startswith(b"HTTP/1.1 431"), out[:100])
        body = b"b" * 100000
        out = raw_exchange(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:100])
        # The server is still fine, and logged what it refused.
        self.assertEqual(request("/healthz")[0], 200)
        with open(STATE["log_path"], "rb") as f:
            log = f.read()
        self.assertRegex(log, rb"access remote=127\.0\.0\.1 route=rejected status=431 reason=")
        self.assertRegex(log, rb"access remote=127\.0\.0\.1 route=rejected status=413 reason=")

    def test_slow_client_is_cut_off(self):
        # Slowloris: a request whose header never ends. The server answers 408
        # and closes once its request timeout (10 s) is over, instead of
        # holding the connection (and a slot) forever.
        s = socket.create_connection(("127.0.0.1", STATE["port"]), timeout=40)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            start = time.time()
            out = b""
            while time.time() - start < 35:
                try:
                    s.sendall(b"X-Slow: 1\r\n")  # a byte now and then does not extend it
                except (BrokenPipeError, ConnectionResetError):
                    break
                s.settimeout(2)
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    out += chunk
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    break
            self.assertLess(time.time() - start, 35, "slow client was never cut off")
            if out:
                self.assertTrue(out.startswith(b"HTTP/1.1 408"), out[:100])
        finally:
            s.close()
        self.assertEqual(request("/healthz")[0], 200)

    def test_access_log(self):
        request("/api/daily_papers?date=2026-06-29&limit=3")
        time.sleep(0.2)
        with open(STATE["log_path"], "rb") as f:
            log = f.read().decode("utf-8", "replace")
        self.assertRegex(log, r'access remote=127\.0\.0\.1 method=GET target="/api/daily_papers\?date=2026-06-29&limit=3" '
                              r'route=api_daily_papers status=200 bytes=\d+ gzip=0 ms=[\d.]+')


class GracefulShutdown(unittest.TestCase):
    def test_sigterm_finishes_in_flight_request(self):
        proc, port, log = start_server(STATE["data"], os.path.join(STATE["tmp"], "serve2.log"))
        try:
            idle = socket.create_connection(("127.0.0.1", port), timeout=20)
            busy = socket.create_connection(("127.0.0.1", port), timeout=20)
            busy.sendall(b"GET /api/daily_papers?date=2026-06-30 HTTP/1.1\r\nHost: x\r\n")
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            # The idle keep-alive connection is closed at once...
            self.assertEqual(idle.recv(100), b"")
            # ...and the request that had started is still answered.
            busy.sendall(b"\r\n")
            out = pp_http.read_to_close(busy)
            self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:200])
            self.assertIn(b"Connection: close", out)
            head, _, body = out.partition(b"\r\n\r\n")
            self.assertEqual(len(json.loads(body)), len(hf_items("2026-06-30")))
            self.assertEqual(proc.wait(timeout=20), 0)
            idle.close()
            busy.close()
            # New connections are refused once it stopped.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
        finally:
            stop_server(proc, log)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
