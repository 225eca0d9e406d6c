#!/usr/bin/env bash
# All of arXiv on one machine (issue 14), `make bench-scale`: generates a
# SCALE_SIZE-record Kaggle-format corpus with bench/gen_corpus.py (or reuses
# it), then bench/scale.py imports it into a fresh data dir, times the index
# build through `serve` (lookups answered while it builds, /healthz
# progress, RSS), the pages and API on cache misses, RSS under load, and
# runs search_vs_fts5 --use-index (FTS5 built alongside, 1,200 queries) on
# the same data dir. The report (goal table with every goal met or missed,
# details, search_vs_fts5's output) goes to $SCALE_DIR/report-$SCALE_SIZE.md
# and is printed; progress goes to $SCALE_DIR/scale-$SCALE_SIZE.log.
# Not part of `make test` or `make bench`.
#
# usage: bench/scale.sh [PAPERPULSE_BINARY (default build/release/paperpulse)]
# Environment:
#   SCALE_SIZE   records in the corpus (default 2700000, all of arXiv)
#   SCALE_DIR    work dir (default build/scale); the corpus is cached there as
#                corpus-$SCALE_SIZE-seed1.jsonl and reused when present
#   SCALE_KEEP=1 keep the data dir ($SCALE_DIR/data-$SCALE_SIZE) afterwards
#   SCALE_REQUESTS, SCALE_LOAD_SECONDS, SCALE_LOAD_THREADS, SCALE_BUILD_TIMEOUT:
#                see bench/scale.py
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/paperpulse}
size=${SCALE_SIZE:-2700000}
dir=${SCALE_DIR:-build/scale}
bench="$(dirname "$bin")/bench/search_vs_fts5"
for f in "$bin" "$bench"; do
  if [ ! -x "$f" ]; then
    echo "scale.sh: $f not built (make build)" >&2
    exit 1
  fi
done
mkdir -p "$dir"
corpus="$dir/corpus-$size-seed1.jsonl"
data="$dir/data-$size"
report="$dir/report-$size.md"
progress="$dir/scale-$size.log"

if [ -s "$corpus" ]; then
  echo "scale.sh: reusing $corpus" >&2
else
  echo "scale.sh: generating $corpus (minutes at 2.7M records)" >&2
  # Written under another name first, so an interrupted run is not reused.
  python3 bench/gen_corpus.py --size "$size" --seed 1 --out "$corpus.partial"
  mv "$corpus.partial" "$corpus"
fi

# A fresh data dir every run: the import and the build are what is measured.
rm -rf "$data" "$data-fts5-work" "$data-serve.log"
cleanup() {
  if [ "${SCALE_KEEP:-0}" != 1 ]; then rm -rf "$data" "$data-fts5-work"; fi
}
trap cleanup EXIT
python3 bench/scale.py "$bin" --corpus "$corpus" --data "$data" --out "$report" \
  --search-bench "$bench" 2>&1 | tee "$progress" >&2
cat "$report"
