#!/usr/bin/env python3
"""End-to-end tests of the community features over real HTTP: sign-in by a
mailed link (a real SMTP server on loopback, tests/tools/smtp_sink.py),
sessions, CSRF, API tokens, votes (exact counts under concurrency, on SQLite
and on PostgreSQL), submissions (including a paper fetched from the arXiv
fixture server), rate limits, admin actions, read-your-writes and kill -9
during a vote storm.

usage: community_test.py PAPERPULSE_BINARY   (run by ctest; PostgreSQL cases
       run when PAPERPULSE_TEST_PG is set, as `make test` does)
"""
import http.client
import json
import os
import random
import shutil
import signal
import sys
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_community  # noqa: E402
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_client import Client, link_token, run_concurrently, with_retry  # noqa: E402
from pp_community import (FIXTURE, HF_DAYS, kaggle_ids, needs_postgres,  # noqa: E402
                          start_helper)

BIN = None

# The recorded arXiv API answers include this paper; it is not in the import.
FETCHABLE_ID = "1707.08567"

BED = None      # pp_community.TestBed
SITE = None     # the SQLite site most tests use
FIXTURE_PROC = None
FIXTURE_PORT = None


# ---------------------------------------------------------------- helpers

def site_flags():
    """The flags of every site here: papers fetched from the arXiv fixture
    server, and no per-address limits (every test client is 127.0.0.1: they
    would count the whole suite as one visitor). Per-account and per-email
    limits stay at their defaults (the flood test relies on them)."""
    return ("--arxiv-api-endpoint", "http://127.0.0.1:%d/api/query" % FIXTURE_PORT,
            "--login-limit-per-ip", "0", "--vote-limit-per-ip", "0", "--submit-limit-per-ip", "0")


def copy_of_site(name, *extra):
    """A Site of its own over a copy of SITE's data (the search index left
    to rebuild), with `extra` flags."""
    data = os.path.join(BED.tmp, "var-" + name)
    shutil.copytree(SITE.data, data, ignore=shutil.ignore_patterns("search"))
    return pp_community.Site(BED, name, *site_flags(), *extra, data=data)


def paper_upvotes(port, paper_id):
    status, _, doc = Client(port).json("GET", "/api/papers/" + paper_id)
    assert status == 200, (status, doc)
    return doc["upvotes"]


def listed_paper(day):
    """(id, upvotes) of the first paper of the HF list of `day`."""
    status, _, doc = Client(SITE.port).json("GET", "/api/daily_papers?date=" + day)
    assert status == 200 and doc, (status, doc)
    return doc[0]["paper"]["id"], doc[0]["paper"]["upvotes"]


def vote_with_retry(client, paper_id, method="POST"):
    """(status, doc) of a vote by a client that retries on 503 / connection
    errors, as a real one would."""
    status, _, doc = with_retry(lambda: client.json(method, "/api/papers/%s/upvote" % paper_id))
    return status, doc


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED, SITE, FIXTURE_PROC, FIXTURE_PORT
    BED = pp_community.TestBed(BIN, "pp_community_", "--fail-rcpt", "bounce@paperpulse.test")
    FIXTURE_PROC, FIXTURE_PORT = start_helper([sys.executable, FIXTURE, "--port", "0"])
    # Short sign-in links would make the happy paths racy; the expiry test
    # runs its own server with a 1 s lifetime.
    SITE = BED.site("sqlite", *site_flags(), "--cache-ttl-ms", "60000")


def tearDownModule():
    try:
        if SITE:
            SITE.stop()
    finally:
        pp_server.stop_process(FIXTURE_PROC)
        BED.close()


# ------------------------------------------------------------------ tests

class SignInTest(unittest.TestCase):
    def test_mailed_link_signs_in_once(self):
        address = "alice@paperpulse.test"
        c = Client(SITE.port)
        status, _, doc = c.json("POST", "/api/login", {"email": address})
        self.assertEqual(status, 202, doc)
        msg = BED.wait_for_mail(address, 1)
        self.assertIn("Sign in", msg["Subject"])
        url, token = link_token(msg)
        # Opening the link (a mail scanner's prefetch) consumes nothing: it
        # shows a confirm button that POSTs.
        path = urllib.parse.urlsplit(url)
        status, _, page = c.request("GET", path.path + "?" + path.query)
        self.assertEqual(status, 200)
        self.assertIn(b'method="post"', page)
        self.assertIn(token.encode(), page)
        status, _, _ = c.request("GET", path.path + "?" + path.query)
        self.assertEqual(status, 200)
        # The confirm POST signs in: an HttpOnly, SameSite=Lax session cookie.
        status, headers, doc = c.json("POST", "/api/login/confirm", {"token": token})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["email"], address)
        cookie = headers["set-cookie"]
        self.assertIn("pp_session=", cookie)
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertNotIn("Secure", cookie)  # the test site is http
        status, _, me = c.json("GET", "/api/me")
        self.assertEqual(status, 200)
        self.assertEqual(me["email"], address)
        self.assertTrue(me["csrfToken"])
        # A second use of the same link fails, and signs nobody in.
        other = Client(SITE.port)
        status, _, doc = other.json("POST", "/api/login/confirm", {"token": token})
        self.assertIn(status, (400, 410), doc)
        self.assertIn("used", doc["error"])
        self.assertEqual(other.json("GET", "/api/me")[0], 401)
        # An unknown link.
        status, _, doc = other.json("POST", "/api/login/confirm", {"token": "A" * 43})
        self.assertEqual(status, 404, doc)

    def test_same_answer_for_known_and_unknown_addresses(self):
        SITE.sign_in("known@paperpulse.test")
        a = Client(SITE.port).json("POST", "/api/login", {"email": "known@paperpulse.test"})
        b = Client(SITE.port).json("POST", "/api/login", {"email": "nobody@paperpulse.test"})
        self.assertEqual(a[0], b[0])
        self.assertEqual(a[2], b[2])

    def test_bad_requests(self):
        c = Client(SITE.port)
        self.assertEqual(c.json("POST", "/api/login", {"email": "not an address"})[0], 400)
        self.assertEqual(c.json("POST", "/api/login", {"email": 42})[0], 400)
        status, _, raw = c.request("POST", "/api/login", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        # An empty body has no fields (400 above); a body of another type is 415.
        status, _, _ = pp_http.request(SITE.port, "/api/login", "POST", body=b"email=a@b.example",
                                       headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        status, _, body = pp_http.request(SITE.port, "/api/login", "POST", body=b"{not json",
                                          headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("error", json.loads(body))

    def test_login_mail_flood_is_limited(self):
        c = Client(SITE.port)
        statuses = []
        for _ in range(8):
            status, headers, doc = c.json("POST", "/api/login", {"email": "flood@paperpulse.test"})
            statuses.append(status)
            if status == 429:
                self.assertGreater(int(headers["retry-after"]), 0)
                self.assertIn("error", doc)
        self.assertEqual(statuses[:5], [202] * 5)
        self.assertEqual(statuses[5:], [429] * 3)
        time.sleep(0.5)
        self.assertEqual(len(BED.mails_to("flood@paperpulse.test")), 5)

    def test_sign_out_ends_the_session(self):
        c = SITE.sign_in("leaver@paperpulse.test")
        stolen = dict(c.cookies)
        status, headers, _ = c.json("POST", "/api/logout")
        self.assertEqual(status, 200)
        self.assertIn("Max-Age=0", headers["set-cookie"])
        replay = Client(SITE.port)
        replay.cookies = stolen
        self.assertEqual(replay.json("GET", "/api/me")[0], 401)
        replay.csrf = c.csrf
        self.assertEqual(replay.json("POST", "/api/papers/%s/upvote" % kaggle_ids(1)[0])[0], 401)

    def test_display_name_is_stored_verbatim_and_shown_inert(self):
        c = SITE.sign_in("mallory@paperpulse.test")
        evil = "<script>alert('x')</script>\"';DROP--"
        status, _, doc = c.json("PATCH", "/api/me", {"name": evil})
        self.assertEqual(status, 200, doc)
        self.assertEqual(c.json("GET", "/api/me")[2]["name"], evil)
        # Taken names are refused, case-insensitively.
        other = SITE.sign_in("copycat@paperpulse.test")
        status, _, doc = other.json("PATCH", "/api/me", {"name": evil.upper()})
        self.assertEqual(status, 409, doc)
        # The name shows on the card of a submission, escaped.
        pid = kaggle_ids(30)[29]
        status, _, doc = c.json("POST", "/api/daily_papers", {"id": pid})
        self.assertEqual(status, 201, doc)
        self.assertEqual(doc["submittedBy"]["name"], evil)
        status, _, page = Client(SITE.port).request("GET", "/")
        self.assertEqual(status, 200)
        self.assertNotIn(b"<script>alert('x')", page)
        self.assertIn(b"&lt;script&gt;alert(", page)
        self.assertEqual(Client(SITE.port).json("GET", "/healthz")[0], 200)

    def test_expired_link_fails(self):
        site = copy_of_site("expiry", "--login-ttl", "1")
        try:
            c = site.client()
            status, _, _ = c.json("POST", "/api/login", {"email": "slow@paperpulse.test"})
            self.assertEqual(status, 202)
            _, token = link_token(BED.wait_for_mail("slow@paperpulse.test", 1))
            time.sleep(2.5)
            status, _, doc = c.json("POST", "/api/login/confirm", {"token": token})
            self.assertIn(status, (400, 410), doc)
            self.assertIn("expired", doc["error"])
            self.assertEqual(c.json("GET", "/api/me")[0], 401)
        finally:
            site.stop()


class VoteTest(unittest.TestCase):
    def test_csrf_and_authentication(self):
        pid = kaggle_ids(2)[1]
        anon = Client(SITE.port)
        self.assertEqual(anon.json("POST", "/api/papers/%s/upvote" % pid)[0], 401)
        c = SITE.sign_in("voter@paperpulse.test")
        self.assertEqual(c.json("POST", "/api/papers/%s/upvote" % pid, csrf=False)[0], 403)
        good = c.csrf
        c.csrf = "A" * 43
        self.assertEqual(c.json("POST", "/api/papers/%s/upvote" % pid)[0], 403)
        c.csrf = good
        # A cross-site Origin is refused even with the token.
        status, _, _ = c.json("POST", "/api/papers/%s/upvote" % pid,
                              headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        self.assertEqual(paper_upvotes(SITE.port, pid), 0)
        # A bad bearer token is 401, a good one needs no CSRF token.
        self.assertEqual(Client(SITE.port, token="x" * 43).json(
            "POST", "/api/papers/%s/upvote" % pid)[0], 401)
        script = Client(SITE.port, token=SITE.token("script@paperpulse.test"))
        status, _, doc = script.json("POST", "/api/papers/%s/upvote" % pid)
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["upvotes"], 1)

    def test_vote_is_idempotent_and_read_your_writes(self):
        pid, base = listed_paper(HF_DAYS[-1])
        anon = Client(SITE.port)
        # Warm the shared cache (60 s ttl on this server) with the old count.
        self.assertEqual(paper_upvotes(SITE.port, pid), base)
        status, _, page = anon.request("GET", "/papers/date/" + HF_DAYS[-1])
        self.assertEqual(status, 200)
        c = SITE.sign_in("rywo@paperpulse.test")
        for _ in range(3):  # retries of one vote count once
            status, _, doc = c.json("POST", "/api/papers/%s/upvote" % pid)
            self.assertEqual(status, 200, doc)
            self.assertEqual(doc, {"id": pid, "upvotes": base + 1, "upvoted": True})
        # At once, for everyone: the JSON, the daily page and its JSON list.
        self.assertEqual(paper_upvotes(SITE.port, pid), base + 1)
        status, _, doc = anon.json("GET", "/api/daily_papers?date=" + HF_DAYS[-1])
        self.assertEqual([i["paper"]["upvotes"] for i in doc if i["paper"]["id"] == pid],
                         [base + 1])
        status, _, page = anon.request("GET", "/papers/date/" + HF_DAYS[-1])
        html = page.decode()
        start = html.index('id="paper-%s"' % pid)
        card = html[start:html.index("</li>", start)]
        self.assertIn('<span class="n">%d</span>' % (base + 1), card)
        status, _, doc = c.json("DELETE", "/api/papers/%s/upvote" % pid)
        self.assertEqual(doc, {"id": pid, "upvotes": base, "upvoted": False})
        self.assertEqual(c.json("DELETE", "/api/papers/%s/upvote" % pid)[2]["upvotes"], base)
        self.assertEqual(paper_upvotes(SITE.port, pid), base)
        # Any id form works; an unknown paper is 404.
        status, _, doc = c.json("POST", "/api/papers/arXiv:%sv1/upvote" % pid)
        self.assertEqual((status, doc["id"]), (200, pid))
        self.assertEqual(c.json("POST", "/api/papers/2601.99999/upvote")[0], 404)

    def test_form_vote_without_javascript(self):
        pid = kaggle_ids(3)[2]
        c = SITE.sign_in("formvoter@paperpulse.test")
        status, headers, _ = c.request("POST", "/papers/%s/upvote" % pid, csrf=False,
                                       form={"csrf_token": c.csrf, "action": "up",
                                             "next": "/papers/" + pid})
        self.assertEqual(status, 303)
        self.assertEqual(urllib.parse.urlsplit(headers["location"]).path, "/papers/" + pid)
        self.assertEqual(paper_upvotes(SITE.port, pid), 1)
        # An open redirect through next= is not possible.
        status, headers, _ = c.request("POST", "/papers/%s/upvote" % pid, csrf=False,
                                       form={"csrf_token": c.csrf, "action": "down",
                                             "next": "//evil.example/x"})
        self.assertEqual(status, 303)
        self.assertNotIn("evil", headers["location"])
        self.assertEqual(paper_upvotes(SITE.port, pid), 0)
        # Without the form's token: refused.
        status, _, _ = c.request("POST", "/papers/%s/upvote" % pid, csrf=False,
                                 form={"action": "up"})
        self.assertEqual(status, 403)

    def test_fifty_concurrent_voters_give_an_exact_count(self):
        check_concurrent_votes(self, SITE, kaggle_ids(5)[4])

    def test_random_votes_match_a_model(self):
        check_random_votes(self, SITE, kaggle_ids(12)[6:12])


def check_concurrent_votes(test, site, pid):
    port = site.port
    tokens = [site.token("crowd%d@paperpulse.test" % i) for i in range(50)]
    before = paper_upvotes(port, pid)
    barrier = threading.Barrier(50)
    results = []

    def voter(token):
        barrier.wait()
        results.append(vote_with_retry(Client(port, token=token), pid)[0])

    run_concurrently((voter, t) for t in tokens)
    test.assertEqual(results, [200] * 50)
    test.assertEqual(paper_upvotes(port, pid), before + 50)
    # Each voter again, at once: still one vote each.
    run_concurrently((vote_with_retry, Client(port, token=t), pid) for t in tokens[:10])
    test.assertEqual(paper_upvotes(port, pid), before + 50)


def check_random_votes(test, site, papers):
    port = site.port
    users = [site.token("model%d@paperpulse.test" % i) for i in range(20)]
    before = {p: paper_upvotes(port, p) for p in papers}
    rng = random.Random(9)
    # Each user's operations run in order (one thread per user), users in
    # parallel: the final state is each user's last operation per paper.
    plans = [[(rng.choice(papers), rng.random() < 0.6) for _ in range(50)] for _ in users]
    final = {}

    def run(i):
        c = Client(port, token=users[i])
        for pid, up in plans[i]:
            status, doc = vote_with_retry(c, pid, "POST" if up else "DELETE")
            test.assertEqual(status, 200, doc)
            final[(i, pid)] = up

    run_concurrently((run, i) for i in range(len(users)))
    for p in papers:
        expected = before[p] + sum(1 for (i, q), up in final.items() if q == p and up)
        test.assertEqual(paper_upvotes(port, p), expected, p)


class SubmissionTest(unittest.TestCase):
    def test_submit_rules(self):
        c = SITE.sign_in("submitter@paperpulse.test")
        status, _, me = c.json("PATCH", "/api/me", {"name": "subby"})
        self.assertEqual(status, 200, me)
        pid = kaggle_ids(20)[15]
        status, _, doc = c.json("POST", "/api/daily_papers",
                                {"id": "https://arxiv.org/abs/%sv2" % pid})
        self.assertEqual(status, 201, doc)
        self.assertEqual(doc["paper"]["id"], pid)
        self.assertEqual(doc["submittedBy"]["name"], "subby")
        # Twice on one day: the existing entry.
        status, _, again = c.json("POST", "/api/daily_papers", {"id": pid})
        self.assertEqual(status, 200, again)
        self.assertEqual(again["paper"]["id"], pid)
        # Today's list has it, with the submitter on the card.
        status, _, today = c.json("GET", "/api/daily_papers")
        self.assertIn(pid, [i["paper"]["id"] for i in today])
        status, _, page = Client(SITE.port).request("GET", "/")
        self.assertIn(b"by subby", page)
        # A paper already on an earlier day's list: 409 naming the day.
        listed, _ = listed_paper(HF_DAYS[0])
        status, _, doc = c.json("POST", "/api/daily_papers", {"id": listed})
        self.assertEqual(status, 409, doc)
        self.assertIn(HF_DAYS[0], doc["error"])
        # Not an id; unknown to arXiv; no session.
        self.assertEqual(c.json("POST", "/api/daily_papers", {"id": "hello"})[0], 400)
        self.assertEqual(c.json("POST", "/api/daily_papers", {})[0], 400)
        self.assertEqual(c.json("POST", "/api/daily_papers", {"id": "2601.99999"})[0], 404)
        self.assertEqual(Client(SITE.port).json("POST", "/api/daily_papers", {"id": pid})[0], 401)

    def test_paper_fetched_from_arxiv(self):
        c = SITE.sign_in("fetcher@paperpulse.test")
        self.assertEqual(Client(SITE.port).json("GET", "/api/papers/" + FETCHABLE_ID)[0], 404)
        status, _, doc = c.json("POST", "/api/daily_papers",
                                {"id": "https://arxiv.org/pdf/%s.pdf" % FETCHABLE_ID})
        self.assertEqual(status, 201, doc)
        self.assertEqual(doc["paper"]["id"], FETCHABLE_ID)
        self.assertTrue(doc["paper"]["title"])
        status, _, paper = Client(SITE.port).json("GET", "/api/papers/" + FETCHABLE_ID)
        self.assertEqual(status, 200)

    def test_form_submission(self):
        c = SITE.sign_in("formsubmit@paperpulse.test")
        pid = kaggle_ids(25)[24]
        status, headers, _ = c.request("POST", "/submit", csrf=False,
                                       form={"csrf_token": c.csrf, "id": pid})
        self.assertEqual(status, 303)
        self.assertIn("/papers/date/", headers["location"])
        status, _, page = c.request("POST", "/submit", csrf=False,
                                    form={"csrf_token": c.csrf, "id": "nonsense"})
        self.assertEqual(status, 400)
        self.assertIn(b"arXiv id", page)


class AdminTest(unittest.TestCase):
    def test_hide_ban_and_audit(self):
        admin = SITE.sign_in("admin@paperpulse.test")
        SITE.cli("user", "grant-admin", "admin@paperpulse.test")
        spammer = SITE.sign_in("spammer@paperpulse.test")
        pid = kaggle_ids(40)[35]
        status, _, doc = spammer.json("POST", "/api/daily_papers", {"id": pid})
        self.assertEqual(status, 201, doc)
        day = doc["paper"]["submittedOnDailyAt"][:10]
        # Not an admin: 403.
        self.assertEqual(spammer.json("POST", "/api/admin/hide",
                                      {"date": day, "id": pid, "hidden": True})[0], 403)
        status, _, doc = admin.json("POST", "/api/admin/hide",
                                    {"date": day, "id": pid, "hidden": True})
        self.assertEqual(status, 200, doc)
        today = Client(SITE.port).json("GET", "/api/daily_papers?date=" + day)[2]
        self.assertNotIn(pid, [i["paper"]["id"] for i in today])
        status, _, doc = admin.json("POST", "/api/admin/ban",
                                    {"email": "spammer@paperpulse.test", "banned": True})
        self.assertEqual(status, 200, doc)
        self.assertEqual(spammer.json("GET", "/api/me")[0], 401)
        status, _, log = admin.json("GET", "/api/admin/audit")
        self.assertEqual(status, 200)
        actions = [e["action"] for e in log]
        self.assertIn("hide_submission", actions)
        self.assertIn("ban_user", actions)
        self.assertIn("grant_admin", actions)
        self.assertEqual(spammer.json("GET", "/api/admin/audit")[0], 401)


class CrashTest(unittest.TestCase):
    def test_kill_9_keeps_every_acknowledged_vote(self):
        site = copy_of_site("crash")
        port = site.port
        papers = kaggle_ids(60)[50:60]
        tokens = [site.token("storm%d@paperpulse.test" % i) for i in range(10)]
        acked = {p: 0 for p in papers}
        attempted = {p: 0 for p in papers}
        lock = threading.Lock()
        stop = threading.Event()

        def storm(i):
            c = Client(port, token=tokens[i])
            for pid in papers:
                if stop.is_set():
                    return
                with lock:
                    attempted[pid] += 1
                try:
                    status, _, _ = c.json("POST", "/api/papers/%s/upvote" % pid)
                except (ConnectionError, http.client.HTTPException, OSError):
                    return
                if status == 200:
                    with lock:
                        acked[pid] += 1

        threads = [threading.Thread(target=storm, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        # Kill mid-storm: once some votes are acknowledged, not all.
        deadline = time.time() + 60
        while time.time() < deadline and sum(acked.values()) < 15:
            time.sleep(0.002)
        site.proc.send_signal(signal.SIGKILL)
        site.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        site.log.close()
        self.assertGreater(sum(acked.values()), 0, "no vote was acknowledged before the kill")
        site.start()
        try:
            for pid in papers:
                got = paper_upvotes(site.port, pid)
                self.assertGreaterEqual(got, acked[pid], pid)
                self.assertLessEqual(got, attempted[pid], pid)
        finally:
            site.stop()


@needs_postgres
class PostgresVoteTest(pp_community.SiteTestCase):
    """The vote tests again with `serve --db postgresql://...`."""

    @classmethod
    def new_site(cls):
        return BED.site("pg", *site_flags(), pg=True)

    def test_fifty_concurrent_voters_give_an_exact_count(self):
        check_concurrent_votes(self, self.site, kaggle_ids(5)[4])

    def test_random_votes_match_a_model(self):
        check_random_votes(self, self.site, kaggle_ids(12)[6:12])


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
