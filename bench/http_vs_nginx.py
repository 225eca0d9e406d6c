#!/usr/bin/env python3
"""HTTP serving (issue 6): `paperpulse serve` against nginx serving the same
bytes as static files, in the same run, with wrk and keep-alive.

usage: http_vs_nginx.py PAPERPULSE_BINARY

1. Imports a month of real Hugging Face daily lists (../shared/data) into a
   temporary data dir and starts `paperpulse serve` on a free port.
2. Fetches /api/daily_papers?date=D and the daily HTML page /papers/date/D
   from it and writes those exact bytes into an nginx document root; starts
   nginx (apt's /usr/sbin/nginx, not as a daemon, own prefix/config/pid in the
   temp dir) on another free port.
3. Closed loop: wrk -t2 -cC -dS against both servers, each URL, alternately,
   best of two rounds each; prints req/s, p99 and the ratio paperpulse/nginx.
4. Half load: wrk paced (bench/http_wrk.lua) to half of nginx's req/s for
   each URL, against both servers; prints the achieved rate, p50 and p99.

Both servers get the same CPUs (the machine's; 2 on the development box) and
log every request to a file (nginx's access_log, paperpulse's access log),
answer identity-encoded bodies (wrk sends no Accept-Encoding) and keep
connections open indefinitely. Environment: HTTP_BENCH_SECONDS (default 10),
HTTP_BENCH_CONNECTIONS (default 64), HTTP_BENCH_THREADS (server threads /
nginx workers, default: number of CPUs).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HF_DAILY = os.path.join(ROOT, "..", "shared", "data", "hf-daily-papers-json", "daily")
LUA = os.path.join(ROOT, "bench", "http_wrk.lua")
DAY = "2026-06-30"
SECONDS = int(os.environ.get("HTTP_BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("HTTP_BENCH_CONNECTIONS", "64"))
THREADS = int(os.environ.get("HTTP_BENCH_THREADS", str(os.cpu_count() or 2)))
ROUNDS = int(os.environ.get("HTTP_BENCH_ROUNDS", "2"))
PAUSE_MS = 10  # paced run: each connection sends one request per ~10 ms
GZ = {"Accept-Encoding": "gzip"}

NGINX_CONF = """\
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {tmp}/nginx-access.log;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/www;
    location /api/ {{ default_type application/json; gzip_static on; }}
    location /papers/ {{ default_type "text/html; charset=utf-8"; }}
  }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("%s exited with %d" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(what + " did not start")


def fetch(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
        return r.read()


def wrk(url, connections, seconds, pause_ms=None, headers=None):
    cmd = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "5s", "-s", LUA]
    for k, v in (headers or {}).items():
        cmd += ["-H", "%s: %s" % (k, v)]
    cmd.append(url)
    if pause_ms:
        cmd += ["--", str(pause_ms)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"^WRK_RESULT (\{.*\})$", out, re.M)
    if not m:
        raise SystemExit("no result from wrk:\n" + out)
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / r["seconds"]
    if r["errors"] or r["non2xx"]:
        print("  warning: %s: %d socket errors, %d non-2xx" % (url, r["errors"], r["non2xx"]))
    return r


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("%s not found: apt install %s (scripts/setup-deps)" % (tool, tool))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = tempfile.mkdtemp(prefix="pp_http_bench_")
    # nginx started by root serves as "nobody", which must reach the files.
    os.chmod(tmp, 0o755)
    procs = []
    try:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        for name in sorted(os.listdir(HF_DAILY)):
            if name.startswith(DAY[:7]):
                shutil.copy(os.path.join(HF_DAILY, name), src)
        data = os.path.join(tmp, "var")
        subprocess.run([binary, "import", "-q", "--data-dir", data, src], check=True)

        pp_port = free_port()
        pp_log = open(os.path.join(tmp, "paperpulse.log"), "wb")
        pp = subprocess.Popen([binary, "serve", "--data-dir", data, "--listen", "127.0.0.1:%d" % pp_port,
                               "--no-harvest", "--threads", str(THREADS)], stdout=pp_log, stderr=pp_log)
        procs.append(pp)
        wait_port(pp_port, pp, "paperpulse")
        pp_base = "http://127.0.0.1:%d" % pp_port

        # (key, path, request headers, file under the nginx root)
        cases = [("api", "/api/daily_papers?date=" + DAY, {}, "api/daily_papers"),
                 ("api-gz", "/api/daily_papers?date=" + DAY, GZ, "api/daily_papers.gz"),
                 ("page", "/papers/date/" + DAY, {}, "papers/date/" + DAY)]
        sizes = {}
        for key, path, headers, file in cases:
            body = fetch(pp_base + path, headers)
            sizes[key] = len(body)
            dest = os.path.join(tmp, "www", file)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(body)

        ng_port = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=THREADS, tmp=tmp, port=ng_port))
        ng = subprocess.Popen([nginx, "-p", tmp, "-c", conf, "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "nginx.out"), "wb"))
        procs.append(ng)
        wait_port(ng_port, ng, "nginx")
        ng_base = "http://127.0.0.1:%d" % ng_port
        for key, path, headers, _ in cases:
            if fetch(ng_base + path, headers) != fetch(pp_base + path, headers):
                sys.exit("nginx and paperpulse answer %s (%s) differently" % (path, key))

        print("HTTP vs nginx: %d server threads / nginx workers, %d CPUs, wrk -t2 -c%d -d%ds, keep-alive"
              % (THREADS, os.cpu_count() or 0, CONNECTIONS, SECONDS))
        print("bodies: api %d bytes (identity), api-gz %d bytes (gzip), page %d bytes (identity)"
              % (sizes["api"], sizes["api-gz"], sizes["page"]))
        results = {}
        for key, path, headers, _ in cases:
            for name, base in (("paperpulse", pp_base), ("nginx", ng_base)):
                wrk(base + path, CONNECTIONS, 2, headers=headers)  # warm-up
            best = {}
            for _ in range(ROUNDS):  # alternate, best of each: other load on the box hits both alike
                for name, base in (("nginx", ng_base), ("paperpulse", pp_base)):
                    r = wrk(base + path, CONNECTIONS, SECONDS, headers=headers)
                    if name not in best or r["rps"] > best[name]["rps"]:
                        best[name] = r
            results[key] = best
            ratio = best["paperpulse"]["rps"] / best["nginx"]["rps"]
            print("%-6s %-34s paperpulse %7.0f req/s p99 %6.2f ms | nginx %7.0f req/s p99 %6.2f ms | ratio %.2f"
                  % (key, path, best["paperpulse"]["rps"], best["paperpulse"]["p99_ms"],
                     best["nginx"]["rps"], best["nginx"]["p99_ms"], ratio))

        # Half load: each URL paced to half of what nginx served closed-loop.
        for key, path, headers, _ in cases:
            target = results[key]["nginx"]["rps"] / 2
            conns = max(2, round(target * PAUSE_MS / 1000))
            line = "half   %-6s %6.0f req/s offered (%3d conns)" % (key, target, conns)
            for name, base in (("paperpulse", pp_base), ("nginx", ng_base)):
                wrk(base + path, conns, 2, pause_ms=PAUSE_MS, headers=headers)  # warm-up
                r = wrk(base + path, conns, SECONDS, pause_ms=PAUSE_MS, headers=headers)
                line += " | %s %6.0f req/s p50 %5.2f ms p99 %6.2f ms" % (name, r["rps"], r["p50_ms"], r["p99_ms"])
            print(line)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if p is procs[0] else signal.SIGQUIT)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
