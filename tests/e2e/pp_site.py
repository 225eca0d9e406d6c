"""A real paperpulse site for the web tests: a temp data dir with a slice of
../shared/data imported (two weeks of Hugging Face daily papers, the Kaggle
head slice with TeX-heavy math abstracts, an old-style astro-ph id) plus one
hostile record whose title, abstract, authors and links carry XSS attempts,
the search index built, and `paperpulse serve` on a free port.

Used by tests/integration/web_pages_test.py and tests/e2e/browser_test.py.
Standard library only.
"""
import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
# The last two weeks of the HF data: enough for day / week / month pages
# with previous/next links, small enough to import and index in seconds.
HF_DAYS = ["2026-06-%02d" % d for d in range(15, 31)]
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl", "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
OLD_STYLE_ATOM = os.path.join(SHARED, "arxiv-api-atom", "arxiv.py-fixtures", "xml",
                              "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml")

LATEST_DAY = "2026-06-30"
XSS_DAY = "2026-06-29"
XSS_ID = "2606.99901"
# Strings that must never reach a page unescaped.
XSS_TITLE = '<script>alert("xss-title")</script> Robust "><img src=x onerror=alert(1)> Models'
XSS_ABSTRACT = ('We show that "><img src=x onerror="window.__pwned=1"> and '
                '<script>window.__pwned=2</script> stay inert, and that $x<y$ stays math.')
XSS_AUTHOR = 'Eve "><img src=x onerror=alert(3)>'
XSS_AUTHOR2 = "Mallory <script>alert(4)</script>"
XSS_MARKERS = ["<script>alert", "<script>window.__pwned", "<img src=x", "javascript:alert"]

# A paper with math in its title and abstract, versions and categories.
MATH_ID = "0704.0005"
# A paper with a GitHub repository (and stars) and a project page.
GITHUB_ID = "2606.26740"


def _xss_day_file(path):
    """Writes a one-item HF daily file built from a real item of LATEST_DAY,
    with every displayed field replaced by an XSS attempt."""
    with open(os.path.join(HF_DAILY, LATEST_DAY + ".json"), encoding="utf-8") as f:
        item = copy.deepcopy(json.load(f)[0])
    paper = item["paper"]
    paper["id"] = XSS_ID
    paper["title"] = item["title"] = XSS_TITLE
    paper["summary"] = item["summary"] = XSS_ABSTRACT
    paper["authors"] = [{"_id": "a1", "name": XSS_AUTHOR, "hidden": False},
                        {"_id": "a2", "name": XSS_AUTHOR2, "hidden": False}]
    paper["githubRepo"] = "javascript:alert(5)"
    paper["projectPage"] = 'https://example.org/"><script>alert(6)</script>'
    paper["upvotes"] = 1
    paper["submittedOnDailyAt"] = XSS_DAY + "T00:00:00.000Z"
    for who in (paper.get("submittedOnDailyBy"), item.get("submittedBy")):
        if who:
            who["name"] = who["user"] = who["fullname"] = "<b>mallory</b>"
    with open(path, "w", encoding="utf-8") as f:
        json.dump([item], f)


class Site:
    """Imports the slice, builds the index and serves it. Use as a context
    manager; everything (process, temp dir) is gone after exit."""

    def __init__(self, binary, xss=True):
        self.binary = binary
        self.xss = xss
        self.tmp = None
        self.proc = None
        self.base = None
        self.log = []
        self._drain = None

    def _run(self, *args, timeout=600):
        p = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("%s exited %d:\n%s" % (args, p.returncode, p.stderr[-4000:]))
        return p

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="pp_web_")
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        data = os.path.join(self.tmp, "data")
        inputs = os.path.join(self.tmp, "inputs")
        os.makedirs(inputs)
        for day in HF_DAYS:
            src = os.path.join(HF_DAILY, day + ".json")
            if os.path.exists(src):  # no lists on some weekends
                shutil.copy(src, inputs)
        shutil.copy(KAGGLE, inputs)
        shutil.copy(OLD_STYLE_ATOM, inputs)
        if self.xss:
            _xss_day_file(os.path.join(inputs, XSS_DAY + "-xss.json"))
        self._run("import", "--data-dir", data, inputs)
        self._run("reindex", "--data-dir", data)
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--no-harvest",
             "--no-access-log", "--cache-ttl-ms", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("serve exited early:\n" + "".join(self.log))
            self.log.append(line)
            m = re.search(r"listening on (http://[0-9.]+:\d+)", line)
            if m:
                self.base = m.group(1)
                break
        if not self.base:
            raise RuntimeError("serve did not say where it listens:\n" + "".join(self.log))
        # Keep reading so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _read_rest(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._drain is not None:
            self._drain.join(timeout=5)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def get(self, path, headers=None, raw=False):
        """(status, headers, body) of GET `path`, the body as str (bytes when
        `raw`); never raises on 4xx/5xx."""
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, headers, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, body = e.code, e.headers, e.read()
        return status, headers, body if raw else body.decode("utf-8")

    def search_enabled(self):
        """True when this server runs with a search index (/healthz reports
        an index lag only then)."""
        status, _, body = self.get("/healthz")
        return status == 200 and json.loads(body).get("index_lag") is not None
