#!/usr/bin/env bash
# Digests (issue 10): 100k synthetic subscribers with varied filters over the
# real HF daily lists of ../shared/data, rendered into the outbox
# (bench/digest_render.cc: digests/s and resident memory per batch), unsigned
# and DKIM-signed, next to a Python implementation of the same work
# (bench/digest_python.py) on the first DIGEST_BENCH_PY subscribers.
# usage: bench/run-digest.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# DIGEST_BENCH_SUBSCRIBERS (100000), DIGEST_BENCH_PY (20000), DIGEST_BENCH_DATE (2026-06-26).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/paperpulse}"
bench_bin="$(dirname "$bin")/bench/digest_render"
n="${DIGEST_BENCH_SUBSCRIBERS:-100000}"
py_n="${DIGEST_BENCH_PY:-20000}"
date="${DIGEST_BENCH_DATE:-2026-06-26}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" import --data-dir "$tmp/base" ../shared/data/hf-daily-papers-json/daily >/dev/null
cp -r "$tmp/base" "$tmp/plain"
"$bench_bin" "$tmp/plain" "$n" "$date" --export "$tmp/subscribers.json"
cp -r "$tmp/base" "$tmp/signed"
openssl genrsa -out "$tmp/dkim.pem" 2048 2>/dev/null
"$bench_bin" "$tmp/signed" "$n" "$date" --dkim "$tmp/dkim.pem"
first="$(date -u -d "$date -6 days" +%F)"
python3 bench/digest_python.py "$tmp/base/paperpulse.db" "$tmp/subscribers.json" "$first" "$date" "$py_n"
