# staticcheck-elf — build, test, benchmark.
#
#   make test    install test dependencies (apt/pip, idempotent), build TestBinaries (cached)
#                and the test roots (cached), then run the whole test suite with `swift test`
#   make roots   the real root filesystems of the root oracle tests (TestBinaries/make-roots.sh)
#   make build   release build of the executable (needs only the Swift toolchain)
#   make bench   whole-process timings against readelf, file, scanelf and `go version -m`

SWIFT ?= swift
BIN_OUT ?= $(CURDIR)/TestBinaries/out
# Outside the clone on purpose: CI's fresh clone reuses it (see TestBinaries/make-roots.sh).
ROOTS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/roots

.PHONY: all build deps testbinaries roots test bench clean

all: build

build:
	$(SWIFT) build -c release --product staticcheck-elf

deps:
	bash TestBinaries/install-deps.sh

testbinaries: deps
	bash TestBinaries/build.sh $(BIN_OUT)

roots:
	bash TestBinaries/make-roots.sh $(ROOTS)

# Swift Testing only (no XCTest tests exist); --parallel is the default for Swift Testing.
test: testbinaries roots
	PATH="$(CURDIR)/.venv/bin:$$PATH" STATICCHECK_TESTBIN=$(BIN_OUT) STATICCHECK_ROOTS=$(ROOTS) $(SWIFT) test --disable-xctest

bench: testbinaries
	bash Benchmarks/bench.sh

clean:
	rm -rf .build TestBinaries/out
