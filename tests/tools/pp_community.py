"""What the community tests (tests/integration/community_test.py and
tests/e2e/community_browser_test.py) run against besides `paperpulse serve`:
the slice of ../shared/data they import, and the helper servers on loopback,
the SMTP sink (smtp_sink.py, here) and the arXiv fixture server
(tests/fixtures/arxiv_fixture_server.py).
"""
import os
import re
import subprocess

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
