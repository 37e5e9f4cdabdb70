#!/usr/bin/env bash
# The test suite under the sanitizers (make sanitize; issue #16). Each build has its own scratch
# folder (.build-asan, .build-ubsan, .build-tsan), so the everyday .build is left alone.
#
#   SANITIZERS="address undefined thread" Scripts/sanitize.sh
#
#   address    swift test --sanitize=address, the whole suite. LeakSanitizer cannot run under
#              ptrace, so the strace suite (HarmlessTests) runs apart with detect_leaks=0; the
#              leaks of test code and Foundation are suppressed (Scripts/lsan-suppressions.txt).
#   undefined  Swift on Linux has no -sanitize=undefined (swiftc: "unsupported option for target
#              x86_64-unknown-linux-gnu"): Swift code already traps on overflow, out-of-range
#              indices and exclusivity violations in a debug build. The undefined-behaviour
#              sanitizer applies to our C code (CSHA256, CElfShim) and the C of our dependencies
#              (Yams' libyaml): clang -fsanitize=undefined with -fsanitize-trap, so any undefined
#              behaviour is a trap (the test process dies); the whole suite.
#   thread     swift test --sanitize=thread on the suites that use several threads:
#              ParallelOutputTests (the whole corpus, /usr/bin and a root with four workers) and
#              the other in-process Runner suites, which Swift Testing runs in parallel; the
#              image suites (each layer's digests are computed on another thread) and the
#              hashing and gzip access-point suites.
#
# The test inputs are those of `make test` (the Makefile passes their folders); a sanitizer's
# report ends the run with the failing status.
set -euo pipefail
cd "$(dirname "$0")/.."
SANITIZERS=${SANITIZERS:-address undefined thread}
status=0
run() { echo "sanitize: $*"; "$@" || status=1; }
for s in $SANITIZERS; do
    case $s in
    address)
        swift build --build-tests --sanitize=address --scratch-path .build-asan
        LSAN_OPTIONS=suppressions=$PWD/Scripts/lsan-suppressions.txt ASAN_OPTIONS=detect_leaks=1 run swift test --disable-xctest --skip-build --scratch-path .build-asan --sanitize=address --skip HarmlessTests
        ASAN_OPTIONS=detect_leaks=0 run swift test --disable-xctest --skip-build --scratch-path .build-asan --sanitize=address --filter HarmlessTests
        ;;
    undefined)
        swift build --build-tests --scratch-path .build-ubsan -Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined
        run swift test --disable-xctest --skip-build --scratch-path .build-ubsan
        ;;
    thread)
        swift build --build-tests --sanitize=thread --scratch-path .build-tsan
        TSAN_OPTIONS=halt_on_error=1 run swift test --disable-xctest --skip-build --scratch-path .build-tsan --sanitize=thread \
            --filter 'RunnerTests|ImageTests|SHA256Tests|GzipIndexTests' 
        ;;
    *) echo "sanitize: unknown sanitizer $s (address, undefined, thread)" >&2; exit 64 ;;
    esac
done
exit $status
