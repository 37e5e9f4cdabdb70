# staticcheck-elf — build, test, benchmark.
#
#   make test    install test dependencies (apt/pip, idempotent), build TestBinaries (cached),
#                then run the whole test suite with `swift test`
#   make build   release build of the executable (needs only the Swift toolchain)
#   make bench   whole-process timings against readelf, file, scanelf and `go version -m`

SWIFT ?= swift
BIN_OUT ?= $(CURDIR)/TestBinaries/out

.PHONY: all build deps testbinaries test bench clean

all: build

build:
	$(SWIFT) build -c release --product staticcheck-elf

deps:
	bash TestBinaries/install-deps.sh

testbinaries: deps
	bash TestBinaries/build.sh $(BIN_OUT)

# Swift Testing only (no XCTest tests exist); --parallel is the default for Swift Testing.
test: testbinaries
	PATH="$(CURDIR)/.venv/bin:$$PATH" STATICCHECK_TESTBIN=$(BIN_OUT) $(SWIFT) test --disable-xctest

bench: testbinaries
	bash Benchmarks/bench.sh

clean:
	rm -rf .build TestBinaries/out
