# staticcheck-elf — build, test, benchmark.
#
#   make test    install test dependencies (apt/pip, idempotent), build TestBinaries (cached),
#                the test roots and images (cached), then run the whole test suite with `swift test`
#   make roots   the real root filesystems of the root oracle tests (TestBinaries/make-roots.sh)
#   make peers   other projects' ELF test files for the peer-file suite (TestBinaries/fetch-peers.sh)
#   make images  the real container images of the --image tests and their truth
#                (TestBinaries/make-images.sh; STATICCHECK_BIG_IMAGE=1 adds the ~1 GiB one)
#   make build   release build of the executable (needs only the Swift toolchain)
#   make install the fully static release binary into $(PREFIX)/bin (PREFIX ?= /usr/local), its
#                shell completions and its man page into $(PREFIX)/share
#   make completions  bash, zsh and fish completions of $(BIN), under $(SHARE_OUT)
#   make man     the man page of $(BIN), under $(SHARE_OUT)/man/man1
#   make sanitize  the suite under ASan, UBSan (C code) and TSan (parallel checking) (Scripts/sanitize.sh)
#   make fuzz    libFuzzer on every reader, FUZZ_SECONDS each (Fuzz/run.sh; crashes in Fuzz/crashes)
#   make image   the tool's own FROM scratch image (OCI layout and archive, umoci) in .build-image
#   make docs    docs/rules.md from the rules' metadata (the text of `explain`)
#   make bench   whole-process timings: many files, an image, a root, one file, against scanelf,
#                readelf, gzip -dc, dive, skopeo+umoci+lddtree, ld.so --list, `go version -m`

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

.PHONY: all build install completions man deps testbinaries roots images peers test bench fuzz clean docs static image sanitize
# Outside the clone on purpose: CI's fresh clone reuses it (see TestBinaries/make-roots.sh).
ROOTS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/roots
IMAGES ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/images
PEERS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/staticcheck-elf/peers


all: build

build:
	$(SWIFT) build -c release --product staticcheck-elf $(FAST_START)

install: static
	$(MAKE) completions man BIN=$(STATIC_OUT)/release/staticcheck-elf
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(STATIC_OUT)/release/staticcheck-elf $(DESTDIR)$(PREFIX)/bin/staticcheck-elf
	install -m 644 $(SHARE_OUT)/bash-completion/completions/staticcheck-elf $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	install -m 644 $(SHARE_OUT)/zsh/site-functions/_staticcheck-elf $(DESTDIR)$(PREFIX)/share/zsh/site-functions/
	install -m 644 $(SHARE_OUT)/fish/vendor_completions.d/staticcheck-elf.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/
	install -m 644 $(SHARE_OUT)/man/man1/staticcheck-elf.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# Completions and the man page are made by swift-argument-parser from the command's own
# definition, so they never drift from the options: `--generate-completion-script SHELL`, and
# the generate-manual tool (what `swift package plugin generate-manual` runs, built here on its
# own so that it reads $(BIN) instead of building every product again) on
# `--experimental-dump-help`. Generated under $(SHARE_OUT) in the installed layout, never committed.
# BIN is the release build unless given (the tests give the debug one).
BIN ?= .build/release/staticcheck-elf
SHARE_OUT ?= .build/share
ARGUMENT_PARSER = .build/checkouts/swift-argument-parser
MANUAL_TOOL = .build/generate-manual
# The man page's date is the last commit's, so the same commit gives the same page.
MAN_DATE = $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

completions:
	test -x $(BIN) || $(MAKE) build
	install -d $(SHARE_OUT)/bash-completion/completions $(SHARE_OUT)/zsh/site-functions $(SHARE_OUT)/fish/vendor_completions.d
	$(BIN) --generate-completion-script bash > $(SHARE_OUT)/bash-completion/completions/staticcheck-elf
	$(BIN) --generate-completion-script zsh > $(SHARE_OUT)/zsh/site-functions/_staticcheck-elf
	$(BIN) --generate-completion-script fish > $(SHARE_OUT)/fish/vendor_completions.d/staticcheck-elf.fish

# The generic EXIT STATUS sentence ("0 on success, >0 if an error occurs") would contradict
# exit 1 for findings: it points to the EXIT CODES list of the description instead.
man:
	test -x $(BIN) || $(MAKE) build
	test -d $(ARGUMENT_PARSER) || $(SWIFT) package resolve
	$(SWIFT) build --package-path $(ARGUMENT_PARSER) --scratch-path $(CURDIR)/$(MANUAL_TOOL) --product generate-manual
	install -d $(SHARE_OUT)/man/man1
	$(MANUAL_TOOL)/debug/generate-manual $(BIN) --date $(MAN_DATE) --output-directory $(SHARE_OUT)/man/man1
	sed -i 's/^\.Ex -std$$/The exit codes are listed under EXIT CODES in the description./' $(SHARE_OUT)/man/man1/staticcheck-elf.1

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

test: testbinaries roots images peers image
	PATH="$(CURDIR)/.venv/bin:$$PATH" STATICCHECK_SELF_IMAGE=$(SELF_IMAGE) STATICCHECK_TESTBIN=$(BIN_OUT) STATICCHECK_ROOTS=$(ROOTS) STATICCHECK_IMAGES=$(IMAGES) STATICCHECK_PEERS=$(PEERS) $(SWIFT) test --disable-xctest

# The suite under AddressSanitizer, the undefined-behaviour sanitizer (C code) and
# ThreadSanitizer (the parallel-checking suites): Scripts/sanitize.sh, SANITIZERS to pick.
sanitize: testbinaries roots images peers image
	PATH="$(CURDIR)/.venv/bin:$$PATH" STATICCHECK_SELF_IMAGE=$(SELF_IMAGE) STATICCHECK_TESTBIN=$(BIN_OUT) STATICCHECK_ROOTS=$(ROOTS) STATICCHECK_IMAGES=$(IMAGES) STATICCHECK_PEERS=$(PEERS) bash Scripts/sanitize.sh

# Coverage-guided fuzzing of every reader (Fuzz/run.sh): FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: testbinaries roots images peers
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

# The fully static release binary in a build folder of its own (the image and its test).
STATIC_OUT ?= $(CURDIR)/.build-static
static:
	$(SWIFT) build -c release --product staticcheck-elf --scratch-path $(STATIC_OUT) $(STATIC) $(FAST_START)

# The tool's own image: FROM scratch, the static binary as ENTRYPOINT, no shell (umoci, no
# daemon): .build-image/oci (OCI layout) and .build-image/staticcheck-elf.tar (OCI archive).
SELF_IMAGE ?= $(CURDIR)/.build-image
image: static
	bash Scripts/make-image.sh $(STATIC_OUT)/release/staticcheck-elf $(SELF_IMAGE)

# docs/rules.md from the rules' own metadata (a test fails when it drifts).
docs:
	$(SWIFT) run staticcheck-elf list-rules --format docs > docs/rules.md

# BENCH_SECTIONS="1 2 3 4" picks sections (see the script).
bench: testbinaries roots build static
	STATICCHECK_ROOTS=$(ROOTS) SCE_STATIC=$(STATIC_OUT)/release/staticcheck-elf bash Benchmarks/bench.sh

clean:
	rm -rf .build TestBinaries/out
