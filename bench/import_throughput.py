#!/usr/bin/env python3
"""Import throughput: paperpulse's Kaggle-JSONL and OAI-PMH readers end to
end (parse + validate + merge + SQLite write), next to sqlite3's own CSV
`.import` of the same rows in the same run.

usage: import_throughput.py PAPERPULSE_BINARY [N_RECORDS (default 250000)]

Records are real ones from ../shared/data repeated with fresh ids (the data
holds only 200 Kaggle and 2,000 OAI-PMH records). sqlite3's .import only
copies text into one table (no parsing of JSON/XML, no merge, no versions
table), so it is the ceiling a loader of the same rows could reach.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "data")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
OAI = [os.path.join(SHARED, "arxiv-oai-pmh-xml", f) for f in (
    "albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml",
    "arxivsync__ListRecords_arXivRaw_token-496549-46001_2014.xml")]


def make_oai_pages(n, out_dir):
    """Writes OAI-PMH arXivRaw pages of 1000 records each, cycling the real
    records with fresh ids; returns the number of records written."""
    records = []
    for path in OAI:
        text = open(path, encoding="utf-8").read()
        records += re.findall(r"<record>.*?</record>", text, flags=re.S)
    head = open(OAI[0], encoding="utf-8").read().split("<ListRecords>")[0] + "<ListRecords>\n"
    written, page = 0, 0
    while written < n:
        with open(os.path.join(out_dir, "page%05d.xml" % page), "w", encoding="utf-8") as f:
            f.write(head)
            for _ in range(min(1000, n - written)):
                rec = records[written % len(records)]
                new_id = "%04d.%05d" % (2301 + written // 99999, written % 99999 + 1)
                rec = re.sub(r"oai:arXiv.org:[^<]+<", "oai:arXiv.org:%s<" % new_id, rec, count=1)
                rec = re.sub(r"<id>[^<]+</id>", "<id>%s</id>" % new_id, rec, count=1)
                f.write(rec + "\n")
                written += 1
            f.write("</ListRecords>\n</OAI-PMH>\n")
        page += 1
    return written


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def main():
    binary = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 250000
    tmp = tempfile.mkdtemp(prefix="pp_bench_import_")
    try:
        jsonl, csv_path = os.path.join(tmp, "kaggle.jsonl"), os.path.join(tmp, "kaggle.csv")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "repeat_records.py"),
                        KAGGLE, str(n), jsonl, "--csv", csv_path], check=True)
        oai_dir = os.path.join(tmp, "oai")
        os.mkdir(oai_dir)
        n_oai = make_oai_pages(n, oai_dir)

        rows = []
        t = timed([binary, "import", "-q", "--data-dir", os.path.join(tmp, "pp1"), jsonl])
        rows.append(("paperpulse import, Kaggle JSONL", n, t))
        t = timed([binary, "import", "-q", "--data-dir", os.path.join(tmp, "pp2"), oai_dir])
        rows.append(("paperpulse import, OAI-PMH arXivRaw", n_oai, t))
        db = os.path.join(tmp, "plain.db")
        script = ("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
                  "CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, categories TEXT);\n"
                  ".mode csv\n.import --skip 1 %s papers\n" % csv_path)
        t = timed(["sqlite3", db], input=script.encode())
        rows.append(("sqlite3 .import, same rows as CSV", n, t))

        print("\n%-40s %10s %9s %12s" % ("loader", "records", "seconds", "records/s"))
        for name, count, secs in rows:
            print("%-40s %10d %9.2f %12.0f" % (name, count, secs, count / secs))
        base = rows[2][1] / rows[2][2]
        for name, count, secs in rows[:2]:
            print("ratio %-34s %.2f of sqlite3 .import" % (name, (count / secs) / base))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
