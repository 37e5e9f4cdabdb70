#!/usr/bin/env bash
# Whole-process benchmarks of `staticcheck-elf check`, side by side with readelf, file,
# scanelf and `go version -m` in the same run (machines are noisy: read the ratios).
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

command -v hyperfine >/dev/null || { echo "bench: installing hyperfine"; apt-get install -y -q hyperfine >/dev/null; }

echo "bench: building staticcheck-elf (release, static Swift stdlib)"
swift build -c release --static-swift-stdlib -Xswiftc -static-executable --scratch-path "$SCRATCH" --product staticcheck-elf 2>&1 | grep -vE "warning: Using .* in statically linked" | tail -1
SCE=$SCRATCH/release/staticcheck-elf
GO=$REPO/.venv/bin/go
[ -x "$GO" ] || GO=$(command -v go)

largest=$(tail -n +2 "$OUT/manifest.tsv" | awk -F'\t' '$3=="go"{print $2}' | while read -r rel; do
    f="$OUT/$rel"; if head -c4 "$f" | grep -q $'\x7fELF'; then printf '%s %s\n' "$(stat -c %s "$f")" "$f"; fi; done | sort -n | tail -1 | cut -d' ' -f2)
size=$(stat -c %s "$largest")
echo
echo "== 1. one file: $largest ($size bytes)"
hyperfine -N --warmup 10 --runs 200 --export-json /tmp/sce-bench-1.json \
    "$SCE check --format json $largest" \
    "$SCE check $largest" \
    "readelf -lhd -W $largest" \
    "file $largest" \
    "scanelf -a $largest" \
    "$GO version -m $largest" 2>&1 | grep -E "Time|±|faster|slower" || true

python3 - /tmp/sce-bench-1.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
print("\n  ratio of medians (tool time / staticcheck-elf time; > 1 means staticcheck-elf is faster):")
for x in r[2:]:
    print(f"    {x['command'].split()[0].split('/')[-1]:<12} {x['median']*1000:7.2f} ms   ratio {x['median']/base:5.2f}")
print(f"    {'staticcheck-elf check --format json':<12} {base*1000:7.2f} ms")
print(f"    {'staticcheck-elf check (text)':<12} {r[1]['median']*1000:7.2f} ms   (readelf ratio {r[2]['median']/r[1]['median']:5.2f})")
PY

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
hyperfine -N --warmup 2 --runs 10 --export-json /tmp/sce-bench-2.json /tmp/sce-bench-sce.sh /tmp/sce-bench-readelf.sh 2>&1 | grep -E "Time|±" || true
python3 - /tmp/sce-bench-2.json "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
n = int(sys.argv[2])
print(f"\n  staticcheck-elf check: {r[0]['median']:.3f} s for {n} files ({r[0]['median']/n*1e6:.0f} µs/file, median of runs)")
print(f"  readelf -lhd -W:      {r[1]['median']:.3f} s ({r[1]['median']/n*1e6:.0f} µs/file)")
print(f"  ratio readelf / staticcheck-elf: {r[1]['median']/r[0]['median']:.2f}")
PY

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
hyperfine -N --warmup 2 --runs 10 --export-json /tmp/sce-bench-2b.json /tmp/sce-bench-sce-go.sh /tmp/sce-bench-re-go.sh \
    /tmp/sce-bench-sce-nongo.sh /tmp/sce-bench-re-nongo.sh > /dev/null 2>&1 || true
python3 - /tmp/sce-bench-2b.json "$(wc -l < "$GOLIST")" "$(wc -l < "$NONGO")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ng, nn = int(sys.argv[2]), int(sys.argv[3])
print(f"  Go files ({ng}):     staticcheck-elf {r[0]['median']/max(ng,1)*1e6:6.0f} µs/file, readelf {r[1]['median']/max(ng,1)*1e6:5.0f} µs/file, ratio {r[1]['median']/r[0]['median']:.2f}")
print(f"  other ELF ({nn}): staticcheck-elf {r[2]['median']/max(nn,1)*1e6:6.0f} µs/file, readelf {r[3]['median']/max(nn,1)*1e6:5.0f} µs/file, ratio {r[3]['median']/r[2]['median']:.2f}")
PY

echo
echo "== 3. peak memory (max RSS)"
small="$OUT/c/hello-static"
for f in "$small" "$largest"; do
    rss=$(/usr/bin/time -f %M "$SCE" check --format json --fail-on never "$f" 2>&1 >/dev/null | tail -1)
    echo "   $(stat -c %s "$f") bytes -> ${rss} KiB max RSS   ($f)"
done
