#!/usr/bin/env python3
"""All of arXiv on one machine (issue 14): import, index build, early
lookups, pages and API at a generated corpus's size, with SQLite FTS5
alongside. A benchmark, not a test: not part of `make test` or `make bench`.

usage: scale.py PAPERPULSE_BINARY --corpus FILE --data DIR --out REPORT.md
                [--search-bench PATH] [--requests N] [--load-seconds S]
                [--load-threads T]
(bench/scale.sh generates or reuses the corpus and calls this.)

1. Records the machine: date, CPUs, RAM, load average (again at the end).
2. `paperpulse import` of the corpus into DIR (which must be new or empty),
   timed by wall clock (the goal) with the records/s it prints; then the
   Hugging Face daily lists of ../shared/data (timed apart, not part of the
   goal: the generated corpus has no daily entries, and the daily, week,
   month and trending pages need some).
3. `paperpulse serve --no-harvest --no-access-log` on the fresh data dir,
   so it builds the search index in the background. Every 0.25 s: /healthz
   (phase, done/total, rate, ETA) and /api/papers/search for ids, exact
   titles and author names picked from records spread over the corpus,
   until each is answered (200, and for an id or title the paper among the
   hits). Every second: the server's VmRSS (/proc/PID/status).
4. Once /healthz says ready: each page and API route of the goal list,
   SCALE_REQUESTS (200) times, interleaved, on one keep-alive connection,
   every request a cache miss: the shared response cache is keyed by the
   request target, so each request carries a unique `_=N` parameter, which
   the routes ignore (checked first: the body must be the same as without
   it, apart from the parameter echoed into links). Then RSS during
   SCALE_LOAD_SECONDS (30) of SCALE_LOAD_THREADS (8) clients mixing the
   same routes (RSS flat under load?). The unique targets fill the response
   cache up to its bound, so the load runs again on a second serve with
   `--cache-ttl-ms 0` (after 10 s of the same load to warm it up): what
   serving holds without the cache.
5. Stops serve (SIGTERM) and runs `search_vs_fts5 --use-index` on DIR: it
   builds SQLite FTS5 over the same papers (the FTS5 build rate) and runs
   its 1,200-query log (1 term, AND, OR, phrases; top 10 with snippets)
   against the live index serve built, and FTS5.
6. Writes REPORT.md: a header (date, machine, load), one row per goal
   (target, measured, met?), the detail tables and search_vs_fts5's output.

Exit code 1 only when the harness could not measure (a command failed, the
server died or the build did not finish within SCALE_BUILD_TIMEOUT seconds,
default 4 h); a missed goal is reported, not an error.
"""
import argparse
import collections
import datetime
import http.client
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import pp_server  # noqa: E402
from pp_community import HF_DAILY  # noqa: E402

HF_JSON = os.path.dirname(HF_DAILY)  # daily/, daily-history/, scraped/
REQUESTS = int(os.environ.get("SCALE_REQUESTS", "200"))
LOAD_SECONDS = int(os.environ.get("SCALE_LOAD_SECONDS", "30"))
LOAD_THREADS = int(os.environ.get("SCALE_LOAD_THREADS", "8"))
WARMUP_SECONDS = 10  # of the same load, before the cache-off serve is measured
BUILD_TIMEOUT = int(os.environ.get("SCALE_BUILD_TIMEOUT", str(4 * 3600)))
PICKS = 8  # ids, titles and authors each, for the early-lookup check
POLL = 0.25
MB = 1000 * 1000 / 1024  # KiB in a (decimal) megabyte: the "300 MB"
GZIP = {"Accept-Encoding": "gzip"}  # as browsers send it


def log(msg):
    print("scale: " + msg, file=sys.stderr, flush=True)


def fail(msg):
    log("error: " + msg)
    sys.exit(1)


# ---- the machine ------------------------------------------------------------


def machine():
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpus": os.cpu_count(), "load_start": os.getloadavg()}
    with open("/proc/meminfo") as f:
        mem = dict(line.split(":", 1) for line in f)
    info["ram_gib"] = int(mem["MemTotal"].split()[0]) / 1024 / 1024
    info["ram_available_gib"] = int(mem["MemAvailable"].split()[0]) / 1024 / 1024
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
    info["cpu_model"] = m.group(1).strip() if m else "?"
    try:
        info["nproc"] = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    except (OSError, ValueError):
        info["nproc"] = info["cpus"]
    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    info["commit"] = git.stdout.strip() or "?"
    return info


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentile(values, p):
    """Nearest rank: the smallest value with at least p of them at or below."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p * len(s)) - 1))]


# ---- import -----------------------------------------------------------------


def timed_import(binary, data, path):
    """`paperpulse import`; returns (wall seconds, records read, records/s it printed)."""
    t = time.monotonic()
    p = subprocess.run([binary, "import", "--data-dir", data, path], capture_output=True,
                       text=True)
    seconds = time.monotonic() - t
    if p.returncode != 0:
        fail("import of %s failed (exit %d):\n%s" % (path, p.returncode, p.stderr[-3000:]))
    out = p.stdout + p.stderr
    m = re.search(r"total: (\d+) read.*?([\d.]+) records/s", out)
    if not m:
        fail("no summary line in the output of import %s:\n%s" % (path, out[-2000:]))
    return seconds, int(m.group(1)), float(m.group(2))


# ---- picking known items from the corpus -------------------------------------


def sample_records(corpus, count):
    """`count` records from offsets spread evenly over the file (the line
    after each offset): cheap at any size, and both old and new papers."""
    size = os.path.getsize(corpus)
    out = []
    with open(corpus, "rb") as f:
        for k in range(count):
            f.seek(size * k // count)
            if k:
                f.readline()  # the rest of a line cut by the seek
            line = f.readline()
            if line.strip():
                out.append(json.loads(line))
    return out


def authors_of(record):
    return [" ".join(x for x in (first, last) if x) for last, first, *_ in
            record.get("authors_parsed") or []]


def pick_lookups(records):
    """(kind, query, expected id) for the early-lookup check: PICKS ids,
    exact titles and author names from records spread over the corpus."""
    step = max(1, len(records) // PICKS)
    chosen = records[::step][:PICKS]
    picks = [("id", r["id"], r["id"]) for r in chosen]
    picks += [("title", " ".join(r["title"].split()), r["id"]) for r in chosen]
    # The first author: the name most likely written the way search expects it.
    picks += [("author", authors_of(r)[0], None) for r in chosen if authors_of(r)]
    return picks


# ---- HTTP -------------------------------------------------------------------


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port, timeout=60):
        self.port, self.timeout, self.conn = port, timeout, None

    def get(self, path, headers=None):
        """(status, headers with lower-case names, body, milliseconds); status 0
        when the request failed at the socket."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
            t = time.perf_counter()
            try:
                self.conn.request("GET", path, headers=headers or {})
                r = self.conn.getresponse()
                body = r.read()
                ms = (time.perf_counter() - t) * 1000
                return r.status, {k.lower(): v for k, v in r.getheaders()}, body, ms
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    return 0, {}, b"", (time.perf_counter() - t) * 1000
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def search_path(query, limit=20):
    return "/api/papers/search?limit=%d&q=%s" % (limit, urllib.parse.quote(query))


def answered(kind, expected, status, body):
    """A lookup counts as answered when it is 200 and, for an id or a title,
    the paper is among the hits; for an author any hit will do (a prolific
    name has more papers than a page)."""
    if status != 200:
        return False
    try:
        hits = json.loads(body)
    except ValueError:
        return False
    if kind == "author":
        return len(hits) > 0
    return any(h.get("paper", {}).get("id") == expected for h in hits)


# ---- phase 3: the index build ---------------------------------------------------


class RssSampler(threading.Thread):
    """VmRSS of `pid` every second, with a label the main thread sets."""

    def __init__(self, pid, start):
        super().__init__(daemon=True)
        self.pid, self.start_time, self.label = pid, start, "start"
        self.samples = []  # (seconds since serve start, KiB, label)
        self.stop = threading.Event()

    def run(self):
        while True:
            kib = rss_kib(self.pid)
            if kib:
                self.samples.append((time.monotonic() - self.start_time, kib, self.label))
            if self.stop.wait(1.0):
                return

    def of(self, label):
        return [k for _, k, lab in self.samples if lab == label]


def watch_build(port, proc, start, picks, rss):
    """Polls /healthz and the lookups until the index is ready; returns what
    it saw (seconds since serve start)."""
    health = Client(port, timeout=30)
    lookups = Client(port, timeout=30)
    seen = {"first_id": None, "all_lookups": None, "lookup_end": None, "merge_start": None,
            "ready": None, "progress_with_eta": False, "phases": collections.Counter(),
            "health_errors": 0, "last": None, "full_rate": None, "total": None,
            "lookup_ms": [], "lookup_status": collections.Counter()}
    pending = list(picks)
    answered_at = {}
    last_line = -10.0
    last_lookups = 0.0
    while True:
        now = time.monotonic() - start
        if now > BUILD_TIMEOUT:
            fail("the index was not ready after %d s (SCALE_BUILD_TIMEOUT)" % BUILD_TIMEOUT)
        if proc.poll() is not None:
            fail("serve exited (%s) during the index build" % proc.returncode)
        status, _, body, _ = health.get("/healthz")
        index = {}
        if status == 200:
            index = json.loads(body).get("index") or {}
        else:
            seen["health_errors"] += 1
        state, phase = index.get("state"), index.get("phase")
        seen["phases"][phase or state or "unanswered"] += 1
        rss.label = "build"
        if state == "building":
            seen["last"] = index
            seen["total"] = index.get("total") or seen["total"]
            if phase != "lookup" and seen["lookup_end"] is None:
                seen["lookup_end"] = now
            if phase == "merging" and seen["merge_start"] is None:
                seen["merge_start"] = now
            if phase == "full":
                if index.get("rate_per_second"):
                    seen["full_rate"] = index["rate_per_second"]
                if index.get("eta_seconds") is not None and index.get("total"):
                    seen["progress_with_eta"] = True
        # Every tick within the goal's minute; then every 2 s, so that a
        # long build does not share its 2 cores with 100 searches a second.
        due = now < 60 or now - last_lookups >= 2 or state == "ready"
        if due:
            last_lookups = now
        for item in list(pending) if due else []:
            kind, query, expected = item
            status, _, body, ms = lookups.get(search_path(query))
            seen["lookup_ms"].append(ms)
            seen["lookup_status"][status] += 1
            if answered(kind, expected, status, body):
                t = time.monotonic() - start
                answered_at[item] = t
                pending.remove(item)
                if kind == "id" and seen["first_id"] is None:
                    seen["first_id"] = t
        if not pending and seen["all_lookups"] is None:
            seen["all_lookups"] = max(answered_at.values())
        if state == "ready":
            seen["ready"] = now
            if seen["lookup_end"] is None:
                seen["lookup_end"] = now
            if pending:  # the full index answers what the lookup index did not
                seen["unanswered"] = [q for _, q, _ in pending]
            break
        if phase and now - last_line >= 10:
            last_line = now
            log("%6.1f s: %s %s/%s, %s docs/s, ETA %s s, RSS %.0f MiB" % (
                now, phase, index.get("done"), index.get("total"), index.get("rate_per_second"),
                index.get("eta_seconds"), rss_kib(proc.pid) / 1024))
        time.sleep(POLL)
    rss.label = "ready"
    health.close()
    lookups.close()
    seen["answered_at"] = {"%s %s" % (k, q): t for (k, q, _), t in answered_at.items()}
    return seen


def log_timings(log_path):
    """The Indexer's own log lines: lookup ready in N s; rebuilt."""
    with open(log_path, errors="replace") as f:
        text = f.read()
    out = {}
    m = re.search(r"lookup of (\d+) papers .*? ready in ([\d.]+) s", text)
    if m:
        out["lookup_papers"], out["lookup_seconds"] = int(m.group(1)), float(m.group(2))
    return out


# ---- phase 4: pages and API on cache misses -----------------------------------------


def latest_day():
    days = sorted(f[:-5] for f in os.listdir(HF_DAILY) if re.match(r"\d{4}-\d\d-\d\d\.json$", f))
    if not days:
        fail("no daily lists in " + HF_DAILY)
    return days[-1]


def prolific_author(client, records):
    """The most frequent first-ten author of the sample whose author: query
    has the most papers: the site's heaviest author page that we can find
    cheaply. Returns (name, papers)."""
    counts = collections.Counter(a for r in records for a in authors_of(r)[:10])
    best = (None, -1)
    for name, _ in counts.most_common(12):
        status, headers, _, _ = client.get(search_path('author:"%s"' % name, limit=1))
        total = int(headers.get("x-total-count", "0")) if status == 200 else 0
        if total > best[1]:
            best = (name, total)
    return best


def search_terms(records, n):
    """n two-word queries from words of sampled titles (varied, so the
    index is not asked the same thing 200 times)."""
    words = sorted({w.lower() for r in records for w in re.findall(r"[A-Za-z]{5,}", r["title"])})
    rng = random.Random(14)
    return ["%s %s" % (rng.choice(words), rng.choice(words)) for _ in range(n)]


def pick_routes(client, records):
    """[(name, path or list of paths)]: the goal's pages and API routes, on a
    day, week and month that have daily entries."""
    day = latest_day()
    status, _, body, _ = client.get("/api/daily_papers?limit=5&date=" + day)
    if status != 200 or not json.loads(body):
        fail("no daily entries on %s after importing %s" % (day, HF_JSON))
    daily_paper = json.loads(body)[0]["paper"]["id"]
    d = datetime.date.fromisoformat(day)
    week = "%d-W%02d" % d.isocalendar()[:2]
    author, author_papers = prolific_author(client, records)
    corpus_paper = records[len(records) // 2]["id"]
    terms = search_terms(records, REQUESTS)
    queries = ["/search?q=" + urllib.parse.quote(q) for q in terms]
    api_queries = [search_path(q, limit=10) for q in terms]
    routes = [
        ("home `/`", "/"),
        ("day `/papers/date/%s`" % day, "/papers/date/" + day),
        ("week `/papers/week/%s`" % week, "/papers/week/" + week),
        ("month `/papers/month/%s`" % day[:7], "/papers/month/" + day[:7]),
        ("trending `/papers/trending`", "/papers/trending"),
        ("paper `/papers/%s` (on a daily list)" % daily_paper, "/papers/" + daily_paper),
        ("paper `/papers/%s` (generated)" % corpus_paper, "/papers/" + corpus_paper),
        ("author `/authors/%s` (%d papers)" % (author, author_papers),
         "/authors/" + urllib.parse.quote(author)),
        ("API `/api/daily_papers`", "/api/daily_papers"),
        ("search page `/search?q=` (2 words, varied)", queries),
        ("API `/api/papers/search?q=` (2 words, varied)", api_queries),
    ]
    return routes, {"day": day, "week": week, "author": author, "author_papers": author_papers}


def with_param(path, n):
    return "%s%s_=%d" % (path, "&" if "?" in path else "?", n)


def check_param_ignored(client, routes):
    """For each route: does `_=N` leave the answer alone? 'same', 'echoed'
    (the same apart from the parameter repeated in links), or a difference."""
    verdicts = {}
    for name, paths in routes:
        path = paths[0] if isinstance(paths, list) else paths
        s1, _, b1, _ = client.get(path)
        s2, _, b2, _ = client.get(with_param(path, 999999))
        if s1 != 200 or s2 != 200:
            verdicts[name] = "status %d / %d" % (s1, s2)
        elif b1 == b2:
            verdicts[name] = "ignored"
        elif re.sub(rb"(\?|&|&amp;)_=999999", b"", b2) == b1:
            verdicts[name] = "ignored (echoed in links)"
        else:
            verdicts[name] = "CHANGES the answer (%d vs %d bytes)" % (len(b1), len(b2))
    return verdicts


def measure_routes(client, routes, counter, n=REQUESTS):
    """n sequential cache misses per route, the routes interleaved so that a
    noisy second of the machine spreads over all of them."""
    ms = {name: [] for name, _ in routes}
    errors = collections.Counter()
    for i in range(n):
        for name, paths in routes:
            path = paths[i % len(paths)] if isinstance(paths, list) else paths
            status, _, _, t = client.get(with_param(path, next(counter)), GZIP)
            if status != 200:
                errors[name] += 1
            ms[name].append(t)
    return ms, errors


def concurrent_load(port, routes, counter, rss, seconds=LOAD_SECONDS, label="load"):
    """LOAD_THREADS clients, each on its own keep-alive connection, picking
    routes at random for `seconds`; RSS samples meanwhile carry `label`.
    Returns {requests, errors, ms}."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    stats = {"requests": 0, "errors": 0, "ms": []}

    def worker(seed):
        rng = random.Random(seed)
        client = Client(port)
        local = []
        errs = 0
        while time.monotonic() < stop:
            _, paths = rng.choice(routes)
            path = rng.choice(paths) if isinstance(paths, list) else paths
            with lock:
                n = next(counter)
            status, _, _, t = client.get(with_param(path, n), GZIP)
            errs += status != 200
            local.append(t)
        client.close()
        with lock:
            stats["requests"] += len(local)
            stats["errors"] += errs
            stats["ms"] += local

    rss.label = label
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rss.label = "after-load"
    return stats


def serving_memory(proc, rss, before_kib, load):
    """What the report says about one serve under load (KiB)."""
    time.sleep(2)  # a couple of samples after the load
    return {"before": before_kib, "load": load, "load_samples": rss.of("load"),
            "after": rss_kib(proc.pid),
            "max": max([k for _, k, lab in rss.samples if lab not in ("start", "build")] or [0])}


def cache_off_run(binary, data, serve_log, routes, counter):
    """The same load on a second serve with the response cache off (the
    index is built now, so it starts at once): the first run's unique
    targets fill the cache up to its bound (256 MiB of bodies by default),
    which would hide what serving itself holds."""
    proc, port, logf = pp_server.start_server(binary, data, serve_log, "--no-harvest",
                                              "--no-access-log", "--cache-ttl-ms", "0",
                                              timeout=600)
    rss = RssSampler(proc.pid, time.monotonic())
    rss.label = "ready"
    rss.start()
    try:
        # Warm-up: a fresh process grows while the Store's and the index's
        # caches fill, which says nothing about serving under load.
        concurrent_load(port, routes, counter, rss, seconds=WARMUP_SECONDS, label="warmup")
        before = rss_kib(proc.pid)
        log("cache off: %d s of load from %d clients" % (LOAD_SECONDS, LOAD_THREADS))
        out = serving_memory(proc, rss, before, concurrent_load(port, routes, counter, rss))
        if proc.poll() is not None:
            fail("serve (cache off) exited (%s) under load" % proc.returncode)
        return out
    finally:
        rss.stop.set()
        log("serve (cache off) stopped (exit %s)" % pp_server.stop_server(proc, logf))


# ---- phase 5: search_vs_fts5 ----------------------------------------------------


def run_search_bench(bench, data, work):
    """search_vs_fts5 --use-index on the data dir serve indexed; returns its
    output and the rows the goals need."""
    shutil.rmtree(work, ignore_errors=True)
    t = time.monotonic()
    p = subprocess.run([bench, "--data-dir", data, "--use-index", "--queries", "1200",
                        "--work", work], capture_output=True, text=True)
    seconds = time.monotonic() - t
    shutil.rmtree(work, ignore_errors=True)
    if p.returncode != 0:
        fail("search_vs_fts5 failed (exit %d):\n%s" % (p.returncode, p.stderr[-3000:]))
    rows = {}
    for line in p.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| SQLite FTS5"):
            rows["fts5_build"] = {"docs": int(cells[1]), "seconds": float(cells[2]),
                                  "docs_per_s": float(cells[3])}
        elif line.startswith("| ") and len(cells) == 10 and re.match(r"[\d.]+$", cells[2]):
            rows[cells[0]] = {"n": int(cells[1]), "p50": float(cells[2]), "p99": float(cells[3]),
                              "fts5_p50": float(cells[5]), "fts5_p99": float(cells[6])}
    return p.stdout + (("\n" + p.stderr) if p.stderr.strip() else ""), rows, seconds


# ---- the report -------------------------------------------------------------------


def fmt(x, digits=1, unit=""):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return "{:,.{d}f}{u}".format(x, d=digits, u=unit)


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def at_most(x, limit):
    return None if x is None else x <= limit


def at_least(x, limit):
    return None if x is None else x >= limit


def drift(samples):
    """RSS growth under load, in percent: the peak of the second half of the
    samples against the peak of the first half. Peaks, because the samples
    swing with the response bodies in flight; halves, because a fresh
    process grows while its caches warm, which is not a leak."""
    if len(samples) < 4:
        return None
    first, second = samples[:len(samples) // 2], samples[len(samples) // 2:]
    return 100.0 * (max(second) - max(first)) / max(first)


def write_report(path, r):
    m, b = r["machine"], r["build"]
    total = b["total"] or r["papers"]
    full_seconds = (b["ready"] - b["lookup_end"]) if b["ready"] and b["lookup_end"] else None
    full_rate = total / full_seconds if full_seconds else None
    whole_rate = total / b["ready"] if b["ready"] else None
    build_samples = r["rss"].of("build")
    mb_build = max(build_samples) / MB if build_samples else None  # the goal's (decimal) MB
    serving = (("response cache on (as deployed; unique URLs fill it)", r["cache_on"]),
               ("response cache off (`--cache-ttl-ms 0`)", r["cache_off"]))
    s = r["search"]
    L = []
    L.append("# Scale run: %s papers (issue 14)\n" % format(r["corpus_records"], ","))
    L.append("- date: %s; commit %s" % (m["date"], m["commit"]))
    L.append("- machine: %d CPUs (`nproc` %d, %s), %.1f GiB RAM (%.1f GiB available at start)"
             % (m["cpus"], m["nproc"], m["cpu_model"], m["ram_gib"], m["ram_available_gib"]))
    L.append("- load average (1/5/15 min): %s at start, %s at the end"
             % ("/".join("%.2f" % x for x in m["load_start"]),
                "/".join("%.2f" % x for x in m["load_end"])))
    L.append("- corpus: `%s` (%s records, %.0f MiB); plus the Hugging Face daily lists "
             "(%s records) for the list pages; %s papers in the Store, data dir %.0f MiB "
             "after the build" % (r["corpus"], format(r["corpus_records"], ","),
                                  r["corpus_mib"], format(r["hf_records"], ","),
                                  format(r["papers"], ","), r["data_mib"]))
    L.append("- whole run: %.0f s\n" % r["wall"])

    L.append("## Goals\n")
    L.append("| goal | target | measured | met? |")
    L.append("|---|---|---:|---|")
    L.append("| import, end to end (wall clock) | ≤ 300 s | %s s (%s records/s) | %s |" % (
        fmt(r["import_seconds"]), fmt(r["import_rate"], 0),
        verdict(at_most(r["import_seconds"], 300))))
    L.append("| full index build (full + merge phases) | ≥ 5,000 docs/s | %s docs/s (%s s) | %s |"
             % (fmt(full_rate, 0), fmt(full_seconds), verdict(at_least(full_rate, 5000))))
    if "fts5_build" in s["rows"]:
        f = s["rows"]["fts5_build"]
        L.append("| FTS5 build alongside (search_vs_fts5) | (comparison) | %s docs/s (%s s) | |"
                 % (fmt(f["docs_per_s"], 0), fmt(f["seconds"])))
    # A lookup the full index cannot answer either never counts as met.
    never = "never (%d unanswered)" % len(b.get("unanswered", []))
    L.append("| first id answered (from serve start) | ≤ 60 s | %s | %s |"
             % (fmt(b["first_id"], 1, " s") if b["first_id"] else never,
                verdict(b["first_id"] is not None and b["first_id"] <= 60)))
    L.append("| all %d picked ids, titles, authors answered | ≤ 60 s | %s | %s |"
             % (len(r["picks"]), fmt(b["all_lookups"], 1, " s") if b["all_lookups"] else never,
                verdict(b["all_lookups"] is not None and b["all_lookups"] <= 60)))
    L.append("| /healthz shows progress and ETA while building | yes | %s | %s |"
             % ("yes" if b["progress_with_eta"] else "no", verdict(b["progress_with_eta"])))
    for label, row, col, limit in (("search OR p50 (top 10, snippets)", "all OR", "p50", 3),
                                   ("search OR p99", "all OR", "p99", 20),
                                   ("search AND p50", "all AND", "p50", 2),
                                   ("search phrase p99", "phrase, 2-3 words", "p99", 20)):
        x = s["rows"].get(row, {}).get(col)
        L.append("| %s | ≤ %d ms | %s ms | %s |"
                 % (label, limit, fmt(x, 3), verdict(at_most(x, limit))))
    for name, ms in r["routes_ms"].items():
        p99 = percentile(ms, 0.99)
        L.append("| %s p99, cache miss | ≤ 20 ms | %s ms | %s |"
                 % (name, fmt(p99, 2), verdict(at_most(p99, 20))))
    L.append("| serve RSS while building the index (max) | ≤ 300 MB | %s MB | %s |"
             % (fmt(mb_build, 0), verdict(at_most(mb_build, 300))))
    for label, mem in serving:
        mb = mem["max"] / MB if mem["max"] else None
        L.append("| serve RSS serving, %s: max after ready | ≤ 300 MB | %s MB | %s |"
                 % (label, fmt(mb, 0), verdict(at_most(mb, 300))))
    for label, mem in serving:
        growth = drift(mem["load_samples"])
        L.append("| RSS flat under load, %s: peak of the 2nd half vs the 1st | < +5 %% "
                 "| %s %% | %s |"
                 % (label.split(" (")[0], fmt(growth, 1), verdict(at_most(growth, 5))))
    L.append("")

    L.append("## Import\n")
    L.append("| input | records | wall s | records/s (printed) |")
    L.append("|---|---:|---:|---:|")
    L.append("| generated corpus (Kaggle JSONL) | %s | %s | %s |" % (
        format(r["corpus_records"], ","), fmt(r["import_seconds"]), fmt(r["import_rate"], 0)))
    L.append("| HF daily lists (not part of the goal) | %s | %s | %s |\n" % (
        format(r["hf_records"], ","), fmt(r["hf_seconds"]), fmt(r["hf_rate"], 0)))

    L.append("## Index build through `serve` (seconds from starting serve)\n")
    L.append("| step | seconds | papers/s |")
    L.append("|---|---:|---:|")
    L.append("| listening | %s | |" % fmt(r["listening"], 2))
    lookup_s = b.get("lookup_seconds") or b["lookup_end"]
    L.append("| lookup phase done (ids, titles, authors; healthz%s) | %s | %s |" % (
        ", log: %.1f s" % b["lookup_seconds"] if b.get("lookup_seconds") else "",
        fmt(b["lookup_end"]), fmt(total / lookup_s if lookup_s else None, 0)))
    L.append("| first id answered | %s | |" % fmt(b["first_id"]))
    L.append("| all picked lookups answered | %s | |" % fmt(b["all_lookups"]))
    L.append("| merging started | %s | |" % fmt(b["merge_start"]))
    L.append("| full phase rate, last reported by /healthz | | %s |" % fmt(b["full_rate"], 0))
    L.append("| ready (full index live) | %s | %s (whole build) |"
             % (fmt(b["ready"]), fmt(whole_rate, 0)))
    L.append("")
    lm = b["lookup_ms"]
    L.append("Lookups during the build: %d requests, status %s, p50 %s ms, max %s ms. "
             "Healthz polls by phase: %s.%s\n" % (
                 len(lm), dict(b["lookup_status"]), fmt(percentile(lm, 0.5), 2),
                 fmt(max(lm) if lm else None, 2),
                 dict(b["phases"]),
                 " Not answered at all: %s." % b["unanswered"] if b.get("unanswered") else ""))
    L.append("| picked lookup | answered after s |")
    L.append("|---|---:|")
    for k, t in sorted(b["answered_at"].items(), key=lambda kv: kv[1]):
        L.append("| %s | %.2f |" % (k.replace("|", "/")[:90], t))
    L.append("")

    L.append("## Pages and API on cache misses (after ready)\n")
    L.append("%d requests per route, sequential, routes interleaved, one keep-alive connection, "
             "`Accept-Encoding: gzip`; each with a unique `_=N` parameter (a response cache miss). "
             "Day %s, week %s, month %s.\n" % (REQUESTS, r["targets"]["day"], r["targets"]["week"],
                                                r["targets"]["day"][:7]))
    L.append("| route | `_` parameter | p50 ms | p99 ms | max ms | errors |")
    L.append("|---|---|---:|---:|---:|---:|")
    for name, ms in r["routes_ms"].items():
        L.append("| %s | %s | %s | %s | %s | %d |" % (
            name, r["param_check"][name], fmt(percentile(ms, 0.5), 2), fmt(percentile(ms, 0.99), 2),
            fmt(max(ms), 2), r["route_errors"][name]))
    L.append("")

    L.append("## Memory\n")
    L.append("VmRSS of serve (/proc/PID/status), sampled every second. The serve that built "
             "the index answered the page requests above and then %d s of %d concurrent "
             "clients mixing the same routes (unique `_=N` each); a second serve with the "
             "response cache off got %d s of the same load to warm up, then the load measured.\n"
             % (LOAD_SECONDS, LOAD_THREADS, WARMUP_SECONDS))
    L.append("| when | MiB |")
    L.append("|---|---:|")
    L.append("| max while building | %s |"
             % fmt(max(build_samples) / 1024 if build_samples else None))
    L.append("| right after ready | %s |" % fmt(r["rss_ready"] / 1024))
    for label, mem in serving:
        ls = mem["load_samples"]
        L.append("| %s: before the load | %s |" % (label, fmt(mem["before"] / 1024)))
        if ls:
            L.append("| %s: during the load, min / max / last | %s / %s / %s |" % (
                label, fmt(min(ls) / 1024), fmt(max(ls) / 1024), fmt(ls[-1] / 1024)))
        L.append("| %s: 2 s after the load | %s |" % (label, fmt(mem["after"] / 1024)))
    L.append("")
    for label, mem in serving:
        ld = mem["load"]
        L.append("Load, %s: %d requests (%.0f/s), %d errors, p50 %s ms, p99 %s ms.\n" % (
            label, ld["requests"], ld["requests"] / LOAD_SECONDS, ld["errors"],
            fmt(percentile(ld["ms"], 0.5), 2), fmt(percentile(ld["ms"], 0.99), 2)))
    L.append("RSS samples of the first serve (s: MiB, every 10th): " + ", ".join(
        "%.0f: %.0f" % (t, k / 1024) for t, k, _ in r["rss"].samples[::10]) + "\n")
    for label, mem in serving:
        L.append("RSS during the load, %s (MiB, every second): %s\n" % (
            label, " ".join("%.0f" % (k / 1024) for k in mem["load_samples"])))

    L.append("## Search vs SQLite FTS5 on the same papers (`search_vs_fts5 --use-index`, %.0f s)\n"
             % s["seconds"])
    L.append("```")
    L.append(s["output"].rstrip())
    L.append("```")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


# ---- main ---------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--search-bench", help="search_vs_fts5 (default: bench/ next to BINARY)")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    bench = args.search_bench or os.path.join(os.path.dirname(binary), "bench", "search_vs_fts5")
    if not os.access(bench, os.X_OK):
        fail(bench + " not built")
    if os.path.isdir(args.data) and os.listdir(args.data):
        fail(args.data + " is not empty: the run needs a fresh data dir")
    os.makedirs(args.data, exist_ok=True)
    wall = time.monotonic()
    r = {"machine": machine(), "corpus": os.path.relpath(args.corpus, ROOT),
         "corpus_mib": os.path.getsize(args.corpus) / (1024 * 1024)}
    log("machine: %d CPUs, load %s" % (r["machine"]["cpus"], r["machine"]["load_start"]))

    log("importing " + args.corpus)
    r["import_seconds"], r["corpus_records"], r["import_rate"] = timed_import(
        binary, args.data, args.corpus)
    log("imported %d records in %.1f s" % (r["corpus_records"], r["import_seconds"]))
    r["hf_seconds"], r["hf_records"], r["hf_rate"] = timed_import(binary, args.data, HF_JSON)

    records = sample_records(args.corpus, 2000)
    r["picks"] = pick_lookups(records)

    serve_log = args.data.rstrip("/") + "-serve.log"  # next to the data dir, kept
    if os.path.exists(serve_log):
        os.remove(serve_log)
    start = time.monotonic()
    proc, port, logf = pp_server.start_server(binary, args.data, serve_log, "--no-harvest",
                                              "--no-access-log", timeout=600)
    try:
        r["listening"] = time.monotonic() - start
        rss = RssSampler(proc.pid, start)
        rss.start()
        r["rss"] = rss
        log("serve pid %d on port %d; watching the index build" % (proc.pid, port))
        b = watch_build(port, proc, start, r["picks"], rss)
        b.update(log_timings(serve_log))
        r["build"] = b
        r["rss_ready"] = rss_kib(proc.pid)
        log("index ready after %.1f s" % b["ready"])

        client = Client(port)
        status, _, body, _ = client.get("/healthz")
        r["papers"] = json.loads(body)["papers"] if status == 200 else 0
        routes, r["targets"] = pick_routes(client, records)
        r["param_check"] = check_param_ignored(client, routes)
        counter = iter(range(1, 1 << 62))
        log("%d cache-miss requests on each of %d routes" % (REQUESTS, len(routes)))
        r["routes_ms"], r["route_errors"] = measure_routes(client, routes, counter)
        client.close()
        before = rss_kib(proc.pid)
        log("%d s of load from %d clients" % (LOAD_SECONDS, LOAD_THREADS))
        r["cache_on"] = serving_memory(proc, rss, before,
                                       concurrent_load(port, routes, counter, rss))
        if proc.poll() is not None:
            fail("serve exited (%s) during the page requests" % proc.returncode)
    finally:
        if "rss" in r:
            r["rss"].stop.set()
        code = pp_server.stop_server(proc, logf)
        log("serve stopped (exit %s)" % code)
    r["cache_off"] = cache_off_run(binary, args.data, serve_log, routes, counter)
    r["data_mib"] = pp_server.dir_size(args.data) / (1024 * 1024)

    log("search_vs_fts5 --use-index")
    out, rows, seconds = run_search_bench(bench, args.data, args.data + "-fts5-work")
    r["search"] = {"output": out, "rows": rows, "seconds": seconds}
    r["machine"]["load_end"] = os.getloadavg()
    r["wall"] = time.monotonic() - wall
    write_report(args.out, r)
    log("report: " + args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
