#!/usr/bin/env bash
# Run every artifact of the manifest through the oracle (exec-in-root) in a
# fresh root each time, and print a TSV:
#   name<TAB>exit<TAB>result
# where result is "EXEC-FAILED <ERRNO> <n>", "signal <SIG>" or the first line
# of the program's output (stdout, else stderr).
#
#   TestBinaries/run-oracle.sh [OUTDIR] [ROOT_TEMPLATE_DIR]
#
# The artifact is copied to /app in the root (mode preserved). Without a
# template the root is an empty directory, i.e. a FROM scratch image. Needs
# root (chroot). Run build.sh first.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(cd "${1:-$HERE/out}" && pwd)
TEMPLATE=${2:-}
ORACLE="$OUT/tools/exec-in-root"
[ -x "$ORACLE" ] || { echo "run-oracle.sh: $ORACLE missing; run build.sh" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "run-oracle.sh: needs root (chroot)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

printf 'name\texit\tresult\n'
tail -n +2 "$OUT/manifest.tsv" | while IFS=$'\t' read -r name rel _kind _gv _desc; do
    root="$WORK/root"
    rm -rf "$root"
    mkdir "$root"
    if [ -n "$TEMPLATE" ]; then cp -a "$TEMPLATE/." "$root/"; fi
    cp -p "$OUT/$rel" "$root/app"
    # the subshell swallows bash's own "Segmentation fault" report
    ( "$ORACLE" "$root" /app >"$WORK/stdout" 2>"$WORK/stderr" </dev/null; echo $? >"$WORK/rc" ) 2>/dev/null || true
    rc=$(cat "$WORK/rc")
    if grep -q '^EXEC-FAILED ' "$WORK/stderr"; then
        result=$(grep -m1 '^EXEC-FAILED ' "$WORK/stderr")
    elif [ $rc -gt 128 ]; then
        result="signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
    elif [ -s "$WORK/stdout" ]; then
        result=$(head -n1 "$WORK/stdout" | tr -d '\r\t')
    else
        result=$(head -n1 "$WORK/stderr" | tr -d '\r\t')
    fi
    # a program that printed a version banner first: show the last stdout line too
    if [ "$(wc -l <"$WORK/stdout")" -gt 1 ]; then
        result="$result / $(tail -n1 "$WORK/stdout" | tr -d '\r\t')"
    fi
    if [ $rc -ne 0 ] && [ -s "$WORK/stdout" ] && [ -s "$WORK/stderr" ]; then
        result="$result / stderr: $(head -n1 "$WORK/stderr" | tr -d '\r\t')"
    fi
    printf '%s\t%s\t%s\n' "$name" "$rc" "$result"
done
