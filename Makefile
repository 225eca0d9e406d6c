# The front door. `make run` and `make test` work on a fresh Debian bookworm
# machine: they install missing packages first (scripts/setup-deps).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
LISTEN ?= 127.0.0.1:8080
BIN := build/release/paperpulse

.PHONY: all deps build build-asan run test test-unit test-asan bench format clean

all: build

deps:
	@scripts/setup-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS) --target unit_tests

# Imports the bundled sample (a few hundred real papers, works without
# ../shared) once, then serves with the background harvester on.
run: build
	@if [ ! -f $(DATA_DIR)/.sample-imported ]; then \
	  $(BIN) import --data-dir $(DATA_DIR) share/sample && touch $(DATA_DIR)/.sample-imported; \
	fi
	$(BIN) serve --data-dir $(DATA_DIR) --listen $(LISTEN)

# Every test: release build (unit + integration, PostgreSQL backend included
# via a throw-away server) and the unit tests again under ASan+UBSan.
test: build build-asan
	@scripts/with-postgres ctest --preset release -j $(JOBS) --timeout 900
	@ctest --preset asan -j $(JOBS) --timeout 900

test-unit: build
	@ctest --preset release -L unit -j $(JOBS)

bench: build
	@scripts/run-benchmarks

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
