# Grapevine — the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
FUZZ_SECONDS ?= 60
# make faults fuzzes each target this long (10 minutes) after the scenarios.
FAULTS_FUZZ_SECONDS ?= 600
# One target per benchmark section. A static pattern rule, because make applies no implicit
# (plain pattern) rule to a phony target: `bench-%:` alone made `make bench-ingest` do nothing.
# Release builds link the Swift runtime and Foundation statically: a `grapevine` process then
# starts without binding some ten shared Swift libraries' symbols (about a third of a short
# command's CPU, and of the 31 starts of bench-serf's join). Every release build here takes the
# same flags, so none of them rebuilds what another built; `swift run` takes no linking flags
# and, with --skip-build, runs what the build linked.
RELEASE := -c release --static-swift-stdlib
BENCH_TARGETS := bench-ingest bench-store bench-path bench-search bench-sim bench-sim-nat bench-recon bench-net

.PHONY: all deps build test check-protos conformance vectors protos bench $(BENCH_TARGETS) bench-serf fuzz faults demo clean

all: build

## deps: install missing system packages and Python test helpers (apt-get/pip when root, else print the commands)
deps:
	@scripts/install-deps

# Products are named: a bare `swift build` would also build swift-protobuf's protoc from C++ source.
build: deps
	$(SWIFT) build --product grapevine

## test: the whole suite: protobuf check, Swift tests, the Python conformance checker
test: deps check-protos
	$(SWIFT) test
	$(PYTHON) Tests/conformance/check_vectors.py Protocol/vectors

## check-protos: the generated Swift must come from the committed .proto (never regenerated here)
check-protos:
	@scripts/check-protos

## conformance: the Python checker alone, against Protocol/vectors
conformance:
	$(PYTHON) Tests/conformance/check_vectors.py Protocol/vectors

## vectors: regenerate Protocol/vectors from fixed seeds (commit the result with any wire change)
vectors: deps
	$(SWIFT) run grapevine-vectors Protocol/vectors

## protos: regenerate Sources/GrapevineWire from Protocol/grapevine.proto
protos: deps
	scripts/generate-protos

## bench: every benchmark section, release build; results in docs/BENCHMARKS.md and docs/benchmarks.json
bench: deps
	$(SWIFT) build $(RELEASE) --product grapevine-bench
	$(SWIFT) build $(RELEASE) --product grapevine
	$(SWIFT) run -c release --skip-build grapevine-bench all

$(BENCH_TARGETS): bench-%: deps
	$(SWIFT) build $(RELEASE) --product grapevine-bench
	$(SWIFT) build $(RELEASE) --product grapevine
	$(SWIFT) run -c release --skip-build grapevine-bench $*
# bench-sim runs the NAT rows too (section sim-nat, also alone as make bench-sim-nat).
bench-sim: bench-sim-nat

## bench-serf: 32 Serf agents beside 32 Grapevine nodes on loopback (join, propagation, idle CPU and
## memory); installs Debian's serf when it is missing. Not part of `make bench`.
bench-serf: deps
	@scripts/install-deps serf
	$(SWIFT) build $(RELEASE) --product grapevine-bench
	$(SWIFT) build $(RELEASE) --product grapevine
	nice $(SWIFT) run -c release --skip-build grapevine-bench serf

## fuzz: libFuzzer targets, FUZZ_SECONDS each (default 60)
fuzz: deps
	scripts/fuzz $(FUZZ_SECONDS)

## faults: all twelve fault scenarios on network namespaces (root), then every fuzz target for
## FAULTS_FUZZ_SECONDS; figures in docs/reliability.json (see docs/RELIABILITY.md)
faults: deps
	$(SWIFT) build --product grapevine
	$(SWIFT) build --product grapevine-faults
	"$$($(SWIFT) build --product grapevine-faults --show-bin-path)/grapevine-faults" run --results docs/reliability.json
	FUZZ_RESULTS=docs/reliability.json scripts/fuzz $(FAULTS_FUZZ_SECONDS)

## demo: build, start a small network on loopback, introduce contacts, print the merged store
demo: build
	GRAPEVINE="$$($(SWIFT) build --product grapevine --show-bin-path)/grapevine" Examples/seed-story/run.sh

clean:
	rm -rf .build .build-* fuzz-artifacts
