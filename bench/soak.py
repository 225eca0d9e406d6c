#!/usr/bin/env python3
"""Soak (issue 13): `paperpulse serve` under SOAK_SECONDS (600) of mixed wrk
load, watching for errors, memory growth and latency drift. A benchmark, not
a test: not part of `make test`.

usage: soak.py PAPERPULSE_BINARY   (bench/soak.sh)

1. Imports the Hugging Face daily lists of ../shared/data (all of them) and
   the Kaggle snapshot slice into a temp data dir, builds the search index,
   creates SOAK_ACCOUNTS (50) accounts with API tokens, and starts
   `paperpulse serve --no-harvest --no-access-log` with the vote limits off
   and the response cache on (as deployed).
2. Load: wrk (bench/soak.lua) with SOAK_CONNECTIONS (16) connections on 2
   threads, in back-to-back runs of one minute each: GETs of the daily,
   week, month and trending pages, paper pages, author pages, the search
   page and API, the JSON API (daily papers, papers, a paper, paging),
   the Atom feeds, /healthz; one request in ten is a signed-in vote
   (POST/DELETE /api/papers/{id}/upvote). Paths cover a few hundred papers
   and queries, so the response cache holds many entries.
3. Every 10 s the server's RSS (VmRSS of /proc/PID/status) is sampled.
   Printed: each minute's requests, req/s, p50/p99/max and errors; the RSS
   samples; the RSS growth after warm-up (the first minute) to the end, in
   percent; and a summary line SOAK_RESULT {...}. Exit code 1 when any
   request failed (socket error or non-2xx) or the server died.

Environment: SOAK_SECONDS (600), SOAK_CONNECTIONS (16), SOAK_ACCOUNTS (50),
SOAK_WARMUP_SECONDS (60).
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import pp_server  # noqa: E402
from pp_community import HF_DAILY, KAGGLE  # noqa: E402
LUA = os.path.join(ROOT, "bench", "soak.lua")
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "16"))
ACCOUNTS = int(os.environ.get("SOAK_ACCOUNTS", "50"))
WARMUP = int(os.environ.get("SOAK_WARMUP_SECONDS", "60"))
SEGMENT = 60


def run(*argv, timeout=3600):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(argv[:3]), p.stderr[-3000:]))
    return p.stdout


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.loads(r.read())


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def paths_file(base, path):
    """Writes the weighted GET paths of the load (soak.lua's PATHS_FILE)."""
    days = sorted(f[:-5] for f in os.listdir(HF_DAILY) if re.match(r"\d{4}-\d\d-\d\d\.json$", f))
    recent = days[-30:]
    papers = []
    for day in recent[-10:]:
        papers += [item["paper"]["id"] for item in
                   get_json(base, "/api/daily_papers?date=%s&limit=50" % day)]
    authors = []
    for pid in papers[:60]:
        authors += [a["name"] for a in get_json(base, "/api/papers/" + pid)["authors"][:1]]
    words = ["diffusion", "language models", "video", "reasoning", "agents", "robot", "3d",
             "benchmark", "reinforcement learning", "vision transformer", "quantum", "graph",
             "retrieval", "speech", "alignment", "multimodal", "efficient", "medical"]
    rng = random.Random(1)
    lines = ["20 /", "5 /papers/trending", "3 /healthz", "5 /feeds/daily.atom",
             "2 /feeds/trending.atom", "3 /api/papers?limit=50", "1 /openapi.json",
             "2 /static/app.css"]
    lines += ["2 /papers/date/" + d for d in recent]
    lines += ["1 /papers/week/%s-W%02d" % (d[:4], int(time.strftime(
        "%V", time.strptime(d, "%Y-%m-%d")))) for d in recent[::5]]
    lines += ["1 /papers/month/" + m for m in sorted({d[:7] for d in recent})]
    lines += ["2 /api/daily_papers?date=" + d for d in recent[-10:]]
    lines += ["3 /papers/" + p for p in papers]
    lines += ["1 /api/papers/" + p for p in papers]
    lines += ["1 /papers/%s.md" % p for p in papers[::4]]
    lines += ["1 /api/papers/%s/related" % p for p in papers[::6]]
    lines += ["1 /authors/" + urllib.parse.quote(a) for a in authors]
    for w in words:
        q = urllib.parse.quote(w)
        lines += ["2 /search?q=" + q, "1 /api/papers/search?q=%s&limit=10" % q,
                  "1 /feeds/search.atom?q=" + q]
    lines += ["1 /search?q=" + urllib.parse.quote(rng.choice(words) + " " + rng.choice(words))
              for _ in range(40)]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return papers


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/release/paperpulse")
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (apt-get install wrk)")
    tmp = tempfile.mkdtemp(prefix="pp_soak_")
    proc = log = None
    try:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        for f in os.listdir(HF_DAILY):
            if f.endswith(".json"):
                os.symlink(os.path.join(HF_DAILY, f), os.path.join(src, f))
        os.symlink(KAGGLE, os.path.join(src, os.path.basename(KAGGLE)))
        data = os.path.join(tmp, "data")
        t = time.monotonic()
        run(binary, "import", src, "--data-dir", data)
        run(binary, "reindex", "--data-dir", data)
        print("imported and indexed in %.0f s" % (time.monotonic() - t), flush=True)
        tokens = [run(binary, "token", "create", "soak%d@soak.test" % i, "--data-dir",
                      data).strip() for i in range(ACCOUNTS)]
        proc, port, log = pp_server.start_server(
            binary, data, os.path.join(tmp, "serve.log"), "--no-harvest", "--no-access-log",
            "--vote-limit-per-account", "0", "--vote-limit-per-ip", "0")
        base = "http://127.0.0.1:%d" % port
        paths = os.path.join(tmp, "paths.txt")
        papers = paths_file(base, paths)
        votes = os.path.join(tmp, "votes.txt")
        with open(votes, "w") as f:
            for i, token in enumerate(tokens):
                for pid in papers[i % 7::7][:5]:
                    f.write("%s %s\n" % (token, pid))

        samples = []  # (seconds since start, RSS KiB)
        stop = threading.Event()
        start = time.monotonic()

        def sample():
            while True:
                samples.append((time.monotonic() - start, rss_kib(proc.pid)))
                if stop.wait(10):
                    return
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        minutes = []
        remaining = SECONDS
        while remaining > 0 and proc.poll() is None:
            d = min(SEGMENT, remaining)
            out = subprocess.run(["wrk", "-t2", "-c%d" % CONNECTIONS, "-d%ds" % d, "--latency",
                                  "-s", LUA, base, "--", paths, votes],
                                 capture_output=True, text=True, timeout=d + 60).stdout
            m = re.search(r"WRK_RESULT (\{.*\})", out)
            r = json.loads(m.group(1)) if m else {"requests": 0, "seconds": d, "p50_ms": 0,
                                                  "p99_ms": 0, "max_ms": 0, "errors": -1,
                                                  "non2xx": -1}
            r["minute"] = len(minutes) + 1
            r["rss_mib"] = rss_kib(proc.pid) / 1024 if proc.poll() is None else 0
            minutes.append(r)
            print("minute %2d: %7d requests, %7.0f req/s, p50 %6.2f ms, p99 %7.2f ms, max %8.2f "
                  "ms, errors %d, non-2xx %d, RSS %.1f MiB" % (
                      r["minute"], r["requests"], r["requests"] / max(r["seconds"], 1e-9),
                      r["p50_ms"], r["p99_ms"], r["max_ms"], r["errors"], r["non2xx"],
                      r["rss_mib"]), flush=True)
            remaining -= d
        stop.set()
        sampler.join()
        alive = proc.poll() is None
        print("RSS samples (s, MiB): " + ", ".join("%.0f:%.1f" % (s, k / 1024) for s, k in samples))
        after_warmup = [k for s, k in samples if s >= WARMUP] or [k for _, k in samples]
        growth = 100.0 * (after_warmup[-1] - after_warmup[0]) / after_warmup[0]
        peak = 100.0 * (max(after_warmup) - after_warmup[0]) / after_warmup[0]
        errors = sum(max(r["errors"], 0) + max(r["non2xx"], 0) for r in minutes)
        failed_segments = sum(1 for r in minutes if r["errors"] < 0)
        p99 = [r["p99_ms"] for r in minutes]
        result = {"seconds": SECONDS, "requests": sum(r["requests"] for r in minutes),
                  "errors": errors, "failed_wrk_runs": failed_segments,
                  "rss_after_warmup_mib": after_warmup[0] / 1024,
                  "rss_end_mib": after_warmup[-1] / 1024, "rss_growth_pct": round(growth, 2),
                  "rss_peak_growth_pct": round(peak, 2), "p99_ms_per_minute": p99,
                  "server_alive": alive}
        print("RSS growth after warm-up: %.2f %% (peak %.2f %%)" % (growth, peak))
        print("p99 per minute (ms): " + ", ".join("%.1f" % x for x in p99))
        print("SOAK_RESULT " + json.dumps(result))
        if not alive:
            with open(os.path.join(tmp, "serve.log")) as f:
                print("the server died; log tail:\n" + f.read()[-3000:])
        return 0 if alive and errors == 0 and failed_segments == 0 else 1
    finally:
        if proc is not None:
            pp_server.stop_server(proc, log)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
