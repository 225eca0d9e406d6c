#!/usr/bin/env bash
# Votes through HTTP (issue 9): votes/s with wrk and API tokens on SQLite and
# on a throw-away PostgreSQL (scripts/with-postgres) side by side, and page
# req/s signed in vs anonymous (bench/votes_http.py).
# usage: bench/run-votes.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# VOTES_BENCH_SECONDS / _CONNECTIONS / _ACCOUNTS / _WINDOW / _ROUNDS / _PAGES and PAGES_BENCH_ROUNDS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/paperpulse}"
if [ -n "${PAPERPULSE_TEST_PG:-}" ] || ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  exec python3 bench/votes_http.py "$bin"
fi
exec scripts/with-postgres python3 bench/votes_http.py "$bin"
