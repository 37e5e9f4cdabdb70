#!/usr/bin/env bash
# Check make-images.sh's output with the real tools: every ref of images.tsv is copied by skopeo
# (which verifies every blob's digest and size) into an OCI layout, unpacked by umoci and run by
# the oracle; the truth row must equal truth.tsv's. The hostile archives must make skopeo fail
# where it checks (digest mismatch, a layer outside the archive, a truncated layer).
#
#   TestBinaries/check-images.sh [OUTDIR]       (default: make-images.sh's cache)
#
# Not part of `make test` (a minute or two); run it after changing make-images.sh or images.py.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-${STATICCHECK_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/images}}
HELPER=${STATICCHECK_TESTBIN:-$HERE/out}/tools/exec-in-root
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
checked=0

while IFS=$'\t' read -r name oci ocia da d25 zst pd po _rest; do
    [ "$name" = name ] && continue
    want=$(awk -F'\t' -v n="$name" '$1 == n' "$OUT/truth.tsv")
    user=$(awk -F'\t' -v n="$name" '$1 == n { print $11 }' "$OUT/images.tsv")
    for ref in "$oci" "$ocia" "$da" "$d25" "$zst" "$pd" "$po"; do
        [ "$ref" = - ] && continue
        rm -rf "$W/l" "$W/b"
        # umoci 0.4.7 cannot unpack zstd layers ("blob is not correct mediatype"): skopeo
        # recompresses them (it reads zstd) into gzip for the unpack.
        gz=(); case "$ref" in *"/zstd/"*) gz=(--dest-compress --dest-compress-format gzip);; esac
        if ! skopeo copy -q "${gz[@]}" "$ref" oci:"$W/l":latest 2>"$W/err"; then
            echo "FAIL $name $ref: skopeo: $(head -c 300 "$W/err")"; fail=1; continue
        fi
        extra=()
        if [ "$name" = user-name-nopasswd ]; then
            # umoci cannot unpack it (no passwd entry for USER app): drop the USER to unpack
            umoci config --image "$W/l":latest --config.user ""
            extra=(--runc-user "$user")
        fi
        if ! umoci unpack --image "$W/l":latest "$W/b" >/dev/null 2>"$W/err"; then
            echo "FAIL $name $ref: umoci unpack: $(head -c 300 "$W/err")"; fail=1; continue
        fi
        got=$(python3 "$HERE/images.py" oracle "$HELPER" "$W/b" "$name" "${extra[@]}")
        if [ "$got" != "$want" ]; then
            echo "FAIL $name $ref:"; echo "  want $want"; echo "  got  $got"; fail=1
        fi
        checked=$((checked + 1))
    done
done <"$OUT/images.tsv"
echo "check-images.sh: $checked refs copied, unpacked and run: $([ $fail = 0 ] && echo all equal truth.tsv || echo FAILURES)"

# The hostile archives through the real tools: skopeo copy (checks digests and the archive's
# own paths, never parses a layer), then umoci unpack (parses the layers), in a scratch dir.
# Reported; skopeo's refusals of digest-mismatch and layer-outside are asserted.
while IFS=$'\t' read -r name ref _defect _m; do
    [ "$name" = name ] && continue
    rm -rf "$W/h" "$W/hb"
    if skopeo copy -q "$ref" oci:"$W/h":latest 2>"$W/err"; then
        res="skopeo copy ok"
        if (cd "$W" && timeout 60 umoci unpack --image "$W/h":latest "$W/hb" >/dev/null 2>"$W/err"); then
            res="$res; umoci unpack ok"
        else
            res="$res; umoci unpack: $(grep -v '^$' "$W/err" | tail -n1 | cut -c1-200)"
        fi
    else
        res="skopeo: $(tr '\n' ' ' <"$W/err" | sed 's/.*msg="//' | cut -c1-200)"
    fi
    echo "hostile $name: $res"
    case "$name" in
        digest-mismatch|layer-outside)
            case "$res" in "skopeo copy ok"*) echo "FAIL hostile $name: skopeo accepted it"; fail=1;; esac;;
    esac
done <"$OUT/hostile/hostile.tsv"
[ -e /tmp/staticcheck-elf-pwned ] && { echo "FAIL: /tmp/staticcheck-elf-pwned exists"; fail=1; }
exit $fail
