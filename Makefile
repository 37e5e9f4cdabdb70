# staticcheck-elf — build, test, benchmark.
#
#   make test    install test dependencies (apt/pip, idempotent), build TestBinaries (cached),
#                then run the whole test suite with `swift test`
#   make build   release build of the executable (needs only the Swift toolchain)
#   make install the fully static release binary into $(PREFIX)/bin (PREFIX ?= /usr/local)
#   make bench   whole-process timings against readelf, file, scanelf and `go version -m`

SWIFT ?= swift
BIN_OUT ?= $(CURDIR)/TestBinaries/out
PREFIX ?= /usr/local

# Release builds reach generic metadata through accessor calls rather than by mangled name:
# resolving a name at run time demangles it and scans every protocol conformance in the
# binary, which cost more start-up time than checking a file. The flag is given here, not in
# Package.swift, because SwiftPM refuses a dependency whose targets use unsafeFlags.
FAST_START = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
# Fully static: no Swift runtime libraries and no loader to find at start (the linker's
# warnings about static glibc are expected).
STATIC = --static-swift-stdlib -Xswiftc -static-executable

.PHONY: all build install deps testbinaries test bench clean

all: build

build:
	$(SWIFT) build -c release --product staticcheck-elf $(FAST_START)

install:
	$(SWIFT) build -c release --product staticcheck-elf $(STATIC) $(FAST_START)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 .build/release/staticcheck-elf $(DESTDIR)$(PREFIX)/bin/staticcheck-elf

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
