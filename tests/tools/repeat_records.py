#!/usr/bin/env python3
"""Writes N Kaggle-snapshot JSON Lines records made by repeating real ones.

Real records (from ../shared/data) are cycled; each copy gets a fresh,
valid new-style arXiv id (2301.00000 upwards) and a copy number in its
title so that every output record is a distinct paper. Used by the import
kill -9 test and the import benchmark to get past 200k records.

usage: repeat_records.py SOURCE.jsonl N OUT.jsonl [--csv OUT.csv]
  --csv also writes the same rows as CSV (id,title,abstract,authors,categories)
  for the sqlite3 .import comparison.
"""
import csv
import json
import sys


def main():
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    csv_out = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--csv" else None
    base = [json.loads(line) for line in open(src, encoding="utf-8") if line.strip()]
    cw = None
    if csv_out:
        cf = open(csv_out, "w", newline="", encoding="utf-8")
        cw = csv.writer(cf)
        cw.writerow(["id", "title", "abstract", "authors", "categories"])
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            rec = dict(base[i % len(base)])
            month = 2301 + (i // 99999) % 12 + ((i // 99999) // 12) * 100
            rec["id"] = "%04d.%05d" % (month, i % 99999 + 1)
            rec["title"] = "%s (copy %d)" % (rec["title"], i)
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if cw:
                cw.writerow([rec["id"], rec["title"], rec["abstract"], rec["authors"], rec["categories"]])


if __name__ == "__main__":
    main()
