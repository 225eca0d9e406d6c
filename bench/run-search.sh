#!/usr/bin/env bash
# Search vs SQLite FTS5 (issue 5): the paperpulse index and FTS5 built from
# the same documents, the same 1,200-query log run against both, at the 50k
# real papers of ../shared/data and at 500k (the real records repeated with
# perturbed ids). Prints build time/throughput, sizes, p50/p99 latency and
# queries/s for both, and the ratios.
# usage: bench/run-search.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# SEARCH_BENCH_SIZES overrides the sizes ("50000 500000"; 0 = the real papers only).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/paperpulse}
bench="$(dirname "$bin")/bench/search_vs_fts5"
data=${PAPERPULSE_SHARED_DATA:-../shared/data}
if [ ! -x "$bench" ]; then
  echo "run-search.sh: $bench not built (cmake --build the same build dir)" >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pp_search_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$bin" import --data-dir "$work/store" --allow-errors "$data" >"$work/import.log" 2>&1 ||
  { tail -5 "$work/import.log" >&2; exit 1; }
for docs in ${SEARCH_BENCH_SIZES:-0 500000}; do
  echo "-- search_vs_fts5 --docs $docs"
  "$bench" --data-dir "$work/store" --docs "$docs" --queries 1200 --work "$work/run-$docs"
  rm -rf "$work/run-$docs"
done
