#!/usr/bin/env python3
"""End-to-end tests of the e-mail digests (issue 10) with the real binary and
a real SMTP server on loopback (tests/tools/smtp_sink.py, python3-aiosmtpd):
subscribing by the API with double opt-in, `paperpulse digest send`, the
MIME structure and list headers of the mail, the subscriber's filters, one
mail per subscriber and period (a second run, kill -9 mid-run, two runs at
once), RFC 8058 one-click unsubscribe, weekly digests without repeats, 451
then 250, 550 marking the address bouncing, DKIM verified with python3-dkim,
the outbox in /metrics, and --dry-run.

Every site is a copy of one import of ../shared/data (seven HF daily lists
and the Kaggle slice) with its own `serve`, so the delivery cases count
exactly. Those run on SQLite and, when PAPERPULSE_TEST_PG is set, again on
PostgreSQL (each site a database copied from the imported one).

usage: digest_test.py PAPERPULSE_BINARY   (run by ctest; scripts/with-postgres
       sets PAPERPULSE_TEST_PG)
"""
import base64
import concurrent.futures
import email
import email.policy
import itertools
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_community import (HF_DAILY, KAGGLE, copy_slice, drop_database, import_into,  # noqa: E402
                          mails_to, needs_postgres, pg_url, psql, read_mails, run_cli,
                          start_sink, system_module, wait_for_mail)

dkim = system_module("dkim")

BIN = None
STATE = {}

# The HF daily lists imported: the weekdays of 2026-W26 and two of W27.
DAYS = ["2026-06-22", "2026-06-23", "2026-06-24", "2026-06-25", "2026-06-26",
        "2026-06-29", "2026-06-30"]
# HF's JSON has no arXiv categories: a Kaggle-format record for each of the
# first three papers of this day's file gives them these.
CATEGORIES_DAY = "2026-06-30"
CATEGORIES = ["cs.CV cs.AI", "cs.CL", "stat.ML cs.LG"]
MAIL_FROM = "paperpulse digests <digest@paperpulse.test>"
DAILY_PAPERS = 10   # digest::RunOptions::daily_papers
WEEKLY_PAPERS = 20  # digest::RunOptions::weekly_papers

SUMMARY = re.compile(r"^digest (\S+): (\d+) subscribers, (\d+) (?:rendered|would be sent), "
                     r"(\d+) had theirs already, (\d+) nothing new", re.M)
DELIVERY = re.compile(r"^delivery: (\d+) sent, (\d+) deferred, (\d+) failed \((\d+) bounced\)",
                      re.M)
TOKEN = r"[A-Za-z0-9_-]+"
# RFC 2919: a phrase, then <list-label.namespace>; the label names the
# frequency, the namespace is the sender's domain.
LIST_ID = r"^paperpulse \w+ <%s\.digest\.paperpulse\.test>$"


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# ------------------------------------------------------------- digest runs

class Run:
    """A finished `digest send`: exit code, output and its two summary lines
    as dicts (None when the line is missing)."""

    def __init__(self, argv, returncode, stdout, stderr, seconds):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        m = SUMMARY.search(stdout)
        self.render = None if not m else dict(
            period=m.group(1), subscribers=int(m.group(2)), rendered=int(m.group(3)),
            already=int(m.group(4)), nothing_new=int(m.group(5)))
        m = DELIVERY.search(stdout)
        self.delivery = None if not m else dict(
            sent=int(m.group(1)), deferred=int(m.group(2)), failed=int(m.group(3)),
            bounced=int(m.group(4)))

    def __repr__(self):
        return "digest send exited %s\n$ %s\n%s\n%s" % (
            self.returncode, " ".join(self.argv[1:]), self.stdout[-3000:], self.stderr[-3000:])


class Site:
    """An isolated paperpulse: a copy of the imported data (SQLite in its
    data dir, or a PostgreSQL database copied from the imported one) and its
    own `serve`, whose confirmation mails go to the module's SMTP sink."""

    _ips = itertools.count(1)

    def __init__(self, name, pg=False):
        self.dir = os.path.join(STATE["tmp"], name)
        self.data = os.path.join(self.dir, "var")
        shutil.copytree(STATE["pg_data" if pg else "data"], self.data)
        self.db = None
        if pg:
            self.dbname = "pp_digest_%d_%s" % (os.getpid(), name.replace("-", "_"))
            psql("CREATE DATABASE %s TEMPLATE %s" % (self.dbname, STATE["pg_base"]))
            self.db = pg_url(self.dbname)
        self.log_path = os.path.join(self.dir, "serve.log")
        # Every test client is 127.0.0.1: a trusted proxy's X-Forwarded-For
        # gives each request its own address, so per-address limits on
        # subscribing (20 an hour) do not count the whole suite as one.
        args = ["--no-harvest", "--smtp", "smtp://127.0.0.1:%d" % STATE["smtp_port"],
                "--mail-from", MAIL_FROM, "--trusted-proxy", "127.0.0.1/32",
                "--cache-ttl-ms", "0"]
        if self.db:
            args += ["--db", self.db]
        self.proc, self.port, self.log = pp_server.start_server(BIN, self.data, self.log_path,
                                                                *args)
        self.base_url = "http://127.0.0.1:%d" % self.port

    def close(self):
        try:
            pp_server.stop_server_cleanly(self.proc, self.log, self.log_path)
        finally:
            if self.db:
                drop_database(self.dbname)

    def common(self):
        return ["--data-dir", self.data] + (["--db", self.db] if self.db else [])

    def token(self, address):
        return run_cli(BIN, "token", "create", address, data_dir=self.data, db=self.db)

    def request(self, method, path, body=None, token=None, forwarded=True):
        """(status, headers, parsed JSON or raw bytes) of one request; `body`
        a dict is sent as JSON."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        if forwarded:
            n = next(Site._ips)
            headers["X-Forwarded-For"] = "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)
        status, hdrs, raw = pp_http.request(self.port, path, method, headers, data)
        if hdrs.get("content-type", "").startswith("application/json") and raw:
            return status, hdrs, json.loads(raw)
        return status, hdrs, raw

    def subscribe(self, address, token=None, **fields):
        """POST /api/subscriptions: anonymous (202, pending) without `token`,
        the account's own active subscription (201) with it."""
        body = dict(fields)
        if not token:
            body["email"] = address
        status, _, doc = self.request("POST", "/api/subscriptions", body, token=token)
        assert status == (201 if token else 202), (status, doc)
        return doc

    def subscriber(self, address, **fields):
        """A signed-in subscriber (API token), active at once; returns the token."""
        token = self.token(address)
        self.subscribe(address, token=token, **fields)
        return token

    def subscribers(self, addresses, **fields):
        """subscriber() for each address, four at a time; returns their tokens."""
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda a: self.subscriber(a, **fields), addresses))

    def subscriptions(self, token):
        status, _, doc = self.request("GET", "/api/subscriptions", token=token)
        assert status == 200, (status, doc)
        return doc

    def digest_argv(self, *args, smtp=None):
        argv = [BIN, "digest", "send", *self.common(), "--base-url", self.base_url,
                "--mail-from", MAIL_FROM, *args]
        if smtp:
            argv += ["--smtp", "smtp://127.0.0.1:%d" % smtp]
        return argv

    def digest(self, *args, smtp=None, timeout=120):
        argv = self.digest_argv(*args, smtp=smtp)
        start = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return Run(argv, p.returncode, p.stdout, p.stderr, time.monotonic() - start)

    def metrics(self, wait=1.1):
        """The outbox gauges of /metrics, read after `wait` s: their cache
        lasts 1 s from the last reading."""
        time.sleep(wait)
        status, _, raw = pp_http.request(self.port, "/metrics")
        assert status == 200, status
        out = {}
        for name in ("size", "sent", "failed", "deferrals"):
            m = re.search(rb"^paperpulse_outbox_%s (\S+)$" % name.encode(), raw, re.M)
            assert m, "no paperpulse_outbox_%s in /metrics" % name
            out[name] = float(m.group(1))
        return out


# -------------------------------------------------------------- the mails

def digests_to(maildir, address):
    """The digest mails (those with a List-Id) the sink in `maildir` got for
    `address`, oldest first."""
    return [m for m in mails_to(maildir, address) if m["List-Id"] is not None]


def cpu_seconds(pid):
    """CPU time process `pid` (its main thread) has used so far, to the
    nanosecond (/proc/PID/schedstat); 0 once it is gone."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def count_mails(maildir):
    """How many messages the sink wrote to `maildir` (cheap enough to poll)."""
    return sum(1 for n in os.listdir(maildir) if n.endswith(".eml"))


def text_part(msg):
    """The plain-text part, decoded, with "\n" line ends."""
    return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_part(msg):
    return msg.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


def listed_ids(text):
    """The paper ids a digest's plain text lists, in order (each item has a
    line "   <base>/papers/<id>")."""
    return re.findall(r"^   \S+/papers/(\S+)$", text, re.M)


def html_ids(html):
    return re.findall(r'<a href="[^"]*/papers/([^"]+)"', html)


def unsubscribe_url(msg):
    # The composer folds the long header before its value, which Python's
    # parser keeps as leading white space.
    m = re.fullmatch(r"<(http://127\.0\.0\.1:\d+/unsubscribe/(%s))>" % TOKEN,
                     str(msg["List-Unsubscribe"]).strip())
    assert m, "List-Unsubscribe: %r" % msg["List-Unsubscribe"]
    return m.group(1)


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def contains_keyword(lowered, keyword):
    """digest::ContainsKeyword: `keyword` at the start of a word of `lowered`."""
    k = ascii_lower(keyword.strip())
    pos = lowered.find(k)
    while k and pos >= 0:
        before = lowered[pos - 1] if pos > 0 else " "
        if not (("a" <= before <= "z") or ("0" <= before <= "9") or ord(before) >= 0x80):
            return True
        pos = lowered.find(k, pos + 1)
    return False


def in_categories(categories, wanted):
    """digest::InCategories: one of `categories` is a wanted one or in a wanted archive."""
    return not wanted or any(c == w or c.startswith(w + ".") for c in categories for w in wanted)


def passes(paper, categories=(), keywords=(), min_upvotes=0):
    """Whether `paper` (an item of /api/daily_papers) passes a subscription's filters."""
    if paper["upvotes"] < min_upvotes:
        return False
    if not in_categories(STATE["categories"].get(paper["id"], []), categories):
        return False
    text = ascii_lower(paper["title"]) + "\n" + ascii_lower(paper["summary"])
    return not keywords or any(contains_keyword(text, k) for k in keywords)


def trending(site, **period):
    """The papers of /api/daily_papers for `period` (date= or week=) in the
    order of the trending list, all pages."""
    papers = []
    for page in itertools.count():
        query = urllib.parse.urlencode(dict(period, sort="trending", limit=100, p=page))
        status, _, doc = site.request("GET", "/api/daily_papers?" + query)
        assert status == 200, (status, doc)
        papers += [item["paper"] for item in doc]
        if len(doc) < 100:
            return papers


def dry_run_blocks(stdout):
    """{address: listed paper ids} of the mails a --dry-run printed."""
    out = {}
    for block in re.split(r"^(?=To: )", stdout, flags=re.M):
        m = re.match(r"To: (\S+)\nSubject: .+\n", block)
        if m:
            out[m.group(1)] = listed_ids(block)
    return out


def dkim_key(directory):
    """A new RSA key in `directory`: (PEM path, the DNS TXT record of its
    public key, as published at <selector>._domainkey.<domain>)."""
    key = os.path.join(directory, "dkim.pem")
    subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return key, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


# ------------------------------------------------------------ module setup

def write_category_records(path):
    """Kaggle-format records giving the first papers of CATEGORIES_DAY's
    list arXiv categories (an import updates the papers the HF lists made)."""
    with open(os.path.join(HF_DAILY, CATEGORIES_DAY + ".json"), encoding="utf-8") as f:
        items = json.load(f)
    with open(path, "w", encoding="utf-8") as out:
        for item, cats in zip(items, CATEGORIES):
            p = item["paper"]
            STATE["categories"][p["id"]] = cats.split()
            out.write(json.dumps({
                "id": p["id"], "submitter": None, "title": p["title"], "abstract": p["summary"],
                "authors": ", ".join(a["name"] for a in p["authors"]), "categories": cats,
                "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                "license": None, "update_date": p["publishedAt"][:10],
                "versions": [{"version": "v1", "created": "Thu, 25 Jun 2026 00:00:00 GMT"}],
                "authors_parsed": []}) + "\n")


def import_slice(data_dir, db=None):
    import_into(BIN, data_dir, STATE["src"], db)
    # The category records update papers the HF lists inserted: a second
    # import, so that they come after them.
    import_into(BIN, data_dir, STATE["categories_file"], db)


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="pp_digest_")
    STATE["tmp"] = tmp
    STATE["categories"] = {}
    STATE["src"] = copy_slice(os.path.join(tmp, "in"), DAYS)
    STATE["categories_file"] = os.path.join(tmp, "categories.jsonl")
    write_category_records(STATE["categories_file"])
    STATE["data"] = os.path.join(tmp, "base")
    import_slice(STATE["data"])
    if os.environ.get("PAPERPULSE_TEST_PG"):
        STATE["pg_base"] = "pp_digest_%d_base" % os.getpid()
        psql("CREATE DATABASE " + STATE["pg_base"])
        STATE["pg_data"] = os.path.join(tmp, "base-pg")
        import_slice(STATE["pg_data"], pg_url(STATE["pg_base"]))
        os.makedirs(STATE["pg_data"], exist_ok=True)  # an import into PostgreSQL writes none
    STATE["maildir"] = os.path.join(tmp, "mail")
    STATE["sink"], STATE["smtp_port"] = start_sink(STATE["maildir"])


def tearDownModule():
    if STATE.get("sink"):
        pp_server.stop_process(STATE["sink"])
        STATE["sink"].stdout.close()
    if STATE.get("pg_base"):
        # Also those of sites whose set-up failed half-way.
        for name in psql("SELECT datname FROM pg_database WHERE datname LIKE 'pp_digest_%d_%%'"
                         % os.getpid()).split():
            drop_database(name)
    shutil.rmtree(STATE["tmp"], ignore_errors=True)


# ------------------------------------------------------------------ tests

class DigestTest(unittest.TestCase):
    """Subscribing, the mail and its content, one-click unsubscribe, weekly,
    DKIM and --dry-run, on one SQLite site whose digests go to the module's
    sink. Each test has addresses of its own and checks only their mail."""

    @classmethod
    def setUpClass(cls):
        cls.site = Site("flow")
        cls.maildir = STATE["maildir"]
        cls.smtp = STATE["smtp_port"]

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def send(self, *args):
        run = self.site.digest(*args, smtp=self.smtp)
        self.assertEqual(run.returncode, 0, run)
        self.assertIsNotNone(run.render, run)
        return run

    def test_subscribe_confirm_send_one_mail(self):
        site, address, day = self.site, "reader@paperpulse.test", "2026-06-29"
        doc = site.subscribe(address, frequency="daily")
        self.assertEqual(doc["status"], "pending")
        confirmation = wait_for_mail(self.maildir, address, 1)
        self.assertIsNone(confirmation["List-Id"])
        m = re.search(r"https?://\S+?(/subscriptions/confirm/%s)" % TOKEN, text_part(confirmation))
        self.assertTrue(m, text_part(confirmation))
        confirm_path = m.group(1)

        # Opening the link (or a mail scanner fetching it) shows a form and
        # confirms nothing: the address is not among a run's recipients.
        status, _, page = site.request("GET", confirm_path)
        self.assertEqual(status, 200)
        self.assertRegex(page, rb'<form[^>]*method="post"')
        dry = site.digest("--dry-run", "--date", day)
        self.assertEqual(dry.returncode, 0, dry)
        self.assertNotIn("To: " + address, dry.stdout)

        status, _, page = site.request("POST", confirm_path)
        self.assertEqual(status, 200, page)
        self.assertIn(b"You are subscribed", page)

        first = self.send("--date", day)
        self.assertGreaterEqual(first.render["rendered"], 1, first)
        self.assertEqual(first.delivery["failed"], 0, first)
        mails = digests_to(self.maildir, address)
        self.assertEqual(len(mails), 1)
        msg = mails[0]

        # MIME: both parts, and the headers bulk senders must carry.
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        self.assertEqual([p.get_content_type() for p in msg.iter_parts()],
                         ["text/plain", "text/html"])
        self.assertIsNotNone(msg["Date"].datetime)
        self.assertRegex(str(msg["Message-ID"]), r"^<[^<>@\s]+@[^<>@\s]+>$")
        self.assertEqual(msg["From"].addresses[0].addr_spec, "digest@paperpulse.test")
        self.assertRegex(str(msg["List-Id"]), LIST_ID % "daily")
        url = unsubscribe_url(msg)
        self.assertTrue(url.startswith(site.base_url + "/unsubscribe/"), url)
        self.assertEqual(str(msg["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")
        text, html = text_part(msg), html_part(msg)
        self.assertIn(url, text)
        self.assertIn('href="%s"' % url, html)

        # The day's top papers by trending, as the API ranks them.
        top = [p["id"] for p in trending(site, date=day)][:DAILY_PAPERS]
        self.assertEqual(listed_ids(text), top)
        self.assertEqual(html_ids(html), top)
        first_title = trending(site, date=day)[0]["title"]
        self.assertIn(first_title.split()[0], str(msg["Subject"]))

        # The same command again: nothing new for anyone.
        second = self.send("--date", day)
        self.assertEqual(second.render["rendered"], 0, second)
        self.assertEqual(second.render["already"],
                         first.render["rendered"] + first.render["already"], second)
        self.assertRegex(second.stdout, r"\b%d had theirs already" % second.render["already"])
        self.assertEqual(second.delivery["sent"], 0, second)
        self.assertEqual(len(digests_to(self.maildir, address)), 1)

    def test_filters_choose_the_papers(self):
        site, day = self.site, CATEGORIES_DAY
        papers = trending(site, date=day)
        cases = {
            "keywords@filters.test": dict(keywords=["video", "Agent"]),
            "upvotes@filters.test": dict(minUpvotes=30),
            "category@filters.test": dict(categories=["cs.CV"]),
            "archive@filters.test": dict(categories=["cs"], minUpvotes=40),
            "nothing@filters.test": dict(categories=["math"]),
        }
        expected = {}
        for address, f in cases.items():
            site.subscriber(address, **f)
            expected[address] = [p["id"] for p in papers
                                 if passes(p, f.get("categories", ()), f.get("keywords", ()),
                                           f.get("minUpvotes", 0))][:DAILY_PAPERS]
        unfiltered = [p["id"] for p in papers][:DAILY_PAPERS]
        # The cases must filter: fewer or other papers than without filters.
        for address in list(cases)[:4]:
            self.assertTrue(expected[address], address)
            self.assertNotEqual(expected[address], unfiltered, address)
        self.assertEqual(expected["nothing@filters.test"], [])

        run = self.send("--date", day)
        self.assertGreaterEqual(run.render["nothing_new"], 1, run)
        for address, ids in expected.items():
            mails = digests_to(self.maildir, address)
            if not ids:
                self.assertEqual(mails, [], address)
                continue
            self.assertEqual(len(mails), 1, address)
            self.assertEqual(listed_ids(text_part(mails[0])), ids, address)
            self.assertIn("Your filters:", text_part(mails[0]))

    def test_one_click_unsubscribe(self):
        site, address = self.site, "leaver@paperpulse.test"
        token = site.subscriber(address)
        self.send("--date", "2026-06-24")
        mails = digests_to(self.maildir, address)
        self.assertEqual(len(mails), 1)
        url = unsubscribe_url(mails[0])
        path = urllib.parse.urlsplit(url).path

        # GET asks; it does not unsubscribe.
        status, _, page = pp_http.request(site.port, path)
        self.assertEqual(status, 200)
        self.assertIn(b"Unsubscribe?", page)
        self.assertIn(('action="%s"' % path).encode(), page)
        self.assertEqual([s["status"] for s in site.subscriptions(token)], ["active"])

        # RFC 8058: what a mail provider's server POSTs, no cookie or Origin.
        body = b"List-Unsubscribe=One-Click"
        for _ in range(2):  # the second POST (a provider retrying) answers the same
            status, headers, page = pp_http.request(
                site.port, path, "POST",
                {"Content-Type": "application/x-www-form-urlencoded"}, body)
            self.assertEqual(status, 200, page)
            self.assertNotIn("location", headers)
            self.assertIn(b"You are unsubscribed", page)
        self.assertNotIn("active", [s["status"] for s in site.subscriptions(token)])

        self.send("--date", "2026-06-25")
        self.assertEqual(len(digests_to(self.maildir, address)), 1)

    def test_weekly_lists_no_paper_of_an_earlier_daily(self):
        site, address = self.site, "weekly@paperpulse.test"
        token = site.subscriber(address, frequency="daily")
        for day in ("2026-06-25", "2026-06-26"):
            self.send("--date", day)
        dailies = digests_to(self.maildir, address)
        self.assertEqual(len(dailies), 2)
        received = {i for m in dailies for i in listed_ids(text_part(m))}
        self.assertGreaterEqual(len(received), DAILY_PAPERS + 1)

        # Weekly replaces the address's daily subscription.
        site.subscribe(address, token=token, frequency="weekly")
        subs = [s for s in site.subscriptions(token) if s["status"] == "active"]
        self.assertEqual([s["frequency"] for s in subs], ["weekly"])
        # 2026-06-28 is a Sunday: the week 22-28 June is the API's 2026-W26.
        run = self.send("--frequency", "weekly", "--date", "2026-06-28")
        self.assertEqual(run.render["period"], "weekly/2026-W26", run)
        weeklies = digests_to(self.maildir, address)[len(dailies):]
        self.assertEqual(len(weeklies), 1)
        msg = weeklies[0]
        self.assertRegex(str(msg["List-Id"]), LIST_ID % "weekly")
        ids = listed_ids(text_part(msg))
        self.assertEqual(set(ids) & received, set())
        week = [p["id"] for p in trending(site, week="2026-W26") if p["id"] not in received]
        self.assertEqual(ids, week[:WEEKLY_PAPERS])
        # A daily run now: the address has no daily subscription any more.
        self.send("--date", "2026-06-29")
        self.assertEqual(len(digests_to(self.maildir, address)), 3)

    def test_dkim_signature_verifies(self):
        site, address = self.site, "signed@paperpulse.test"
        site.subscriber(address)
        key, record = dkim_key(site.dir)

        def dns(name, timeout=5):
            return record if name == b"pp._domainkey.paperpulse.test." else None

        self.send("--date", "2026-06-23", "--dkim-key", key, "--dkim-selector", "pp",
                  "--dkim-domain", "paperpulse.test")
        raws = [raw for raw, msg in read_mails(self.maildir)
                if msg["List-Id"] is not None and str(msg["To"]) == address]
        self.assertEqual(len(raws), 1)
        raw = raws[0]
        self.assertTrue(dkim.verify(raw, dnsfunc=dns))

        sig = email.message_from_bytes(raw, policy=email.policy.compat32)["DKIM-Signature"]
        tags = {k.strip(): v.strip() for k, _, v in
                (t.partition("=") for t in re.sub(r"\s+", "", sig).split(";") if t)}
        self.assertEqual(tags["a"], "rsa-sha256")
        self.assertEqual(tags["c"], "relaxed/relaxed")
        self.assertEqual((tags["d"], tags["s"]), ("paperpulse.test", "pp"))
        signed = [h.lower() for h in tags["h"].split(":")]
        for header in ("from", "subject", "date", "message-id", "list-id", "list-unsubscribe",
                       "list-unsubscribe-post"):
            self.assertIn(header, signed)

        # Relaxed canonicalisation forgives white space; nothing else.
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertTrue(dkim.verify(head.replace(b"Subject: ", b"Subject:   ", 1) + b"\r\n\r\n"
                                    + body, dnsfunc=dns))
        unsub = re.search(rb"/unsubscribe/([A-Za-z0-9_-]+)>", head)
        for tampered in (
                head.replace(b"Subject: ", b"Subject: Re: ", 1) + b"\r\n\r\n" + body,
                head.replace(unsub.group(0), b"/unsubscribe/forged>", 1) + b"\r\n\r\n" + body,
                head.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                             b"List-Unsubscribe-Post: List-Unsubscribe=Two-Clicks", 1)
                + b"\r\n\r\n" + body,
                head + b"\r\n\r\n" + body.replace(b"Unsubscribe", b"Unsubscrib3", 1)):
            self.assertNotEqual(tampered, raw)
            self.assertFalse(dkim.verify(tampered, dnsfunc=dns))

    def test_dry_run_writes_and_sends_nothing(self):
        site, address, day = self.site, "dry@paperpulse.test", "2026-06-22"
        site.subscriber(address)
        before_metrics = site.metrics()
        before_mails = len(read_mails(self.maildir))
        dry = site.digest("--dry-run", "--date", day)  # no --smtp needed
        self.assertEqual(dry.returncode, 0, dry)
        self.assertRegex(dry.stdout, r"\d+ would be sent")
        self.assertNotIn("delivery:", dry.stdout)
        blocks = dry_run_blocks(dry.stdout)
        self.assertIn(address, blocks)
        self.assertEqual(len(blocks[address]), min(DAILY_PAPERS, len(trending(site, date=day))))
        self.assertEqual(len(read_mails(self.maildir)), before_mails)
        self.assertEqual(site.metrics(), before_metrics)

        # Nothing was written: the real run renders the address's mail, the same one.
        run = self.send("--date", day)
        self.assertGreaterEqual(run.render["rendered"], 1, run)
        mails = digests_to(self.maildir, address)
        self.assertEqual(len(mails), 1)
        self.assertEqual(listed_ids(text_part(mails[0])), blocks[address])

    def test_no_daily_mail_on_a_day_without_a_list(self):
        self.site.subscriber("weekend@paperpulse.test")
        before = count_mails(self.maildir)
        run = self.site.digest("--date", "2026-06-27", smtp=self.smtp)  # a Saturday
        self.assertEqual(run.returncode, 0, run)
        self.assertIn("no daily list on 2026-06-27, nothing to send", run.stdout)
        self.assertEqual(run.delivery["sent"], 0, run)
        self.assertEqual(count_mails(self.maildir), before)

    def test_z_metrics_count_the_outbox(self):
        """Runs last (by name): every digest the sink got came from this site."""
        site = self.site
        self.send("--date", "2026-06-26")
        digests = [m for _, m in read_mails(self.maildir) if m["List-Id"] is not None]
        self.assertGreater(len(digests), 0)
        self.assertEqual(site.metrics(),
                         dict(size=0, sent=len(digests), failed=0, deferrals=0))


class ServeSchedulerTest(unittest.TestCase):
    """`serve --digest-at HH:MM`: past that time (here 00:00, so at once) it
    renders today's daily digests and delivers them, once: a restart the same
    day sends nothing again."""

    def test_serve_renders_and_delivers_todays_digest_once(self):
        site = Site("scheduler")
        self.addCleanup(site.close)
        address = "scheduled@serve.test"
        token = site.subscriber(address)
        with open(KAGGLE, encoding="utf-8") as f:
            paper_id = json.loads(f.readline())["id"]
        today = time.strftime("%Y-%m-%d", time.gmtime())
        status, _, doc = site.request("POST", "/api/daily_papers", {"id": paper_id}, token=token)
        self.assertEqual(status, 201, doc)
        if time.strftime("%Y-%m-%d", time.gmtime()) != today:
            self.skipTest("the date changed while the test ran")
        maildir = os.path.join(site.dir, "mail")
        sink, port = start_sink(maildir)
        self.addCleanup(sink.stdout.close)
        self.addCleanup(pp_server.stop_process, sink)

        for restart in range(2):
            pp_server.stop_server_cleanly(site.proc, site.log, site.log_path)
            site.proc, site.port, site.log = pp_server.start_server(
                BIN, site.data, site.log_path, "--no-harvest", "--smtp",
                "smtp://127.0.0.1:%d" % port, "--mail-from", MAIL_FROM, "--timezone", "UTC",
                "--digest-at", "00:00", "--cache-ttl-ms", "0")
            if restart == 0:
                deadline = time.time() + 60
                while not digests_to(maildir, address) and time.time() < deadline:
                    time.sleep(0.2)
            else:
                time.sleep(3)  # the first tick runs at start
            mails = digests_to(maildir, address)
            self.assertEqual(len(mails), 1, "restart %d" % restart)
        self.assertEqual(listed_ids(text_part(mails[0])), [paper_id])
        self.assertIn("daily", str(mails[0]["List-Id"]))


class DeliveryCases:
    """Delivery on a site of its own per test, with a sink of its own: 451
    then 250, 550, kill -9 mid-run, two runs at once. `pg` picks the backend."""

    pg = False
    day = "2026-06-29"

    def new_site(self, name):
        site = Site(name + ("-pg" if self.pg else "-sqlite"), pg=self.pg)
        self.addCleanup(site.close)
        return site

    def new_sink(self, site, *flags):
        maildir = os.path.join(site.dir, "mail")
        proc, port = start_sink(maildir, *flags)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(pp_server.stop_process, proc)
        return maildir, port

    def test_451_then_250_is_delivered_once(self):
        site = self.new_site("tempfail")
        address = "patient@delivery.test"
        site.subscriber(address)
        maildir, port = self.new_sink(site, "--tempfail", "1")

        run = site.digest("--date", self.day, "--retry-for", "30", "--first-backoff", "1",
                          smtp=port)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual(run.delivery, dict(sent=1, deferred=1, failed=0, bounced=0), run)
        self.assertEqual(len(digests_to(maildir, address)), 1)
        self.assertEqual(site.metrics(), dict(size=0, sent=1, failed=0, deferrals=1))

        # Without --retry-for the deferred mail waits in the outbox for the
        # next run, which sends that mail (the same Message-ID), once.
        run = site.digest("--date", "2026-06-30", "--first-backoff", "1", smtp=port)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual(run.delivery, dict(sent=0, deferred=1, failed=0, bounced=0), run)
        self.assertIn("1 waiting for a retry", run.stdout)
        self.assertEqual(site.metrics(), dict(size=1, sent=1, failed=0, deferrals=2))
        time.sleep(2.5)  # the 1 s back-off, rounded up to whole seconds
        run = site.digest("--date", "2026-06-30", smtp=port)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual(run.render["already"], 1, run)
        self.assertEqual(run.delivery, dict(sent=1, deferred=0, failed=0, bounced=0), run)
        mails = digests_to(maildir, address)
        self.assertEqual(len(mails), 2)
        self.assertNotEqual(mails[0]["Message-ID"], mails[1]["Message-ID"])
        self.assertEqual(site.metrics(), dict(size=0, sent=2, failed=0, deferrals=2))

    def test_550_marks_the_address_bouncing(self):
        site = self.new_site("bounce")
        gone, fine = "gone@delivery.test", "fine@delivery.test"
        gone_token = site.subscriber(gone)
        fine_token = site.subscriber(fine)
        maildir, port = self.new_sink(site, "--fail-rcpt", gone)

        run = site.digest("--date", self.day, smtp=port)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual(run.render["rendered"], 2, run)
        self.assertIn("1 sent, 0 deferred, 1 failed (1 bounced)", run.stdout)
        self.assertEqual([s["status"] for s in site.subscriptions(gone_token)], ["bouncing"])
        self.assertEqual([s["status"] for s in site.subscriptions(fine_token)], ["active"])
        self.assertEqual(len(digests_to(maildir, fine)), 1)

        # The next day: the bouncing address is not mailed (not even tried).
        run = site.digest("--date", "2026-06-30", smtp=port)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual((run.render["subscribers"], run.render["rendered"]), (1, 1), run)
        self.assertEqual(run.delivery, dict(sent=1, deferred=0, failed=0, bounced=0), run)
        self.assertEqual(len(digests_to(maildir, fine)), 2)
        self.assertEqual(site.metrics(), dict(size=0, sent=2, failed=1, deferrals=0))

    def test_runs_at_once_send_each_mail_once(self):
        """Two nodes rendering the same period, then four claiming the same
        due mails: the outbox's unique key and its claims (one sender per
        mail, across processes) keep it at one mail each, with no kill to
        excuse a repeat."""
        site = self.new_site("concurrent")
        addresses = ["twice%02d@delivery.test" % i for i in range(24)]
        site.subscribers(addresses)
        maildir, port = self.new_sink(site, "--delay", "0.01")

        def at_once(n, argv):
            procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True) for _ in range(n)]
            runs = []
            for p in procs:
                out, err = p.communicate(timeout=120)
                runs.append(Run(argv, p.returncode, out, err, 0))
            for run in runs:
                self.assertEqual(run.returncode, 0, run)
            return runs

        runs = at_once(2, site.digest_argv("--date", "2026-06-29", smtp=port))
        self.assertEqual(sum(r.render["rendered"] for r in runs), len(addresses), runs)
        self.assertEqual(sum(r.delivery["sent"] for r in runs), len(addresses), runs)

        # Rendered and deferred (no relay listens), then due for all four at once.
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        nobody = closed.getsockname()[1]
        closed.close()
        run = site.digest("--date", "2026-06-30", "--first-backoff", "1", smtp=nobody)
        self.assertEqual(run.returncode, 0, run)
        self.assertEqual(run.delivery["deferred"], len(addresses), run)
        # Due 1 s after each deferral, rounded up to the outbox's whole
        # seconds: at most 2 s after the run ended, whole seconds again.
        time.sleep(2.5)
        runs = at_once(4, site.digest_argv("--date", "2026-06-30", smtp=port))
        self.assertEqual(sum(r.delivery["sent"] for r in runs), len(addresses), runs)
        for address in addresses:
            self.assertEqual(len(digests_to(maildir, address)), 2, address)

    def test_kill_9_mid_run_then_one_mail_each(self):
        site = self.new_site("kill")
        addresses = ["reader%02d@kill.test" % i for i in range(60)]
        site.subscribers(addresses)
        maildir, port = self.new_sink(site, "--delay", "0.05")
        seed = 10 + self.pg
        rnd = random.Random(seed)
        # Signed mails: signing makes rendering take long enough to be hit,
        # and a repeat must be the very same signed bytes.
        key, record = dkim_key(site.dir)
        dkim_flags = ["--dkim-key", key, "--dkim-selector", "pp", "--dkim-domain",
                      "paperpulse.test"]
        # The CPU time start-up and choosing the papers take (a dry run signs
        # nothing; rendering and signing take about as long again): the
        # second dry run, as the first also builds the new site's search
        # index. CPU time, unlike the wall clock, does not grow when other
        # work loads the machine.
        for _ in range(2):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            dry = site.digest("--dry-run", "--date", self.day)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.assertEqual(dry.returncode, 0, dry)
        dry_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        # Line-buffered stdout: the render summary shows when rendering ended.
        argv = ["stdbuf", "-oL", *site.digest_argv("--date", self.day, "--stale-after", "1",
                                                    *dkim_flags, smtp=port)]
        log("\nkill -9 test (%s, seed %d): a dry run takes %.3f s, %.3f s of CPU" %
            ("PostgreSQL" if self.pg else "SQLite", seed, dry.seconds, dry_cpu))
        phases = []

        def killed_run(label, kill_now):
            """Starts a run and SIGKILLs it once kill_now(pid, seconds, mails
            handed over in this run) is true; logs what it had done."""
            start_count = count_mails(maildir)
            out_path = os.path.join(site.dir, "run.out")
            with open(out_path, "wb") as out:
                t0 = time.monotonic()
                proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
            rendered_at = None
            try:
                while proc.poll() is None:
                    at = time.monotonic() - t0
                    if rendered_at is None:
                        with open(out_path, "rb") as f:
                            if b"digest daily/" in f.read():
                                rendered_at = at
                    if kill_now(proc.pid, at, count_mails(maildir) - start_count):
                        proc.send_signal(signal.SIGKILL)
                        break
                    time.sleep(0.001)
                proc.wait()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            self.assertEqual(proc.returncode, -signal.SIGKILL, "%s: the run ended first" % label)
            handed = count_mails(maildir) - start_count
            # Claims of the killed run go stale (--stale-after 1); the last
            # reading of /metrics is older than its 1 s cache.
            time.sleep(1.2)
            m = site.metrics(wait=0)
            if m["size"] + m["sent"] == 0:
                phase = "start-up/rendering, nothing committed"
            else:
                phase = "delivery" if handed else "rendered, before delivery"
            phases.append(phase)
            log("  %s: killed at %.3f s (%s%s), %d mails handed to the relay; outbox then: %d "
                "waiting, %d sent" % (label, at, phase,
                                      "; rendering ended at %.3f s" % rendered_at
                                      if rendered_at else "", handed, m["size"], m["sent"]))

        # Before the outbox commit: during start-up and choosing the papers
        # (what a dry run does), then most likely while rendering and signing.
        # A loaded machine inflates the dry run's CPU time more than the
        # run's, so the later moment may not come before the run is done:
        # then the kill comes with the first mail handed over (delivery).
        for i, (low, high) in enumerate([(0.5, 1.0), (1.0, 1.8)]):
            kill_cpu = dry_cpu * rnd.uniform(low, high)
            killed_run("kill %d (at %.3f s of CPU)" % (i + 1, kill_cpu),
                       lambda pid, at, handed: cpu_seconds(pid) >= kill_cpu or handed >= 1)
        # During delivery: once the relay took a random number of mails.
        for i in range(3):
            k, pause = rnd.randint(1, 12), rnd.uniform(0, 0.05)
            got_k = []

            def after_k(pid, at, handed, k=k, pause=pause, got_k=got_k):
                if handed >= k and not got_k:
                    got_k.append(at)
                return bool(got_k) and at >= got_k[0] + pause
            killed_run("kill %d (after %d mails + %.3f s)" % (i + 3, k, pause), after_k)
        self.assertIn("start-up/rendering, nothing committed", phases)
        self.assertIn("delivery", phases)

        reruns = 0
        while True:
            reruns += 1
            run = site.digest("--date", self.day, "--stale-after", "1", *dkim_flags, smtp=port)
            self.assertEqual(run.returncode, 0, run)
            log("  re-run %d: %s" % (reruns, run.stdout.strip().replace("\n", "; ")))
            if "waiting for a retry" not in run.stdout:
                break
            self.assertLess(reruns, 5, run)
            time.sleep(1.2)

        mails = read_mails(maildir)
        by_address = {a: [] for a in addresses}
        for raw, m in mails:
            by_address[str(m["To"])].append((raw, str(m["Message-ID"])))
        for raw, _ in mails[:5]:
            self.assertTrue(dkim.verify(raw, dnsfunc=lambda name, timeout=5: record))
        duplicates = 0
        for address, got in by_address.items():
            ids = {mid for _, mid in got}
            self.assertEqual(len(ids), 1, "%s got %d distinct mails" % (address, len(ids)))
            # A repeat is the same outbox row: the very same bytes.
            self.assertEqual(len({raw for raw, _ in got}), 1, address)
            duplicates += len(got) - 1
        log("  %d subscribers, %d mails received, %d duplicates (same Message-ID), %d re-runs"
            % (len(addresses), len(mails), duplicates, reruns))
        self.assertEqual(site.metrics(),
                         dict(size=0, sent=len(addresses), failed=0, deferrals=0))


class SqliteDeliveryTest(DeliveryCases, unittest.TestCase):
    pg = False


@needs_postgres
class PostgresDeliveryTest(DeliveryCases, unittest.TestCase):
    pg = True


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
