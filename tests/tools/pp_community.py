"""What the community and digest tests (tests/integration/community_test.py,
digest_test.py and tests/e2e/community_browser_test.py) run against besides
`paperpulse serve`: the slice of ../shared/data they import, the helper
servers on loopback, the SMTP sink (smtp_sink.py, here) and the arXiv
fixture server (tests/fixtures/arxiv_fixture_server.py), and reading the
mails the sink received.
"""
import email
import email.policy
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")
KAGGLE = os.path.join(SHARED, "arxiv-kaggle-jsonl",
                      "wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl")
HF_DAYS = ["2026-06-29", "2026-06-30"]
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "arxiv_fixture_server.py")
SINK = os.path.join(ROOT, "tests", "tools", "smtp_sink.py")


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
