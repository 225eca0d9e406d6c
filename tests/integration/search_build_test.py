#!/usr/bin/env python3
"""Searchable from the first minute: a fresh site whose full index is still
building answers arXiv ids, exact titles and author names from the lookup
index (marked partial, never cached), says how far the build is and when it
will be done on /healthz, /search and the API, and switches to full-text
answers once the index is live.

The corpus is generated (bench/gen_corpus.py, seeded) so that the full build
takes long enough to be watched on any machine this suite runs on.

usage: search_build_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import json
import os
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

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(ROOT, "bench", "gen_corpus.py")
# Enough papers that the full build (~1,000-3,000 papers/s on 2 cores) takes
# tens of seconds; the lookup pass over them takes a few.
PAPERS = int(os.environ.get("PAPERPULSE_BUILD_TEST_PAPERS", "40000"))
# Polling bound, not a timing assertion: only a guard against hanging.
WAIT_SECONDS = 600


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


class SearchDuringBuildTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pp_build_")
        corpus = os.path.join(cls.tmp, "corpus.jsonl")
        subprocess.run([sys.executable, GENERATOR, "--size", str(PAPERS), "--seed", "3",
                        "--out", corpus], check=True, stderr=subprocess.DEVNULL)
        with open(corpus, encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        # Papers to look for: spread over the corpus, with a title of their
        # own and a first author who wrote few papers.
        titles = {}
        for r in records:
            titles.setdefault(" ".join(r["title"].split()).lower(), []).append(r["id"])
        picks = []
        for r in records[::max(1, len(records) // 7)]:
            if len(titles[" ".join(r["title"].split()).lower()]) == 1:
                picks.append(r)
        cls.picks = picks[:5]
        cls.data = os.path.join(cls.tmp, "data")
        subprocess.run([BIN, "import", "--data-dir", cls.data, corpus], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.log_path = os.path.join(cls.tmp, "serve.log")
        cls.proc, cls.port, cls.log = pp_server.start_server(
            BIN, cls.data, cls.log_path, "--no-harvest", "--no-access-log")

    @classmethod
    def tearDownClass(cls):
        pp_server.stop_server(cls.proc, cls.log)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path):
        return pp_http.request(self.port, path)

    def health(self):
        status, _, body = self.get("/healthz")
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_partial_answers_progress_then_full_text(self):
        # The build starts with the server; watch it until the full phase.
        seen = []
        deadline = time.time() + WAIT_SECONDS
        while time.time() < deadline:
            h = self.health()
            seen.append(h["index"])
            if h["index"].get("phase") == "full" and h["index"]["done"] > 0:
                break
            self.assertNotEqual(h["index"]["state"], "ready",
                                "the build finished before it could be watched: raise "
                                "PAPERPULSE_BUILD_TEST_PAPERS")
            time.sleep(0.05)
        building = seen[-1]
        self.assertEqual(building["state"], "building", seen[-5:])
        self.assertEqual(building["total"], PAPERS)

        # While it builds: ids, exact titles and author names are found.
        for r in self.picks:
            for query in (r["id"], "arXiv:%sv1" % r["id"], "https://arxiv.org/abs/" + r["id"],
                          r["title"].upper()):
                status, headers, body = self.get(q("/api/papers/search", q=query))
                self.assertEqual(status, 200, (query, body[:300]))
                self.assertTrue(headers.get("x-search-index", "").startswith("building"),
                                (query, headers))
                self.assertEqual(headers.get("cache-control"), "no-store")
                items = json.loads(body)
                self.assertEqual(items[0]["paper"]["id"], r["id"], query)
            author = r["authors_parsed"][0]
            name = (author[1] + " " + author[0]).strip()
            status, headers, body = self.get(q("/api/papers/search", q=name))
            self.assertEqual(status, 200, (name, body[:300]))
            self.assertIn(r["id"], [i["paper"]["id"] for i in json.loads(body)], name)
            # The page says what is going on and shows the paper.
            status, headers, body = self.get(q("/search", q=r["title"]))
            self.assertEqual(status, 200)
            page = body.decode()
            self.assertIn("being built", page)
            self.assertIn("/papers/" + r["id"], page)

        # Words are not there yet: 503 with the progress, and a retry hint.
        status, headers, body = self.get(q("/api/papers/search", q="neural network"))
        self.assertEqual(status, 503, body[:300])
        self.assertIn("Retry-After".lower(), headers)
        self.assertIn("being built", json.loads(body)["error"])
        status, headers, body = self.get(q("/search", q="neural network"))
        self.assertEqual(status, 503)
        self.assertIn("being built", body.decode())

        # The figures move, with an ETA, until the index is live.
        dones, etas = [], []
        while time.time() < deadline:
            h = self.health()
            if h["index"]["state"] == "ready":
                break
            if h["index"].get("phase") == "full":
                dones.append(h["index"]["done"])
                if h["index"]["eta_seconds"] is not None:
                    etas.append(h["index"]["eta_seconds"])
            time.sleep(0.5)
        self.assertEqual(h["index"]["state"], "ready", h)
        self.assertEqual(dones, sorted(dones))
        self.assertGreaterEqual(len(set(dones)), 3, dones)
        self.assertTrue(etas, "no ETA was ever given")
        self.assertTrue(all(e >= 0 for e in etas), etas)

        # Live: full text, no partial marker, the lookup index gone.
        pp_server.wait_for("the index lag to be counted", lambda: self.health()["index_lag"] == 0)
        status, headers, body = self.get(q("/api/papers/search", q="neural network"))
        self.assertEqual(status, 200, body[:300])
        self.assertNotIn("x-search-index", headers)
        self.assertTrue(json.loads(body))
        r = self.picks[0]
        status, headers, body = self.get(q("/api/papers/search", q=r["title"]))
        self.assertEqual(json.loads(body)[0]["paper"]["id"], r["id"])
        self.assertFalse(os.path.exists(os.path.join(self.data, "search", "lookup")))


def main():
    global BIN
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
