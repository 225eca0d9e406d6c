#!/usr/bin/env python3
"""End-to-end tests of `paperpulse harvest` and serve's background harvester,
with the real binary against tests/fixtures/arxiv_fixture_server.py, which
replays real arXiv recordings from ../shared/data on loopback.

usage: harvest_test.py PAPERPULSE_BINARY PAPERPULSE_TESTING_BINARY   (run by ctest)

Most cases set PAPERPULSE_TEST_TIME_SPEED and run paperpulse-testing, the
same CLI with test-only time control on (its clock runs that many times
faster: a Retry-After of 10 s or arXiv's 3 s spacing take milliseconds).
The production binary ignores the variable (ProductionBinaryKeepsRealTime);
RateLimitOnTheServerSide uses the real clock.
"""
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
import urllib.request

BIN = None
TESTING_BIN = None  # paperpulse-testing: honours PAPERPULSE_TEST_TIME_SPEED
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SERVER = os.path.join(FIXTURES, "arxiv_fixture_server.py")
SHARED = os.path.join(ROOT, "..", "shared", "data")
OAI = os.path.join(SHARED, "arxiv-oai-pmh-xml")
PAGES = [os.path.join(OAI, "albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml"),
         os.path.join(OAI, "arxivsync__ListRecords_arXivRaw_token-496549-46001_2014.xml")]
CONTACT = "harvest-test@example.org"
FAST = {"PAPERPULSE_TEST_TIME_SPEED": "1000"}
sys.path.insert(0, FIXTURES)
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import make_oai_pages  # noqa: E402
from pp_server import free_port  # noqa: E402


def env_with(extra):
    env = dict(os.environ)
    for k in ("PAPERPULSE_TEST_TIME_SPEED", "PAPERPULSE_OAI_ENDPOINT", "PAPERPULSE_DATA_DIR", "PAPERPULSE_DB"):
        env.pop(k, None)
    env["PAPERPULSE_CONTACT"] = CONTACT
    env.update(extra or {})
    return env


def binary_for(env):
    """The testing binary when `env` asks for fast time, else the production one."""
    return TESTING_BIN if env and "PAPERPULSE_TEST_TIME_SPEED" in env else BIN


def run(*args, env=None, check=None, timeout=300):
    p = subprocess.run([binary_for(env), *args], capture_output=True, text=True, timeout=timeout,
                       env=env_with(env))
    if check is not None and p.returncode != check:
        raise AssertionError("%s exited %d, wanted %d\nstderr:\n%s" % (args, p.returncode, check, p.stderr[-4000:]))
    return p


def stats(d):
    return json.loads(run("stats", "--json", "--data-dir", d, check=0).stdout)


def status(d):
    return json.loads(run("harvest", "--status", "--json", "--data-dir", d, check=0).stdout)


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="pp_harvest_")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Fixture:
    """The fixture server in a child process; stopped (by pid) on exit."""

    def __init__(self, tmp, *args, port=0):
        self.log = os.path.join(tmp, "requests-%d.jsonl" % time.monotonic_ns())
        self.args = ["--log", self.log, "--port", str(port), *args]

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, SERVER, *self.args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise AssertionError("fixture server did not start: %r" % line)
        self.port = int(line.split()[1])
        self.url = "http://127.0.0.1:%d/oai" % self.port
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]

    def wait_for(self, pred, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred(self.requests()):
                return True
            time.sleep(0.02)
        return False


def harvest(d, fixture, *extra, env=FAST, check=None):
    return run("harvest", "--data-dir", d, "--endpoint", fixture.url, *extra, env=env, check=check)


def import_reference(tmp, paths):
    """`paperpulse import` of the same pages into a fresh Store: what a
    harvest of them must produce."""
    ref = os.path.join(tmp, "ref-%d" % time.monotonic_ns())
    run("import", "-q", "--data-dir", ref, *paths, check=0)
    return stats(ref)


def same_content(a, b):
    return {k: a[k] for k in ("papers", "versions")} == {k: b[k] for k in ("papers", "versions")}


class HarvestRecordedPages(unittest.TestCase):
    """The two recorded 1000-record arXivRaw pages, chained by the first
    page's resumptionToken (the second uses single-quoted attributes)."""

    def test_all_records_land_and_status(self):
        with TempDir() as tmp, Fixture(tmp) as fx:
            d = os.path.join(tmp, "data")
            p = harvest(d, fx, check=0)
            self.assertIn("2000 records in 2 pages", p.stderr)
            self.assertIn("harvest: complete", p.stderr)
            s = stats(d)
            ref = import_reference(tmp, PAGES)
            self.assertTrue(same_content(s, ref), (s, ref))
            self.assertGreater(s["papers"], 1900)

            reqs = fx.requests()
            self.assertEqual(len(reqs), 2, reqs)
            self.assertIn("verb=ListRecords&metadataPrefix=arXivRaw", reqs[0]["path"])
            self.assertIn("resumptionToken=3996692%7C1001", reqs[1]["path"])
            for r in reqs:
                self.assertIn("mailto:" + CONTACT, r["user_agent"])
                self.assertTrue(r["user_agent"].startswith("paperpulse/"), r["user_agent"])

            cp = status(d)
            self.assertTrue(cp["complete"])
            self.assertEqual(cp["pages"], 2)
            self.assertEqual(cp["records"], 2000)
            self.assertEqual(cp["resumption_token"], "")
            datestamps = []
            for path in PAGES:
                with open(path, encoding="utf-8") as f:
                    datestamps += re.findall(r"<datestamp>([^<]+)</datestamp>", f.read())
            self.assertEqual(cp["harvested_through"], max(datestamps))
            text = run("harvest", "--status", "--data-dir", d, check=0).stdout
            self.assertRegex(text, r"state\s+complete")
            self.assertRegex(text, r"records\s+2000")
            self.assertIn(fx.url, text)

            # Incremental: the next run asks from the last harvested datestamp
            # and changes nothing (same records).
            p = harvest(d, fx, check=0)
            self.assertIn("from=" + max(datestamps), fx.requests()[2]["path"])
            self.assertIn("(0 new, 0 updated", p.stderr)
            self.assertTrue(same_content(stats(d), s))

    def test_identify_and_listsets_are_replayed(self):
        with TempDir() as tmp, Fixture(tmp) as fx:
            for verb, needle in (("Identify", b"<repositoryName>arXiv</repositoryName>"),
                                 ("ListSets", b"<setSpec>cs</setSpec>")):
                body = urllib.request.urlopen(fx.url + "?verb=" + verb, timeout=10).read()
                self.assertIn(needle, body)

    def test_bad_options(self):
        with TempDir() as tmp:
            d = os.path.join(tmp, "data")
            p = run("harvest", "--data-dir", d, "--from", "2019-13-01", "--endpoint", "http://127.0.0.1:9/oai")
            self.assertEqual(p.returncode, 2, p.stderr)
            p = run("harvest", "--data-dir", d, "--format", "marc")
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("format", p.stderr)


class ArxivApiById(unittest.TestCase):
    """`harvest --id`: single papers through the arXiv API recordings."""

    def test_fetch_ids(self):
        with TempDir() as tmp, Fixture(tmp) as fx:
            d = os.path.join(tmp, "data")
            api = "http://127.0.0.1:%d/api/query" % fx.port
            p = run("harvest", "--data-dir", d, "--api-endpoint", api, "--id", "1605.08386",
                    "--id", "0704.9999", "--id", "abc", env=FAST)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("harvest: 1605.08386 new", p.stderr)
            self.assertIn("0704.9999: arXiv has no such paper", p.stderr)  # the recorded empty result
            self.assertRegex(p.stderr, r"abc: .*")
            reqs = fx.requests()
            self.assertEqual(len(reqs), 2, reqs)  # "abc" is refused before any request
            self.assertTrue(all(r["path"].startswith("/api/query?id_list=") for r in reqs))
            self.assertEqual(stats(d)["papers"], 1)
            p = run("harvest", "--data-dir", d, "--api-endpoint", api, "--id", "1605.08386", env=FAST)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("1605.08386 unchanged", p.stderr)


class RetryAfter(unittest.TestCase):
    def test_503_is_waited_out(self):
        # The recorded 503 page with its Retry-After: 10, then the pages.
        with TempDir() as tmp, Fixture(tmp, "--fail-requests", "1") as fx:
            d = os.path.join(tmp, "data")
            p = harvest(d, fx, check=0)
            self.assertIn("HTTP 503 with Retry-After: 10", p.stderr)
            self.assertIn("waiting 10 s", p.stderr)
            self.assertIn("2000 records in 2 pages", p.stderr)
            reqs = fx.requests()
            self.assertEqual([r["status"] for r in reqs], [503, 200, 200])
            self.assertEqual(reqs[0]["path"], reqs[1]["path"])
            # 10 s at the test's clock speed (1000x) is 10 ms, a lower bound.
            self.assertGreaterEqual(reqs[1]["t"] - reqs[0]["t"], 0.010)

    def test_gives_up_after_max_tries_keeping_pages(self):
        # Page 2 is refused with 503 on every try: page 1 stays, and the
        # re-run continues from page 2.
        with TempDir() as tmp:
            d = os.path.join(tmp, "data")
            with Fixture(tmp, "--fail-requests", "2,3,4") as fx:
                p = harvest(d, fx, "--max-tries", "3", check=1)
                self.assertIn("gave up after 3 tries", p.stderr)
                self.assertIn("HTTP 503", p.stderr)
                self.assertIn("kept the 1 page(s)", p.stderr)
                cp = status(d)
                self.assertEqual((cp["pages"], cp["records"], cp["complete"]), (1, 1000, False))
                port = fx.port
            with Fixture(tmp, port=port) as fx:
                p = harvest(d, fx, check=0)
                self.assertIn("resumed", p.stderr)
                self.assertEqual(len(fx.requests()), 1)
                self.assertTrue(same_content(stats(d), import_reference(tmp, PAGES)))


class Checkpoints(unittest.TestCase):
    def test_kill_during_page_fetch_resumes_without_loss(self):
        with TempDir() as tmp:
            d = os.path.join(tmp, "data")
            with Fixture(tmp, "--page-delay", "60") as fx:
                proc = subprocess.Popen([TESTING_BIN, "harvest", "-q", "--data-dir", d, "--endpoint", fx.url],
                                        env=env_with(FAST), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    self.assertTrue(fx.wait_for(lambda r: len(r) >= 2 or proc.poll() is not None))
                finally:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                port = fx.port
            cp = status(d)
            self.assertEqual((cp["pages"], cp["records"], cp["complete"]), (1, 1000, False))
            self.assertEqual(cp["resumption_token"], "3996692|1001")
            with Fixture(tmp, port=port) as fx:
                p = harvest(d, fx, check=0)
                self.assertIn("resumed", p.stderr)
                self.assertIn("1000 records in 1 pages", p.stderr)
                reqs = fx.requests()
                self.assertEqual(len(reqs), 1)
                self.assertIn("resumptionToken=3996692%7C1001", reqs[0]["path"])
            cp = status(d)
            self.assertEqual((cp["pages"], cp["records"], cp["complete"]), (2, 2000, True))
            self.assertTrue(same_content(stats(d), import_reference(tmp, PAGES)))

    def test_kill_at_any_moment(self):
        # 12 generated pages served without delay; the harvester is killed
        # at different moments (during fetches, parses and commits) and
        # re-run until it completes: the result is the clean run's.
        with TempDir() as tmp:
            pages = os.path.join(tmp, "pages")
            make_oai_pages.make_pages(pages, 12000)
            clean = os.path.join(tmp, "clean")
            d = os.path.join(tmp, "killed")
            with Fixture(tmp, "--pages", pages) as fx:
                t = time.monotonic()
                harvest(clean, fx, "--min-interval", "0", env={}, check=0)
                clean_seconds = time.monotonic() - t
                want = stats(clean)
                self.assertEqual(want["papers"], 12000)
                kills = 0
                # Short, uneven lifetimes: each run gets a little further.
                for frac in (0.1, 0.25, 0.05, 0.3, 0.2, 0.15, 0.35, 0.1, 0.2, 0.3):
                    proc = subprocess.Popen([BIN, "harvest", "-q", "--data-dir", d, "--endpoint", fx.url,
                                             "--min-interval", "0"], env=env_with({}),
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    try:
                        proc.wait(timeout=clean_seconds * frac)
                    except subprocess.TimeoutExpired:
                        proc.send_signal(signal.SIGKILL)
                        kills += 1
                    proc.wait()
                harvest(d, fx, "--min-interval", "0", env={}, check=0)
                cp = status(d)
                self.assertTrue(cp["complete"])
                self.assertEqual(cp["records"], 12000)  # no page counted twice
                got = stats(d)
                self.assertTrue(same_content(got, want), (got, want))
                print("\nkill -9 at any moment: %d kills, clean run %.1f s" % (kills, clean_seconds),
                      file=sys.stderr)
                self.assertGreaterEqual(kills, 3)

    def test_expired_token_restarts_the_window(self):
        with TempDir() as tmp, Fixture(tmp, "--expire-token-once") as fx:
            d = os.path.join(tmp, "data")
            p = harvest(d, fx, "--set", "cs", "--from", "2019-10-01", "--until", "2019-10-09", check=0)
            self.assertIn("badResumptionToken", p.stderr)
            paths = [r["path"] for r in fx.requests()]
            self.assertEqual(len(paths), 4, paths)
            self.assertIn("resumptionToken=", paths[1])
            for i in (0, 2):
                self.assertIn("metadataPrefix=arXivRaw&set=cs&from=2019-10-01&until=2019-10-09", paths[i])
            cp = status(d)
            self.assertEqual((cp["restarts"], cp["complete"]), (1, True))
            self.assertTrue(same_content(stats(d), import_reference(tmp, PAGES)))

    def test_malformed_page_is_reported_with_page_and_reason(self):
        with TempDir() as tmp, Fixture(tmp, "--malformed-page", "2") as fx:
            d = os.path.join(tmp, "data")
            p = harvest(d, fx, "--max-tries", "2", check=1)
            err = p.stderr
            self.assertRegex(err, r"page 2 \(http://127\.0\.0\.1:\d+/oai\?verb=ListRecords&resumptionToken=")
            self.assertIn("malformed XML", err)
            self.assertIn("gave up after 2 tries", err)
            self.assertIn("kept the 1 page(s)", err)
            self.assertEqual(len(fx.requests()), 3)  # page 1, page 2 twice
            cp = status(d)
            self.assertEqual((cp["pages"], cp["records"], cp["complete"]), (1, 1000, False))
            self.assertTrue(same_content(stats(d), import_reference(tmp, PAGES[:1])))


class RateLimitOnTheServerSide(unittest.TestCase):
    def test_requests_are_at_least_3s_apart(self):
        # Real clock. Three requests: a 503 asking for only 1 s, then the
        # two pages; arXiv's 3 s spacing must hold for each of them, as the
        # server saw them arrive.
        with TempDir() as tmp, Fixture(tmp, "--fail-requests", "1", "--retry-after", "1") as fx:
            d = os.path.join(tmp, "data")
            harvest(d, fx, env={}, check=0)
            t = [r["t"] for r in fx.requests()]
            self.assertEqual(len(t), 3)
            gaps = [b - a for a, b in zip(t, t[1:])]
            print("\nrequest spacing seen by the server: %s s" % ", ".join("%.3f" % g for g in gaps),
                  file=sys.stderr)
            for g in gaps:
                self.assertGreaterEqual(g, 3.0)


class ProductionBinaryKeepsRealTime(unittest.TestCase):
    def test_time_speed_variable_is_ignored(self):
        # The production binary with PAPERPULSE_TEST_TIME_SPEED=1000 and a
        # 503 with Retry-After: 10. Honouring the variable, the retry would
        # follow within 10 ms (and the whole harvest in well under a second,
        # as RetryAfter shows with the testing binary); in real time nothing
        # more is asked for 10 s. Stopped (by pid) after 1.5 s.
        with TempDir() as tmp, Fixture(tmp, "--fail-requests", "1") as fx:
            d = os.path.join(tmp, "data")
            proc = subprocess.Popen([BIN, "harvest", "--data-dir", d, "--endpoint", fx.url],
                                    env=env_with(FAST), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)
            try:
                self.assertTrue(fx.wait_for(lambda r: len(r) >= 1 or proc.poll() is not None, timeout=30))
                time.sleep(1.5)
                self.assertIsNone(proc.poll(), "the harvest ended: it did not wait 10 s")
                self.assertEqual([r["status"] for r in fx.requests()], [503])
            finally:
                proc.kill()
                _, err = proc.communicate()
            self.assertIn("waiting 10 s", err)


class Serve:
    """`paperpulse serve` in a child process, output in a file; stopped by pid."""

    def __init__(self, tmp, d, *args, env=None):
        self.out = os.path.join(tmp, "serve-%d.log" % time.monotonic_ns())
        self.cmd = [binary_for(env), "serve", "--data-dir", d, "--listen", "127.0.0.1:0", "--no-access-log", *args]
        self.env = env

    def __enter__(self):
        self.f = open(self.out, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.f, stderr=subprocess.STDOUT, env=env_with(self.env))
        end = time.monotonic() + 60
        while time.monotonic() < end:
            m = re.search(r"listening on (http://\S+)", self.text())
            if m:
                self.url = m.group(1)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.__exit__()
        raise AssertionError("serve did not start:\n" + self.text())

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.f.close()

    def text(self):
        with open(self.out, encoding="utf-8", errors="replace") as f:
            return f.read()

    def healthz(self):
        with urllib.request.urlopen(self.url + "/healthz", timeout=10) as r:
            return r.status


def wait_until(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


class BackgroundHarvest(unittest.TestCase):
    def test_serve_harvests_in_the_background(self):
        with TempDir() as tmp, Fixture(tmp) as fx:
            d = os.path.join(tmp, "data")
            with Serve(tmp, d, "--harvest-endpoint", fx.url, env=FAST) as srv:
                # A fresh install has missed the daily run: it harvests at once.
                self.assertTrue(wait_until(lambda: "background harvest: 2000 records" in srv.text(), 60),
                                srv.text())
                self.assertEqual(srv.healthz(), 200)
                self.assertEqual(stats(d)["papers"], import_reference(tmp, PAGES)["papers"])
                self.assertIn("mailto:" + CONTACT, fx.requests()[0]["user_agent"])
            self.assertEqual(srv.proc.returncode, 0, srv.text()[-3000:])

    def test_no_harvest(self):
        with TempDir() as tmp, Fixture(tmp) as fx:
            d = os.path.join(tmp, "data")
            with Serve(tmp, d, "--no-harvest", "--harvest-endpoint", fx.url, env=FAST) as srv:
                self.assertEqual(srv.healthz(), 200)
                time.sleep(1)
                self.assertEqual(fx.requests(), [])
                self.assertIn("harvesting disabled", srv.text())

    def test_offline_warns_once_per_attempt_and_keeps_serving(self):
        # Nothing listens at the endpoint. At 1000x an attempt (4 tries with
        # back-off) takes milliseconds and the retry an hour later 3.6 s.
        with TempDir() as tmp:
            d = os.path.join(tmp, "data")
            endpoint = "http://127.0.0.1:%d/oai" % free_port()
            with Serve(tmp, d, "--harvest-endpoint", endpoint, env=FAST) as srv:
                self.assertTrue(wait_until(lambda: srv.text().count("background harvest failed") >= 2, 60),
                                srv.text())
                self.assertEqual(srv.healthz(), 200)
                text = srv.text()
            warnings = [l for l in text.splitlines() if " warning " in l or " warn " in l]
            failed = [l for l in warnings if "background harvest failed" in l]
            self.assertEqual(len(warnings), len(failed), warnings)  # nothing but one line per attempt
            self.assertIn("still serving, next attempt at", failed[0])
            self.assertIn(endpoint, failed[0])

    def test_bad_harvest_time(self):
        with TempDir() as tmp:
            p = run("serve", "--data-dir", os.path.join(tmp, "d"), "--listen", "127.0.0.1:0",
                    "--harvest-at", "25:00")
            self.assertEqual(p.returncode, 2)
            self.assertIn("--harvest-at", p.stderr)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    TESTING_BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
