"""Starts and stops a real `paperpulse serve` for the integration tests.

The server listens on 127.0.0.1:0 (the OS picks a free port); its output is
appended to a log file, from which the port of the "listening on" line is read.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time


def start_server(binary, data_dir, log_path, *extra, timeout=30):
    """Runs `binary serve --data-dir DATA_DIR --listen 127.0.0.1:0 EXTRA...`.

    Returns (proc, port, log_file) once the server listens; raises
    AssertionError with the log's tail when it does not within `timeout`.
    Output is appended, so a restarted server can share the log.
    """
    start = os.path.getsize(log_path) if os.path.exists(log_path) else 0
    log = open(log_path, "ab")
    proc = subprocess.Popen([binary, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                             *extra], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(log_path, "rb") as f:
            f.seek(start)
            m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if m and proc.poll() is None:
            return proc, int(m.group(1)), log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    log.close()
    with open(log_path, "rb") as f:
        f.seek(start)
        raise AssertionError("server did not start:\n" + f.read()[-4000:].decode("utf-8", "replace"))


def wait_for(what, predicate, timeout=120):
    """Polls predicate() every 0.2 s until it is true; AssertionError naming
    `what` after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("gave up waiting for " + what)


def stop_process(proc, timeout=10):
    """SIGTERM to `proc` if it still runs, SIGKILL after `timeout` s; None is fine."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_server(proc, log, timeout=30):
    """SIGTERM (kill after `timeout` s); closes the log; returns the exit code."""
    stop_process(proc, timeout)
    log.close()
    return proc.returncode


def stop_server_cleanly(proc, log, log_path, timeout=30):
    """stop_server, and an AssertionError (the log's tail on stderr) unless
    the server exited 0, as a graceful shutdown should."""
    rc = stop_server(proc, log, timeout)
    if rc != 0:
        with open(log_path, "rb") as f:
            sys.stderr.write(f.read()[-3000:].decode("utf-8", "replace"))
        raise AssertionError("server exited %s on SIGTERM, wanted 0" % rc)


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def dir_size(path):
    """Bytes of every file under `path` (a data dir, an index); files that
    vanish while it walks (a build swapping generations) count as 0."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total
