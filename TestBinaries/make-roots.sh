#!/usr/bin/env bash
# Build the real root filesystems that the root oracle tests exec TestBinaries in.
#
#   TestBinaries/make-roots.sh [CACHEDIR]
#
# CACHEDIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots. The cache is
# OUTSIDE the repository on purpose: CI runs in a fresh clone on the same machine, so a cache
# inside the clone would never be reused, and the first build takes minutes (two debootstraps).
# `make test` passes the same folder to the tests as STATICCHECK_ROOTS.
#
# The roots (each CACHEDIR/NAME, a real directory tree to chroot into):
#   bookworm         debootstrap --variant=minbase bookworm (glibc 2.36)
#   bullseye         debootstrap --variant=minbase bullseye (glibc 2.31): the older-glibc root
#   musl             the files of Debian's `musl` package (apt-get download musl; dpkg-deb -x):
#                    /lib/ld-musl-x86_64.so.1 -> x86_64-linux-musl/libc.so (relative, so it
#                    works inside the root), /etc/ld-musl-x86_64.path listing
#                    /lib/x86_64-linux-musl and /usr/lib/x86_64-linux-musl
#   glibc-noc        bookworm's loader alone at /lib64/ld-linux-x86-64.so.2, no libc
#   glibc-cacheonly  bookworm's loader and libc.so.6 in /opt/glibc (not a default directory),
#                    /lib64/ld-linux-x86-64.so.2 -> /opt/glibc/ld-linux-x86-64.so.2,
#                    /etc/ld.so.conf = /opt/glibc and the /etc/ld.so.cache ldconfig makes
#                    from it: libc.so.6 is found only through the cache
#
# The Debian roots are trimmed of what `apt-get clean` and Debian's container images drop
# (the downloaded .debs, /var/lib/apt/lists): nothing a program reads at start.
#
# Cache: CACHEDIR/NAME.stamp holds the sha256 of this script; a root whose stamp matches is
# kept, any other is rebuilt. A root is built in CACHEDIR/.build-NAME.XXXXXX and renamed into
# place only when complete, so a failed or killed build leaves no half root. One build at a
# time (flock on CACHEDIR/.lock): every worktree on a machine shares the cache.
#
# The Debian mirror is the one apt already uses (/etc/apt/sources.list{,.d/*.list,.d/*.sources},
# the entry for this host's release); DEBIAN_MIRROR overrides it.
# Needs root (debootstrap, chroot); installs debootstrap with apt-get when it is missing.
#
# Prints one line per root: name, libc version (printed by the root's own libc or loader run
# inside it), size, and whether it was cached or built (and in how long).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
CACHE=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots}
ROOTS=(bookworm bullseye musl glibc-noc glibc-cacheonly)

die() { printf 'make-roots.sh: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
[ "$(uname -m)" = x86_64 ] || die "the roots are amd64 (this machine is $(uname -m))"
export PATH="$PATH:/usr/sbin:/sbin"

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
exec 9>"$CACHE/.lock"
flock 9

STAMP=$(sha256sum "$SELF" | cut -d' ' -f1)

BUILD=
cleanup() { if [ -n "$BUILD" ]; then rm -rf "$BUILD"; fi; }
trap cleanup EXIT
# Leftovers of a killed build, and the tests' hard-link farms (RootOracleTests) that a crashed
# test run could not remove; a live farm is never that old.
find "$CACHE" -mindepth 1 -maxdepth 1 -name '.build-*' -exec rm -rf {} +
if [ -d "$CACHE/.farms" ]; then
    find "$CACHE/.farms" -mindepth 1 -maxdepth 1 -mmin +180 -exec rm -rf {} +
fi

# --- the Debian mirror apt uses ------------------------------------------------------------
apt_mirror() {
    local codename f uri
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 1
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [options] URI SUITE COMPONENTS...
        uri=$(awk -v want="$codename" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == want) { print $i; exit }
            }' "$f")
        if [ -n "$uri" ]; then echo "$uri"; return 0; fi
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822 stanzas: Types, URIs, Suites, Enabled
        uri=$(awk -v want="$codename" '
            BEGIN { RS = ""; FS = "\n" }
            {
                types = ""; uris = ""; suites = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^#/) continue
                    if (sub(/^Types:[ \t]*/, "", line)) types = line
                    else if (sub(/^URIs:[ \t]*/, "", line)) uris = line
                    else if (sub(/^Suites:[ \t]*/, "", line)) suites = line
                    else if (sub(/^Enabled:[ \t]*/, "", line)) enabled = line
                }
                if (enabled == "no" || (" " types " ") !~ / deb /) next
                if ((" " suites " ") ~ (" " want " ")) { split(uris, u, /[ \t]+/); print u[1]; exit }
            }' "$f")
        if [ -n "$uri" ]; then echo "$uri"; return 0; fi
    done
    return 1
}

need_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    echo "make-roots.sh: installing debootstrap" >&2
    apt-get install -y debootstrap >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y debootstrap >/dev/null; }
}

# --- builders: each fills the empty directory $1 ---------------------------------------------
debian_root() { # DIR SUITE
    local dir=$1 suite=$2 mirror
    need_debootstrap
    mirror=${DEBIAN_MIRROR:-$(apt_mirror)} || die "no Debian mirror in apt's sources; set DEBIAN_MIRROR"
    if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$BUILD/debootstrap.log" 2>&1; then
        tail -n 20 "$BUILD/debootstrap.log" >&2
        die "debootstrap $suite failed (log above)"
    fi
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
}

build_bookworm() { debian_root "$1" bookworm; }
build_bullseye() { debian_root "$1" bullseye; }

build_musl() {
    local dir=$1 deb
    mkdir "$BUILD/deb"
    # The sandbox user _apt cannot write to our private build directory.
    (cd "$BUILD/deb" && apt-get download -o APT::Sandbox::User=root musl >/dev/null 2>&1) ||
        { apt-get update >/dev/null && (cd "$BUILD/deb" && apt-get download -o APT::Sandbox::User=root musl >/dev/null); } ||
        die "apt-get download musl failed"
    deb=$(echo "$BUILD"/deb/musl_*.deb)
    [ -f "$deb" ] || die "apt-get download musl left no .deb"
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    [ -f "$dir/etc/ld-musl-x86_64.path" ] || die "the musl package no longer ships /etc/ld-musl-x86_64.path"
}

bookworm_file() { # PATH in bookworm -> that file on the host, symlinks resolved inside the root
    local real
    real=$(chroot "$CACHE/bookworm" readlink -e "$1") || die "bookworm has no $1"
    echo "$CACHE/bookworm$real"
}

build_glibc_noc() {
    local dir=$1
    mkdir -p "$dir/lib64"
    cp -p "$(bookworm_file /lib64/ld-linux-x86-64.so.2)" "$dir/lib64/ld-linux-x86-64.so.2"
}

build_glibc_cacheonly() {
    local dir=$1
    mkdir -p "$dir/opt/glibc" "$dir/lib64" "$dir/etc"
    cp -p "$(bookworm_file /lib64/ld-linux-x86-64.so.2)" "$dir/opt/glibc/ld-linux-x86-64.so.2"
    cp -p "$(bookworm_file /lib/x86_64-linux-gnu/libc.so.6)" "$dir/opt/glibc/libc.so.6"
    ln -s /opt/glibc/ld-linux-x86-64.so.2 "$dir/lib64/ld-linux-x86-64.so.2"
    echo /opt/glibc >"$dir/etc/ld.so.conf"
    # bookworm's own ldconfig (static-pie, so it runs from outside the root; -r chroots into
    # the new root): the cache format is then the one of the loader in the root, whatever
    # glibc the host has. The host's ldconfig would do on a bookworm host only.
    "$CACHE/bookworm/usr/sbin/ldconfig" -r "$dir"
    [ -f "$dir/etc/ld.so.cache" ] || die "ldconfig -r made no ld.so.cache"
}

# --- versions: printed by the root's own libc or loader, run inside the root -----------------
version_of() { # NAME DIR
    local out
    case "$1" in
        musl)
            out=$(chroot "$2" /lib/ld-musl-x86_64.so.1 2>&1 || true)
            out=$(echo "$out" | sed -n 's/^Version \(.*\)/\1/p')
            [ -n "$out" ] && echo "musl $out";;
        glibc-noc)
            out=$(chroot "$2" /lib64/ld-linux-x86-64.so.2 --version | head -n1)
            echo "$out" | sed -n 's/^ld\.so (\(.*\)) .* version \([0-9.]*[0-9]\)\.*$/glibc \2 (\1), loader only/p';;
        *)
            local libc=/lib/x86_64-linux-gnu/libc.so.6
            [ "$1" = glibc-cacheonly ] && libc=/opt/glibc/libc.so.6
            out=$(chroot "$2" "$libc" | head -n1)
            echo "$out" | sed -n 's/^GNU C Library (\(.*\)) .* version \([0-9.]*[0-9]\)\.*$/glibc \2 (\1)/p';;
    esac
}

for name in "${ROOTS[@]}"; do
    dir="$CACHE/$name"
    if [ -d "$dir" ] && [ -f "$CACHE/$name.stamp" ] && [ "$(cat "$CACHE/$name.stamp")" = "$STAMP" ]; then
        how=cached
    else
        t0=$(date +%s)
        BUILD=$(mktemp -d "$CACHE/.build-$name.XXXXXX")
        "build_${name//-/_}" "$BUILD/root"
        v=$(version_of "$name" "$BUILD/root") || true
        [ -n "$v" ] || die "$name: its libc or loader does not run inside the root"
        rm -f "$CACHE/$name.stamp"
        if [ -e "$dir" ]; then mv "$dir" "$BUILD/old"; fi
        mv "$BUILD/root" "$dir"
        echo "$STAMP" >"$CACHE/$name.stamp"
        rm -rf "$BUILD"
        BUILD=
        how="built in $(( $(date +%s) - t0 ))s"
    fi
    v=$(version_of "$name" "$dir") || true
    [ -n "$v" ] || die "$name: its libc or loader does not run inside the root ($dir)"
    printf '%-16s %-56s %6s  %s\n' "$name" "$v" "$(du -sh "$dir" | cut -f1)" "$how"
done
