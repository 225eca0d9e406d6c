# The front door. `make run` and `make test` work on a fresh Debian bookworm
# machine: they install missing packages first (scripts/setup-deps).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
LISTEN ?= 127.0.0.1:8080
BIN := build/release/paperpulse

.PHONY: all deps build build-asan build-fuzz run test test-unit test-asan bench bench-scale format clean fuzz lint

all: build

deps:
	@scripts/setup-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# The asan tree (clang): unit tests under ASan+UBSan and the fuzz targets
# of fuzz/, from one compile of the code.
build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS) --target unit_tests fuzzers

# The fuzz targets alone, optimised (-O2) under the same sanitizers: 3-10x
# the executions per second of the -O0 asan tree, for long `make fuzz` runs.
build-fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers

# Runs each fuzz target (all, or those named in FUZZ_TARGETS) for
# FUZZ_SECONDS; crash inputs land in fuzz/regressions/<target>/ (fuzz/README.md).
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?=
fuzz: build-fuzz
	@fuzz/run-fuzzer run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Imports the bundled sample (a few hundred real papers, works without
# ../shared) once, then serves with the background harvester on.
run: build
	@if [ ! -f $(DATA_DIR)/.sample-imported ]; then \
	  $(BIN) import --data-dir $(DATA_DIR) share/sample && touch $(DATA_DIR)/.sample-imported; \
	fi
	$(BIN) serve --data-dir $(DATA_DIR) --listen $(LISTEN)

# Every test: release build (unit + integration, PostgreSQL backend included
# via a throw-away server), the unit tests again under ASan+UBSan, and each
# fuzz target briefly over its stored corpus and regressions.
test: build build-asan
	@scripts/with-postgres ctest --preset release -j $(JOBS) --timeout 900
	@ctest --preset asan -j $(JOBS) --timeout 900

test-unit: build
	@ctest --preset release -L unit -j $(JOBS)

bench: build
	@scripts/run-benchmarks

# All of arXiv on one machine (issue 14): a generated 2.7M-paper corpus
# (SCALE_SIZE to change), import, index build, search and pages at that size,
# FTS5 alongside; see docs/benchmarks.md. Not part of make test or make bench.
bench-scale: build
	@bash bench/scale.sh $(BIN)

# clang-format check and clang-tidy (.clang-tidy) over the built tree: scripts/lint.
lint: build
	@scripts/lint

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
