#!/usr/bin/env python3
"""Disk full during `import` and index builds (issue 13, Faults).

The data dir is a small tmpfs (we run as root; the test is skipped, saying
why, where mounting is not allowed) whose free space a ballast file cuts to
a fraction of what the clean run needs. Then:

  import   exits non-zero (no crash) with a message naming the full disk;
           the Store opens, SQLite's integrity_check is ok, and it holds
           exactly what a clean import of the first N records holds, N a
           whole number of batches (the last committed transaction); with
           the space back (ballast removed) the same import completes with
           the clean run's rows.
  reindex  exits non-zero with that message; the index that was live
           stays live and complete (or, on a fresh data dir, there is still
           none: nothing half-built is published); no build directory is
           left behind; with the space back, reindex gives a complete index.

On PostgreSQL the import's database lives in a tablespace on the tmpfs
(PostgreSQL's WAL stays on its own disk, as when a data volume fills), and the
index test uses the tmpfs data dir for the index alone.

usage: faults_disk_test.py PAPERPULSE_BINARY INDEX_PROBE_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import pp_faults  # noqa: E402
import pp_server  # noqa: E402
from pp_faults import log  # noqa: E402

BIN = None
PROBE = None
ENV = None
SHARED = os.path.join(ROOT, "..", "shared", "data")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
RECORDS = 3000
BATCH = 200
# SQLite and Xapian say ENOSPC or "disk is full"; PostgreSQL "could not
# extend file ... HINT:  Check free disk space."
DISK_FULL = re.compile(r"no space left on device|disk is full|disk full|check free disk space", re.I)


def clean_env():
    env = dict(os.environ)
    for k in ("PAPERPULSE_DATA_DIR", "PAPERPULSE_DB"):
        env.pop(k, None)
    return env


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill_leaving(mount, free, name="ballast"):
    """Writes a ballast file on `mount` so that about `free` bytes stay free."""
    path = os.path.join(mount, name)
    size = free_bytes(mount) - free
    assert size > 0, "the tmpfs has only %d bytes free, wanted %d" % (free_bytes(mount), free)
    with open(path, "wb") as f:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            n = min(size, len(chunk))
            f.write(chunk[:n])
            size -= n
    return path


class DiskFull(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pp_faults_disk_")
        os.chmod(cls.tmp, 0o755)  # PostgreSQL's user reaches its tablespace through it
        reason = pp_faults.tmpfs_unavailable_reason(cls.tmp)
        if reason:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise unittest.SkipTest(reason)
        cls.src = os.path.join(cls.tmp, "records.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "repeat_records.py"),
                        KAGGLE, str(RECORDS), cls.src], check=True)
        with open(cls.src, encoding="utf-8") as f:
            cls.lines = f.readlines()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def mount(self, size=256 << 20):
        fs = pp_faults.Tmpfs(self.tmp, size)
        self.addCleanup(fs.close)
        return fs

    def import_argv(self, target, src=None):
        return [BIN, "import", "-q", "--batch-size", str(BATCH), *target.args, src or self.src]

    def assert_disk_full_failure(self, p, what):
        self.assertGreater(p.returncode, 0, "%s: exit %d (0 = silent success, <0 = crash)\n%s"
                           % (what, p.returncode, p.stderr[-3000:]))
        self.assertRegex(p.stderr, DISK_FULL, what)
        log("%s: exit %d: %s" % (what, p.returncode,
                                 p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""))

    def prefix_content(self, backend, n):
        """What a clean import of the first `n` records holds."""
        path = os.path.join(self.tmp, "prefix-%d.jsonl" % n)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(self.lines[:n])
        t = backend.new("prefix")
        pp_faults.run_ok(self.import_argv(t, path), env=ENV)
        content = t.content()
        backend.drop(t)
        return content

    # ------------------------------------------------------------ import

    def test_import_sqlite(self):
        backend = pp_faults.Backend(os.path.join(self.tmp, "import-sqlite"))
        clean = backend.new("clean")
        pp_faults.run_ok(self.import_argv(clean), env=ENV)
        want = clean.content()
        self.assertEqual(want["papers"][0], RECORDS)
        need = pp_server.dir_size(clean.data_dir)
        fs = self.mount()
        t = pp_faults.Target(os.path.join(fs.path, "var"))
        ballast = fill_leaving(fs.path, int(need * 0.4))
        self.check_import(backend, t, want, ballast, need)

    @unittest.skipUnless(os.environ.get(pp_faults.PG_ENV), "PAPERPULSE_TEST_PG not set")
    def test_import_postgresql(self):
        backend = pp_faults.Backend(os.path.join(self.tmp, "import-pg"), pg=True)
        self.addCleanup(backend.close)
        clean = backend.new("clean")
        pp_faults.run_ok(self.import_argv(clean), env=ENV)
        want = clean.content()
        before = int(pp_faults.psql_admin("SELECT pg_database_size('%s')" % clean.dbname))
        backend.drop(clean)
        # The database's files in a tablespace on the tmpfs.
        fs = self.mount()
        space = os.path.join(fs.path, "ts")
        os.mkdir(space)
        shutil.chown(space, "postgres", "postgres")
        ts = "pp_full_%d" % os.getpid()
        pp_faults.psql_admin("CREATE TABLESPACE %s LOCATION '%s'" % (ts, space))
        self.addCleanup(pp_faults.psql_admin, "DROP TABLESPACE IF EXISTS " + ts, False)
        name = "pp_faults_%d_full" % os.getpid()
        pp_faults.psql_admin("CREATE DATABASE %s TABLESPACE %s" % (name, ts))
        self.addCleanup(pp_faults.psql_admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name,
                        False)
        t = pp_faults.Target(os.path.join(self.tmp, "import-pg", "full"), pp_faults.pg_url(name),
                             name)
        pp_faults.run_ok([BIN, "stats", *t.args], env=ENV)  # the schema, before the ballast
        empty = int(pp_faults.psql_admin("SELECT pg_database_size('%s')" % name))
        need = max(before - empty, 1 << 20)
        ballast = fill_leaving(fs.path, int(need * 0.4))
        self.check_import(backend, t, want, ballast, need)

    def check_import(self, backend, t, want, ballast, need):
        p = pp_faults.run(self.import_argv(t), env=ENV)
        self.assert_disk_full_failure(p, "import on a full disk (%s, %d of ~%d bytes free)"
                                      % (backend.label, int(need * 0.4), need))
        self.assertEqual(t.integrity(), "ok")
        got = t.content()
        n = got["papers"][0]
        self.assertLess(n, RECORDS, "the import did not stop")
        self.assertEqual(n % BATCH, 0, "not a whole number of batches: %d" % n)
        self.assertEqual(got, self.prefix_content(backend, n),
                         "not what a clean import of the first %d records holds" % n)
        log("  %s: %d of %d papers committed (%d batches)" % (backend.label, n, RECORDS, n // BATCH))
        os.remove(ballast)  # the space is back
        pp_faults.run_ok(self.import_argv(t), env=ENV)
        self.assertEqual(t.integrity(), "ok")
        self.assertEqual(t.content(), want)

    # ------------------------------------------------------------- index

    def index_case(self, pg):
        backend = pp_faults.Backend(os.path.join(self.tmp, "index-pg" if pg else "index-sqlite"),
                                    pg=pg)
        self.addCleanup(backend.close)
        store = backend.new("store")
        pp_faults.run_ok(self.import_argv(store), env=ENV)
        shutil.rmtree(os.path.join(store.data_dir, "search"), ignore_errors=True)
        ids = [r[0] for r in store.query("SELECT id FROM papers")]
        change_seq = store.scalar("SELECT value FROM meta WHERE key = 'change_seq'")
        # The index's size from a clean build beside it.
        probe = pp_faults.Target(os.path.join(self.tmp, "size-%s" % backend.label), store.db)
        if not pg:
            shutil.copy(store.sqlite_path, probe.sqlite_path)
        pp_faults.run_ok([BIN, "reindex", *probe.args], env=ENV)
        index_size = pp_server.dir_size(os.path.join(probe.data_dir, "search"))
        fs = self.mount()
        t = pp_faults.Target(os.path.join(fs.path, "var"), store.db)
        if not pg:
            shutil.copy(store.sqlite_path, t.sqlite_path)

        def complete(what):
            got = pp_faults.probe_index(PROBE, t.data_dir, ids)
            self.assertEqual((got["documents"], got["missing_count"], got["last_change_seq"]),
                             (len(ids), 0, change_seq), (what, got))

        def reindex_on_full_disk(what):
            ballast = fill_leaving(fs.path, index_size // 3)
            before = pp_faults.live_generation(t.data_dir)
            p = pp_faults.run([BIN, "reindex", *t.args], env=ENV)
            self.assert_disk_full_failure(p, "%s (%s, %d bytes free, the index takes %d)" % (
                what, backend.label, index_size // 3, index_size))
            self.assertEqual(pp_faults.live_generation(t.data_dir), before, what)
            if before:
                complete(what)
            self.assertEqual(pp_faults.build_leftovers(t.data_dir), [], what)
            if not pg:
                self.assertEqual(t.integrity(), "ok")
            os.remove(ballast)
            pp_faults.run_ok([BIN, "reindex", *t.args], env=ENV)
            complete(what + ", then with space")
            self.assertEqual(pp_faults.build_leftovers(t.data_dir), [], what)

        reindex_on_full_disk("first reindex on a full disk")
        reindex_on_full_disk("reindex on a full disk beside a live index")

    def test_index_sqlite(self):
        self.index_case(False)

    @unittest.skipUnless(os.environ.get(pp_faults.PG_ENV), "PAPERPULSE_TEST_PG not set")
    def test_index_postgresql(self):
        self.index_case(True)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    PROBE = os.path.abspath(sys.argv.pop(1))
    ENV = clean_env()
    unittest.main(verbosity=2)
