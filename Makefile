# staticcheck-elf — build, test, benchmark.
#
#   make test    install test dependencies (apt/pip, idempotent), build TestBinaries (cached),
#                the test roots and images (cached), then run the whole test suite with `swift test`
#   make roots   the real root filesystems of the root oracle tests (TestBinaries/make-roots.sh)
#   make peers   other projects' ELF test files for the peer-file suite (TestBinaries/fetch-peers.sh)
#   make images  the real container images of the --image tests and their truth
#                (TestBinaries/make-images.sh; STATICCHECK_BIG_IMAGE=1 adds the ~1 GiB one)
#   make build   release build of the executable (needs only the Swift toolchain)
#   make install the fully static release binary into $(PREFIX)/bin (PREFIX ?= /usr/local)
#   make fuzz    libFuzzer on every reader, FUZZ_SECONDS each (Fuzz/run.sh; crashes in Fuzz/crashes)
#   make docs    docs/rules.md from the rules' metadata (the text of `explain`)
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

.PHONY: all build install deps testbinaries roots images peers test bench fuzz clean docs
# Outside the clone on purpose: CI's fresh clone reuses it (see TestBinaries/make-roots.sh).
ROOTS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/roots
IMAGES ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/images
PEERS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/peers


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

roots:
	bash TestBinaries/make-roots.sh $(ROOTS)

# Swift Testing only (no XCTest tests exist); --parallel is the default for Swift Testing.
# The images need the corpus (their programs, the oracle helper) and the roots (their files).
images: testbinaries roots
	STATICCHECK_TESTBIN=$(BIN_OUT) STATICCHECK_ROOTS=$(ROOTS) bash TestBinaries/make-images.sh $(IMAGES)

# Other projects' ELF test files (pyelftools' sdist from PyPI, Debian's golang-1.19-src).
peers: deps
	bash TestBinaries/fetch-peers.sh $(PEERS)

test: testbinaries roots images peers
	PATH="$(CURDIR)/.venv/bin:$$PATH" STATICCHECK_TESTBIN=$(BIN_OUT) STATICCHECK_ROOTS=$(ROOTS) STATICCHECK_IMAGES=$(IMAGES) STATICCHECK_PEERS=$(PEERS) $(SWIFT) test --disable-xctest

# Coverage-guided fuzzing of every reader (Fuzz/run.sh): FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: testbinaries roots images peers
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

# docs/rules.md from the rules' own metadata (a test fails when it drifts).
docs:
	$(SWIFT) run staticcheck-elf list-rules --format docs > docs/rules.md

bench: testbinaries
	bash Benchmarks/bench.sh

clean:
	rm -rf .build TestBinaries/out
