#!/usr/bin/env bash
# Cross-check the hostile fixtures against binutils readelf, elfutils
# eu-readelf and (as root, with TestBinaries/out/tools/exec-in-root built)
# the kernel itself. Prints a TSV:
#   file<TAB>readelf<TAB>eu-readelf<TAB>eu-elflint<TAB>exec (empty root)<TAB>exec (glibc root)
# "readelf" is the first "readelf: Warning/Error" line of readelf -a -W, else
# its first "<corrupt" marker, else "clean"; "eu-readelf" likewise for
# eu-readelf -a; "eu-elflint" is the first line of eu-elflint (the strictest
# of the three); the exec columns are what
# exec-in-root reports for a 0755 copy of the file as /app (symlinks are
# copied as symlinks). The glibc root holds the host's loader, libc and /bin/sh.
#
# Rows: the valid controls of hostile-bases/ first, then every file of
# hostile/EXPECTED.tsv.
#
#   TestBinaries/check-hostile.sh [OUTDIR]
set -uo pipefail

TB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$TB/out}
ORACLE="$OUT/tools/exec-in-root"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

can_exec=0
if [ "$(id -u)" -eq 0 ] && [ -x "$ORACLE" ]; then
    can_exec=1
    G="$WORK/glibc"
    mkdir -p "$G/lib64" "$G/lib/x86_64-linux-gnu" "$G/bin"
    cp -L /lib64/ld-linux-x86-64.so.2 "$G/lib64/"
    cp -L /lib/x86_64-linux-gnu/libc.so.6 "$G/lib/x86_64-linux-gnu/"
    cp -L /bin/sh "$G/bin/sh"
fi

first_complaint() { # tool output on stdin -> the tool's own first Warning/Error line,
                   # else the first "<corrupt" marker in its listing, else nothing
    local all
    all=$(cat)
    { grep -m1 -E '^(eu-)?readelf: ' <<<"$all" || grep -m1 -E '<corrupt' <<<"$all"; } |
        sed -e 's/^[[:space:]]*//' -e 's/[[:space:]][[:space:]]*/ /g' | cut -c1-120
}

run_exec() { # DIR FILE TEMPLATE
    local HERE=$1 f=$2 tmpl=$3 r="$WORK/root" app=/app
    rm -rf "$r"; mkdir "$r"
    [ -n "$tmpl" ] && cp -a "$tmpl/." "$r/"
    if [ -L "$HERE/$f" ]; then
        cp -P "$HERE"/loop-a "$HERE"/loop-b "$r/"; app="/$f"
    else
        cp "$HERE/$f" "$r/app"; chmod 0755 "$r/app"
    fi
    ( "$ORACLE" "$r" "$app" >"$WORK/o" 2>"$WORK/e" </dev/null; echo $? >"$WORK/rc" ) 2>/dev/null
    local rc; rc=$(cat "$WORK/rc")
    if grep -q '^EXEC-FAILED' "$WORK/e"; then grep -m1 '^EXEC-FAILED' "$WORK/e" | cut -d' ' -f2
    elif [ "$rc" -gt 128 ]; then echo "started, killed by $(kill -l $((rc - 128)))"
    else echo "started, exit $rc"; fi
}

printf 'file\treadelf\teu-readelf\teu-elflint\texec (empty root)\texec (glibc root)\n'
{ ls "$TB/hostile-bases" | sed 's|^|hostile-bases/|'; tail -n +2 "$TB/hostile/EXPECTED.tsv" | cut -f1 | sed 's|^|hostile/|'; } | while read -r p; do
    HERE="$TB/$(dirname "$p")" f=$(basename "$p")
    re=$(cd "$HERE" && readelf -a -W "$f" 2>&1 | first_complaint); re=${re:-clean}
    eu=$(cd "$HERE" && eu-readelf -a "$f" 2>&1 | first_complaint); eu=${eu:-clean}
    lint=$(cd "$HERE" && eu-elflint "$f" 2>&1 | head -n1 | sed 's/[[:space:]][[:space:]]*/ /g' | cut -c1-120)
    if [ $can_exec = 1 ]; then
        e1=$(run_exec "$HERE" "$f" ""); e2=$(run_exec "$HERE" "$f" "$G")
    else
        e1="(not root or no exec-in-root)"; e2=$e1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$re" "$eu" "$lint" "$e1" "$e2"
done
