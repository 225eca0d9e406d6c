#!/usr/bin/env python3
"""Harvest throughput: `paperpulse harvest` (HTTP fetch + OAI-PMH parse +
validate + merge + SQLite write + checkpoint per page) against the local
fixture server with the 3 s politeness interval off (`--min-interval 0`, a
hidden option for tests and benchmarks), next to `paperpulse import` of the
very same page files in the same run: what the network path and the
per-page checkpoint transactions cost over the importer.

usage: harvest_throughput.py PAPERPULSE_BINARY [N_RECORDS (default 50000)]

Pages of 1000 records made of the real arXivRaw records in ../shared/data
(2,000 of them) cycled with fresh ids (tests/fixtures/make_oai_pages.py).
Against arXiv itself the harvest is bound by the 3 s spacing instead: at
1000 records a page, at most ~330 records/s.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
sys.path.insert(0, FIXTURES)
import make_oai_pages  # noqa: E402


def timed(cmd):
    env = dict(os.environ)
    env.pop("PAPERPULSE_TEST_TIME_SPEED", None)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def main():
    binary = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    tmp = tempfile.mkdtemp(prefix="pp_bench_harvest_")
    server = None
    try:
        pages = os.path.join(tmp, "pages")
        n = make_oai_pages.make_pages(pages, n)
        n_pages = len(os.listdir(pages))
        server = subprocess.Popen([sys.executable, os.path.join(FIXTURES, "arxiv_fixture_server.py"),
                                   "--pages", pages], stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline().split()[1])
        endpoint = "http://127.0.0.1:%d/oai" % port

        rows = []
        t = timed([binary, "harvest", "-q", "--data-dir", os.path.join(tmp, "harvested"),
                   "--endpoint", endpoint, "--min-interval", "0", "--contact", "bench@example.org"])
        rows.append(("paperpulse harvest (local server, no delay)", t))
        t = timed([binary, "import", "-q", "--data-dir", os.path.join(tmp, "imported"), pages])
        rows.append(("paperpulse import (same %d page files)" % n_pages, t))

        print("\n%-46s %10s %9s %12s" % ("loader", "records", "seconds", "records/s"))
        for name, secs in rows:
            print("%-46s %10d %9.2f %12.0f" % (name, n, secs, n / secs))
        print("ratio harvest/import records/s: %.2f" % (rows[1][1] / rows[0][1]))
        print("arXiv's 3 s spacing caps a real harvest at %.0f records/s (1000-record pages)" % (1000 / 3))
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
