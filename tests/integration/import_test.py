#!/usr/bin/env python3
"""End-to-end tests of `paperpulse import` with the real binary.

usage: import_test.py PAPERPULSE_BINARY   (run by ctest)
Uses ../shared/data (real arXiv/HF data). When PAPERPULSE_TEST_PG is set, the
PostgreSQL case runs against that server too.
"""
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")


def run(*args, check=None):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=1200)
    if check is not None and p.returncode != check:
        raise AssertionError("%s exited %d, wanted %d\nstderr:\n%s" % (args, p.returncode, check, p.stderr[-4000:]))
    return p


def stats(*db):
    return json.loads(run("stats", "--json", *db, check=0).stdout)


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="pp_import_")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class ImportAllSharedData(unittest.TestCase):
    """Every folder of ../shared/data imports; a second run changes nothing."""

    def test_all_and_idempotent(self):
        with TempDir() as d:
            first = run("import", "--json", "--data-dir", d, SHARED)
            self.assertEqual(first.returncode, 0, first.stderr[-4000:])
            summary = json.loads(first.stdout)
            self.assertEqual(summary["failed"], [])
            self.assertEqual(summary["total"]["rejected"], 0)
            for fmt in ["kaggle-jsonl", "kaggle-csv", "arxiv-atom", "oai-pmh", "oai-dc-jsonl",
                        "arxiv-daily-listing-jsonl", "arxiv-abs", "hf-daily-json", "abstracts-csv"]:
                self.assertIn(fmt, summary["formats"], "no records read as " + fmt)
                self.assertGreater(summary["formats"][fmt]["read"], 0, fmt)
            s1 = stats("--data-dir", d)
            # README of the data: ~50,000 distinct papers, ~10,100 HF daily items.
            self.assertGreater(s1["papers"], 40000)
            self.assertGreater(s1["daily_entries"], 8000)
            # Only arXivRaw, Kaggle, .abs and Atom records list versions (~9,300).
            self.assertGreater(s1["versions"], 8000)
            # Rows of the id-less abstract CSVs are held, not dropped.
            self.assertGreater(s1["unkeyed"], 2500)
            self.assertEqual(summary["total"]["held"], 2550)
            self.assertEqual(s1["change_seq"] >= s1["papers"], True)
            print("\nfirst import:", json.dumps(summary["formats"]), "\nstats:", s1, file=sys.stderr)

            second = run("import", SHARED, "--json", "--data-dir", d)  # --data-dir after the paths
            self.assertEqual(second.returncode, 0, second.stderr[-4000:])
            again = json.loads(second.stdout)
            self.assertEqual(again["total"]["inserted"], 0)
            self.assertEqual(again["total"]["updated"], 0)
            self.assertEqual(again["total"]["read"], summary["total"]["read"])
            self.assertEqual(stats("--data-dir", d), s1)

    def test_bundled_sample(self):
        with TempDir() as d:
            p = run("import", os.path.join(ROOT, "share", "sample"), "--data-dir", d, check=0)
            s = stats("--data-dir", d)
            self.assertGreaterEqual(s["papers"], 300, p.stderr)
            self.assertGreater(s["daily_entries"], 150)


class MalformedInput(unittest.TestCase):
    """Bad records are reported with file and line; good ones around them land."""

    def test_each_kind_of_damage(self):
        with open(KAGGLE, encoding="utf-8") as f:
            good = [json.loads(l) for l in f][:6]
        with TempDir() as d:
            src = os.path.join(d, "in")
            os.mkdir(src)
            path = os.path.join(src, "mixed.jsonl")
            with open(path, "wb") as f:
                f.write((json.dumps(good[0]) + "\n").encode())                    # line 1 ok
                f.write(json.dumps(good[1])[:80].encode() + b"\n")                 # line 2 truncated
                bad_id = dict(good[2], id="2413.99999")
                f.write((json.dumps(bad_id) + "\n").encode())                      # line 3 bad id
                huge = dict(good[3], title="x" * (10 * 1024 * 1024))
                f.write((json.dumps(huge) + "\n").encode())                        # line 4 10 MB title
                utf = json.dumps(good[4], ensure_ascii=False).encode()
                utf = utf.replace(b'"title": "', b'"title": "\xff\xfe', 1)
                f.write(utf + b"\n")                                               # line 5 invalid UTF-8
                f.write((json.dumps(good[5]) + "\n").encode())                     # line 6 ok
            open(os.path.join(src, "empty.jsonl"), "wb").close()
            with open(os.path.join(src, "notes.bin"), "wb") as f:
                f.write(b"\x00\x01 this is not metadata at all \x02")
            with open(os.path.join(SHARED, "arxiv-oai-pmh-xml",
                                   "albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml"),
                      "rb") as f:
                oai = f.read()
            cut = oai.find(b"</record>", len(oai) // 3) + len(b"</record>")
            with open(os.path.join(src, "broken.xml"), "wb") as f:
                f.write(oai[:cut + 200])                                           # broken XML
            p = run("import", "--data-dir", d, src)
            self.assertEqual(p.returncode, 1, p.stderr[-3000:])
            err = p.stderr
            self.assertIn("mixed.jsonl:2", err)
            self.assertIn("mixed.jsonl:3", err)
            self.assertIn("2413.99999", err)
            self.assertIn("mixed.jsonl:4", err)
            self.assertIn("mixed.jsonl:5", err)
            self.assertIn("empty.jsonl", err)
            self.assertIn("notes.bin: not a known format", err)
            self.assertIn("broken.xml", err)
            conn = stats("--data-dir", d)
            ids = subprocess.run(["sqlite3", os.path.join(d, "paperpulse.db"), "SELECT id FROM papers"],
                                 capture_output=True, text=True).stdout.split()
            self.assertIn(good[0]["id"], ids)
            self.assertIn(good[5]["id"], ids)
            self.assertNotIn(good[1]["id"], ids)
            # Records of the broken XML page before the break are kept.
            self.assertGreater(conn["papers"], 2 + 100)
            # --allow-errors turns rejections into exit 0.
            self.assertEqual(run("import", "--allow-errors", "--data-dir", d, path).returncode, 0)


class KillNine(unittest.TestCase):
    """kill -9 in the middle of a large import, re-run: same as a clean run."""

    def test_kill_and_rerun(self):
        with TempDir() as d:
            big = os.path.join(d, "big.jsonl")
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "repeat_records.py"),
                            KAGGLE, "60000", big], check=True)
            clean_dir, kill_dir = os.path.join(d, "clean"), os.path.join(d, "killed")
            run("import", "-q", "--data-dir", clean_dir, big, check=0)
            clean = stats("--data-dir", clean_dir)
            self.assertEqual(clean["papers"], 60000)

            proc = subprocess.Popen([BIN, "import", "-q", "--batch-size", "1000", "--data-dir", kill_dir, big],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            db = os.path.join(kill_dir, "paperpulse.db")
            # Kill once part of the data is committed (poll the real database).
            deadline = time.time() + 120
            while time.time() < deadline:
                time.sleep(0.05)
                if os.path.exists(db):
                    n = subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM papers"],
                                       capture_output=True, text=True).stdout.strip()
                    if n.isdigit() and int(n) >= 5000:
                        break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            partial = stats("--data-dir", kill_dir)
            self.assertLess(partial["papers"], 60000, "import finished before the kill; test proves nothing")
            check = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], capture_output=True, text=True)
            self.assertEqual(check.stdout.strip(), "ok")
            run("import", "-q", "--data-dir", kill_dir, big, check=0)
            after = stats("--data-dir", kill_dir)
            for k in ["papers", "versions", "daily_entries", "users"]:
                self.assertEqual(after[k], clean[k], k)


@unittest.skipUnless(os.environ.get("PAPERPULSE_TEST_PG"), "PAPERPULSE_TEST_PG not set")
class PostgresBackend(unittest.TestCase):
    def test_import_into_postgres_matches_sqlite(self):
        admin = os.environ["PAPERPULSE_TEST_PG"]
        name = "pp_import_%d" % os.getpid()
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE " + name], check=True)
        url = admin.rsplit("/", 1)[0] + "/" + name
        try:
            with TempDir() as d:
                src = [os.path.join(SHARED, "arxiv-kaggle-csv"), os.path.join(SHARED, "arxiv-oai-pmh-xml"),
                       os.path.join(SHARED, "hf-daily-papers-json", "daily")]
                run("import", "-q", "--db", url, *src, check=0)
                run("import", "-q", *src, "--db", url, check=0)
                pg = stats("--db", url)
                self.assertEqual(pg["backend"], "postgresql")
                run("import", "-q", "--data-dir", d, *src, check=0)
                lite = stats("--data-dir", d)
                for k in ["papers", "versions", "daily_entries"]:
                    self.assertEqual(pg[k], lite[k], k)
        finally:
            subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name])


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
