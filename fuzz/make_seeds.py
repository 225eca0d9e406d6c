#!/usr/bin/env python3
"""Writes small seed inputs for the fuzz targets into fuzz/corpus/<target>/.

Cut from the real data in ../shared/data and the tests' fixtures: a few
records per format, each seed a few KB at most (libFuzzer mutates small
inputs best). Run once when adding a target, then minimise the corpus with
`fuzz/run-fuzzer merge`. Usage: fuzz/make_seeds.py [SHARED_DATA_DIR]
"""
import csv
import glob
import hashlib
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
MAX = 6000  # bytes per seed


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX:
        return
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def lines(path, n, skip=0):
    out = []
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i < skip:
                continue
            if len(out) >= n:
                break
            if len(line) <= MAX:
                out.append(line)
    return out


def d(*parts):
    return os.path.join(DATA, *parts)


def jsonl_seeds(target, pattern, files=3):
    for path in sorted(glob.glob(pattern))[:files]:
        ls = lines(path, 3)
        if ls:
            put(target, ls[0])
            put(target, b"".join(ls[:2]))


def csv_seeds(target, path, rows=2):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        r = csv.reader(f)
        recs = []
        for rec in r:
            recs.append([c[:600] for c in rec])
            if len(recs) > rows + 3:
                break
    for k in (1, rows):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(recs[0])
        for rec in recs[k:k + rows]:
            w.writerow(rec)
        put(target, out.getvalue())
    return recs


def small_files(target, pattern, n):
    for path in sorted(glob.glob(pattern))[:n]:
        with open(path, "rb") as f:
            put(target, f.read())


# --- ingest readers -------------------------------------------------------
jsonl_seeds("kaggle_jsonl", d("arxiv-kaggle-jsonl", "*.jsonl"))
jsonl_seeds("oai_dc_jsonl", d("arxiv-oai-dc-jsonl", "*.jsonl"))
jsonl_seeds("daily_listing_jsonl", d("arxiv-daily-listing-jsonl", "*", "*.jsonl"), files=4)
kaggle = csv_seeds("kaggle_csv", d("arxiv-kaggle-csv", "gechhai__arxiv_data_head2000.csv"))
for path in sorted(glob.glob(d("paper-popularity-csv", "*.csv"))):
    csv_seeds("paper_popularity_csv", path)
for path in sorted(glob.glob(d("github-stars-csv", "*.csv"))):
    csv_seeds("github_stars_csv", path)
for path in sorted(glob.glob(d("arxiv-abstracts-csv", "*.csv"))):
    csv_seeds("abstracts_csv", path)
for t in ("kaggle_csv", "abstracts_csv", "github_stars_csv"):
    for path in sorted(glob.glob(os.path.join(HERE, "corpus", t, "*")))[:2]:
        with open(path, "rb") as f:
            put("csv", f.read())
small_files("arxiv_abs", d("arxiv-abs-text", "0704", "*.abs"), 6)
with open(d("arxiv-abs-text", "astro-ph-listings", "arxiv-browse__astro-ph_listing_2301.txt"), "rb") as f:
    head = f.read(MAX)
    put("arxiv_abs", head[: head.rfind(b"\n\\\\\n") + 4] if b"\n\\\\\n" in head else head)
small_files("oai_pmh", d("arxiv-oai-pmh-xml", "hepcrawl", "sample_arxiv_record*.xml"), 4)
small_files("oai_pmh", d("arxiv-oai-pmh-xml", "paperhive-nock", "*", "*.xml"), 4)
small_files("oai_pmh", d("arxiv-oai-pmh-xml", "paperhive-nock", "*.xml"), 4)
small_files("arxiv_atom", d("arxiv-api-atom", "arxiv.py-fixtures", "*", "*.xml"), 6)
small_files("arxiv_atom", d("arxiv-api-atom", "*.xml"), 1)
for path in sorted(glob.glob(d("arxiv-api-atom", "arxiv.py-fixtures", "*.json")))[:6]:
    with open(path, "rb") as f:
        put("http_recording", f.read())
for path in sorted(glob.glob(d("arxiv-oai-pmh-xml", "paperhive-nock", "*.json")))[:4]:
    with open(path, "rb") as f:
        data = json.load(f)
    if isinstance(data, list):
        put("http_recording", json.dumps(data[:1]))
for sub in ("daily", "daily-history", "scraped"):
    for path in sorted(glob.glob(d("hf-daily-papers-json", sub, "*.json")))[:2]:
        with open(path, "rb") as f:
            data = json.load(f)
        if isinstance(data, list):
            put("hf_daily_json", json.dumps(data[:1]))
        elif isinstance(data, dict):
            cut = {k: (v[:1] if isinstance(v, list) else v) for k, v in data.items()}
            put("hf_daily_json", json.dumps(cut))
# --- Python literals (Kaggle CSV columns) ---------------------------------
header = kaggle[0]
for rec in kaggle[1:4]:
    for col in ("versions", "authors_parsed"):
        if col in header:
            put("pyrepr", rec[header.index(col)])
put("pyrepr", "{'a': [1, 2.5, -3e4, None, True], 'b': ('x', u'\\u00e9', b'y'), 'c': {}}")
put("pyrepr", "['cs.CL', \"it's\", '''tri''', r'\\alpha']")
# --- small parsers: hand-written seeds of every accepted form -------------
for s in ["2405.04517", "2405.04517v2", "0704.0001", "hep-th/9901001", "math.GT/0309136v3",
          "solv-int/9901001", "arXiv:1706.03762", "oai:arXiv.org:cs/0112017",
          "https://arxiv.org/abs/1810.04805v1", "http://export.arxiv.org/pdf/2301.00001.pdf",
          " ARXIV:2501.12345v10 ", "704.0001", "704.2", "1501.00001"]:
    put("arxiv_id", s)
for s in ["2024-05-27", "2024-5-7", "2007-04-02T19:18:42Z", "2007-04-02T19:18:42.123+02:00",
          "Mon, 2 Apr 2007 19:18:42 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "04/02/2007",
          "2026-W05", "2020-W53", "1970-01-01T00:00:00Z", "Tue, 30 Jun 2026 23:59:60 +0000"]:
    put("time", s)
for s in ['attention is all you need', 'author:vaswani title:"attention is all"',
          'cat:cs.CL AND (bert OR gpt) -survey', 'year:2017..2019 transform*',
          'id:1706.03762', 'arxiv:hep-th/9901001', '+"large language" NOT abs:(vision)',
          "BERT: Pre-training of Deep Bidirectional Transformers", "G\\\"odel's $\\alpha$-theorem",
          'title:(a OR b) author:"de la Cruz" year:2020', '((( )))', 'a AND OR b']:
    put("query", s)
for s in ["G\\\"odel, K. and \\'Erd\\H{o}s, P. (Budapest) and M\\\"{u}ller",
          "{\\ss}tra\\ss e \\o\\AA \\c{c} \\v{s} $\\alpha$-decay", "hep-ph math.CO, cs.CL",
          "Attention Is All You Need\n  (with  line breaks)", "caf\xc3\xa9 \xff\xfe \x01\x7f",
          "2024-06-30T12:00:00Z", "arXiv, cs.CL"]:
    put("text", s)
for s in ["Nice paper! See [the code](https://github.com/x/y) and $E=mc^2$.\n\n> quoted\n\n- a\n- b",
          "# Heading\n\n```python\nprint(1)\n```\n\n<script>alert(1)</script>",
          "[x](javascript:alert(1)) ![img](http://e/x.png) <a href=x onclick=y>",
          "$$\\int_0^1 x\\,dx$$ costs $5 and $6 \\$", "*em* **strong** `code` ~~del~~\nline2",
          "[a](jav&#x09;ascript:x) <mailto:a@b.c> http://auto.link"]:
    put("markdown", s)
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "citations", "*"))):
    with open(path, "rb") as f:
        data = f.read()
    # Two entries per seed: cut at the third entry.
    for marker in (b"\n@", b"\nTY  - "):
        first = data.find(marker)
        if first >= 0:
            third = data.find(marker, data.find(marker, first + 1) + 1)
            put("citations", data[: third if third > 0 else MAX])
            break
    else:
        put("citations", data[:MAX])
for header, body in [
        ("application/json", '{"email": "a@b.org", "categories": ["cs.CL"], "limit": 3, "public": true}'),
        ("application/json; charset=utf-8", '{"title": "x\\u00e9\\ud83d\\ude00", "tags": "a, b", "n": null}'),
        ("application/x-www-form-urlencoded", "email=a%40b.org&tags=x&tags=y&public=on&csrf_token=abc"),
        ("multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lib.bib\"\r\n"
         "Content-Type: text/plain\r\n\r\n@misc{a, eprint={1706.03762}}\r\n--XyZ--\r\n"),
        ("10.0.0.0/8", "pp_session=abc; theme=\"dark\"; x=1"),
        ("2024-05-08", "1.2.3.4, 10.0.0.1, ::ffff:1.2.3.4"),
        ("12", "reading, to-read, cs.CL")]:
    put("http_body", header + "\\\n" + body)
reqs = []
for target in ["/", "/papers/1706.03762", "/papers/1706.03762.md", "/papers/1706.03762/bibtex",
               "/api/papers/1706.03762", "/api/daily_papers?date=2024-05-08&limit=5",
               "/papers/date/2024-05-08", "/papers/week/2024-W19", "/papers/month/2024-05",
               "/authors/Ashish%20Vaswani", "/feeds/daily.atom", "/feeds/search.atom?q=attention",
               "/api/papers/search?q=author%3Avaswani&limit=3", "/healthz", "/metrics",
               "/openapi.json", "/static/app.css", "/search?q=%22attention%22&sort=date",
               "/lists/Ada/w", "/api/lists/Ada", "/trending?period=week", "/api/papers/hep-th/9901001/related"]:
    reqs.append(f"GET {target} HTTP/1.1\r\nHost: pp.test\r\nAccept-Encoding: gzip\r\n\r\n")
reqs.append("HEAD /papers/1706.03762 HTTP/1.1\r\nHost: pp.test\r\nIf-None-Match: \"x\"\r\n"
            "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
reqs.append("POST /api/login HTTP/1.1\r\nHost: pp.test\r\nContent-Type: application/json\r\n"
            "Content-Length: 23\r\n\r\n{\"email\": \"a@b.org\"}\r\n")
reqs.append("POST /api/subscriptions HTTP/1.1\r\nHost: pp.test\r\nOrigin: http://pp.test\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 30\r\n\r\n"
            "email=a%40b.org&categories=cs.CL")
reqs.append("POST /library/import HTTP/1.1\r\nHost: pp.test\r\nCookie: pp_session=abc\r\n"
            "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
reqs.append("GET /papers/1706.03762 HTTP/1.1\r\nHost: pp.test\r\n\r\n"
            "GET /api/papers/1706.03762 HTTP/1.1\r\nHost: pp.test\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n")
reqs.append("DELETE /api/library/1706.03762 HTTP/1.1\r\nHost: pp.test\r\nAuthorization: Bearer x\r\n\r\n")
for r in reqs:
    put("http_request", r)
for s in ["Weekly digest: cs.CL\\Ada Lovelace\\ada@example.org\\Hello Ada,\r\n\r\nThree papers.\n",
          "=?utf-8?q?x?=\\Ren\xc3\xa9\\r@x.y\\From here\n. \nline with trailing space \n",
          "From: a@b.c\r\nTo: d@e.f\r\nSubject: hi\r\n folded\r\n\r\nbody\r\n"]:
    put("mail", s)
