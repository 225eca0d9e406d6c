"""The plumbing the browser tests (tests/e2e/browser_test.py and
tests/e2e/community_browser_test.py) share around their journeys: the
command line, chromedriver, one browser session per screen size with its
failures recorded, and the final report. The WebDriver client and the
journeys' helpers are tests/e2e/browser_test.py's.
"""
import json
import os
import socket
import subprocess
import sys
import time
import traceback
import urllib.request

import pp_server


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
