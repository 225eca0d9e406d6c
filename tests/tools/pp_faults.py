"""Helpers of the fault tests (tests/integration/faults_*_test.py, issue 13):
a Store to run commands against (SQLite in a data dir, or a database on the
PostgreSQL server of PAPERPULSE_TEST_PG), what a Store holds compared row for
row, commands killed with SIGKILL at a chosen moment, the search index read
without repairing it (tests/tools/index_probe.cc), a private PostgreSQL server
that a test may stop and start, and tmpfs mounts.
"""
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

from pp_server import free_port

PG_ENV = "PAPERPULSE_TEST_PG"


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def seeded_rng(name):
    """A random.Random seeded from PAPERPULSE_FAULT_SEED (or a fresh seed),
    logged so that a failing run can be repeated."""
    seed = int(os.environ.get("PAPERPULSE_FAULT_SEED") or random.SystemRandom().randrange(1 << 30))
    log("%s: seed %d (PAPERPULSE_FAULT_SEED=%d repeats this run)" % (name, seed, seed))
    return random.Random(seed)


def kill_moments(rng, duration, n=20):
    """`n` moments spread over [0, duration): one drawn at random in each
    n-th of it, so that start-up, the middle and the end are all hit."""
    return [duration * (i + rng.random()) / n for i in range(n)]


# What a Store holds, table by table, as a comparison of rows (not only
# counts): a lost, doubled or half-written row changes a table's digest.
CONTENT_QUERIES = {
    "papers": "SELECT id, title, latest_version, submitted, updated, categories FROM papers",
    "versions": "SELECT paper_id, version, created FROM paper_versions",
    "daily_entries": "SELECT date, paper_id, upvotes, submitted_by FROM daily_entries",
    "unkeyed": "SELECT source, title_key FROM unkeyed_papers",
}


class Target:
    """One Store: `args` are the command-line options naming it."""

    def __init__(self, data_dir, db=None, dbname=None):
        self.data_dir = data_dir
        self.db = db
        self.dbname = dbname
        os.makedirs(data_dir, exist_ok=True)

    @property
    def args(self):
        return ["--data-dir", self.data_dir] + (["--db", self.db] if self.db else [])

    @property
    def sqlite_path(self):
        return os.path.join(self.data_dir, "paperpulse.db")

    def query(self, sql):
        """Rows of `sql` as lists of strings (NULL as '')."""
        if self.db:
            out = subprocess.run(["psql", self.db, "-qAt", "-F", "\t", "-c", sql], check=True,
                                 capture_output=True, text=True).stdout
            return [line.split("\t") for line in out.splitlines()]
        conn = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return [["" if v is None else str(v) for v in row] for row in conn.execute(sql)]
        finally:
            conn.close()

    def scalar(self, sql):
        rows = self.query(sql)
        return int(rows[0][0]) if rows and rows[0][0] != "" else 0

    def has_schema(self):
        """Whether the migrations created the tables yet (a process killed
        during its first start-up leaves an empty database)."""
        if self.db:
            return self.scalar("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'papers'") == 1
        return self.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'papers'") == 1

    def query_many(self, sqls):
        """The rows of each statement of `sqls` (one psql run on PostgreSQL)."""
        if not self.db:
            return [self.query(sql) for sql in sqls]
        marker = "--next-statement--"
        argv = ["psql", self.db, "-qAt", "-F", "\t"]
        for i, sql in enumerate(sqls):
            if i:
                argv += ["-c", "SELECT '%s'" % marker]
            argv += ["-c", sql]
        out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        results = [[]]
        for line in out.splitlines():
            if line == marker:
                results.append([])
            else:
                results[-1].append(line.split("\t"))
        return results

    def content(self):
        """{table: (row count, sha256 of the sorted rows)}."""
        empty = (0, hashlib.sha256(b"").hexdigest()[:16])
        if not self.has_schema():
            return {table: empty for table in CONTENT_QUERIES}
        out = {}
        for table, rows in zip(CONTENT_QUERIES, self.query_many(list(CONTENT_QUERIES.values()))):
            rows = sorted("\x1f".join(r) for r in rows)
            out[table] = (len(rows), hashlib.sha256("\x1e".join(rows).encode()).hexdigest()[:16])
        return out

    def integrity(self):
        """SQLite's integrity_check ("ok" when sound); PostgreSQL: "ok" when
        the database answers (its own WAL recovery is not ours to check)."""
        if self.db:
            self.query("SELECT 1")
            return "ok"
        conn = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return "\n".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        finally:
            conn.close()

    def exists(self):
        return bool(self.db) or os.path.exists(self.sqlite_path)


class Backend:
    """Makes Targets: SQLite data dirs under `tmp`, or (pg=True) databases
    on the server of PAPERPULSE_TEST_PG, each with a data dir of its own for
    the search index. close() drops the databases made."""

    def __init__(self, tmp, pg=False, prefix="pp_faults"):
        self.tmp = tmp
        self.pg = pg
        self.prefix = "%s_%d" % (prefix, os.getpid())
        self.names = []
        self.count = 0

    @property
    def label(self):
        return "PostgreSQL" if self.pg else "SQLite"

    def new(self, tag, template=None):
        """A new, empty Store (or a copy of `template`, a Target of this Backend)."""
        self.count += 1
        data = os.path.join(self.tmp, "%s-%d" % (tag, self.count))
        if template is not None and not self.pg:
            shutil.copytree(template.data_dir, data)
            return Target(data)
        if not self.pg:
            return Target(data)
        name = "%s_%s_%d" % (self.prefix, tag.replace("-", "_"), self.count)
        sql = "CREATE DATABASE %s" % name
        if template is not None:
            sql += " TEMPLATE %s" % template.dbname
        psql_admin(sql)
        self.names.append(name)
        return Target(data, pg_url(name), name)

    def drop(self, target):
        if target.dbname:
            psql_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % target.dbname, check=False)
            if target.dbname in self.names:
                self.names.remove(target.dbname)
        shutil.rmtree(target.data_dir, ignore_errors=True)

    def close(self):
        for name in list(self.names):
            psql_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name, check=False)
        self.names = []


def backends():
    """SQLite, and PostgreSQL when PAPERPULSE_TEST_PG is set."""
    return [False] + ([True] if os.environ.get(PG_ENV) else [])


def pg_url(dbname):
    return os.environ[PG_ENV].rsplit("/", 1)[0] + "/" + dbname


def psql_admin(sql, check=True):
    p = subprocess.run(["psql", os.environ[PG_ENV], "-qAt", "-c", sql], capture_output=True,
                       text=True)
    if check and p.returncode != 0:
        raise AssertionError("psql %r: %s" % (sql, p.stderr))
    return p.stdout


# ------------------------------------------------------------ commands

def run(argv, timeout=300, env=None):
    """subprocess.run with output captured as text."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)


def run_ok(argv, timeout=300, env=None):
    p = run(argv, timeout, env)
    if p.returncode != 0:
        raise AssertionError("%s exited %d\n%s\n%s" % (" ".join(argv), p.returncode,
                                                       p.stdout[-2000:], p.stderr[-3000:]))
    return p


def timed_run(argv, timeout=300, env=None):
    """(seconds, completed process) of a run that must exit 0."""
    start = time.monotonic()
    p = run_ok(argv, timeout, env)
    return time.monotonic() - start, p


def run_killed_at(argv, at, env=None, stdout=subprocess.DEVNULL):
    """Starts `argv` and SIGKILLs it `at` seconds later. Returns True when
    the kill came first, False when it had exited by then (then it must
    have exited 0)."""
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env)
    try:
        proc.wait(timeout=at)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        return True
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise AssertionError("%s exited %d before the kill\n%s" % (" ".join(argv), proc.returncode,
                                                                  err[-3000:]))
    return False


def run_killed_at_point(argv, at, clean_seconds, reset=None, env=None):
    """run_killed_at, and when the run ended before its kill (faster than
    the timed clean run: the machine's load varies, more so in CI), once
    more at the same point of that faster run, after reset() (which puts
    back the state the run started from). `argv` is a list or a function
    giving it (called for each run, after reset). Returns (killed, moment)."""
    command = argv if callable(argv) else (lambda: argv)
    start = time.monotonic()
    if run_killed_at(command(), at, env=env):
        return True, at
    took = time.monotonic() - start
    if reset:
        reset()
    at = 0.95 * at * min(took / clean_seconds, 1.0)
    return run_killed_at(command(), at, env=env), at


# --------------------------------------------------------- search index

def probe_index(probe_bin, data_dir, ids):
    """What tests/tools/index_probe reads from the live index of `data_dir`
    (dict: documents, last_change_seq, checked, missing, missing_count)."""
    p = subprocess.run([probe_bin, data_dir], input="\n".join(ids) + "\n", capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("index_probe %s: %s" % (data_dir, p.stderr[-2000:]))
    return json.loads(p.stdout)


def live_generation(data_dir):
    """The name CURRENT gives, or None when there is no index."""
    try:
        with open(os.path.join(data_dir, "search", "CURRENT")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def build_leftovers(data_dir):
    """Build directories left in <data_dir>/search (names with .tmp-)."""
    d = os.path.join(data_dir, "search")
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if ".tmp" in n)


# ------------------------------------------------------------ tmpfs

class Tmpfs:
    """A tmpfs of `size` bytes mounted on a new directory (we run as root in
    CI; without the privilege the caller skips). unmount() on close()."""

    def __init__(self, parent, size):
        self.path = tempfile.mkdtemp(prefix="tmpfs-", dir=parent)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d,mode=0755" % size, "tmpfs",
                            self.path], capture_output=True, text=True)
        if p.returncode != 0:
            os.rmdir(self.path)
            raise PermissionError("mount -t tmpfs: " + (p.stderr.strip() or "failed"))
        self.mounted = True

    def resize(self, size):
        subprocess.run(["mount", "-o", "remount,size=%d" % size, self.path], check=True,
                       capture_output=True)

    def close(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.path], capture_output=True)
            self.mounted = False
            shutil.rmtree(self.path, ignore_errors=True)


def tmpfs_unavailable_reason(parent):
    """None when a tmpfs can be mounted here, else why not (for skipTest)."""
    try:
        Tmpfs(parent, 1 << 20).close()
        return None
    except (PermissionError, FileNotFoundError) as e:
        return "cannot mount a tmpfs (root needed): %s" % e


# ------------------------------------------------ a private PostgreSQL

class PrivatePostgres:
    """A PostgreSQL server of our own (initdb in `tmp`, a free loopback
    port), which a test may stop and start again on the same data dir and
    port. As root the server runs as the `postgres` user, like
    scripts/with-postgres."""

    def __init__(self, tmp):
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql")) if os.path.isdir(
            "/usr/lib/postgresql") else []
        if not bins:
            raise FileNotFoundError("PostgreSQL server binaries not found")
        self.bin = os.path.join("/usr/lib/postgresql", bins[-1], "bin")
        self.dir = tempfile.mkdtemp(prefix="pp-pg-", dir=tmp)
        self.data = os.path.join(self.dir, "data")
        self.run_as = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        p = subprocess.run(self.run_as + [os.path.join(self.bin, "initdb"), "-D", self.data, "-U",
                                          "postgres", "-A", "trust", "-E", "UTF8",
                                          "--locale=C.UTF-8"], capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError("initdb: " + p.stdout + p.stderr)
        self.start()
        self.url = "postgresql://postgres@127.0.0.1:%d/postgres" % self.port

    def pg_ctl(self, *args):
        p = subprocess.run(self.run_as + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, *args],
                           capture_output=True, text=True)
        if p.returncode != 0:
            log_path = os.path.join(self.dir, "server.log")
            tail = open(log_path).read()[-3000:] if os.path.exists(log_path) else ""
            raise AssertionError("pg_ctl %s: %s%s\n%s" % (" ".join(args), p.stdout, p.stderr, tail))

    def start(self):
        self.pg_ctl("-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60", "-o",
                    "-h 127.0.0.1 -p %d -k %s -c fsync=off" % (self.port, self.dir), "start")

    def stop(self, mode="fast"):
        self.pg_ctl("-m", mode, "-w", "stop")

    def database(self, name):
        subprocess.run(["psql", self.url, "-qc", "CREATE DATABASE " + name], check=True,
                       capture_output=True)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def close(self):
        subprocess.run(self.run_as + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m",
                                      "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
