#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader with libFuzzer (`make fuzz FUZZ_SECONDS=N`).
#
#   bash Fuzz/run.sh [TARGET...]     (default: every target: elf ldcache tar decompress gzindex json dockerfile config)
#
# Builds Fuzz/ (a package of its own over this one) with AddressSanitizer and libFuzzer's
# coverage, seeds each target's corpus from TestBinaries, the hostile fixtures, the peer files,
# the test roots and images and the Dockerfile fixtures, then runs each target FUZZ_SECONDS
# (default 60) with libFuzzer's per-input timeout of 1 s and RSS limit of 512 MiB. Corpora grow
# in ${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/fuzz/TARGET; a crash, timeout or
# out-of-memory input is written to Fuzz/crashes/ (commit it as a regression fixture).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
SECONDS_EACH=${FUZZ_SECONDS:-60}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf
CORPORA=$CACHE/fuzz
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(elf ldcache tar decompress gzindex json dockerfile config)

SWIFT_BIN=$(dirname "$(readlink -f "$(command -v swift)")")
NOMAIN=$(find "$SWIFT_BIN/../lib/clang" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -n1)
[ -n "$NOMAIN" ] || { echo "run.sh: libclang_rt.fuzzer_no_main not found in the Swift toolchain" >&2; exit 1; }
(cd "$HERE" && swift build -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,trace-cmp,pc-table \
    -Xswiftc -use-ld=lld -Xlinker "$NOMAIN" -Xlinker -lstdc++)
FUZZ=$HERE/.build/debug/Fuzz

# Seeds: small real inputs of each kind (libFuzzer keeps what adds coverage).
seed() {  # target, files...
    local t=$1; shift
    mkdir -p "$CORPORA/$t"
    for f in "$@"; do
        [ -f "$f" ] || continue
        [ "$(stat -c %s "$f")" -le 262144 ] || continue
        cp -n "$f" "$CORPORA/$t/seed-$(sha256sum "$f" | cut -c1-16)" 2>/dev/null || true
    done
}
BIN=$REPO/TestBinaries/out
seed elf "$REPO"/TestBinaries/hostile/* "$REPO"/TestBinaries/hostile-bases/* $(find "$BIN" -type f 2>/dev/null) \
    $(find "$CACHE/peers" -type f 2>/dev/null)
seed ldcache $(find "$CACHE/roots" -path '*/etc/ld.so.cache' 2>/dev/null)
seed tar "$REPO"/Tests/ImageTests/Fixtures/* $(find "$CACHE/images/hostile" -name '*.tar' 2>/dev/null)
seed decompress $(find "$CACHE/images/oci" "$CACHE/images/zstd" -path '*/blobs/sha256/*' 2>/dev/null)
seed gzindex $(find "$CACHE/images/oci" -path '*/blobs/sha256/*' -size -1024k 2>/dev/null)
seed json $(find "$CACHE/images/oci" -name index.json 2>/dev/null) \
    $(find "$CACHE/images/oci" -path '*/blobs/sha256/*' -size -8k 2>/dev/null)
seed dockerfile $(find "$REPO/Tests/DockerfileTests/Fixtures" -type f 2>/dev/null)
# Config seeds: docs/config.md's YAML examples, and the YAML files of the repository.
mkdir -p "$CACHE/config-seeds"
awk '/^```yaml$/{n++; f=sprintf("'"$CACHE"'/config-seeds/example-%d.yml", n); on=1; next} /^```$/{on=0} on{print > f}' "$REPO/docs/config.md"
seed config "$CACHE"/config-seeds/* "$REPO/.pre-commit-hooks.yaml"

mkdir -p "$HERE/crashes"
status=0
for t in "${TARGETS[@]}"; do
    mkdir -p "$CORPORA/$t"
    echo "== $t: $(ls "$CORPORA/$t" | wc -l) inputs, ${SECONDS_EACH}s"
    FUZZ_TARGET=$t "$FUZZ" "$CORPORA/$t" -max_total_time="$SECONDS_EACH" -timeout=1 -rss_limit_mb=512 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$HERE/crashes/$t-" 2>"$HERE/.last-$t.log" || status=1
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)|cov:|ERROR' "$HERE/.last-$t.log" | tail -n 6
done
exit $status
