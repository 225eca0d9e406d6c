#!/usr/bin/env python3
"""kill -9 at 20 random moments during each write path (issue 13, Faults):
`import`, `harvest`, `reindex` and `digest send`, on SQLite and (when
PAPERPULSE_TEST_PG is set) PostgreSQL.

Each test first runs the command cleanly, timing it; then, 20 times, starts
it, SIGKILLs it at a moment drawn in one twentieth of the clean run's
duration after the other (seeded RNG; the seed is printed, and
PAPERPULSE_FAULT_SEED repeats a run), re-runs the same command to completion
and checks the invariants of that write path:

  import / harvest  the Store holds exactly the clean run's rows (papers,
                    versions, daily entries, id-less rows: row for row, so
                    nothing lost, doubled or half-written), SQLite's
                    integrity_check is ok; a harvest's checkpoint is complete
  reindex           after the kill the index is the previous complete one or
                    none (never half-built); after the re-run it holds one
                    document per paper, finds every paper by id and records
                    the Store's change_seq; no build directory is left
  digest send       every subscriber got exactly one distinct mail
                    (Message-ID) for the period; a repeat is the same bytes,
                    and at most one per kill (the mail handed to the relay
                    when the kill came, before it was marked sent: the
                    documented at-least-once); every mail the outbox records
                    as sent is at the sink

usage: faults_kill_test.py PAPERPULSE_BINARY INDEX_PROBE_BINARY [TestClass...]
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
import pp_faults  # noqa: E402
import pp_http  # noqa: E402
import pp_server  # noqa: E402
from pp_community import FIXTURE, HF_DAILY, KAGGLE, SHARED, read_mails, start_sink  # noqa: E402
from pp_faults import log  # noqa: E402

BIN = None
PROBE = None
OAI_PAGE = os.path.join(SHARED, "arxiv-oai-pmh-xml",
                        "albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml")
ABSTRACTS = os.path.join(SHARED, "arxiv-abstracts-csv", "albertoMontero__arxiv-cs_sample.csv")
# Rows without arXiv ids (held as id-less papers).
IDLESS = os.path.join(SHARED, "arxiv-abstracts-csv", "AmirYunus__arxiv_lite.csv")
HF_DAYS = ["2026-06-23", "2026-06-24", "2026-06-25"]
KILLS = 20
MAIL_FROM = "paperpulse digests <digest@paperpulse.test>"


def clean_env():
    env = dict(os.environ)
    for k in ("PAPERPULSE_DATA_DIR", "PAPERPULSE_DB", "PAPERPULSE_OAI_ENDPOINT"):
        env.pop(k, None)
    env["PAPERPULSE_CONTACT"] = "faults-test@example.org"
    return env


ENV = None


def make_import_input(dest):
    """~2,600 records of five formats: 1,000 Kaggle JSONL (each a new paper
    with versions), one 1,000-record OAI-PMH page, three HF daily lists, an
    abstract CSV with ids and 200 rows of one without."""
    os.makedirs(dest)
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "repeat_records.py"),
                    KAGGLE, "1000", os.path.join(dest, "kaggle.jsonl")], check=True)
    shutil.copy(OAI_PAGE, os.path.join(dest, "oai.xml"))
    shutil.copy(ABSTRACTS, os.path.join(dest, "abstracts.csv"))
    with open(IDLESS, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[:201]
    with open(os.path.join(dest, "idless.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    for day in HF_DAYS:
        shutil.copy(os.path.join(HF_DAILY, day + ".json"), dest)
    return dest


class FaultCase(unittest.TestCase):
    """A temp dir per test and a Backend per store kind."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pp_faults_kill_")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def backend(self, pg):
        b = pp_faults.Backend(os.path.join(self.tmp, "pg" if pg else "sqlite"), pg=pg)
        os.makedirs(b.tmp, exist_ok=True)
        self.addCleanup(b.close)
        return b

    def assert_sound(self, target, what):
        self.assertEqual(target.integrity(), "ok", what)

    def kill_and_rerun(self, name, backend, argv, seconds, want, after_kill=None,
                       after_rerun=None):
        """KILLS runs of argv(target) killed at seeded moments of a clean run
        of `seconds`, each re-run to completion: the Store is sound after
        the kill and after the re-run, and then holds `want`."""
        rng = pp_faults.seeded_rng("kill %s (%s)" % (name, backend.label))
        moments = pp_faults.kill_moments(rng, seconds, KILLS)
        killed = []
        for i, at in enumerate(moments):
            target = [backend.new(name)]

            def fresh():
                backend.drop(target[0])
                target[0] = backend.new(name)

            landed, moments[i] = pp_faults.run_killed_at_point(
                lambda: argv(target[0]), at, seconds, reset=fresh, env=ENV)
            t, at = target[0], moments[i]
            killed.append(landed)
            if t.exists():
                self.assert_sound(t, "after kill %d at %.3f s" % (i, at))
                if after_kill:
                    after_kill(t)
            pp_faults.run_ok(argv(t), env=ENV)
            self.assert_sound(t, "after the re-run of kill %d" % i)
            if after_rerun:
                after_rerun(t)
            self.assertEqual(t.content(), want, "kill %d at %.3f s, then a re-run" % (i, at))
            backend.drop(t)
        self.report("kill -9 " + name, backend, seconds, moments, killed)

    def report(self, name, backend, clean_seconds, moments, killed, extra=""):
        log("%s (%s): clean run %.3f s; %d of %d kills came before the end (at %s s)%s" % (
            name, backend.label, clean_seconds, sum(killed), len(moments),
            ", ".join("%.2f" % m for m in moments), extra))
        # Moments are spread over the clean run, so most kills land; a
        # loaded machine only makes the runs slower (more kills land).
        self.assertGreaterEqual(sum(killed), len(moments) // 2,
                                "most runs ended before their kill: the test proved little")


class KillImport(FaultCase):
    def test_kill_import_20_times(self):
        src = make_import_input(os.path.join(self.tmp, "in"))
        for pg in pp_faults.backends():
            with self.subTest(backend="PostgreSQL" if pg else "SQLite"):
                self.kill_import(self.backend(pg), src)

    def kill_import(self, backend, src):
        argv = lambda t: [BIN, "import", "-q", "--batch-size", "200", *t.args, src]  # noqa: E731
        clean = backend.new("clean")
        seconds, _ = pp_faults.timed_run(argv(clean), env=ENV)
        want = clean.content()
        self.assertGreater(want["papers"][0], 2000, want)
        self.assertGreater(want["versions"][0], 1000, want)
        self.assertGreater(want["daily_entries"][0], 50, want)
        self.assertGreater(want["unkeyed"][0], 50, want)
        backend.drop(clean)

        def prefix(t):  # never more than the clean run, rows whole
            self.assertLessEqual(t.content()["papers"][0], want["papers"][0])

        self.kill_and_rerun("import", backend, argv, seconds, want, after_kill=prefix)


class KillHarvest(FaultCase):
    def test_kill_harvest_20_times(self):
        import make_oai_pages
        pages = os.path.join(self.tmp, "pages")
        make_oai_pages.make_pages(pages, 2000, page_size=200)
        proc, port = start_fixture(self.tmp, "--pages", pages)
        self.addCleanup(pp_server.stop_process, proc)
        self.addCleanup(proc.stdout.close)
        url = "http://127.0.0.1:%d/oai" % port
        for pg in pp_faults.backends():
            with self.subTest(backend="PostgreSQL" if pg else "SQLite"):
                self.kill_harvest(self.backend(pg), url)

    def kill_harvest(self, backend, url):
        argv = lambda t: [BIN, "harvest", "-q", "--min-interval", "0", "--endpoint", url,  # noqa
                          "--until", "2030-01-01", *t.args]
        clean = backend.new("clean")
        seconds, _ = pp_faults.timed_run(argv(clean), env=ENV)
        want = clean.content()
        self.assertEqual(want["papers"][0], 2000, want)
        backend.drop(clean)

        def checkpoint_complete(t):
            cp = json.loads(pp_faults.run_ok([BIN, "harvest", "--status", "--json", *t.args],
                                             env=ENV).stdout)
            self.assertTrue(cp["complete"], cp)

        self.kill_and_rerun("harvest", backend, argv, seconds, want,
                            after_rerun=checkpoint_complete)


def message_id(msg):
    """A mail's Message-ID as the outbox keeps it (without the <>)."""
    return str(msg["Message-ID"]).strip().strip("<>")


def start_fixture(tmp, *args):
    proc = subprocess.Popen([sys.executable, FIXTURE, "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        proc.wait()
        raise AssertionError("fixture server did not start: %r" % line)
    return proc, int(line.split()[1])


class KillIndex(FaultCase):
    """`paperpulse reindex` killed 20 times in one data dir: the first kills
    come before any index exists, the later ones while a complete one is
    live and a new one is being built beside it."""

    def test_kill_reindex_20_times(self):
        src = make_import_input(os.path.join(self.tmp, "in"))
        for pg in pp_faults.backends():
            with self.subTest(backend="PostgreSQL" if pg else "SQLite"):
                self.kill_reindex(self.backend(pg), src)

    def check_index(self, t, ids, change_seq, what):
        got = pp_faults.probe_index(PROBE, t.data_dir, ids)
        self.assertEqual(got["documents"], len(ids), (what, got))
        self.assertEqual(got["missing_count"], 0, (what, got))
        self.assertEqual(got["last_change_seq"], change_seq, (what, got))

    def kill_reindex(self, backend, src):
        t = backend.new("index")
        pp_faults.run_ok([BIN, "import", "-q", *t.args, src], env=ENV)
        shutil.rmtree(os.path.join(t.data_dir, "search"), ignore_errors=True)  # a fresh start
        ids = [r[0] for r in t.query("SELECT id FROM papers")]
        change_seq = t.scalar("SELECT value FROM meta WHERE key = 'change_seq'")
        argv = [BIN, "reindex", *t.args]
        # The clean run, timed, in a data dir of its own (same Store).
        clean = pp_faults.Target(os.path.join(self.tmp, "clean-index-" + backend.label), t.db)
        if not t.db:
            shutil.copy(t.sqlite_path, clean.sqlite_path)
        seconds, _ = pp_faults.timed_run([BIN, "reindex", *clean.args], env=ENV)
        self.check_index(clean, ids, change_seq, "clean reindex")
        rng = pp_faults.seeded_rng("kill reindex (%s)" % backend.label)
        moments = pp_faults.kill_moments(rng, seconds, KILLS)
        killed = []
        generations = set()
        for i, at in enumerate(moments):
            state = {}

            def note_live():  # what is live before a run (after a completed one, on a retry)
                state["before"] = pp_faults.live_generation(t.data_dir)

            note_live()
            landed, moments[i] = pp_faults.run_killed_at_point(argv, at, seconds, reset=note_live,
                                                               env=ENV)
            before, at = state["before"], moments[i]
            killed.append(landed)
            live = pp_faults.live_generation(t.data_dir)
            what = "kill %d at %.3f s" % (i, at)
            # Never half-built: none, the previous index or a complete new one.
            if live is not None:
                self.check_index(t, ids, change_seq, what)
            else:
                self.assertIsNone(before, what)
            pp_faults.run_ok(argv, env=ENV)
            live = pp_faults.live_generation(t.data_dir)
            generations.add(live)
            self.check_index(t, ids, change_seq, what + ", then a re-run")
            self.assertEqual(pp_faults.build_leftovers(t.data_dir), [], what)
            self.assert_sound(t, what)
        # Only the live generation is kept: nobody holds an older one (a
        # killed run's hold ended with it, and the re-run's publish swept).
        gens = sorted(n for n in os.listdir(os.path.join(t.data_dir, "search"))
                      if n.startswith("gen-"))
        self.assertEqual(len(gens), 1, gens)
        self.report("kill -9 reindex", backend, seconds, moments, killed,
                    "; %d papers, %d generations published" % (len(ids), len(generations)))


class KillDigest(FaultCase):
    """`digest send` killed 20 times, each time on a fresh copy of a site
    with SUBSCRIBERS subscribers and a sink of its own."""

    SUBSCRIBERS = 20
    DAY = "2026-06-25"

    def test_kill_digest_send_20_times(self):
        src = os.path.join(self.tmp, "in")
        os.makedirs(src)
        for day in HF_DAYS:
            shutil.copy(os.path.join(HF_DAILY, day + ".json"), src)
        for pg in pp_faults.backends():
            with self.subTest(backend="PostgreSQL" if pg else "SQLite"):
                self.kill_digest(self.backend(pg), src)

    def make_site(self, backend, src):
        """The imported lists and SUBSCRIBERS active daily subscriptions
        (made over the API by account holders, as in digest_test.py)."""
        base = backend.new("digest-base")
        pp_faults.run_ok([BIN, "import", "-q", *base.args, src], env=ENV)
        log_path = os.path.join(self.tmp, "serve-%s.log" % backend.label)
        proc, port, logf = pp_server.start_server(BIN, base.data_dir, log_path, "--no-harvest",
                                                  "--trusted-proxy", "127.0.0.1/32",
                                                  *(["--db", base.db] if base.db else []))
        try:
            for i in range(self.SUBSCRIBERS):
                address = "reader%02d@faults.test" % i
                token = pp_faults.run_ok([BIN, "token", "create", address, *base.args],
                                         env=ENV).stdout.strip()
                status, _, body = pp_http.request(
                    port, "/api/subscriptions", "POST",
                    # One client address each: the per-address limit on subscribing.
                    {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                     "X-Forwarded-For": "10.0.0.%d" % (i + 1)},
                    b"{}")
                self.assertEqual(status, 201, body)
        finally:
            pp_server.stop_server_cleanly(proc, logf, log_path)
        # Build the search index now, so that each copy does not.
        pp_faults.run_ok([BIN, "reindex", *base.args], env=ENV)
        return base

    def digest_argv(self, t, port, *extra):
        return [BIN, "digest", "send", *t.args, "--date", self.DAY, "--mail-from", MAIL_FROM,
                "--smtp", "smtp://127.0.0.1:%d" % port, "--stale-after", "1", *extra]

    def outbox(self, t):
        return t.query("SELECT to_email, message_id, state FROM digest_outbox")

    def finish(self, t, port):
        """Re-runs `digest send` until nothing is waiting or claimed (a
        killed run's claims go stale after 1 s); the number of re-runs."""
        for reruns in range(1, 6):
            p = pp_faults.run_ok(self.digest_argv(t, port), env=ENV)
            busy = [r for r in self.outbox(t) if r[2] != "sent"]
            if not busy:
                return reruns
            time.sleep(1.1)
        raise AssertionError("mails still not sent after 5 re-runs: %s\n%s" % (busy, p.stdout))

    def kill_digest(self, backend, src):
        base = self.make_site(backend, src)
        addresses = sorted("reader%02d@faults.test" % i for i in range(self.SUBSCRIBERS))
        sinks = []

        def new_cycle(tag):
            t = backend.new(tag, template=base)
            maildir = os.path.join(self.tmp, "mail-%s-%d" % (backend.label, backend.count))
            proc, port = start_sink(maildir)
            sinks.append(proc)
            self.addCleanup(proc.stdout.close)
            self.addCleanup(pp_server.stop_process, proc)
            return t, maildir, port, proc

        t, maildir, port, sink = new_cycle("digest-clean")
        seconds, p = pp_faults.timed_run(self.digest_argv(t, port), env=ENV)
        self.assertIn("%d sent" % self.SUBSCRIBERS, p.stdout)
        self.assertEqual(sorted(str(m["To"]) for _, m in read_mails(maildir)), addresses)
        pp_server.stop_process(sink)
        backend.drop(t)

        rng = pp_faults.seeded_rng("kill digest send (%s)" % backend.label)
        moments = pp_faults.kill_moments(rng, seconds, KILLS)
        killed, duplicates, reruns_total = [], 0, 0
        for i, at in enumerate(moments):
            what = "kill %d at %.3f s" % (i, at)
            t, maildir, port, sink = new_cycle("digest")
            killed.append(pp_faults.run_killed_at(self.digest_argv(t, port), at, env=ENV))
            self.assert_sound(t, what)
            # Every mail recorded as sent is at the sink already.
            received = {message_id(m) for _, m in read_mails(maildir)}
            for to, mid, state in self.outbox(t):
                if state == "sent":
                    self.assertIn(mid, received, "%s: %s recorded sent, not received" % (what, to))
            reruns_total += self.finish(t, port)
            self.assert_sound(t, what + ", then re-runs")
            mails = read_mails(maildir)
            by_address = {}
            for raw, m in mails:
                by_address.setdefault(str(m["To"]), []).append((message_id(m), raw))
            self.assertEqual(sorted(by_address), addresses, what)
            for address, got in by_address.items():
                self.assertEqual(len({mid for mid, _ in got}), 1,
                                 "%s: %s got %d different mails" % (what, address, len(got)))
                self.assertEqual(len({raw for _, raw in got}), 1, (what, address))
            extra = len(mails) - len(addresses)
            # Sent one at a time: only the mail in flight at the kill repeats.
            self.assertLessEqual(extra, 1, "%s: %d repeated mails" % (what, extra))
            duplicates += extra
            rows = self.outbox(t)
            self.assertEqual(len(rows), len(addresses), what)
            self.assertEqual({r[2] for r in rows}, {"sent"}, what)
            self.assertEqual({r[1] for r in rows}, {mid for mid, _ in
                                                    (g[0] for g in by_address.values())}, what)
            pp_server.stop_process(sink)
            backend.drop(t)
        self.report("kill -9 digest send", backend, seconds, moments, killed,
                    "; %d subscribers, %d repeated mails (same Message-ID), %d re-runs" % (
                        len(addresses), duplicates, reruns_total))


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    PROBE = os.path.abspath(sys.argv.pop(1))
    ENV = clean_env()
    unittest.main(verbosity=2)
