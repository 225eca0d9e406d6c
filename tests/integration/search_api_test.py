#!/usr/bin/env python3
"""End-to-end tests of search in `paperpulse serve`: /api/papers/search and
/api/papers/{id}/related (Hugging Face shaped items: the paper object under
"paper", our score and snippet beside it) on the real binary over a Store
imported from a subset of ../shared/data; the background indexer (first build, papers
imported while serve runs, an index deleted while it was down); every bad
query answered 400 with a message, never 500.

usage: search_api_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402
import urllib.parse

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("PAPERPULSE_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
# ~2,300 papers: the Kaggle head (0704.0001-0200), OAI-PMH arXivRaw pages and
# API Atom feeds.
SUBSET = ["arxiv-kaggle-jsonl", "arxiv-oai-pmh-xml", "arxiv-api-atom"]
# Polling bound for background work; not a timing assertion, only a guard
# against hanging for ever.
WAIT_SECONDS = 180

KNOWN_ID = "0704.0001"
KNOWN_TITLE = "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"

LIVE_ID = "2606.98765"
LIVE_RECORD = {
    "id": LIVE_ID, "submitter": "Test", "authors": "Zoë Quillfeather, A. N. Other",
    "title": "Zyxwvut quasicrystals: a benchmark for paperpulse search",
    "comments": None, "journal-ref": None, "doi": None, "report-no": None,
    "categories": "cond-mat.mtrl-sci cs.IR", "license": None,
    "abstract": "We index zyxwvut quasicrystals <script>alert(1)</script> & report $x<y$.",
    "versions": [{"version": "v1", "created": "Tue, 2 Jun 2026 10:00:00 GMT"}],
    "update_date": "2026-06-02", "authors_parsed": [["Quillfeather", "Zoë", ""], ["Other", "A. N.", ""]],
}

STATE = {}


def start_server(data_dir, log_path):
    return pp_server.start_server(BIN, data_dir, log_path, "--no-harvest", "--no-access-log",
                                  "--cache-ttl-ms", "0")


def stop_server(proc, log):
    return pp_server.stop_server(proc, log)


def request(path):
    return pp_http.request(STATE["port"], path)


def search_path(q, **params):
    params["q"] = q
    return "/api/papers/search?" + urllib.parse.urlencode(params)


def search(q, status=200, **params):
    code, headers, body = request(search_path(q, **params))
    if code != status:
        raise AssertionError("%s -> %d (wanted %d): %s" % (q[:80], code, status, body[:300]))
    return json.loads(body), headers


def ids(q, **params):
    return [h["paper"]["id"] for h in search(q, **params)[0]]


def authors(item):
    return [a["name"] for a in item["paper"]["authors"]]


def index_ready():
    code, _, _ = request(search_path("quantum"))
    return code == 200


def setUpModule():
    if not os.path.isdir(SHARED):
        raise RuntimeError("no shared data at " + SHARED)
    STATE["tmp"] = tempfile.mkdtemp(prefix="pp_search_api_")
    STATE["data"] = os.path.join(STATE["tmp"], "data")
    subprocess.run([BIN, "import", "-q", "--allow-errors", "--data-dir", STATE["data"]] +
                   [os.path.join(SHARED, s) for s in SUBSET], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    STATE["log_path"] = os.path.join(STATE["tmp"], "serve.log")
    STATE["proc"], STATE["port"], STATE["log"] = start_server(STATE["data"], STATE["log_path"])
    pp_server.wait_for("the first index build", index_ready, timeout=WAIT_SECONDS)


def tearDownModule():
    if "proc" in STATE:
        stop_server(STATE["proc"], STATE["log"])
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


class SearchApiTest(unittest.TestCase):
    def test_known_title_in_any_spelling_is_first(self):
        for q in [KNOWN_TITLE, KNOWN_TITLE.lower(), KNOWN_TITLE.upper(),
                  "Calculation of prompt di-photon production: cross sections at Tevatron & LHC energies!"]:
            self.assertEqual(ids(q)[0], KNOWN_ID, q)

    def test_result_shape_and_escaped_snippets(self):
        hits, headers = search("diphoton production", limit=5)
        self.assertGreaterEqual(int(headers["x-total-count"]), 1)
        self.assertLessEqual(len(hits), 5)
        hit = next(h for h in hits if h["paper"]["id"] == KNOWN_ID)
        self.assertEqual(" ".join(hit["paper"]["title"].split()), KNOWN_TITLE)
        self.assertEqual(hit["title"], hit["paper"]["title"])
        self.assertEqual(hit["summary"], hit["paper"]["summary"])
        self.assertIn("P. M. Nadolsky", authors(hit))
        # Never on a daily list: the item's publishedAt is the paper's, and
        # there is no submitter.
        self.assertRegex(hit["publishedAt"], r"^2007-04-02T19:18:42\.000Z$")
        self.assertEqual(hit["paper"]["publishedAt"], hit["publishedAt"])
        self.assertNotIn("submittedBy", hit)
        self.assertEqual(hit["categories"][0], "hep-ph")
        self.assertIsInstance(hit["score"], (int, float))
        # The paper object is the one /api/papers/{id} answers.
        code, _, body = request("/api/papers/" + KNOWN_ID)
        self.assertEqual(code, 200)
        self.assertEqual(hit["paper"], json.loads(body))
        self.assertIn("<mark>diphoton</mark>", hit["snippet"])
        # Only our <mark> tags are markup.
        self.assertNotRegex(re.sub(r"</?mark>", "", hit["snippet"]), r"[<>]")

    def test_arxiv_ids_in_every_form(self):
        for q in [KNOWN_ID, "arXiv:0704.0001v2", "https://arxiv.org/abs/0704.0001",
                  "http://arxiv.org/pdf/0704.0001v1.pdf", "id:0704.0001"]:
            self.assertEqual(ids(q)[0], KNOWN_ID, q)

    def test_author_phrase_category_and_dates(self):
        for h in search('author:"Nadolsky"', limit=100)[0]:
            self.assertTrue(any("Nadolsky" in a for a in authors(h)), h)
        self.assertIn(KNOWN_ID, ids('author:"P. M. Nadolsky"'))
        self.assertIn(KNOWN_ID, ids('"prompt diphoton"'))
        for h in search("quantum", category="hep-ph", limit=100)[0]:
            self.assertIn("hep-ph", h["categories"])
        for h in search("cat:hep-th", limit=100)[0]:
            self.assertTrue(any(c == "hep-th" for c in h["categories"]), h)
        hits, _ = search("quantum", limit=100, **{"from": "2007-04-01", "to": "2007-04-30"})
        self.assertTrue(hits)
        for h in hits:
            self.assertTrue("2007-04-01" <= h["paper"]["publishedAt"][:10] <= "2007-04-30", h)
        # Newest day first; within a day by relevance.
        dated = [h["paper"]["publishedAt"][:10] for h in search("quantum", sort="date", limit=50)[0]]
        self.assertEqual(dated, sorted(dated, reverse=True))

    def test_hugging_face_limits(self):
        # HF takes limit 1..120 and queries of at least 250 characters.
        self.assertEqual(len(search("quantum", limit=120)[0]), 120)
        self.assertEqual(request(search_path("quantum", limit="121"))[0], 400)
        long_q = ("prompt diphoton production cross sections at Tevatron and LHC energies "
                  "computed with resummation of soft gluon radiation and fragmentation "
                  "contributions compared with measurements of the photon pair mass and "
                  "transverse momentum distributions in hadron collisions")
        self.assertGreaterEqual(len(long_q), 250)
        self.assertIn(KNOWN_ID, ids(long_q, limit=10))

    def test_misspelled_title_and_did_you_mean(self):
        hits, headers = search("Calculaton of prompt diphoton production cross sections")
        self.assertIn(KNOWN_ID, [h["paper"]["id"] for h in hits][:3])
        self.assertIn("calculation", headers.get("x-did-you-mean", "").lower())

    def test_bad_queries_are_400_with_a_message(self):
        cases = [
            search_path('"unbalanced quote'),
            search_path("q" * 10240),
            search_path("the of and"),
            search_path("venue:neurips"),
            search_path("(attention OR"),
            "/api/papers/search",
            "/api/papers/search?q=",
            search_path("quantum", limit="0"),
            search_path("quantum", limit="abc"),
            search_path("quantum", offset="-1"),
            search_path("quantum", sort="best"),
            search_path("quantum", **{"from": "2024-13-01"}),
            search_path("quantum", category="no such category!"),
            "/api/papers/search?q=%FF%FE",
        ]
        for path in cases:
            code, headers, body = request(path)
            self.assertEqual(code, 400, path[:100])
            self.assertTrue(headers["content-type"].startswith("application/json"))
            self.assertTrue(json.loads(body)["error"], path[:100])

    def test_related_papers(self):
        for path in ["/api/papers/%s/related?limit=5" % KNOWN_ID, "/api/papers/arXiv:%sv2/related?limit=5" % KNOWN_ID]:
            code, _, body = request(path)
            self.assertEqual(code, 200, path)
            related = json.loads(body)
            self.assertTrue(0 < len(related) <= 5)
            self.assertNotIn(KNOWN_ID, [h["paper"]["id"] for h in related])
            self.assertTrue(all(h["snippet"] is not None for h in related))
            # The same items as a search gives.
            for h in related:
                self.assertEqual(h["title"], h["paper"]["title"])
                self.assertIsInstance(h["score"], (int, float))
        self.assertEqual(request("/api/papers/2401.99999/related")[0], 404)
        self.assertIn(request("/api/papers/not-an-id/related")[0], (400, 404))
        self.assertEqual(request("/api/papers/%s/related?limit=0" % KNOWN_ID)[0], 400)

    def test_zz_paper_imported_while_serving_becomes_searchable(self):
        self.assertEqual(ids("zyxwvut"), [])
        path = os.path.join(STATE["tmp"], "live.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(LIVE_RECORD) + "\n")
        subprocess.run([BIN, "import", "-q", "--data-dir", STATE["data"], path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pp_server.wait_for("the imported paper in the index",
                           lambda: ids("zyxwvut") == [LIVE_ID], timeout=WAIT_SECONDS)
        hit = search("zyxwvut quasicrystals")[0][0]
        self.assertIn("&lt;script&gt;", hit["snippet"])
        self.assertNotIn("<script>", hit["snippet"])
        # Accent-insensitive author search.
        self.assertEqual(ids("author:quillfeather"), [LIVE_ID])
        self.assertEqual(ids('author:"Zoe Quillfeather"'), [LIVE_ID])
        pp_server.wait_for("index lag 0 in /healthz",
                           lambda: json.loads(request("/healthz")[2]).get("index_lag") == 0,
                           timeout=WAIT_SECONDS)

    def test_zzz_deleted_index_is_rebuilt_on_start(self):
        stop_server(STATE["proc"], STATE["log"])
        shutil.rmtree(os.path.join(STATE["data"], "search"))
        STATE["proc"], STATE["port"], STATE["log"] = start_server(STATE["data"], STATE["log_path"])
        # Never an answer from a half-built index: 503 until it is complete.
        code, _, body = request(search_path(KNOWN_TITLE))
        self.assertIn(code, (200, 503), body[:200])
        if code == 200:
            self.assertEqual(json.loads(body)[0]["paper"]["id"], KNOWN_ID)
        pp_server.wait_for("the rebuilt index", index_ready, timeout=WAIT_SECONDS)
        self.assertEqual(ids(KNOWN_TITLE)[0], KNOWN_ID)
        self.assertEqual(ids("zyxwvut"), [LIVE_ID])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
