#!/usr/bin/env bash
# HTTP serving (issue 6): `paperpulse serve` against nginx serving the same
# bytes as static files, with wrk, in the same run (bench/http_vs_nginx.py).
# usage: bench/run-http.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# HTTP_BENCH_SECONDS / HTTP_BENCH_CONNECTIONS / HTTP_BENCH_THREADS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/http_vs_nginx.py "${1:-build/release/paperpulse}"
