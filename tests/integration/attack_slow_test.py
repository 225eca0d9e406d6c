#!/usr/bin/env python3
"""Attack suite, part 3 (issue 13): slow and many clients against the real
`paperpulse serve`.

- 500 idle connections and 100 slowloris senders (a request line, then one
  header byte every 2 s) open at once: a normal client keeps being served,
  each answer within 1 s (a liveness bound, generous by two orders of
  magnitude, not a speed measurement), and the slowloris senders are cut
  off by the request timeout (408, connection closed).
- Out of file descriptors: a server whose RLIMIT_NOFILE is small is sent
  more connections than it may hold. It neither dies nor spins (its CPU time
  while accept() fails stays small), logs the failures once rather than ten
  times a second, and serves again once the connections go away.

usage: attack_slow_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_attack  # noqa: E402
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_community import HF_DAILY  # noqa: E402

BIN = None
STATE = {}
IDLE = 500
SLOWLORIS = 100
DAY = "2026-06-30"


def cpu_seconds(pid):
    """User + system CPU time of process `pid` so far (from /proc)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_get(port, path, timeout):
    """Status of GET `path` on a new connection; raises socket.timeout when
    the whole exchange takes longer than `timeout` s."""
    deadline = time.monotonic() + timeout
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        out = b""
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return int(out.split(b" ", 2)[1])
    finally:
        s.close()


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class SlowClientsTest(unittest.TestCase):
    def test_idle_and_slowloris_do_not_starve_a_normal_client(self):
        port = STATE["port"]
        idle, slow = [], []
        try:
            for _ in range(IDLE):
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            for _ in range(SLOWLORIS):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(s)
            stop = threading.Event()

            def trickle():
                while not stop.wait(2.0):
                    for s in slow:
                        try:
                            s.send(b"a")
                        except OSError:
                            pass
            t = threading.Thread(target=trickle, daemon=True)
            t.start()
            served = 0
            try:
                # Past the server's 10 s request timeout, so the slowloris
                # senders are cut off while we watch.
                end = time.monotonic() + 12
                while time.monotonic() < end:
                    for path in ("/", "/api/daily_papers?date=" + DAY, "/static/app.css",
                                 "/healthz"):
                        self.assertEqual(timed_get(port, path, timeout=1.0), 200, path)
                        served += 1
                    time.sleep(0.3)
            finally:
                stop.set()
                t.join()
            self.assertGreater(served, 40)
            # Each slowloris sender got 408 and a closed connection.
            cut = 0
            for s in slow:
                s.settimeout(5)
                try:
                    answer = pp_http.read_to_close(s, stop_on=(ConnectionResetError,))
                except socket.timeout:
                    continue
                if answer.startswith(b"HTTP/1.1 408 ") or answer == b"":
                    cut += 1
            self.assertEqual(cut, SLOWLORIS)
            self.assertIsNone(STATE["proc"].poll())
        finally:
            for s in idle + slow:
                s.close()


class FileDescriptorLimitTest(unittest.TestCase):
    def test_out_of_descriptors_neither_dies_nor_spins(self):
        limit = 128
        log_path = os.path.join(STATE["tmp"], "emfile.log")

        def small_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        log = open(log_path, "ab")
        proc = subprocess.Popen([BIN, "serve", "--data-dir", STATE["data"], "--listen",
                                 "127.0.0.1:0", "--no-harvest", "--no-access-log"],
                                stdout=log, stderr=subprocess.STDOUT, preexec_fn=small_limit)
        conns = []
        try:
            port = None

            def listening():
                nonlocal port
                with open(log_path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                if "listening on http://127.0.0.1:" in text:
                    port = int(text.split("listening on http://127.0.0.1:")[1].split()[0])
                return port is not None or proc.poll() is not None
            pp_server.wait_for("the server to listen", listening, timeout=30)
            self.assertIsNone(proc.poll())
            self.assertEqual(timed_get(port, "/healthz", timeout=10), 200)
            # The index build (at start, when there is none) opens files of
            # its own: let it finish, so that running out is the flood's doing.
            pp_attack.wait_for_index(port)
            # More connections than descriptors: the kernel queues what the
            # server cannot accept.
            for _ in range(limit + 50):
                conns.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            time.sleep(1.0)
            before = cpu_seconds(proc.pid)
            time.sleep(3.0)
            spent = cpu_seconds(proc.pid) - before
            self.assertIsNone(proc.poll(), "the server died out of descriptors")
            # A spinning accept loop burns a whole core: ~3 s here.
            self.assertLess(spent, 1.0, "CPU seconds while out of descriptors")
            for s in conns:
                s.close()
            conns = []

            def serves():
                try:
                    return timed_get(port, "/healthz", timeout=2) == 200
                except OSError:
                    return False
            pp_server.wait_for("the server to serve again", serves, timeout=30)
            self.assertEqual(timed_get(port, "/papers/date/" + DAY, timeout=10), 200)
        finally:
            for s in conns:
                s.close()
            pp_server.stop_process(proc)
            log.close()
        with open(log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        # One warning per run of failed accepts (not ten a second: dozens of
        # tries failed), one line each when accepting works again.
        episodes = text.count("accept failed")
        self.assertGreaterEqual(episodes, 1, text[-2000:])
        self.assertLessEqual(episodes, 3, text[-2000:])
        self.assertEqual(text.count("accepting again after"), episodes, text[-2000:])
        self.assertNotIn("I/O thread failed", text)


def setUpModule():
    # 500 + 100 sockets here and as many in the server (which inherits it).
    raise_fd_limit(4096)
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 2 * (IDLE + SLOWLORIS) + 200:
        raise unittest.SkipTest("RLIMIT_NOFILE too small for %d connections" % (IDLE + SLOWLORIS))
    tmp = STATE["tmp"] = tempfile.mkdtemp(prefix="pp_attack_slow_")
    try:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        shutil.copy(os.path.join(HF_DAILY, DAY + ".json"), src)
        data = STATE["data"] = os.path.join(tmp, "data")
        subprocess.run([BIN, "import", src, "--data-dir", data], check=True,
                       capture_output=True, timeout=120)
        STATE["proc"], STATE["port"], STATE["log"] = pp_server.start_server(
            BIN, data, os.path.join(tmp, "serve.log"), "--no-harvest", "--no-access-log")
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    try:
        if STATE.get("proc") is not None:
            pp_server.stop_server(STATE["proc"], STATE["log"])
    finally:
        shutil.rmtree(STATE.get("tmp", ""), ignore_errors=True)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
