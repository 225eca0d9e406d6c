"""What the tests of the signed-in site (tests/integration/community_test.py,
subscriptions_test.py, digest_test.py, library_test.py, comments_test.py,
reading_lists_test.py and tests/e2e) run against besides `paperpulse serve`:
the slice of ../shared/data they import, the helper servers on loopback, the
SMTP sink (smtp_sink.py, here) and the arXiv fixture server
(tests/fixtures/arxiv_fixture_server.py), reading the mails the sink
received, the `paperpulse` command line, throw-away PostgreSQL databases,
and a TestBed (temp dir, sink, slice) whose Sites are `serve`s mailing
through the sink.
"""
import email
import email.policy
import glob
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import warnings

import pp_client
import pp_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl",
                      "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
HF_DAYS = ["2026-06-29", "2026-06-30"]
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "arxiv_fixture_server.py")
SINK = os.path.join(ROOT, "tests", "tools", "smtp_sink.py")
MAIL_FROM = "paperpulse <noreply@paperpulse.test>"
# Set (to an administrator's URL) by scripts/with-postgres.
PG_ENV = "PAPERPULSE_TEST_PG"
needs_postgres = unittest.skipUnless(os.environ.get(PG_ENV), PG_ENV + " not set")


def system_module(name):
    """The module `name`, from Debian's python3-* packages when the python3
    first on PATH (pyenv, a venv) does not have it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        return importlib.import_module(name)


def bibtex_entries(text):
    """The entries python3-bibtexparser reads from `text` (str or UTF-8
    bytes), its warnings silenced: Debian's bibtexparser 1.x calls names
    that newer pyparsing deprecates."""
    bibtexparser = system_module("bibtexparser")
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bibtexparser.loads(text).entries


def kaggle_ids(n):
    """Ids of the first `n` Kaggle records of the slice (on no daily list)."""
    ids = []
    with open(KAGGLE, encoding="utf-8") as f:
        for line in f:
            ids.append(json.loads(line)["id"])
            if len(ids) == n:
                return ids
    raise AssertionError("the Kaggle slice has fewer than %d records" % n)


def copy_slice(dest, days=HF_DAYS):
    """Copies the HF daily lists of `days` and the Kaggle records into the
    new directory `dest` (what `paperpulse import` reads); returns `dest`."""
    os.makedirs(dest)
    for day in days:
        shutil.copy(os.path.join(HF_DAILY, day + ".json"), dest)
    shutil.copy(KAGGLE, dest)
    return dest


def run_cli(binary, *args, data_dir, db=None, timeout=60):
    """Runs `binary ARGS... --data-dir DATA_DIR [--db DB]`; its output,
    stripped. AssertionError (with stderr's tail) unless it exits 0."""
    argv = [binary, *args, "--data-dir", data_dir] + (["--db", db] if db else [])
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, (args, p.stderr[-4000:])
    return p.stdout.strip()


def import_into(binary, data_dir, source, db=None):
    """`paperpulse import` of `source` (a file or directory)."""
    run_cli(binary, "import", source, data_dir=data_dir, db=db, timeout=300)


def pg_url(dbname):
    """The URL of database `dbname` on the server of PAPERPULSE_TEST_PG."""
    return os.environ[PG_ENV].rsplit("/", 1)[0] + "/" + dbname


def psql(sql):
    """Runs `sql` as the administrator of PAPERPULSE_TEST_PG; returns its output."""
    return subprocess.run(["psql", os.environ[PG_ENV], "-qAt", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def drop_database(name):
    """DROP DATABASE IF EXISTS `name`; failures (a session still open) ignored."""
    subprocess.run(["psql", os.environ[PG_ENV], "-q", "-c", "DROP DATABASE IF EXISTS " + name],
                   capture_output=True)


def start_helper(argv):
    """Starts a helper process that prints "PORT <n>" first; returns (proc, port).
    Stop it with pp_server.stop_process."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.match(r"PORT (\d+)", line or "")
    if not m:
        proc.kill()
        proc.wait()
        raise RuntimeError("helper %s did not start: %r" % (argv[1], line))
    return proc, int(m.group(1))


def start_sink(maildir, *extra):
    """Starts the SMTP sink writing into `maildir` (created), with extra
    smtp_sink.py flags (--fail-rcpt, --tempfail, --delay); returns (proc, port)."""
    os.makedirs(maildir, exist_ok=True)
    return start_helper([sys.executable, SINK, "--port", "0", "--dir", maildir, *extra])


def read_mails(maildir):
    """Every message the sink wrote to `maildir`, in arrival order: a list of
    (raw bytes, message parsed with the default policy)."""
    out = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            raw = f.read()
        out.append((raw, email.message_from_bytes(raw, policy=email.policy.default)))
    return out


def is_to(msg, address):
    """True when `address` (any case) is one of the message's To: addresses."""
    header = msg["To"]
    if header is None:
        return False
    return any(a.addr_spec.lower() == address.lower() for a in header.addresses)


def mails_to(maildir, address, since=0):
    """Messages in `maildir` for `address`, oldest first, from the `since`-th on."""
    return [msg for _, msg in read_mails(maildir) if is_to(msg, address)][since:]


def wait_for_mail(maildir, address, count, timeout=20):
    """The `count`-th message for `address` (from 1), once it is there;
    AssertionError after `timeout` s without it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = mails_to(maildir, address)
        if len(got) >= count:
            return got[count - 1]
        time.sleep(0.05)
    raise AssertionError("no mail #%d for %s in %s" % (count, address, maildir))


class TestBed:
    """What a test module's sites share: a temp dir, the SMTP sink writing
    into <tmp>/mail (started with `sink_flags`), the slice (the HF lists of
    `days` and the Kaggle records) copied to <tmp>/in, and the PostgreSQL
    databases made for it. close() removes all of it."""

    def __init__(self, binary, prefix, *sink_flags, days=HF_DAYS):
        self.binary = binary
        self.prefix = prefix.strip("_")
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.maildir = os.path.join(self.tmp, "mail")
        self.sink = None
        self.databases = []
        try:
            self.sink, self.smtp_port = start_sink(self.maildir, *sink_flags)
            self.src = copy_slice(os.path.join(self.tmp, "in"), days)
        except BaseException:
            self.close()
            raise

    def close(self):
        try:
            if self.sink is not None:
                pp_server.stop_process(self.sink)
                self.sink.stdout.close()
            for name in self.databases:
                drop_database(name)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def database(self, name):
        """The URL of a new, empty PostgreSQL database (dropped by close())."""
        dbname = "%s_%d_%s" % (self.prefix, os.getpid(), name)
        psql("CREATE DATABASE " + dbname)
        self.databases.append(dbname)
        return pg_url(dbname)

    def cli(self, *args, data_dir, db=None, timeout=60):
        return run_cli(self.binary, *args, data_dir=data_dir, db=db, timeout=timeout)

    def site(self, name, *flags, pg=False):
        """A Site over a new import of the slice into <tmp>/var-NAME: on
        SQLite there, or with `pg` on a new PostgreSQL database."""
        db = self.database(name) if pg else None
        data = os.path.join(self.tmp, "var-" + name)
        import_into(self.binary, data, self.src, db)
        return Site(self, name, *flags, data=data, db=db)

    def mails_to(self, address, since=0):
        return mails_to(self.maildir, address, since)

    def wait_for_mail(self, address, count, timeout=20):
        return wait_for_mail(self.maildir, address, count, timeout)


class Site:
    """`paperpulse serve --no-harvest` on `data` (and `db`) mailing from
    MAIL_FROM through the bed's sink, with `flags` added; its log is
    <tmp>/serve-NAME.log."""

    def __init__(self, bed, name, *flags, data, db=None, mail_from=MAIL_FROM):
        self.bed = bed
        self.name = name
        self.data = data
        self.db = db
        self.log_path = os.path.join(bed.tmp, "serve-%s.log" % name)
        self.args = ["--no-harvest", "--smtp", "smtp://127.0.0.1:%d" % bed.smtp_port,
                     "--mail-from", mail_from, *flags] + (["--db", db] if db else [])
        self.proc = self.log = None
        self.start()

    def start(self):
        """Starts the server (again, after stop() or a kill): the log is
        appended to, the port is new."""
        self.proc, self.port, self.log = pp_server.start_server(
            self.bed.binary, self.data, self.log_path, *self.args)

    def stop(self):
        """SIGTERM; returns the exit code."""
        return pp_server.stop_server(self.proc, self.log)

    def address(self, local):
        """A mailbox of this site's tests (sites share the bed's sink)."""
        return "%s-%s@paperpulse.test" % (local, self.name)

    def client(self, token=None, forwarded=False):
        """A new pp_client.Client of this site (anonymous without `token`)."""
        return pp_client.Client(self.port, token=token, forwarded=forwarded)

    def sign_in(self, address, name=None, client=None):
        """pp_client.sign_in of `address` through the bed's sink."""
        return pp_client.sign_in(self.port, self.bed.maildir, address, client=client, name=name)

    def cli(self, *args, timeout=60):
        """`paperpulse ARGS...` on this site's data (and database)."""
        return self.bed.cli(*args, data_dir=self.data, db=self.db, timeout=timeout)

    def token(self, address):
        """A new API token of the account of `address` (created if new)."""
        return self.cli("token", "create", address)


class SiteTestCase(unittest.TestCase):
    """A TestCase whose tests share `site`: what the class method new_site()
    (the subclass's) returns, started in setUpClass, stopped in
    tearDownClass."""

    site = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = cls.new_site()

    @classmethod
    def tearDownClass(cls):
        cls.site.stop()
        super().tearDownClass()
