#!/usr/bin/env bash
# Other projects' ELF test files, for the peer-file suite (Tests/CLITests/PeerFilesTests.swift):
# broken, foreign, debug-only, core and old-toolchain files nobody here wrote.
#
#   bash TestBinaries/fetch-peers.sh [OUTDIR]      (default ${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/peers)
#
#   OUTDIR/pyelftools/   test/testfiles_for_unittests and testfiles_for_readelf from the pyelftools
#                        0.31 sdist on PyPI (pip download --no-binary :all:)
#   OUTDIR/go119/        src/debug/{elf,dwarf,buildinfo,gosym,macho,pe,plan9obj}/testdata of
#                        Debian's golang-1.19-src (/usr/share/go-1.19/src)
#
# Cached: OUTDIR/.stamp names what was fetched; a second run does nothing. Files keep their
# modes from the sources; `.gz` test files are left compressed (they are inputs as they are).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/peers}
PYELFTOOLS=0.31
GOSRC=/usr/share/go-1.19/src
STAMP="pyelftools=$PYELFTOOLS go=$GOSRC v1"
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ]; then
    echo "fetch-peers.sh: $OUT is up to date"
    exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT/pyelftools" "$OUT/go119"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PIP=${PIP:-$HERE/../.venv/bin/pip}
[ -x "$PIP" ] || PIP=pip3
"$PIP" download -q --disable-pip-version-check --no-deps --no-binary :all: "pyelftools==$PYELFTOOLS" -d "$TMP"
tar -xzf "$TMP/pyelftools-$PYELFTOOLS.tar.gz" -C "$TMP"
for d in testfiles_for_unittests testfiles_for_readelf; do
    cp -r "$TMP/pyelftools-$PYELFTOOLS/test/$d" "$OUT/pyelftools/$d"
done

[ -d "$GOSRC/debug" ] || { echo "fetch-peers.sh: $GOSRC is missing (apt-get install golang-1.19-src)" >&2; exit 1; }
for pkg in elf dwarf buildinfo gosym macho pe plan9obj; do
    [ -d "$GOSRC/debug/$pkg/testdata" ] && cp -r "$GOSRC/debug/$pkg/testdata" "$OUT/go119/$pkg"
done
echo "$STAMP" >"$OUT/.stamp"
echo "fetch-peers.sh: $(find "$OUT" -type f ! -name .stamp | wc -l) peer files in $OUT"
