"""The plumbing the browser tests (tests/e2e/browser_test.py,
community_browser_test.py and library_browser_test.py) share around their
journeys: the command line, chromedriver, the community site (serve with an
SMTP sink and the arXiv fixture server), one browser session per screen
size with its failures recorded, and the final report. The WebDriver client
and the journeys' helpers are tests/e2e/browser_test.py's.
"""
import email
import email.policy
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import pp_server
from pp_community import FIXTURE, HF_DAILY, HF_DAYS, KAGGLE, SINK, start_helper


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_line(usage, tools):
    """(binary, artifact dir) from `PROGRAM PAPERPULSE_BINARY ARTIFACT_DIR`,
    the dir created. Exits 2 (printing `usage`) on other arguments, 1 when
    one of `tools` (Chromium, chromedriver) is not installed."""
    if len(sys.argv) != 3:
        print(usage, file=sys.stderr)
        sys.exit(2)
    binary, artifacts = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for tool in tools:
        if not os.access(tool, os.X_OK):
            print("missing %s: apt install chromium chromium-driver" % tool, file=sys.stderr)
            sys.exit(1)
    os.makedirs(artifacts, exist_ok=True)
    return binary, artifacts


def start_chromedriver(chromedriver):
    """Returns (process, url) of a chromedriver that says it is ready; stop
    it with pp_server.stop_process."""
    port = free_port()
    proc = subprocess.Popen([chromedriver, "--port=%d" % port, "--log-level=WARNING"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/status", timeout=2) as r:
                if json.loads(r.read())["value"]["ready"]:
                    return proc, url
        except OSError:
            pass
        time.sleep(0.1)
    pp_server.stop_process(proc)
    raise RuntimeError("chromedriver did not start")


class CommunitySite:
    """The site the signed-in browser tests run against: a temp data dir with
    pp_community's HF days and Kaggle slice imported, an SMTP sink, the arXiv
    fixture server and `paperpulse serve` mailing through the sink. start()
    it; stop() removes everything (processes, temp dir)."""

    def __init__(self, binary, prefix):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.maildir = os.path.join(self.tmp, "mail")
        self.data = os.path.join(self.tmp, "var")
        self.log_path = os.path.join(self.tmp, "serve.log")
        self.sink = self.fixture = self.proc = self.log = None
        self.base = None

    def start(self):
        os.makedirs(self.maildir)
        self.sink, smtp_port = start_helper(
            [sys.executable, SINK, "--port", "0", "--dir", self.maildir])
        self.fixture, fixture_port = start_helper([sys.executable, FIXTURE, "--port", "0"])
        src = os.path.join(self.tmp, "in")
        os.makedirs(src)
        for day in HF_DAYS:
            shutil.copy(os.path.join(HF_DAILY, day + ".json"), src)
        shutil.copy(KAGGLE, src)
        p = subprocess.run([self.binary, "import", "--data-dir", self.data, src],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError("import failed:\n" + p.stderr[-4000:])
        self.proc, port, self.log = pp_server.start_server(
            self.binary, self.data, self.log_path, "--no-harvest",
            "--smtp", "smtp://127.0.0.1:%d" % smtp_port,
            "--mail-from", "paperpulse <noreply@paperpulse.test>",
            "--arxiv-api-endpoint", "http://127.0.0.1:%d/api/query" % fixture_port,
            # Every browser here is 127.0.0.1; per-address limits would count
            # them as one visitor.
            "--login-limit-per-ip", "0", "--vote-limit-per-ip", "0", "--submit-limit-per-ip", "0")
        self.base = "http://127.0.0.1:%d" % port

    def stop(self):
        try:
            if self.proc is not None:
                pp_server.stop_server(self.proc, self.log)
        finally:
            pp_server.stop_process(self.sink)
            pp_server.stop_process(self.fixture)
            shutil.rmtree(self.tmp, ignore_errors=True)

    def server_errors(self):
        """The lines of the server's log at level error or critical (after
        the time stamp: cli.cc's pattern) and the access log's 5xx answers."""
        if not os.path.exists(self.log_path):
            return []
        bad = re.compile(r"^\S+ (error|critical) | status=5\d\d ")
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return [line.strip() for line in f if bad.search(line)]

    def api(self, path, token=None):
        """The JSON document of GET `path` as another client: anonymous, or
        with the API `token` (see api_token)."""
        headers = {"Authorization": "Bearer " + token} if token else {}
        try:
            req = urllib.request.Request(self.base + path, headers=headers)
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise AssertionError("GET %s: %d %s" % (path, e.code, e.read()[:300]))

    def api_token(self, address):
        """A new API token of the account of `address` (`paperpulse token
        create`, which opens the database beside the running server)."""
        p = subprocess.run([self.binary, "token", "create", "--data-dir", self.data, address],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError("token create failed:\n" + p.stderr[-2000:])
        return p.stdout.strip().split()[-1]

    def upvotes(self, paper_id):
        return self.api("/api/papers/" + urllib.parse.quote(paper_id))["upvotes"]

    def sign_in_link(self, address, timeout=20):
        """The sign-in link of the newest mail to `address`, once it is there
        (the sink writes each message before it answers the DATA)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in sorted(glob.glob(os.path.join(self.maildir, "*.eml")), reverse=True):
                with open(path, "rb") as f:
                    msg = email.message_from_binary_file(f, policy=email.policy.default)
                if address not in (msg["To"] or ""):
                    continue
                body = msg.get_body(preferencelist=("plain",)).get_content()
                m = re.search(r"https?://\S+/login/confirm\?token=[A-Za-z0-9_-]+\S*", body)
                if not m:
                    raise AssertionError("no sign-in link in the mail:\n" + body)
                return m.group(0)
            time.sleep(0.05)
        raise AssertionError("no mail for %s within %d s" % (address, timeout))


def run_sessions(test, runs):
    """For each (name, width, height, mobile, body) of `runs`: a fresh browser
    session of `test` (a browser_test.BrowserTest) in which body(session)
    runs. An exception fails the test with its traceback and a screenshot
    NAME-failure, and the next run goes on."""
    for name, width, height, mobile, body in runs:
        s = test.session(name, width, height, mobile)
        try:
            body(s)
        except Exception:
            test.failures.append("%s: %s" % (name, traceback.format_exc()))
            print(traceback.format_exc(), file=sys.stderr)
            try:
                test.shot(s, name + "-failure")
            except Exception:
                pass
        finally:
            s.quit()


def report(test, passed):
    """Lists the screenshots and the failures of `test`; the exit code."""
    print("screenshots:\n  " + "\n  ".join(test.shots))
    if test.failures:
        print("%d failures:\n  %s" % (len(test.failures), "\n  ".join(test.failures)), file=sys.stderr)
        return 1
    print(passed)
    return 0
