#!/usr/bin/env bash
# Harvest throughput (issue 4): `paperpulse harvest` from the local fixture
# server without the 3 s delay, next to `paperpulse import` of the same pages.
# usage: bench/run-harvest.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# HARVEST_BENCH_RECORDS sets the size (default 50000).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/harvest_throughput.py "${1:-build/release/paperpulse}" "${HARVEST_BENCH_RECORDS:-50000}"
