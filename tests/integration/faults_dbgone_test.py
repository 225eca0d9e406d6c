#!/usr/bin/env python3
"""Database gone (issue 13, Faults): PostgreSQL stopped while `serve` runs
on it, then started again on the same data dir and port.

A PostgreSQL server of the test's own (initdb in a temp dir, a free port:
the test stops it, so it cannot be the shared one of PAPERPULSE_TEST_PG;
needs the PostgreSQL server binaries, else skipped). While it is down:
  - data routes answer 503 with a message: JSON ({"error": ...}) under
    /api/, an HTML page elsewhere — never a hang, a 200 with an empty
    answer, or a crash;
  - /healthz answers 503 with {"status": "error", "error": <why>};
  - static assets are still served (200), and so is the search page, which
    renders from the search index alone (the API's search items carry the
    Store's paper objects: 503 there).
When it is back, the data routes answer 200 again within seconds, without
restarting `serve`. Done for `pg_ctl stop -m fast` and `-m immediate`.

usage: faults_dbgone_test.py PAPERPULSE_BINARY
"""
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import pp_faults  # noqa: E402
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_faults import log  # noqa: E402

BIN = None
SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAY = os.path.join(SHARED, "hf-daily-papers-json", "daily", "2026-06-30.json")


class DatabaseGone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pp_faults_dbgone_")
        os.chmod(cls.tmp, 0o755)
        try:
            cls.pg = pp_faults.PrivatePostgres(cls.tmp)
        except FileNotFoundError as e:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise unittest.SkipTest(str(e))
        cls.db = cls.pg.database("pp_gone")
        cls.data = os.path.join(cls.tmp, "var")
        env = dict(os.environ)
        env.pop("PAPERPULSE_DB", None)
        pp_faults.run_ok([BIN, "import", "-q", "--data-dir", cls.data, "--db", cls.db, HF_DAY],
                         env=env)
        with open(HF_DAY, encoding="utf-8") as f:
            cls.paper = json.load(f)[0]["paper"]["id"]
        cls.log_path = os.path.join(cls.tmp, "serve.log")
        cls.proc, cls.port, cls.logf = pp_server.start_server(
            BIN, cls.data, cls.log_path, "--db", cls.db, "--no-harvest", "--cache-ttl-ms", "0")
        pp_server.wait_for("the first index build", lambda: pp_http.request(
            cls.port, "/api/papers/search?q=learning")[0] == 200, timeout=60)

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.proc.poll() is None:
                pp_server.stop_server(cls.proc, cls.logf)
        finally:
            cls.pg.close()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path):
        return pp_http.request(self.port, path, timeout=30)

    def data_routes(self):
        return {
            "/api/daily_papers?date=2026-06-30": "json",
            "/api/papers/" + self.paper: "json",
            "/api/papers?limit=5": "json",
            "/api/papers/search?q=learning": "json",
            "/": "html",
            "/papers/" + self.paper: "html",
            "/papers/date/2026-06-30": "html",
        }

    def assert_all_up(self, what):
        for path in self.data_routes():
            status, _, body = self.get(path)
            self.assertEqual(status, 200, (what, path, body[:300]))
        status, _, body = self.get("/healthz")
        self.assertEqual(status, 200, (what, body))
        self.assertEqual(json.loads(body)["status"], "ok")

    def assert_static_served(self, what):
        for path in ("/static/app.css", "/static/app.js", "/favicon.ico"):
            status, _, _ = self.get(path)
            self.assertEqual(status, 200, (what, path))
        status, _, body = self.get("/search?q=learning")
        self.assertEqual(status, 200, (what, body[:300]))
        self.assertIn(b'href="/papers/', body)

    def assert_all_down(self, what):
        for path, kind in self.data_routes().items():
            status, headers, body = self.get(path)
            self.assertEqual(status, 503, (what, path, body[:300]))
            ctype = headers.get("content-type", "")
            text = body.decode("utf-8", "replace")
            if kind == "json":
                self.assertTrue(ctype.startswith("application/json"), (path, ctype))
                self.assertTrue(json.loads(body).get("error"), (path, text))
            else:
                self.assertTrue(ctype.startswith("text/html"), (path, ctype))
                self.assertIn("<html", text.lower(), path)
                self.assertRegex(text.lower(), r"unavailable|database|try again", path)
        status, _, body = self.get("/healthz")
        self.assertEqual(status, 503, (what, body))
        doc = json.loads(body)
        self.assertEqual(doc["status"], "error", doc)
        self.assertTrue(doc.get("error"), doc)
        return doc["error"]

    def wait(self, what, predicate, timeout=30):
        start = time.monotonic()
        pp_server.wait_for(what, predicate, timeout)
        return time.monotonic() - start

    def cycle(self, mode):
        self.assert_all_up("before stopping PostgreSQL")
        self.pg.stop(mode)
        # /healthz caches the Store's counts for 2 s: the outage shows after.
        waited = self.wait("/healthz to report the outage",
                           lambda: self.get("/healthz")[0] == 503)
        reason = self.assert_all_down("PostgreSQL stopped (-m %s)" % mode)
        self.assert_static_served("PostgreSQL stopped")
        self.assertIsNone(self.proc.poll(), "serve exited")
        self.pg.start()
        back = self.wait("data routes to answer 200 again", lambda: all(
            self.get(p)[0] == 200 for p in self.data_routes()) and self.get("/healthz")[0] == 200)
        self.assert_all_up("PostgreSQL started again")
        log("pg_ctl stop -m %s: /healthz said 503 after %.1f s (\"%s\"); 200 again %.1f s after "
            "the restart" % (mode, waited, reason[:120], back))

    def test_1_stop_fast_then_start(self):
        self.cycle("fast")

    def test_2_stop_immediate_then_start(self):
        self.cycle("immediate")

    def test_3_serve_still_stops_cleanly(self):
        pp_server.stop_server_cleanly(self.proc, self.logf, self.log_path)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
