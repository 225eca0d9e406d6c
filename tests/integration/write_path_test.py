#!/usr/bin/env python3
"""End-to-end tests of the HTTP write path of `paperpulse serve` with the
real binary on a free port: methods (405 with Allow), the body limit (413),
a client trickling a request body not holding up other clients, the
client address behind a trusted proxy, and a write by another process
(`paperpulse import`) reaching the server's response cache within a second
or so although the cache would keep answers for ten minutes.

usage: write_path_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HF_DAILY = os.path.join(ROOT, "..", "shared", "data", "hf-daily-papers-json", "daily")
DAY = "2026-06-30"
NEW_ID = "2606.99998"
MAX_BODY = 2048
STATE = {}


def request(path, method="GET", headers=None, body=None):
    return pp_http.request(STATE["port"], path, method, headers, body)


def raw_exchange(data):
    return pp_http.raw_exchange(STATE["port"], data)


def hf_item(paper_id, title, day):
    ts = day + "T08:00:00.000Z"
    return {
        "paper": {
            "id": paper_id,
            "authors": [{"name": "Ada Lovelace", "hidden": False}],
            "publishedAt": ts,
            "submittedOnDailyAt": ts,
            "title": title,
            "summary": "A paper written to test the write path.",
            "upvotes": 1,
        },
        "publishedAt": ts,
        "title": title,
        "summary": "A paper written to test the write path.",
        "numComments": 0,
        "submittedBy": {"name": "tester"},
    }


def import_dir(src):
    p = subprocess.run([BIN, "import", "--json", "--data-dir", STATE["data"], src],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("import failed:\n" + p.stderr[-4000:])


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="pp_write_")
    STATE["tmp"] = tmp
    try:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        shutil.copy(os.path.join(HF_DAILY, DAY + ".json"), src)
        STATE["data"] = os.path.join(tmp, "var")
        import_dir(src)
        STATE["log_path"] = os.path.join(tmp, "serve.log")
        # One I/O thread: whatever blocked it would block every client. A
        # ten-minute cache: only invalidation can show a write.
        proc, port, log = pp_server.start_server(
            BIN, STATE["data"], STATE["log_path"], "--no-harvest", "--threads", "1",
            "--max-body", str(MAX_BODY), "--cache-ttl-ms", "600000",
            "--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "10.0.0.0/8")
        STATE.update(proc=proc, port=port, log=log)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def tearDownModule():
    try:
        proc = STATE.get("proc")
        if proc is not None:
            pp_server.stop_server_cleanly(proc, STATE["log"], STATE["log_path"], timeout=20)
    finally:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


class Methods(unittest.TestCase):
    def test_wrong_method_on_a_known_path_is_405_with_allow(self):
        code, h, body = request("/api/papers/search?q=x", method="POST", body=b"{}",
                                headers={"Content-Type": "application/json"})
        self.assertEqual(code, 405)
        self.assertEqual(h["allow"], "GET, HEAD")
        self.assertTrue(h["content-type"].startswith("application/json"), h)
        self.assertIn("not allowed", json.loads(body)["error"])
        self.assertEqual(h["cache-control"], "no-store")
        for method, path in (("POST", "/healthz"), ("DELETE", "/feeds/daily.atom"),
                             ("PUT", "/papers/trending"), ("POST", "/papers/date/" + DAY)):
            code, h, _ = request(path, method=method)
            self.assertEqual(code, 405, (method, path))
            self.assertEqual(h["allow"], "GET, HEAD", (method, path))
            self.assertFalse(h["content-type"].startswith("application/json"), (method, path))

    def test_unknown_path_is_404_whatever_the_method(self):
        self.assertEqual(request("/no/such/thing", method="POST")[0], 404)

    def test_head_answers_like_get_without_a_body(self):
        code, h, body = request("/api/daily_papers?date=" + DAY, method="HEAD")
        self.assertEqual(code, 200)
        self.assertEqual(body, b"")
        self.assertGreater(int(h["content-length"]), 100)
        self.assertEqual(h["cache-control"], "public, max-age=0, must-revalidate")


class Limits(unittest.TestCase):
    def test_body_over_the_limit_is_413_and_under_it_is_routed(self):
        big = b"x" * (MAX_BODY + 1)
        out = raw_exchange(b"POST /api/papers/search HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(big)
                           + big)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:100])
        ok = b"y" * MAX_BODY
        out = raw_exchange(b"POST /api/papers/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(ok)
                           + ok)
        self.assertTrue(out.startswith(b"HTTP/1.1 405"), out[:100])
        self.assertEqual(request("/healthz")[0], 200)


class Concurrency(unittest.TestCase):
    def test_a_client_trickling_its_body_does_not_hold_up_others(self):
        body = b'{"id": "' + b"1" * 200 + b'"}'
        head = (b"POST /api/papers/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        started = threading.Event()
        others_done = threading.Event()
        result = {}

        def trickle():
            s = socket.create_connection(("127.0.0.1", STATE["port"]), timeout=30)
            try:
                s.sendall(head + body[:1])
                sent = 1
                started.set()
                # A byte now and then until every other client has its
                # answer, then the rest: the request is mid-body meanwhile.
                while not others_done.wait(0.02):
                    if sent < len(body) - 1:
                        s.sendall(body[sent:sent + 1])
                        sent += 1
                s.sendall(body[sent:])
                result["answer"] = pp_http.read_to_close(s)
            finally:
                started.set()
                s.close()

        t = threading.Thread(target=trickle)
        t.start()
        try:
            self.assertTrue(started.wait(30))
            for path in ("/healthz", "/api/daily_papers?date=" + DAY, "/papers/date/" + DAY,
                         "/papers/trending", "/favicon.ico", "/api/daily_papers?date=" + DAY):
                code, _, _ = request(path)
                self.assertEqual(code, 200, path)
        finally:
            others_done.set()
            t.join(timeout=60)
        self.assertFalse(t.is_alive())
        # The slow request itself was read to its end and routed (not cut off).
        answer = result.get("answer", b"")
        self.assertTrue(answer.startswith(b"HTTP/1.1 405"), answer[:100])


class ClientAddress(unittest.TestCase):
    def test_forwarded_for_from_a_trusted_proxy_is_the_client(self):
        path = "/healthz?client-address-test"
        self.assertEqual(request(path, headers={"X-Forwarded-For": "198.51.100.4, 203.0.113.7, 10.1.2.3"})[0], 200)
        # The access line is written before the answer is sent.
        with open(STATE["log_path"], "rb") as f:
            log = f.read().decode("utf-8", "replace")
        lines = [l for l in log.splitlines() if "client-address-test" in l]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("access remote=203.0.113.7 method=GET", lines[0])


class ReadYourWrites(unittest.TestCase):
    def test_a_write_by_another_process_reaches_the_cache(self):
        path = "/api/daily_papers?date=%s&limit=100" % DAY
        before = json.loads(request(path)[2])
        self.assertNotIn(NEW_ID, [x["paper"]["id"] for x in before])
        page_before = request("/papers/date/" + DAY)[2]
        self.assertNotIn(NEW_ID.encode(), page_before)
        src = os.path.join(STATE["tmp"], "more")
        os.makedirs(src)
        with open(os.path.join(src, DAY + ".json"), "w", encoding="utf-8") as f:
            json.dump([hf_item(NEW_ID, "A Paper Imported While Serving", DAY)], f)
        import_dir(src)
        # The server polls the Store's content version every 500 ms; its
        # cache would otherwise answer from before the import for ten minutes.
        deadline = time.time() + 20
        ids = []
        while time.time() < deadline:
            ids = [x["paper"]["id"] for x in json.loads(request(path)[2])]
            if NEW_ID in ids:
                break
            time.sleep(0.1)
        self.assertIn(NEW_ID, ids)
        self.assertIn(NEW_ID.encode(), request("/papers/date/" + DAY)[2])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
