#!/usr/bin/env bash
# The bench's own root and image (Benchmarks/bench.sh), built once and cached in DIR:
#
#   Benchmarks/targets.sh DIR
#
#   DIR/root             the bookworm test root (make roots) with every ELF file of TestBinaries
#                        under /bench (the --root section: each is checked, and listed by the
#                        root's own loader)
#   DIR/image/oci        an OCI layout, tag bench, gzip layers: layer 1 the bookworm root, layer 2
#                        every ELF file of TestBinaries under /app, /app/main the Go 1.19 cgo server
#                        (it starts there), entrypoint /app/main
#   DIR/image/zstd       the same image, zstd layers (skopeo copy --dest-compress-format zstd)
#   DIR/image/bench.tar  the same image as docker-archive (skopeo copy), what dive reads
#   DIR/image/layers     the gzip blobs of DIR/image/oci in layer order, one path per line
#   DIR/image/zlayers    the zstd blobs, likewise
#
# Cache: DIR/.stamp holds the sha256 of this script, the root's stamp and the TestBinaries
# manifest; when it matches, nothing is done. Needs root (umoci), umoci, skopeo.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
DIR=${1:?usage: targets.sh DIR}
OUT=${BIN_OUT:-$REPO/TestBinaries/out}
ROOTS=${STATICCHECK_ROOTS:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots}
BOOKWORM=$ROOTS/bookworm
[ -d "$BOOKWORM" ] || { echo "targets.sh: no $BOOKWORM (make roots)" >&2; exit 1; }

stamp=$(cat "$0" "$ROOTS/bookworm.stamp" "$OUT/manifest.tsv" | sha256sum | cut -d' ' -f1)
if [ -f "$DIR/.stamp" ] && [ "$(cat "$DIR/.stamp")" = "$stamp" ]; then exit 0; fi
echo "bench: building the bench root and image in $DIR (once)"
rm -rf "$DIR"
mkdir -p "$DIR"

# The ELF files of TestBinaries (the manifest's, not the scripts), flattened: go119/x -> go119-x.
elves=$(tail -n +2 "$OUT/manifest.tsv" | cut -f2 | while read -r rel; do
    if head -c4 "$OUT/$rel" 2>/dev/null | grep -q $'\x7fELF'; then echo "$rel"; fi; done)

cp -a "$BOOKWORM" "$DIR/root"
mkdir -p "$DIR/root/bench" "$DIR/app/app"
for rel in $elves; do
    cp -p "$OUT/$rel" "$DIR/root/bench/${rel//\//-}"
    cp -p "$OUT/$rel" "$DIR/app/app/${rel//\//-}"
done
cp -p "$OUT/go119/server-cgo1" "$DIR/app/app/main"

img=$DIR/image
mkdir -p "$img"
(cd "$img" && umoci init --layout oci && umoci new --image oci:bench &&
 umoci insert --image oci:bench "$BOOKWORM" / &&
 umoci insert --image oci:bench "$DIR/app/app" /app &&
 umoci config --image oci:bench --config.entrypoint /app/main)
rm -rf "$DIR/app"
skopeo copy -q --dest-compress-format zstd oci:"$img/oci":bench oci:"$img/zstd":bench
skopeo copy -q oci:"$img/oci":bench docker-archive:"$img/bench.tar":staticcheck-elf/bench:latest
# The layer blobs in order, from each layout's manifest.
for k in oci:layers zstd:zlayers; do
    python3 - "$img/${k%%:*}" > "$img/${k#*:}" <<'PY'
import json, sys
d = sys.argv[1]
blob = lambda dg: f"{d}/blobs/{dg.replace(':', '/')}"
index = json.load(open(f"{d}/index.json"))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
for layer in manifest["layers"]:
    print(blob(layer["digest"]))
PY
done
echo "$stamp" > "$DIR/.stamp"
