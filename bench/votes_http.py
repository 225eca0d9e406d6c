#!/usr/bin/env python3
"""Votes through HTTP (issue 9): votes/s on SQLite and on PostgreSQL side by
side, and page req/s for signed-in users against anonymous ones.

usage: votes_http.py PAPERPULSE_BINARY
       (bench/run-votes.sh starts a throw-away PostgreSQL with
       scripts/with-postgres; without PAPERPULSE_TEST_PG only SQLite runs)

1. For each database (SQLite in the data dir; PostgreSQL in a fresh database
   on the server PAPERPULSE_TEST_PG names): imports June 2026 of the real
   Hugging Face daily lists and the 200 Kaggle snapshot records from
   ../shared/data, builds the search index, creates VOTES_BENCH_ACCOUNTS
   (200) accounts with `paperpulse token create`, and starts
   `paperpulse serve --no-harvest --listen 127.0.0.1:0` with the vote rate
   limits off (every request comes from 127.0.0.1, and the point is the write
   path, not the limiter). Both servers run at once.
2. Votes: wrk -t2 -cC -dS with bench/votes.lua: every request is an
   authenticated POST or DELETE /api/papers/{id}/upvote, alternating, rotating
   over the accounts and the 200 Kaggle papers (each wrk thread with its own
   half of the accounts; each run continues the sequence where the last one
   stopped). A 2 s warm-up, then VOTES_BENCH_ROUNDS rounds
   alternating between the databases (other load on the shared machine hits
   both alike); the best round of each is reported.
3. Checks: no socket errors, no answer other than 2xx (429 would be reported
   apart; the limits are off), the count every paper shows (/api/papers/{id})
   equals its imported count plus its rows in the votes table (the
   incrementally maintained counter lost no update), and the votes table
   equals a model: the script's request sequence replayed, the last request
   on each (account, paper) pair deciding; only requests in flight when wrk
   stopped may differ.
4. Pages: wrk (bench/http_wrk.lua) on / and /papers/trending, with
   `Accept-Encoding: gzip` as browsers send it, anonymous (the shared
   response cache every anonymous visitor gets) and with an
   `Authorization: Bearer` API token (rendered per user with the user's vote
   state, never from the shared cache, the same path as a pp_session cookie);
   then anonymous again with the cache off (--cache-ttl-ms 0), which
   separates the cost of rendering from the cost of being signed in. Best of
   PAGES_BENCH_ROUNDS rounds each, alternating.

Environment: VOTES_BENCH_SECONDS (10), VOTES_BENCH_CONNECTIONS (32),
VOTES_BENCH_ACCOUNTS (200), VOTES_BENCH_WINDOW (500: votes each wrk thread
keeps standing; see votes.lua), VOTES_BENCH_ROUNDS (3), PAGES_BENCH_ROUNDS (2),
VOTES_BENCH_PAGES (1; 0 skips the page runs). Exit code 1 when a check fails.
"""
import concurrent.futures
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import pp_server  # noqa: E402

SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl",
                      "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
MONTH = "2026-06"
VOTES_LUA = os.path.join(ROOT, "bench", "votes.lua")
PAGES_LUA = os.path.join(ROOT, "bench", "http_wrk.lua")
SECONDS = int(os.environ.get("VOTES_BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("VOTES_BENCH_CONNECTIONS", "32"))
ACCOUNTS = int(os.environ.get("VOTES_BENCH_ACCOUNTS", "200"))
WINDOW = int(os.environ.get("VOTES_BENCH_WINDOW", "500"))
VOTE_ROUNDS = int(os.environ.get("VOTES_BENCH_ROUNDS", "3"))
ROUNDS = int(os.environ.get("PAGES_BENCH_ROUNDS", "2"))
PAGES = os.environ.get("VOTES_BENCH_PAGES", "1") != "0"
WRK_THREADS = 2
PAGE_PATHS = ["/", "/papers/trending"]

FAILURES = []


def fail(msg):
    print("  FAIL: " + msg)
    FAILURES.append(msg)


def http_json(base, path, method="GET", token=None):
    req = urllib.request.Request(base + path, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def run_wrk(args):
    p = subprocess.run(["wrk", *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("wrk failed (%d):\n%s%s" % (p.returncode, p.stdout, p.stderr))
    m = re.search(r"^WRK_RESULT (\{.*\})$", p.stdout, re.M)
    if not m:
        sys.exit("no result from wrk:\n" + p.stdout + p.stderr)
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / r["seconds"]
    r["threads"] = [json.loads(t) for t in re.findall(r"^VOTES_THREAD (\{.*\})$", p.stdout, re.M)]
    return r


# ------------------------------------------------------------------ votes

class Schedule:
    """The request sequence of bench/votes.lua for one wrk thread."""

    def __init__(self, tokens, papers, window):
        self.tokens, self.papers, self.window = tokens, papers, window
        # Pair j -> (account j mod U, paper (j + j div U) mod P) visits every
        # pair once per U*P steps only when gcd(U + 1, P) = 1.
        assert math.gcd(len(tokens) + 1, len(papers)) == 1, (len(tokens), len(papers))

    def op(self, k):
        """(token, paper, up) of request k."""
        if k % 2 == 0:
            j, up = k // 2, True
        else:
            j, up = (k - 1) // 2 - self.window, False
        j %= len(self.tokens) * len(self.papers)
        u = j % len(self.tokens)
        return self.tokens[u], self.papers[(j + j // len(self.tokens)) % len(self.papers)], up

    def last_ops(self, first, generated):
        """{(token, paper): (up, k)} of the last request on each pair among
        requests first..generated-1."""
        last = {}
        for k in range(first, generated):
            token, paper, up = self.op(k)
            last[(token, paper)] = (up, k)
        return last


def write_votes_data(path, tokens, papers):
    """The data file of votes.lua; returns the Schedule of each wrk thread."""
    per = len(tokens) // WRK_THREADS
    schedules = []
    with open(path, "w") as f:
        for tid in range(WRK_THREADS):
            mine = tokens[tid * per:(tid + 1) * per]
            schedules.append(Schedule(mine, papers, WINDOW))
            for t in mine:
                f.write("T%d %s\n" % (tid, t))
        for p in papers:
            f.write("P %s\n" % p)
    return schedules


def vote_run(site, seconds):
    """One wrk run of votes.lua on `site`, continuing its request sequence."""
    starts = list(site.next_k)
    r = run_wrk(["-t%d" % WRK_THREADS, "-c%d" % CONNECTIONS, "-d%ds" % seconds, "--timeout", "5s",
                 "-s", VOTES_LUA, site.base, "--", site.data_file, str(WINDOW),
                 ",".join(map(str, starts))])
    if len(r["threads"]) != WRK_THREADS:
        sys.exit("votes.lua reported %d threads, expected %d" % (len(r["threads"]), WRK_THREADS))
    statuses = {}
    last = {}
    r["generated"] = r["deletes"] = 0
    for t in r["threads"]:
        tid, end = t["tid"], t["generated"]
        for code, n in t["statuses"].items():
            statuses[int(code)] = statuses.get(int(code), 0) + n
        # wrk calls request() once on thread 0's script before the run to
        # check that the request parses: that request is never sent.
        first = starts[tid] + (1 if tid == 0 else 0)
        for pair, (up, k) in site.schedules[tid].last_ops(first, end).items():
            last[pair] = (up, end - k, tid)
        r["generated"] += end - first
        # DELETE number i (request 2i + 1) finds a standing vote when i >= WINDOW.
        r["deletes"] += sum(1 for k in range(first, end) if k % 2 == 1 and (k - 1) // 2 >= WINDOW)
        site.next_k[tid] = end
    r["statuses"] = statuses
    r["last"] = last
    return r


def db_votes(site):
    """{(email, paper_id)} of the bench accounts' votes, read from the database."""
    sql = ("SELECT u.email, v.paper_id FROM votes v JOIN users u ON u.id = v.user_id "
           "WHERE u.email LIKE 'votebench%'")
    if site.db_url is None:
        argv = ["sqlite3", "-readonly", os.path.join(site.data_dir, "paperpulse.db"), sql]
    else:
        argv = ["psql", site.db_url, "-At", "-F", "|", "-c", sql]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return {tuple(line.split("|", 1)) for line in out.splitlines() if line}


def check_votes(site, papers, runs):
    """Checks the answers of `runs` (in the order they ran, over the same
    accounts), the counts the server shows and the votes table against the
    model; prints the result, records failures."""
    for i, r in enumerate(runs):
        name = "%s run %d" % (site.name, i)
        bad = {c: n for c, n in r["statuses"].items() if not 200 <= c < 300 and c != 429}
        if r["errors"]:
            fail("%s: %d socket errors / timeouts" % (name, r["errors"]))
        if bad:
            fail("%s: non-2xx answers %s" % (name, bad))
        if r["statuses"].get(429):
            print("  %s: %d answers 429 (rate limited)" % (name, r["statuses"][429]))
    rows = db_votes(site)
    per_paper = {}
    for _, paper in rows:
        per_paper[paper] = per_paper.get(paper, 0) + 1
    # The count each paper shows (paper_popularity, updated vote by vote)
    # against the rows it counts.
    drift = []
    for p in papers:
        shown = http_json(site.base, "/api/papers/" + p)["upvotes"]
        if shown != site.base_counts[p] + per_paper.get(p, 0):
            drift.append((p, shown, site.base_counts[p] + per_paper.get(p, 0)))
    if drift:
        fail("%s: %d papers show a count other than imported + votes rows, e.g. %s"
             % (site.name, len(drift), drift[:5]))
    # The model: the last request on each pair decides (runs are sequential).
    last = {}
    for i, r in enumerate(runs):
        for (token, paper), (up, age, tid) in r["last"].items():
            last[(site.email_of[token], paper)] = (up, age, i, tid)
    expected = {pair for pair, (up, _, _, _) in last.items() if up}
    differ = [(pair,) + v for pair, v in last.items() if v[0] != (pair in rows)]
    unexplained = rows - set(last)
    per_thread = {}
    for d in differ:
        per_thread[d[3:5]] = per_thread.get(d[3:5], 0) + 1
    per_conn = CONNECTIONS // WRK_THREADS
    in_flight = [d for d in differ if d[2] <= 4 * per_conn]
    print("  %s: model %d votes, votes table %d, %d pairs differ (%d of them among the last %d "
          "requests of their wrk thread: in flight when wrk stopped)"
          % (site.name, len(expected), len(rows), len(differ), len(in_flight), 4 * per_conn))
    if (len(in_flight) != len(differ) or unexplained
            or any(n > per_conn for n in per_thread.values())):
        fail("%s: votes table differs from the model: %s %s"
             % (site.name, sorted(differ, key=lambda d: -d[2])[:5], sorted(unexplained)[:5]))
    if not drift:
        print("  %s: every paper's count = imported + its rows in the votes table" % site.name)


# ------------------------------------------------------------------ pages

def page_runs(sites, modes_of, suffix=""):
    """Best of ROUNDS wrk runs per (site, path, mode), alternating over sites
    and modes; returns {(site name, path, mode + suffix): result}."""
    best = {}
    for path in PAGE_PATHS:
        runs = [(site, mode, extra) for site in sites for mode, extra in modes_of(site)]
        for site, mode, extra in runs:  # warm-up
            run_wrk(["-t%d" % WRK_THREADS, "-c%d" % CONNECTIONS, "-d2s", "--timeout", "5s",
                     "-s", PAGES_LUA, *extra, site.base + path])
        for _ in range(ROUNDS):
            for site, mode, extra in runs:
                r = run_wrk(["-t%d" % WRK_THREADS, "-c%d" % CONNECTIONS, "-d%ds" % SECONDS,
                             "--timeout", "5s", "-s", PAGES_LUA, *extra, site.base + path])
                if r["errors"] or r["non2xx"]:
                    fail("%s %s %s: %d socket errors, %d non-2xx"
                         % (site.name, mode, path, r["errors"], r["non2xx"]))
                key = (site.name, path, mode + suffix)
                if key not in best or r["rps"] > best[key]["rps"]:
                    best[key] = r
    return best


# ------------------------------------------------------------------ driver

class Site:
    """One database, its data dir, and the server running on it."""

    def __init__(self, name, tmp, db_url):
        self.name, self.db_url = name, db_url
        self.data_dir = os.path.join(tmp, "var-" + name)
        self.db_args = ["--db", db_url] if db_url else []
        self.log_path = os.path.join(tmp, "serve-%s.log" % name)
        self.proc = self.log = self.base = None

    def start(self, binary, *extra):
        self.proc, port, self.log = pp_server.start_server(
            binary, self.data_dir, self.log_path, "--no-harvest", "--vote-limit-per-account", "0",
            "--vote-limit-per-ip", "0", *self.db_args, *extra)
        self.base = "http://127.0.0.1:%d" % port

    def stop(self):
        if self.proc:
            pp_server.stop_server(self.proc, self.log)
            self.proc = None


def create_tokens(binary, site, emails):
    def one(email):
        p = subprocess.run([binary, "token", "create", email, "--data-dir", site.data_dir,
                            *site.db_args], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            sys.exit("token create %s failed: %s" % (email, p.stderr))
        return p.stdout.strip()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, emails))


def prepare(binary, site, src, papers):
    subprocess.run([binary, "import", "-q", "--data-dir", site.data_dir, *site.db_args, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([binary, "reindex", "--data-dir", site.data_dir, *site.db_args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    emails = ["votebench%03d@paperpulse.test" % i for i in range(ACCOUNTS)]
    tokens = create_tokens(binary, site, emails + ["pagebench@paperpulse.test"])
    site.tokens, site.page_token = tokens[:-1], tokens[-1]
    site.email_of = dict(zip(tokens, emails))
    print("%s: imported, indexed, %d accounts with API tokens (%.1f s)"
          % (site.name, len(tokens), time.time() - t0))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    tools = ["wrk", "sqlite3"] + (["psql"] if os.environ.get("PAPERPULSE_TEST_PG") else [])
    for tool in tools:
        if not shutil.which(tool):
            sys.exit("%s not found: apt install %s (scripts/setup-deps)" % (tool, tool))
    tmp = tempfile.mkdtemp(prefix="pp_votes_bench_")
    sites = [Site("SQLite", tmp, None)]
    admin, dbname = os.environ.get("PAPERPULSE_TEST_PG"), None
    if admin:
        dbname = "pp_votes_bench_%d" % os.getpid()
        subprocess.run(["psql", admin, "-q", "-c", "CREATE DATABASE " + dbname], check=True,
                       capture_output=True)
        sites.append(Site("PostgreSQL", tmp, admin.rsplit("/", 1)[0] + "/" + dbname))
    else:
        print("PAPERPULSE_TEST_PG not set: SQLite only (bench/run-votes.sh starts a PostgreSQL)")
    try:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        for name in sorted(os.listdir(HF_DAILY)):
            if name.startswith(MONTH):
                shutil.copy(os.path.join(HF_DAILY, name), src)
        shutil.copy(KAGGLE, src)
        with open(KAGGLE, encoding="utf-8") as f:
            papers = [json.loads(line)["id"] for line in f]
        for site in sites:
            prepare(binary, site, src, papers)
            site.start(binary)
            site.base_counts = {p: http_json(site.base, "/api/papers/" + p)["upvotes"]
                                for p in papers}
            site.data_file = os.path.join(tmp, "votes-%s.txt" % site.name)
            site.schedules = write_votes_data(site.data_file, site.tokens, papers)
            site.runs, site.next_k = [], [0] * WRK_THREADS

        print("votes: wrk -t%d -c%d -d%ds bench/votes.lua, %d accounts x %d papers, window %d, "
              "%d CPUs, serve with default --threads/--workers, vote limits off; warm-up %d s, "
              "then %d rounds alternating between the databases"
              % (WRK_THREADS, CONNECTIONS, SECONDS, ACCOUNTS, len(papers), WINDOW,
                 os.cpu_count() or 0, 2, VOTE_ROUNDS))
        for site in sites:
            site.runs.append(vote_run(site, 2))
        for rnd in range(VOTE_ROUNDS):
            for site in sites:
                time.sleep(1)  # requests in flight when the last wrk stopped finish
                r = vote_run(site, SECONDS)
                site.runs.append(r)
                print("  round %d %-10s %6.0f votes/s (%d answered, %d sent, %d of them DELETEs of a "
                      "standing vote) p50 %6.2f ms p90 %6.2f ms p99 %6.2f ms max %6.1f ms %s"
                      % (rnd + 1, site.name, r["rps"], r["requests"], r["generated"], r["deletes"],
                         r["p50_ms"], r["p90_ms"], r["p99_ms"], r["max_ms"], r["statuses"]))
        time.sleep(1)
        for site in sites:
            check_votes(site, papers, site.runs)
        best = {s.name: max(s.runs[1:], key=lambda r: r["rps"]) for s in sites}
        line = "votes/s, best of %d:" % VOTE_ROUNDS
        for s in sites:
            line += " %s %.0f (p50 %.2f ms, p99 %.2f ms);" % (
                s.name, best[s.name]["rps"], best[s.name]["p50_ms"], best[s.name]["p99_ms"])
        if len(sites) == 2:
            line += " PostgreSQL/SQLite %.2f" % (best["PostgreSQL"]["rps"] / best["SQLite"]["rps"])
        print(line)

        if PAGES:
            for site in sites:
                # The page user has voted on some listed papers, so its pages
                # carry vote state.
                for item in http_json(site.base, "/api/daily_papers")[:5]:
                    http_json(site.base, "/api/papers/%s/upvote" % item["paper"]["id"], "POST",
                              site.page_token)
            # As a browser asks: the shared cache holds the gzip variant
            # ready; a signed-in page is rendered and compressed per request.
            gz = ["-H", "Accept-Encoding: gzip"]
            pages = page_runs(sites, lambda s: [
                ("anonymous", gz), ("signed-in", gz + ["-H", "Authorization: Bearer " + s.page_token])])
            for site in sites:
                site.stop()
                site.start(binary, "--cache-ttl-ms", "0")
            pages.update(page_runs(sites, lambda s: [("anonymous", gz)], ", no cache"))
            print("pages: wrk -t%d -c%d -d%ds, Accept-Encoding: gzip, best of %d"
                  % (WRK_THREADS, CONNECTIONS, SECONDS, ROUNDS))
            for site in sites:
                for path in PAGE_PATHS:
                    a = pages[(site.name, path, "anonymous")]
                    s = pages[(site.name, path, "signed-in")]
                    u = pages[(site.name, path, "anonymous, no cache")]
                    print("  %-10s %-17s anonymous %6.0f req/s p99 %6.2f ms | signed-in %5.0f req/s "
                          "p99 %6.2f ms | ratio %.4f | anonymous, no cache %5.0f req/s p99 %6.2f ms"
                          % (site.name, path, a["rps"], a["p99_ms"], s["rps"], s["p99_ms"],
                             s["rps"] / a["rps"], u["rps"], u["p99_ms"]))
        for site in sites:
            site.stop()
            errors = subprocess.run(["grep", "-E", " (error|critical) ", site.log_path],
                                    capture_output=True, text=True).stdout.splitlines()
            if errors:
                print("  %s server log: %d error lines, e.g. %s" % (site.name, len(errors), errors[:3]))
    finally:
        for site in sites:
            site.stop()
        if dbname:
            subprocess.run(["psql", admin, "-q", "-c", "DROP DATABASE IF EXISTS " + dbname],
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)


if __name__ == "__main__":
    main()
