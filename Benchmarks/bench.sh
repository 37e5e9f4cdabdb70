#!/usr/bin/env bash
# Whole-process benchmarks of `staticcheck-elf check`, side by side with readelf, file,
# scanelf and `go version -m` in the same run (machines are noisy: read the ratios). The
# commands take turns, one run each per round (Benchmarks/interleave.c), so that drift on a
# shared machine reaches all of them alike; each ratio is the median of the per-round ratios.
#
#   make bench        (builds TestBinaries first)
#
# Measures:
#   1. one file: the largest Go binary of TestBinaries (check vs readelf -lhd -W, file,
#      scanelf, go version -m);
#   2. many files: every ELF file under /usr/bin /usr/sbin /usr/lib /opt/swift, in batches,
#      check --format json vs readelf -lhd -W on the same lists;
#   3. peak memory (max RSS) of check on a small and on the largest binary.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=${BIN_OUT:-$REPO/TestBinaries/out}
SCRATCH=$REPO/.build-bench

RUNNER=$SCRATCH/interleave
mkdir -p "$SCRATCH"
cc -O2 -std=c11 -Wall -Wextra -o "$RUNNER" Benchmarks/interleave.c

# Prints each command's median time (and the middle half of its runs) and, against command 0,
# the median of the per-round time ratios (> 1: staticcheck-elf is faster). Args: the runner's
# JSON, the unit ("ms" or "us/file"), the file count for us/file, then one label per command.
summarize() {
    python3 - "$@" <<'PY'
import json, statistics, sys
path, unit, files, labels = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
d = json.load(open(path))
rows = d["ns"]
def scale(ns): return ns / 1e6 if unit == "ms" else ns / 1e3 / files
for c, label in enumerate(labels):
    xs = sorted(r[c] for r in rows)
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    line = f"    {label:<36} {scale(statistics.median(xs)):9.2f} {unit}  (middle half {scale(q[0]):.2f}-{scale(q[2]):.2f})"
    if c > 0:
        ratio = statistics.median(r[c] / r[0] for r in rows)
        line += f"   ratio {ratio:5.2f}"
    print(line)
PY
}

echo "bench: building staticcheck-elf (release, static Swift stdlib)"
# The binary `make install` builds: fully static, with the start-up flag (see the Makefile).
swift build -c release --static-swift-stdlib -Xswiftc -static-executable \
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
    --scratch-path "$SCRATCH" --product staticcheck-elf 2>&1 | grep -vE "warning: Using .* in statically linked" | tail -1
SCE=$SCRATCH/release/staticcheck-elf
# The fresh 28 MB binary is still being written back to disk: let that finish first, or its
# I/O lands in the first timings.
sync
GO=$REPO/.venv/bin/go
[ -x "$GO" ] || GO=$(command -v go)

largest=$(tail -n +2 "$OUT/manifest.tsv" | awk -F'\t' '$3=="go"{print $2}' | while read -r rel; do
    f="$OUT/$rel"; if head -c4 "$f" | grep -q $'\x7fELF'; then printf '%s %s\n' "$(stat -c %s "$f")" "$f"; fi; done | sort -n | tail -1 | cut -d' ' -f2)
size=$(stat -c %s "$largest")
echo
echo "== 1. one file: $largest ($size bytes)"
"$RUNNER" 30 300 /tmp/sce-bench-1.json \
    -- "$SCE" check --format json "$largest" \
    -- "$SCE" check "$largest" \
    -- readelf -lhd -W "$largest" \
    -- file "$largest" \
    -- scanelf -a "$largest" \
    -- "$GO" version -m "$largest"
echo "  300 rounds; ratio = the tool's time / staticcheck-elf check --format json, median per round"
summarize /tmp/sce-bench-1.json ms 1 "staticcheck-elf check --format json" "staticcheck-elf check (text)" \
    "readelf -lhd -W" "file" "scanelf -a" "go version -m"

echo
echo "== 2. many files: this machine's ELF files"
LIST=/tmp/sce-bench-elves.txt
find /usr/bin /usr/sbin /usr/lib /opt/swift -type f -size +0 2>/dev/null | while read -r f; do
    if head -c4 "$f" 2>/dev/null | grep -q $'\x7fELF'; then echo "$f"; fi; done > "$LIST" || true
n=$(wc -l < "$LIST")
echo "   $n ELF files (binaries, libraries, objects)"
cat > /tmp/sce-bench-sce.sh <<SH
#!/bin/sh
xargs -d '\n' -n 500 $SCE check --format json --fail-on never < $LIST > /dev/null 2>&1 || true
SH
cat > /tmp/sce-bench-readelf.sh <<SH
#!/bin/sh
xargs -d '\n' -n 500 readelf -lhd -W < $LIST > /dev/null 2>&1 || true
SH
chmod +x /tmp/sce-bench-sce.sh /tmp/sce-bench-readelf.sh
"$RUNNER" 2 15 /tmp/sce-bench-2.json -- /tmp/sce-bench-sce.sh -- /tmp/sce-bench-readelf.sh
echo "  15 rounds, $n files per run"
summarize /tmp/sce-bench-2.json us/file "$n" "staticcheck-elf check --format json" "readelf -lhd -W"

echo
echo "== 2b. the same files, Go binaries apart (readelf does not read Go's tables; we do)"
GOLIST=/tmp/sce-bench-go.txt; NONGO=/tmp/sce-bench-nongo.txt
: > "$GOLIST"; : > "$NONGO"
while read -r f; do
    if readelf -SW "$f" 2>/dev/null | grep -q '\.gopclntab\|\.go\.buildinfo\|\.note\.go\.'; then echo "$f" >> "$GOLIST"; else echo "$f" >> "$NONGO"; fi
done < "$LIST"
for k in go nongo; do
    l=$([ $k = go ] && echo "$GOLIST" || echo "$NONGO")
    printf '#!/bin/sh\nxargs -d "\\n" -n 500 %s check --format json --fail-on never < %s > /dev/null 2>&1 || true\n' "$SCE" "$l" > /tmp/sce-bench-sce-$k.sh
    printf '#!/bin/sh\nxargs -d "\\n" -n 500 readelf -lhd -W < %s > /dev/null 2>&1 || true\n' "$l" > /tmp/sce-bench-re-$k.sh
    chmod +x /tmp/sce-bench-sce-$k.sh /tmp/sce-bench-re-$k.sh
done
ng=$(wc -l < "$GOLIST"); nn=$(wc -l < "$NONGO")
"$RUNNER" 2 15 /tmp/sce-bench-2b-go.json -- /tmp/sce-bench-sce-go.sh -- /tmp/sce-bench-re-go.sh
"$RUNNER" 2 15 /tmp/sce-bench-2b-nongo.json -- /tmp/sce-bench-sce-nongo.sh -- /tmp/sce-bench-re-nongo.sh
echo "  Go files ($ng):"
summarize /tmp/sce-bench-2b-go.json us/file "$ng" "staticcheck-elf check --format json" "readelf -lhd -W"
echo "  other ELF files ($nn):"
summarize /tmp/sce-bench-2b-nongo.json us/file "$nn" "staticcheck-elf check --format json" "readelf -lhd -W"

echo
echo "== 3. peak memory (max RSS)"
small="$OUT/c/hello-static"
for f in "$small" "$largest"; do
    rss=$(/usr/bin/time -f %M "$SCE" check --format json --fail-on never "$f" 2>&1 >/dev/null | tail -1)
    echo "   $(stat -c %s "$f") bytes -> ${rss} KiB max RSS   ($f)"
done
