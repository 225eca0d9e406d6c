#!/usr/bin/env python3
"""End-to-end tests of the Hugging Face API parity of `paperpulse serve`
(issue 12) over real HTTP, with real HF daily files of ../shared/data and
unlisted arXiv papers beside them:

- /api/papers/search answers HF items: each item's "paper" is what
  /api/papers/{id} answers, and a client reading
  item["paper"]["title"|"summary"|"id"|"upvotes"] works; limit 1..120 and a
  query of 250 characters are taken, as HF's search takes them;
- organisations, ai_summary/ai_keywords and the item-level publishedAt come
  out exactly as HF's file has them;
- /api/daily_papers?submitter= and ?organization= filter exactly (compared
  with the files), with and without a period, paged;
- /api/papers?cursor=&limit= pages through every paper newest first, each
  once, while `paperpulse import` adds papers to the same data dir.

Every /api/ answer is also checked against the OpenAPI document (pp_http).
On SQLite, then on PostgreSQL when PAPERPULSE_TEST_PG is set.

usage: hf_api_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_hf import hf_items  # noqa: E402
from pp_community import PG_ENV, drop_database, pg_url, psql  # noqa: E402

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("PAPERPULSE_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
# Papers on no daily list (0704.0001-0200).
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
# Days with organisations and AI summaries (files from 2025-10-03 on carry
# them), one of them in another month.
HF_DAYS = ["2026-06-26", "2026-06-29", "2026-06-30", "2025-10-15"]
# What the concurrent import adds while a client pages: more days (papers
# newer and older than the cursor) and arXiv papers of 2019.
LATE_SOURCES = [os.path.join(HF_DAILY, d + ".json") for d in
                ["2026-06-%02d" % n for n in (15, 16, 17, 18, 19, 22, 23, 24, 25)] +
                ["2025-10-%02d" % n for n in (6, 7, 8, 9, 10, 13, 14, 16, 17)]] + [
    os.path.join(SHARED, "arxiv-oai-pmh-xml"), os.path.join(SHARED, "arxiv-api-atom")]
WAIT_SECONDS = 120

STATE = {}


def request(path):
    return pp_http.request(STATE["port"], path)


def get_json(path, status=200):
    code, headers, body = request(path)
    if code != status:
        raise AssertionError("%s: status %d, wanted %d: %r" % (path[:120], code, status, body[:300]))
    assert headers["content-type"].startswith("application/json"), headers
    return json.loads(body), headers


def with_query(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def order_key(paper_id):
    """The order in which arXiv assigned ids (base/arxiv_id.h ArxivIdOrderKey)."""
    m = re.fullmatch(r"(\d{2})(\d{2})\.(\d{4,5})", paper_id)
    if m:
        return (2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)), paper_id)
    m = re.fullmatch(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})(\d{3})", paper_id)
    assert m, paper_id
    yy = int(m.group(1))
    return ((1900 if yy >= 91 else 2000) + yy, int(m.group(2)), int(m.group(3)), paper_id)


def index_complete():
    code, _, body = request("/healthz")
    return code == 200 and json.loads(body).get("index_lag") == 0 and \
        request(with_query("/api/papers/search", q="model"))[0] == 200


def import_files(paths, wait=True):
    cmd = [BIN, "import", "-q", "--allow-errors", "--data-dir", STATE["data"]] + paths
    if STATE["db"]:
        cmd += ["--db", STATE["db"]]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if wait:
        assert proc.wait() == 0, cmd
    return proc


def set_up():
    if not os.path.isdir(HF_DAILY):
        raise RuntimeError("no shared data at " + SHARED)
    STATE["tmp"] = tempfile.mkdtemp(prefix="pp_hf_api_")
    STATE["data"] = os.path.join(STATE["tmp"], "data")
    import_files([os.path.join(HF_DAILY, d + ".json") for d in HF_DAYS] + [KAGGLE])
    STATE["log_path"] = os.path.join(STATE["tmp"], "serve.log")
    STATE["proc"], STATE["port"], STATE["log"] = pp_server.start_server(
        BIN, STATE["data"], STATE["log_path"], "--no-harvest", "--no-access-log",
        "--cache-ttl-ms", "0", *(["--db", STATE["db"]] if STATE["db"] else []))
    pp_server.wait_for("the first index build", index_complete, timeout=WAIT_SECONDS)


def tear_down():
    if "import" in STATE:
        pp_server.stop_process(STATE["import"])
    if "proc" in STATE:
        pp_server.stop_server(STATE["proc"], STATE["log"])
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


def hf_org(org):
    """An HF organization as we serve it: name and display name, the latter
    with surrounding white space trimmed (the ingest trims text fields; one
    real file has "Chair for Machine Learning & Computer Vision ")."""
    return {"name": org["name"], "fullname": org["fullname"].strip()}


def file_items():
    """(day, item) of every imported file."""
    return [(d, it) for d in HF_DAYS for it in hf_items(d)]


class SearchTest(unittest.TestCase):
    def check_items_are_papers(self, items):
        for item in items:
            # What an HF client reads.
            p = item["paper"]
            self.assertIsInstance(p["id"], str)
            self.assertIsInstance(p["title"], str)
            self.assertIsInstance(p["summary"], str)
            self.assertIs(type(p["upvotes"]), int)
            self.assertEqual(item["title"], p["title"])
            self.assertEqual(item["summary"], p["summary"])
            paper, _ = get_json("/api/papers/" + p["id"])
            self.assertEqual(p, paper, p["id"])

    def test_each_items_paper_is_the_paper_endpoints(self):
        seen_listed = seen_unlisted = False
        for q in ["diffusion", "language models", "quantum", "reasoning agents", "cross sections"]:
            items, headers = get_json(with_query("/api/papers/search", q=q, limit=40))
            self.assertTrue(items, q)
            self.assertGreaterEqual(int(headers["x-total-count"]), len(items))
            self.check_items_are_papers(items)
            seen_listed |= any("submittedOnDailyAt" in x["paper"] for x in items)
            seen_unlisted |= any("submittedOnDailyAt" not in x["paper"] for x in items)
        self.assertTrue(seen_listed and seen_unlisted, "both kinds of paper compared")
        related, _ = get_json("/api/papers/0704.0001/related?limit=10")
        self.assertTrue(related)
        self.check_items_are_papers(related)

    def test_listed_paper_found_by_id_is_the_files_item(self):
        checked = 0
        for day, h in file_items():
            if day != "2026-06-30" or not h.get("organization"):
                continue
            items, _ = get_json(with_query("/api/papers/search", q=h["paper"]["id"], limit=5))
            item = items[0]
            self.assertEqual(item["paper"]["id"], h["paper"]["id"])
            self.assertEqual(item["publishedAt"], h["publishedAt"])
            self.assertEqual(item["submittedBy"]["name"], h["submittedBy"]["name"])
            org = hf_org(h["organization"])
            self.assertEqual(item["organization"], org)
            self.assertEqual(item["paper"]["organization"], org)
            self.assertEqual(item["numComments"], h["numComments"])
            checked += 1
        self.assertGreaterEqual(checked, 5)

    def test_hugging_face_limits(self):
        items, _ = get_json(with_query("/api/papers/search", q="the model OR quantum", limit=120))
        self.assertEqual(len(items), 120)
        for limit in ("0", "121", "x"):
            error, _ = get_json(with_query("/api/papers/search", q="model", limit=limit), 400)
            self.assertIn("limit", error["error"])
        # HF takes queries of 250 characters; a whole abstract sentence.
        h = hf_items("2026-06-30")[0]
        q = " ".join(re.sub(r"[^a-z0-9 ]", " ", h["paper"]["summary"].lower()).split())[:300]
        q = q[:q.rindex(" ")]
        self.assertGreaterEqual(len(q), 250)
        items, _ = get_json(with_query("/api/papers/search", q=q, limit=10))
        self.assertIn(h["paper"]["id"], [x["paper"]["id"] for x in items])


class DailyTest(unittest.TestCase):
    def compare_day(self, day):
        ours, _ = get_json(with_query("/api/daily_papers", date=day, limit=100))
        hf = {it["paper"]["id"]: it for it in hf_items(day)}
        self.assertEqual(sorted(x["paper"]["id"] for x in ours), sorted(hf))
        orgs = ai = 0
        for o in ours:
            h = hf[o["paper"]["id"]]
            where = day + " " + h["paper"]["id"]
            self.assertEqual(o["publishedAt"], h["publishedAt"], where)
            self.assertEqual(o["paper"]["publishedAt"], h["paper"]["publishedAt"], where)
            for mine, theirs in ((o, h), (o["paper"], h["paper"])):
                if theirs.get("organization"):
                    want = hf_org(theirs["organization"])
                    self.assertEqual(mine["organization"], want, where)
                    orgs += 1
                else:
                    self.assertNotIn("organization", mine, where)
            for k in ("ai_summary", "ai_keywords"):
                if h["paper"].get(k):
                    self.assertEqual(o["paper"][k], h["paper"][k], where + " " + k)
                    ai += 1
                else:
                    self.assertNotIn(k, o["paper"], where)
        return orgs, ai

    def test_days_with_organisations_as_the_files_have_them(self):
        for day in ("2026-06-30", "2025-10-15"):
            with self.subTest(day=day):
                orgs, ai = self.compare_day(day)
                self.assertGreater(orgs, 0, "the day has organisations")
                self.assertGreater(ai, 0, "the day has AI summaries")

    def filtered(self, key, value, **params):
        """Every item of the filter, paged 7 at a time."""
        out = []
        for page in range(100):
            items, _ = get_json(with_query("/api/daily_papers", limit=7, p=page, **{key: value},
                                           **params))
            out += items
            if len(items) < 7:
                return out
        raise AssertionError("no last page")

    def check_filter(self, key, value, matches):
        """`matches(day, hf_item)` decides what the file says the filter takes."""
        want = sorted((d, it["paper"]["id"]) for d, it in file_items() if matches(d, it))
        self.assertTrue(want, value)
        got = self.filtered(key, value)
        # Each paper is on one of the files' days (and the files' days agree
        # with the items' submittedOnDailyAt).
        day_of = {it["paper"]["id"]: d for d, it in file_items()}
        days = [day_of[x["paper"]["id"]] for x in got]
        self.assertEqual(days, [x["paper"]["submittedOnDailyAt"][:10] for x in got])
        self.assertEqual(days, sorted(days, reverse=True), "newest day first")
        self.assertEqual(sorted(zip(days, (x["paper"]["id"] for x in got))), want, value)
        # Within a period only its days.
        in_june = self.filtered(key, value, month="2026-06")
        self.assertEqual(sorted(x["paper"]["id"] for x in in_june),
                         sorted(i for d, i in want if d.startswith("2026-06")))
        on_day = self.filtered(key, value, date="2026-06-30")
        self.assertEqual(sorted(x["paper"]["id"] for x in on_day),
                         sorted(i for d, i in want if d == "2026-06-30"))
        return got

    def test_submitter_filters_exactly(self):
        counts = {}
        for _, it in file_items():
            name = it["submittedBy"]["name"]
            # The file names the submitter twice; both must agree.
            self.assertEqual(name, it["paper"]["submittedOnDailyBy"]["user"])
            counts[name] = counts.get(name, 0) + 1
        busiest = max(counts, key=counts.get)
        self.assertGreater(counts[busiest], 7, "more than one page")
        for name in [busiest, min(counts, key=counts.get)]:
            got = self.check_filter("submitter", name,
                                    lambda d, it, name=name: it["submittedBy"]["name"] == name)
            self.assertTrue(all(x["submittedBy"]["name"] == name for x in got))
        # Exact: another case is another account; no match is an empty list.
        self.assertEqual(get_json(with_query("/api/daily_papers", submitter=busiest.upper()))[0], [])
        self.assertEqual(get_json(with_query("/api/daily_papers", submitter=busiest[:-1]))[0], [])
        # Empty is absent: the latest day.
        latest, _ = get_json(with_query("/api/daily_papers", submitter="", limit=100))
        self.assertEqual(len(latest), len(hf_items("2026-06-30")))

    def test_organization_filters_exactly(self):
        counts = {}
        for _, it in file_items():
            if it.get("organization"):
                counts[it["organization"]["name"]] = counts.get(it["organization"]["name"], 0) + 1
        self.assertGreater(len(counts), 3)
        for name in sorted(counts, key=counts.get, reverse=True)[:3]:
            got = self.check_filter(
                "organization", name,
                lambda d, it, name=name: (it.get("organization") or {}).get("name") == name)
            self.assertTrue(all(x["organization"]["name"] == name for x in got))
        # Both filters at once: the items of that submitter and organisation.
        d, it = next((d, it) for d, it in file_items() if it.get("organization"))
        both, _ = get_json(with_query("/api/daily_papers", submitter=it["submittedBy"]["name"],
                                      organization=it["organization"]["name"]))
        self.assertIn(it["paper"]["id"], [x["paper"]["id"] for x in both])
        for x in both:
            self.assertEqual(x["submittedBy"]["name"], it["submittedBy"]["name"])
            self.assertEqual(x["organization"]["name"], it["organization"]["name"])

    def test_filter_errors(self):
        for params in ({"submitter": "x", "date": "2026-13-01"}, {"submitter": "x", "limit": "0"},
                       {"organization": "x", "p": "-1"}, {"submitter": "x", "date": "2026-06-30",
                                                           "month": "2026-06"}):
            error, _ = get_json(with_query("/api/daily_papers", **params), 400)
            self.assertTrue(error["error"])


def pages(test, limit, between_pages=None):
    """Every paper of GET /api/papers, following Link page by page, the
    paging headers checked by `test`; between_pages(n) after page n."""
    out, path, n = [], with_query("/api/papers", limit=limit), 0
    while True:
        papers, headers = get_json(path)
        test.assertLessEqual(len(papers), limit)
        out += papers
        if len(papers) < limit:
            test.assertNotIn("link", headers)
            test.assertNotIn("x-next-cursor", headers)
            return out
        cursor = papers[-1]["id"]
        test.assertEqual(headers["x-next-cursor"], cursor)
        m = re.fullmatch(r'<(/api/papers\?[^>]*)>; rel="next"', headers["link"])
        test.assertTrue(m, headers["link"])
        test.assertEqual(urllib.parse.parse_qs(urllib.parse.urlparse(m.group(1)).query),
                         {"cursor": [cursor], "limit": [str(limit)]})
        path = m.group(1)
        n += 1
        if between_pages:
            between_pages(n)


class PaperListTest(unittest.TestCase):
    def test_all_papers_newest_first_each_once(self):
        papers = pages(self, 50)
        ids = [p["id"] for p in papers]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(ids, sorted(ids, key=order_key, reverse=True))
        listed = {it["paper"]["id"] for _, it in file_items()}
        with open(KAGGLE, encoding="utf-8") as f:
            unlisted = {json.loads(line)["id"] for line in f if line.strip()}
        self.assertTrue(listed | unlisted <= set(ids))
        # Each is the paper object of /api/papers/{id}.
        for p in papers[::25]:
            self.assertEqual(p, get_json("/api/papers/" + p["id"])[0])
        default, _ = get_json("/api/papers")
        self.assertEqual([p["id"] for p in default], ids[:50])
        # A cursor in any id form, and one of no stored paper.
        after, _ = get_json(with_query("/api/papers", cursor="arXiv:%sv3" % ids[9], limit=5))
        self.assertEqual([p["id"] for p in after], ids[10:15])
        after, _ = get_json(with_query("/api/papers", cursor="2606.99999", limit=3))
        self.assertEqual([p["id"] for p in after], [i for i in ids if order_key(i) <
                                                   order_key("2606.99999")][:3])

    def test_bad_requests_are_400(self):
        for params in ({"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"cursor": "not-an-id"},
                       {"cursor": "<script>"}):
            error, _ = get_json(with_query("/api/papers", **params), 400)
            self.assertIn("limit" if "limit" in params else "cursor", error["error"])



# Named to run last (unittest runs classes by name): it adds papers.
class WhileImportingTest(unittest.TestCase):
    def test_paging_stays_exact_while_an_import_runs(self):
        before = [p["id"] for p in pages(self, 100)]
        running = []

        def start_import(n):
            if n == 1:
                STATE["import"] = import_files(LATE_SOURCES, wait=False)
            running.append(STATE["import"].poll() is None)
            time.sleep(0.05)

        during = [p["id"] for p in pages(self, 10, start_import)]
        self.assertEqual(STATE.pop("import").wait(timeout=WAIT_SECONDS), 0)
        self.assertTrue(any(running[1:]), "pages fetched while the import ran")
        self.assertEqual(len(during), len(set(during)), "no paper twice")
        self.assertEqual(during, sorted(during, key=order_key, reverse=True))
        self.assertTrue(set(before) <= set(during), set(before) - set(during))
        after = [p["id"] for p in pages(self, 100)]
        self.assertGreater(len(after), len(before), "the import added papers")


def backends():
    """The --db of each run: SQLite (none), then a fresh PostgreSQL database."""
    yield None
    if os.environ.get(PG_ENV):
        name = "pp_hf_api_%d" % os.getpid()
        drop_database(name)
        psql("CREATE DATABASE " + name)
        try:
            yield pg_url(name)
        finally:
            drop_database(name)


def run_on(db):
    """Every test against a server over a Store on `db`; True when all pass."""
    sys.stderr.write("== %s\n" % ("PostgreSQL" if db else "SQLite"))
    STATE.clear()
    STATE["db"] = db
    try:
        set_up()
        tests = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        return unittest.TextTestRunner(verbosity=2).run(tests).wasSuccessful()
    finally:
        tear_down()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    sys.exit(0 if all(run_on(db) for db in backends()) else 1)
