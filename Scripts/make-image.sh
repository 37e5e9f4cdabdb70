#!/usr/bin/env bash
# The tool's own container image (`make image`): FROM scratch, the fully static binary as
# /staticcheck-elf, its ENTRYPOINT (exec form: there is no shell), user 65532 (numeric: no
# passwd needed). Built with umoci, no daemon.
#
#   bash Scripts/make-image.sh STATIC_BINARY OUT_DIR
#
# OUT_DIR/oci is an OCI layout (tag latest) and OUT_DIR/staticcheck-elf.tar the same as an
# OCI archive. Run it with podman (`podman load -i OUT_DIR/staticcheck-elf.tar`) or copy it to a
# registry or daemon with skopeo (`skopeo copy oci:OUT_DIR/oci:latest docker-daemon:staticcheck-elf:latest`):
#   docker run --rm -v "$PWD:/src" -w /src staticcheck-elf dist/
set -euo pipefail
BIN=${1:?usage: make-image.sh STATIC_BINARY OUT_DIR}
OUT=${2:?usage: make-image.sh STATIC_BINARY OUT_DIR}
command -v umoci >/dev/null || { echo "make-image.sh: umoci is missing (apt-get install umoci)" >&2; exit 1; }
# A dynamic binary would not start in scratch: refuse it here rather than ship it.
if readelf -lW "$BIN" | grep -q 'Requesting program interpreter'; then
    echo "make-image.sh: $BIN has an ELF interpreter; build it with \`make install\`'s static flags" >&2
    exit 1
fi
VERSION=$("$BIN" --version)
rm -rf "$OUT"
mkdir -p "$OUT/rootfs"
install -m 755 "$BIN" "$OUT/rootfs/staticcheck-elf"
# What the tool tells others (SE400, SE401): no DWARF and no symbol table in an image.
strip --strip-all "$OUT/rootfs/staticcheck-elf"
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:latest"
umoci insert --image "$OUT/oci:latest" "$OUT/rootfs/staticcheck-elf" /staticcheck-elf
umoci config --image "$OUT/oci:latest" \
    --config.entrypoint /staticcheck-elf --config.user 65532:65532 \
    --config.label org.opencontainers.image.title=staticcheck-elf \
    --config.label org.opencontainers.image.version="$VERSION" \
    --config.label org.opencontainers.image.source=https://github.com/staticcheck-elf/staticcheck-elf
(cd "$OUT/oci" && tar --sort=name --owner=0 --group=0 --numeric-owner -cf ../staticcheck-elf.tar .)
rm -rf "$OUT/rootfs"
echo "make-image.sh: $OUT/oci:latest and $OUT/staticcheck-elf.tar (staticcheck-elf $VERSION)"
