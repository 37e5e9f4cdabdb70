#!/usr/bin/env bash
# Build the real container images of the --image tests, in every form, and their truth.
#
#   TestBinaries/make-images.sh [OUTDIR]
#
# OUTDIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/images (outside the clone,
# as make-roots.sh's cache, so CI's fresh clones reuse it); `make test` passes the same folder to
# the tests as STATICCHECK_IMAGES. Inputs: the corpus ($STATICCHECK_TESTBIN, default
# TestBinaries/out: build.sh first) and the roots ($STATICCHECK_ROOTS, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots: make-roots.sh first).
#
# Every image is built with umoci from a root directory (umoci init/new, unpack + edit + repack,
# insert, config) into OUTDIR/oci/NAME (tag latest), then converted:
#   oci/NAME              oci:                umoci's own layout (gzip layers)
#   oci-archive/NAME.tar  oci-archive:        skopeo copy
#   docker-archive/NAME.tar  docker-archive:  skopeo copy (legacy `docker save` form: <diff_id>.tar
#                                             layers, uncompressed, <v1id>/layer.tar symlinks)
#   docker25/NAME.tar     docker-archive:     Docker >= 25 form, images.py (OCI layout +
#                                             manifest.json + repositories, layers uncompressed)
#   zstd/NAME             oci:                layers recompressed with zstd, images.py
#   podman/NAME.docker.tar, NAME.oci.tar      podman load + podman save (a few images only;
#                                             private vfs store under OUTDIR, host store untouched)
#   hostile/*.tar         small hostile archives (images.py), listed in hostile/hostile.tsv
#   big/                  STATICCHECK_BIG_IMAGE=1 only: one ~1 GiB layer (pseudo-random) + the app,
#                         big/oci (gzip) and big/big.tar (docker-archive), big/images.tsv, big/truth.tsv
# and described in OUTDIR/images.tsv; OUTDIR/truth.tsv holds what happens when each image's
# entrypoint is started (see TestBinaries/README.md, "Container images").
#
# The truth: each image is unpacked with `umoci unpack` (as root) and its runtime spec (args =
# Entrypoint + Cmd, env, cwd, user) run in BUNDLE/rootfs by the oracle helper exec-in-root (chroot
# + direct execve; -l does runc's exec.LookPath first). USER names with no passwd entry are
# runc's rule (recorded, not observed): umoci refuses to unpack such an image, so the USER is set
# after the oracle's unpack.
#
# Cache: OUTDIR/.stamp holds the sha256 of this script, images.py, the helper's source, the
# inputs (each binary and root file used) and the tools' versions; when it matches, nothing is
# done. The images are built in OUTDIR/.build-XXXXXX and moved into place only when complete; a
# killed build leaves no .stamp (the next run rebuilds). One build at a time (flock OUTDIR/.lock).
# The big image has its own stamp (OUTDIR/big/.stamp): toggling STATICCHECK_BIG_IMAGE costs
# nothing for the rest.
#
# Needs root (umoci unpack of root-owned files, chroot), umoci, skopeo, podman, zstd, python3.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
PY="$HERE/images.py"
CACHE=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/images}
TESTBIN=${STATICCHECK_TESTBIN:-$HERE/out}
ROOTS=${STATICCHECK_ROOTS:-${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots}

die() { printf 'make-images.sh: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (umoci unpack, chroot)"
[ "$(uname -m)" = x86_64 ] || die "the images are amd64 (this machine is $(uname -m))"
for t in umoci skopeo podman zstd python3 gcc; do
    command -v "$t" >/dev/null 2>&1 || die "$t is missing: run TestBinaries/install-deps.sh"
done
HELPER="$TESTBIN/tools/exec-in-root"
[ -x "$HELPER" ] || die "$HELPER is missing: run TestBinaries/build.sh"
"$HELPER" -l / /bin/true >/dev/null 2>&1 || die "$HELPER is older than tools/exec-in-root.c (no -l): rerun TestBinaries/build.sh"
for r in bookworm musl glibc-noc; do
    [ -d "$ROOTS/$r" ] && [ -f "$ROOTS/$r.stamp" ] || die "root $r is not built in $ROOTS: run TestBinaries/make-roots.sh"
done

bin() { local p="$TESTBIN/$1"; [ -f "$p" ] || die "no $1 in $TESTBIN"; echo "$p"; }
STATIC=$(bin go/hello-cgo0)          # prints "hello from go"
CGO=$(bin go/server-cgo1)            # dynamic: PT_INTERP /lib64/ld-linux-x86-64.so.2, libc.so.6
ARM64=$(bin go/hello-linux-arm64)
USERLOOKUP=$(bin go/userlookup-cgo0) # static, reads /etc/passwd
MUSLDYN=$(bin c/hello-musl-dynamic)
GLIBCDYN=$(bin c/hello-dynamic)
BW="$ROOTS/bookworm"
# The glibc files a slim glibc image takes from bookworm (merged /usr, as bookworm).
SLIM_FILES=(usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 usr/lib/x86_64-linux-gnu/libc.so.6 usr/bin/dash
            etc/passwd etc/group)

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
exec 9>"$CACHE/.lock"
flock 9

stamp() {
    {
        sha256sum "$SELF" "$PY" "$HERE/tools/exec-in-root.c" | cut -d' ' -f1
        sha256sum "$STATIC" "$CGO" "$ARM64" "$USERLOOKUP" "$MUSLDYN" "$GLIBCDYN" | cut -d' ' -f1
        for f in "${SLIM_FILES[@]}"; do sha256sum "$BW/$f" | cut -d' ' -f1; done
        cat "$ROOTS/musl.stamp" "$ROOTS/glibc-noc.stamp" "$ROOTS/bookworm.stamp"
        umoci --version; skopeo --version; podman --version; zstd --version
    } | sha256sum | cut -d' ' -f1
}
STAMP=$(stamp)

BUILD=
PODRUN=
cleanup() {
    if [ -n "$BUILD" ]; then rm -rf "$BUILD"; fi
    if [ -n "$PODRUN" ]; then rm -rf "$PODRUN"; fi
}
trap cleanup EXIT
find "$CACHE" -mindepth 1 -maxdepth 1 -name '.build-*' -exec rm -rf {} +

build_big() { # the ~1 GiB image (memory measurement), STATICCHECK_BIG_IMAGE=1 only
    local big="$CACHE/big" bstamp t0
    bstamp=$(printf '%s\n' "$STAMP" big | sha256sum | cut -d' ' -f1)
    if [ -f "$big/.stamp" ] && [ "$(cat "$big/.stamp")" = "$bstamp" ]; then
        echo "make-images.sh: big image cached ($big)"; return
    fi
    t0=$(date +%s)
    rm -rf "$big" "$CACHE/.build-big"
    mkdir -p "$CACHE/.build-big/rootfs/app" "$CACHE/.build-big/rootfs/data"
    cp -p "$STATIC" "$CACHE/.build-big/rootfs/app/main"
    # 1 GiB that gzip cannot shrink much: pseudo-random bytes (fixed seed, reproducible).
    python3 -c '
import random, sys
r = random.Random(1)
with open(sys.argv[1], "wb") as f:
    for _ in range(1024):
        f.write(r.randbytes(1 << 20))' "$CACHE/.build-big/rootfs/data/blob"
    (cd "$CACHE/.build-big" && umoci init --layout oci && umoci new --image oci:latest &&
     umoci insert --image oci:latest rootfs / &&
     umoci config --image oci:latest --config.entrypoint /app/main)
    skopeo copy -q oci:"$CACHE/.build-big/oci":latest docker-archive:"$CACHE/.build-big/big.tar":staticcheck-elf/big:latest
    rm -rf "$CACHE/.build-big/rootfs"
    # its truth, as for the others (a 1 GiB unpack)
    umoci unpack --image "$CACHE/.build-big/oci":latest "$CACHE/.build-big/bundle" >/dev/null
    printf 'name\tstage\tcode\toutcome\tmessage\tsource\texecve\n' >"$CACHE/.build-big/truth.tsv"
    python3 "$PY" oracle "$HELPER" "$CACHE/.build-big/bundle" big >>"$CACHE/.build-big/truth.tsv"
    rm -rf "$CACHE/.build-big/bundle"
    printf 'name\toci\tdocker_archive\targv\nbig\toci:%s:latest\tdocker-archive:%s\t["/app/main"]\n' \
        "$big/oci" "$big/big.tar" >"$CACHE/.build-big/images.tsv"
    mv "$CACHE/.build-big" "$big"
    echo "$bstamp" >"$big/.stamp"
    echo "make-images.sh: big image built in $(( $(date +%s) - t0 ))s: $big/oci, $big/big.tar ($(du -sh "$big" | cut -f1))"
}

if [ -f "$CACHE/.stamp" ] && [ "$(cat "$CACHE/.stamp")" = "$STAMP" ]; then
    echo "make-images.sh: $CACHE is up to date (stamp $STAMP)"
    if [ "${STATICCHECK_BIG_IMAGE:-0}" = 1 ]; then build_big; fi
    exit 0
fi

T0=$(date +%s)
BUILD=$(mktemp -d "$CACHE/.build-XXXXXX")
W="$BUILD/work"      # bundles and scratch trees, removed at the end
O="$BUILD/out"
mkdir -p "$W" "$O"/{oci,oci-archive,docker-archive,docker25,zstd,podman,hostile}
CASES="$W/cases.tsv"
TRUTH="$O/truth.tsv"
printf 'name\tstage\tcode\toutcome\tmessage\tsource\texecve\n' >"$TRUTH"
: >"$CASES"

# --- building blocks ------------------------------------------------------------------------
# new NAME: an empty image OUTDIR/oci/NAME:latest and its bundle $W/NAME (rootfs empty)
new() {
    umoci init --layout "$O/oci/$1"
    umoci new --image "$O/oci/$1:latest"
    umoci unpack --image "$O/oci/$1:latest" "$W/$1" >/dev/null
}
rootfs() { echo "$W/$1/rootfs"; }
# repack NAME: one layer with what changed in the bundle's rootfs (deletions become whiteouts)
repack() { umoci repack --refresh-bundle --image "$O/oci/$1:latest" "$W/$1"; }
# config NAME ARGS...: umoci config on the image
config() { local n=$1; shift; umoci config --image "$O/oci/$n:latest" "$@"; }
# slim ROOTFS: bookworm's loader, libc and dash with the merged-/usr symlinks, passwd, group
slim() {
    local r=$1 f
    mkdir -p "$r/usr/lib64" "$r/tmp"
    chmod 1777 "$r/tmp"
    ln -s usr/bin "$r/bin"; ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"; ln -s usr/sbin "$r/sbin"
    for f in "${SLIM_FILES[@]}"; do mkdir -p "$r/$(dirname "$f")"; cp -p "$BW/$f" "$r/$f"; done
    ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$r/usr/lib64/ld-linux-x86-64.so.2"
    ln -s dash "$r/usr/bin/sh"
}
app() { mkdir -p "$(dirname "$1")"; cp -p "$2" "$1"; chmod 0755 "$1"; }
# truth NAME [--runc-user USER]: unpack the image afresh and run the oracle in it
truth() {
    local n=$1; shift
    rm -rf "$W/$n.truth"
    umoci unpack --image "$O/oci/$n:latest" "$W/$n.truth" >/dev/null
    python3 "$PY" oracle "$HELPER" "$W/$n.truth" "$n" "$@" >>"$TRUTH"
    rm -rf "$W/$n.truth"
}
# done NAME NOTES: the image is complete; truth is taken unless the caller did it
note() { printf '%s\t%s\n' "$1" "$2" >>"$CASES"; }

# --- the cases ------------------------------------------------------------------------------
echo "make-images.sh: building in $BUILD"

new scratch-static; app "$(rootfs scratch-static)/app/main" "$STATIC"; repack scratch-static
config scratch-static --config.entrypoint /app/main
truth scratch-static; note scratch-static "FROM scratch + static Go (go/hello-cgo0)"

new scratch-cgo; app "$(rootfs scratch-cgo)/app/main" "$CGO"; repack scratch-cgo
config scratch-cgo --config.entrypoint /app/main
truth scratch-cgo; note scratch-cgo "FROM scratch + cgo Go (go/server-cgo1): the interpreter /lib64/ld-linux-x86-64.so.2 is missing"

new glibc-cgo; slim "$(rootfs glibc-cgo)"; repack glibc-cgo
app "$(rootfs glibc-cgo)/app/main" "$CGO"; repack glibc-cgo
config glibc-cgo --config.entrypoint /app/main
truth glibc-cgo; note glibc-cgo "slim bookworm glibc (loader, libc, dash; 2 layers) + cgo Go"

new noc-cgo; cp -a "$ROOTS/glibc-noc/." "$(rootfs noc-cgo)/"; app "$(rootfs noc-cgo)/app/main" "$CGO"; repack noc-cgo
config noc-cgo --config.entrypoint /app/main
truth noc-cgo; note noc-cgo "the glibc-noc root (bookworm's loader only, no libc) + cgo Go"

# layer 1 glibc, layer 2 the app, layer 3 deletes libc.so.6 (umoci repack writes .wh.libc.so.6)
new whiteout-libc; slim "$(rootfs whiteout-libc)"; repack whiteout-libc
app "$(rootfs whiteout-libc)/app/main" "$CGO"; repack whiteout-libc
rm "$(rootfs whiteout-libc)/usr/lib/x86_64-linux-gnu/libc.so.6"; repack whiteout-libc
config whiteout-libc --config.entrypoint /app/main
truth whiteout-libc; note whiteout-libc "slim glibc + cgo Go; a third layer whiteouts /usr/lib/x86_64-linux-gnu/libc.so.6"

# umoci insert --opaque writes usr/lib/x86_64-linux-gnu/.wh..wh..opq (and, umoci 0.4.7, a layer
# tar with no padding after its last member and no end-of-archive blocks).
mkdir -p "$W/opq-loader" "$W/opq-both"
cp -p "$BW/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$W/opq-loader/"
cp -p "$BW/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$BW/usr/lib/x86_64-linux-gnu/libc.so.6" "$W/opq-both/"
new opaque-libdir; slim "$(rootfs opaque-libdir)"; app "$(rootfs opaque-libdir)/app/main" "$CGO"; repack opaque-libdir
umoci insert --image "$O/oci/opaque-libdir:latest" --opaque "$W/opq-loader" /usr/lib/x86_64-linux-gnu
config opaque-libdir --config.entrypoint /app/main
truth opaque-libdir; note opaque-libdir "slim glibc + cgo Go; an opaque layer (.wh..wh..opq, umoci insert --opaque) replaces /usr/lib/x86_64-linux-gnu with the loader alone"
new opaque-libdir-kept; slim "$(rootfs opaque-libdir-kept)"; app "$(rootfs opaque-libdir-kept)/app/main" "$CGO"; repack opaque-libdir-kept
umoci insert --image "$O/oci/opaque-libdir-kept:latest" --opaque "$W/opq-both" /usr/lib/x86_64-linux-gnu
config opaque-libdir-kept --config.entrypoint /app/main
truth opaque-libdir-kept; note opaque-libdir-kept "as opaque-libdir, but the opaque layer brings the loader and libc back: starts"

new musl-musl; cp -a "$ROOTS/musl/." "$(rootfs musl-musl)/"; app "$(rootfs musl-musl)/app/main" "$MUSLDYN"; repack musl-musl
config musl-musl --config.entrypoint /app/main
truth musl-musl; note musl-musl "the musl root + c/hello-musl-dynamic"
new musl-glibc; cp -a "$ROOTS/musl/." "$(rootfs musl-glibc)/"; app "$(rootfs musl-glibc)/app/main" "$GLIBCDYN"; repack musl-glibc
config musl-glibc --config.entrypoint /app/main
truth musl-glibc; note musl-glibc "the musl root + c/hello-dynamic (glibc): no /lib64/ld-linux-x86-64.so.2"

# The loader is a symlink to an absolute path that exists on the host (Debian's loader) and not
# in the image: resolved on the host it "exists"; inside the image it dangles.
HOSTPATH=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -e "$HOSTPATH" ] || die "the hostlink case needs $HOSTPATH on the host"
new hostlink-loader; mkdir -p "$(rootfs hostlink-loader)/lib64"
ln -s "$HOSTPATH" "$(rootfs hostlink-loader)/lib64/ld-linux-x86-64.so.2"
app "$(rootfs hostlink-loader)/app/main" "$CGO"; repack hostlink-loader
config hostlink-loader --config.entrypoint /app/main
truth hostlink-loader; note hostlink-loader "cgo Go; /lib64/ld-linux-x86-64.so.2 -> $HOSTPATH, which exists on the host only"

new foreign-arch; slim "$(rootfs foreign-arch)"; app "$(rootfs foreign-arch)/app/main" "$ARM64"; repack foreign-arch
config foreign-arch --config.entrypoint /app/main
truth foreign-arch; note foreign-arch "amd64 image (slim glibc) + arm64 Go binary (go/hello-linux-arm64)"

# Two platform images in one layout, then one nested index "latest" (arm64, amd64, attestation).
umoci init --layout "$O/oci/multiarch"
for a in amd64 arm64; do
    umoci new --image "$O/oci/multiarch:$a"
    umoci unpack --image "$O/oci/multiarch:$a" "$W/multiarch-$a" >/dev/null
    if [ $a = amd64 ]; then app "$W/multiarch-$a/rootfs/app/main" "$STATIC"; else app "$W/multiarch-$a/rootfs/app/main" "$ARM64"; fi
    umoci repack --image "$O/oci/multiarch:$a" "$W/multiarch-$a"
    umoci config --image "$O/oci/multiarch:$a" --architecture $a --config.entrypoint /app/main
done
# the oracle runs the amd64 image (this host's platform) before the tags go
rm -rf "$W/multiarch.truth"
umoci unpack --image "$O/oci/multiarch:amd64" "$W/multiarch.truth" >/dev/null
python3 "$PY" oracle "$HELPER" "$W/multiarch.truth" multiarch >>"$TRUTH"
python3 "$PY" multiarch "$O/oci/multiarch"
note multiarch "index (nested in index.json as ref latest): linux/arm64 first, linux/amd64, then an attestation manifest (unknown/unknown, vnd.docker.reference.type=attestation-manifest); truth is linux/amd64's; linux/arm64 would be kernel ENOEXEC here"

# shell form: ["/bin/sh","-c","/app/main"], with and without /bin/sh
new shell-form; slim "$(rootfs shell-form)"; app "$(rootfs shell-form)/app/main" "$STATIC"; repack shell-form
config shell-form --config.entrypoint /bin/sh --config.entrypoint -c --config.entrypoint /app/main
truth shell-form; note shell-form "shell-form ENTRYPOINT [/bin/sh -c /app/main], slim glibc with dash as /bin/sh"
new shell-form-nosh; app "$(rootfs shell-form-nosh)/app/main" "$STATIC"; repack shell-form-nosh
config shell-form-nosh --config.entrypoint /bin/sh --config.entrypoint -c --config.entrypoint /app/main
truth shell-form-nosh; note shell-form-nosh "shell-form ENTRYPOINT [/bin/sh -c /app/main] FROM scratch: no /bin/sh"

new cmd-only; app "$(rootfs cmd-only)/app/main" "$STATIC"; repack cmd-only
config cmd-only --config.cmd /app/main
truth cmd-only; note cmd-only "no Entrypoint, Cmd [/app/main]"

new path-lookup; app "$(rootfs path-lookup)/usr/local/bin/hello" "$STATIC"; repack path-lookup
config path-lookup --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" --config.entrypoint hello
truth path-lookup; note path-lookup "Entrypoint [hello], a bare name found by PATH lookup at /usr/local/bin/hello (FROM scratch)"
new path-lookup-missing; app "$(rootfs path-lookup-missing)/app/main" "$STATIC"; repack path-lookup-missing
config path-lookup-missing --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" --config.entrypoint main
truth path-lookup-missing; note path-lookup-missing "Entrypoint [main], a bare name in no PATH directory (the file is /app/main)"

new relative-workdir; app "$(rootfs relative-workdir)/app/main" "$STATIC"; repack relative-workdir
config relative-workdir --config.workingdir /app --config.entrypoint ./main
truth relative-workdir; note relative-workdir "Entrypoint [./main] with WorkingDir /app"

new dangling-entrypoint; app "$(rootfs dangling-entrypoint)/app/real" "$STATIC"
ln -s /app/missing "$(rootfs dangling-entrypoint)/app/main"; repack dangling-entrypoint
config dangling-entrypoint --config.entrypoint /app/main
truth dangling-entrypoint; note dangling-entrypoint "Entrypoint /app/main -> /app/missing (dangling symlink)"

# USER by name: in passwd (slim glibc + app:x:1000), and FROM scratch with no passwd at all
new user-name; slim "$(rootfs user-name)"
echo 'app:x:1000:1000:app:/home/app:/usr/sbin/nologin' >>"$(rootfs user-name)/etc/passwd"
echo 'app:x:1000:' >>"$(rootfs user-name)/etc/group"
app "$(rootfs user-name)/app/main" "$USERLOOKUP"; repack user-name
config user-name --config.user app --config.entrypoint /app/main
truth user-name; note user-name "USER app, in /etc/passwd (uid 1000); go/userlookup-cgo0 prints the current user"
new user-name-nopasswd; app "$(rootfs user-name-nopasswd)/app/main" "$STATIC"; repack user-name-nopasswd
config user-name-nopasswd --config.entrypoint /app/main
# umoci unpack refuses an image whose USER has no passwd entry: the oracle unpacks first
truth user-name-nopasswd --runc-user app
config user-name-nopasswd --config.user app
note user-name-nopasswd "USER app FROM scratch: no /etc/passwd (runc: unable to find user); set after the oracle's unpack"
new user-numeric; app "$(rootfs user-numeric)/app/main" "$STATIC"; repack user-numeric
config user-numeric --config.user 65532:65532 --config.entrypoint /app/main
truth user-numeric; note user-numeric "USER 65532:65532 FROM scratch (no passwd needed)"

# --- the forms ------------------------------------------------------------------------------
echo "make-images.sh: forms"
while IFS=$'\t' read -r n _; do
    all=; [ "$n" = multiarch ] && all=--all
    skopeo copy -q $all oci:"$O/oci/$n":latest oci-archive:"$O/oci-archive/$n.tar":latest
    # docker-archive holds one image: skopeo picks this host's platform (linux/amd64) from an index
    skopeo copy -q oci:"$O/oci/$n":latest docker-archive:"$O/docker-archive/$n.tar":staticcheck-elf/"$n":latest
    if [ "$n" = multiarch ]; then
        python3 "$PY" docker25 "$O/oci/$n" "$n" "$O/docker25/$n.tar" --containerd
    else
        python3 "$PY" docker25 "$O/oci/$n" "$n" "$O/docker25/$n.tar"
    fi
    python3 "$PY" zstd "$O/oci/$n" "$O/zstd/$n"
done <"$CASES"

# podman: load skopeo's docker-archive into a private store, save it back in both formats.
# podman refuses a --runroot longer than 50 characters, so that one (locks, transient state)
# is a short directory in /tmp; the store itself is under the build directory.
PODRUN=$(mktemp -d /tmp/sce-podman.XXXXXX)
PODMAN=(podman --root "$W/podman/root" --runroot "$PODRUN" --storage-driver vfs
        --cgroup-manager cgroupfs --events-backend none)
for n in scratch-static glibc-cgo whiteout-libc; do
    "${PODMAN[@]}" load -q -i "$O/docker-archive/$n.tar" >/dev/null
    "${PODMAN[@]}" save -q --format docker-archive -o "$O/podman/$n.docker.tar" "docker.io/staticcheck-elf/$n:latest"
    "${PODMAN[@]}" save -q --format oci-archive -o "$O/podman/$n.oci.tar" "docker.io/staticcheck-elf/$n:latest"
done
"${PODMAN[@]}" rmi -a -f >/dev/null 2>&1 || true
rm -rf "$W/podman" "$PODRUN"
PODRUN=

python3 "$PY" hostile "$O/hostile"

# --- into place -----------------------------------------------------------------------------
rm -f "$CACHE/.stamp"
for d in oci oci-archive docker-archive docker25 zstd podman hostile truth.tsv images.tsv; do
    rm -rf "${CACHE:?}/$d"
done
mv "$O"/* "$CACHE/"
# the hostile refs name their final place
sed -i "s#$O/hostile#$CACHE/hostile#g" "$CACHE/hostile/hostile.tsv"
python3 "$PY" images-tsv "$CACHE" "$CASES"
echo "$STAMP" >"$CACHE/.stamp"
rm -rf "$BUILD"
BUILD=
n=$(($(wc -l <"$CACHE/images.tsv") - 1))
echo "make-images.sh: $n images in $(( $(date +%s) - T0 ))s ($(du -sh --exclude=big "$CACHE" | cut -f1)): $CACHE/images.tsv, $CACHE/truth.tsv"
column -t -s $'\t' "$CACHE/truth.tsv" | cut -c1-160
if [ "${STATICCHECK_BIG_IMAGE:-0}" = 1 ]; then build_big; fi
