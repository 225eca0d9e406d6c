#!/usr/bin/env bash
# Soak (issue 13): `paperpulse serve` over ../shared/data under SOAK_SECONDS
# (default 600) of mixed wrk load: pages, API, search, feeds and signed-in
# votes. Prints errors, RSS every 10 s, RSS growth after warm-up and p99 per
# minute (bench/soak.py). Not part of `make test`.
# usage: bench/soak.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# SOAK_SECONDS / SOAK_CONNECTIONS / SOAK_ACCOUNTS / SOAK_WARMUP_SECONDS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/soak.py "${1:-build/release/paperpulse}"
