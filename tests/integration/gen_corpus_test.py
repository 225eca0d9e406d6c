#!/usr/bin/env python3
"""The scale-corpus generator (bench/gen_corpus.py, issue 14): deterministic,
realistic and importable by the real binary.

usage: gen_corpus_test.py PAPERPULSE_BINARY   (run by ctest)
Uses ../shared/data (the real records the generator recombines).
"""
import collections
import datetime
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "gen_corpus.py")
N = 3000
KEYS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no", "categories",
        "license", "abstract", "versions", "update_date", "authors_parsed"]
NEW_ID = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})$")
MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def created(text):
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> datetime (the weekday checked too)."""
    m = re.fullmatch(r"(\w{3}), (\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT", text)
    assert m, text
    t = datetime.datetime(int(m.group(4)), MONTHS[m.group(3)], int(m.group(2)), *map(int, m.group(5, 6, 7)))
    assert t.strftime("%a") == m.group(1), text
    return t


class GenCorpus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pp_gen_corpus_")
        cls.paths = {name: os.path.join(cls.tmp, name + ".jsonl") for name in "abc"}
        # The command line makes a (seed 7) while the module, loaded here
        # (another PYTHONHASHSEED), makes b (seed 7 again) and c (seed 8).
        env = dict(os.environ, PYTHONHASHSEED="1" if os.environ.get("PYTHONHASHSEED") != "1" else "2")
        proc = subprocess.Popen([sys.executable, SCRIPT, "--size", "3k", "--seed", "7", "--out", cls.paths["a"]],
                                env=env, stderr=subprocess.PIPE, text=True)
        try:
            cls.gen = load_generator()
            cls.pool = cls.gen.load_pool()
            model = cls.gen.Model(cls.pool)
            cls.gen.generate(model, N, cls.paths["b"], seed=7, progress=None)
            cls.gen.generate(model, N, cls.paths["c"], seed=8, progress=None)
        finally:
            err = proc.communicate(timeout=240)[1]
        assert proc.returncode == 0, err[-3000:]
        with open(cls.paths["a"], encoding="utf-8") as f:
            cls.lines = f.read().splitlines()
        cls.records = [json.loads(line) for line in cls.lines]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_deterministic(self):
        digest = {}
        for name, path in self.paths.items():
            with open(path, "rb") as f:
                digest[name] = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(digest["a"], digest["b"], "same seed, different output")
        self.assertNotEqual(digest["a"], digest["c"], "seeds 7 and 8 gave the same output")
        self.assertFalse(any(f.endswith(".tmp") for f in os.listdir(self.tmp)))

    def test_records_valid(self):
        self.assertEqual(len(self.records), N)
        ids = set()
        for line, r in zip(self.lines, self.records):
            self.assertEqual(list(r), KEYS, line[:200])
            m = NEW_ID.match(r["id"])
            self.assertTrue(m, r["id"])
            yymm = int(m.group(1) + m.group(2))
            self.assertTrue(704 <= yymm <= 2611 and 1 <= int(m.group(2)) <= 12, r["id"])
            self.assertEqual(len(m.group(3)), 4 if yymm < 1501 else 5, r["id"])
            self.assertNotIn(r["id"], ids)
            ids.add(r["id"])
            versions = r["versions"]
            self.assertEqual([v["version"] for v in versions], ["v%d" % i for i in range(1, len(versions) + 1)])
            dates = [created(v["created"]) for v in versions]
            self.assertEqual(dates, sorted(dates), r["id"])
            self.assertEqual((dates[0].year % 100, dates[0].month), (yymm // 100, yymm % 100), r["id"])
            self.assertEqual(r["update_date"], dates[-1].date().isoformat(), r["id"])
            self.assertTrue(r["title"].strip() and len(r["abstract"].split()) >= 5, r["id"])
            self.assertTrue(r["categories"].split(), r["id"])
            parsed = [" ".join(p for p in (first, last, suffix) if p) for last, first, suffix in r["authors_parsed"]]
            self.assertTrue(parsed, r["id"])
            self.assertIn(r["submitter"], parsed)
            self.assertEqual(re.split(r", | and ", r["authors"]), parsed, r["id"])
            for key in ("comments", "journal-ref", "doi", "report-no", "license"):
                self.assertTrue(r[key] is None or isinstance(r[key], str), key)
        self.assertEqual(sorted(ids), [r["id"] for r in self.records], "ids not in order")
        titles = {" ".join(r["title"].split()).lower() for r in self.records}
        self.assertGreaterEqual(len(titles), 0.99 * N)

    def test_distributions(self):
        real = sum(len(d.abstract.split()) for d in self.pool) / len(self.pool)
        made = sum(len(r["abstract"].split()) for r in self.records) / N
        self.assertLess(abs(made - real) / real, 0.25, "abstract words: %.1f made, %.1f real" % (made, real))
        primaries = collections.Counter(r["categories"].split()[0] for r in self.records)
        self.assertGreaterEqual(len(primaries), 20, primaries)
        per_author = collections.Counter(tuple(a) for r in self.records for a in r["authors_parsed"])
        self.assertGreaterEqual(per_author.most_common(1)[0][1], 20, per_author.most_common(3))
        self.assertGreater(len(per_author), N // 2, "too few distinct authors")
        years = collections.Counter(2000 + int(r["id"][:2]) for r in self.records)
        self.assertGreater(years[2025], 2 * years[2008], years)  # arXiv's growth
        print("\nabstract words %.1f (real %.1f), %d primary categories, top author %s" % (
            made, real, len(primaries), per_author.most_common(1)[0]), file=sys.stderr)

    def test_sizes_and_id_space(self):
        self.assertEqual([self.gen.parse_size(s) for s in ("300000", "100k", "2.7M", "3k")],
                         [300000, 100000, 2700000, 3000])
        for n in (N, 100_000, 2_700_000):
            months = self.gen.plan(n)
            self.assertEqual(sum(count for _, count, _ in months), n)
            for (i, count, span), cap in zip(months, self.gen.MONTH_CAPACITY):
                self.assertLessEqual(count, span)  # numbers 1 + j*span//count: distinct
                self.assertLessEqual(span, cap)

    def test_import(self):
        data = os.path.join(self.tmp, "data")
        p = subprocess.run([BIN, "import", "--json", "-q", "--data-dir", data, self.paths["a"]],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        summary = json.loads(p.stdout)
        self.assertEqual(summary["total"]["read"], N, summary)
        self.assertEqual(summary["total"]["inserted"], N, summary)
        self.assertEqual(summary["total"]["rejected"], 0, summary)
        self.assertEqual(list(summary["formats"]), ["kaggle-jsonl"])
        s = subprocess.run([BIN, "stats", "--json", "--data-dir", data], capture_output=True, text=True, timeout=60)
        self.assertEqual(s.returncode, 0, s.stderr)
        self.assertEqual(json.loads(s.stdout)["papers"], N)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
