#!/usr/bin/env python3
"""Helpers of TestBinaries/make-images.sh: image forms umoci and skopeo do not write, the
hostile archives, and the oracle (truth) run in an unpacked bundle.

    images.py docker25 OCIDIR NAME OUT.tar [--containerd]
    images.py zstd OCIDIR OUTDIR
    images.py multiarch OCIDIR           (tags amd64 + arm64 -> one nested index "latest")
    images.py tar DIR OUT.tar            (an OCI layout directory as an oci-archive)
    images.py hostile OUTDIR             (OUTDIR/*.tar and OUTDIR/hostile.tsv)
    images.py oracle HELPER BUNDLE NAME [--runc-user USER]   (one truth.tsv row on stdout)
    images.py images-tsv OUTDIR CASES.tsv                    (OUTDIR/images.tsv)

Everything here reads and writes bytes: a layer blob is decompressed and recompressed, never
re-tarred, so its diff_id never changes (umoci 0.4.7's `insert` writes tars with no padding
after the last member and no end-of-archive blocks; they stay exactly so).
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar"
LAYER_GZ = LAYER + "+gzip"
LAYER_ZST = LAYER + "+zstd"
# Docker's default PATH (moby daemon/pkg/oci/defaults.go), used when the image sets none.
DOCKER_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class Layout:
    """An OCI image layout directory."""

    def __init__(self, d):
        self.d = d

    def blob(self, digest):
        algo, hexd = digest.split(":")
        with open(os.path.join(self.d, "blobs", algo, hexd), "rb") as f:
            return f.read()

    def put(self, data):
        h = sha(data)
        p = os.path.join(self.d, "blobs", "sha256", h)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        return "sha256:" + h

    def index(self):
        with open(os.path.join(self.d, "index.json"), "rb") as f:
            return json.load(f)

    def write_index(self, idx):
        with open(os.path.join(self.d, "index.json"), "wb") as f:
            f.write(dumps(idx))

    def descriptor(self, ref="latest"):
        for m in self.index()["manifests"]:
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
                return m
        raise SystemExit(f"images.py: {self.d} has no ref {ref}")

    def manifest(self, ref="latest", platform=("linux", "amd64")):
        """The image manifest for ref (through a nested index: the platform's)."""
        d = self.descriptor(ref)
        while d["mediaType"] == INDEX:
            idx = json.loads(self.blob(d["digest"]))
            d = next(m for m in idx["manifests"]
                     if (m.get("platform", {}).get("os"), m.get("platform", {}).get("architecture")) == platform)
        return d, json.loads(self.blob(d["digest"]))


def decompress(media_type, data):
    if media_type.endswith("+gzip") or data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if media_type.endswith("+zstd") or data[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-q", "-d", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
    return data


def tar_dir(src, out):
    """A directory as a tar (sorted, root-owned, mtime 0), as `docker save` and skopeo write."""
    def add(t, rel):
        full = os.path.join(src, rel)
        ti = t.gettarinfo(full, rel)
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = ""
        ti.mtime = 0
        if ti.isdir():
            ti.name = rel + "/"
            t.addfile(ti)
            for c in sorted(os.listdir(full)):
                add(t, os.path.join(rel, c))
        else:
            with open(full, "rb") as f:
                t.addfile(ti, f)
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for c in sorted(os.listdir(src)):
            add(t, c)


# --- Docker 25+ `docker save` ---------------------------------------------------------------
def docker25(oci_dir, name, out, containerd=False):
    """Docker >= 25 (graphdriver store): an OCI layout + manifest.json + repositories, the layers
    UNCOMPRESSED as blobs/sha256/<diff_id> (moby image/tarexport/save.go). With containerd, the
    containerd image store's form instead: blobs as stored (compressed), the index kept whole
    (all platforms, attestations), manifest.json for the host platform."""
    src = Layout(oci_dir)
    tmp = out + ".d"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "blobs", "sha256"))
    dst = Layout(tmp)
    full = "docker.io/staticcheck-elf/" + name + ":latest"
    familiar = "staticcheck-elf/" + name
    desc, m = src.manifest()
    cfg = src.blob(m["config"]["digest"])
    diff_ids = json.loads(cfg)["rootfs"]["diff_ids"]
    assert dst.put(cfg) == m["config"]["digest"]
    layer_paths = []
    if containerd:
        def copy_tree(d):
            data = src.blob(d["digest"])
            dst.put(data)
            if d["mediaType"] == INDEX:
                for c in json.loads(data)["manifests"]:
                    copy_tree(c)
            elif d["mediaType"] == MANIFEST:
                mm = json.loads(data)
                for b in [mm["config"]] + mm["layers"]:
                    dst.put(src.blob(b["digest"]))
        top = dict(src.descriptor())
        copy_tree(top)
        top["annotations"] = {"io.containerd.image.name": full, "org.opencontainers.image.ref.name": "latest"}
        layer_paths = ["blobs/sha256/" + l["digest"].split(":")[1] for l in m["layers"]]
        manifests = [top]
    else:
        layers = []
        for l, want in zip(m["layers"], diff_ids):
            raw = decompress(l["mediaType"], src.blob(l["digest"]))
            got = dst.put(raw)
            assert got == want, f"{oci_dir}: diff_id {want} but the layer is {got}"
            layers.append({"mediaType": LAYER, "digest": got, "size": len(raw)})
            layer_paths.append("blobs/sha256/" + got.split(":")[1])
        om = {"schemaVersion": 2, "mediaType": MANIFEST,
              "config": {"mediaType": CONFIG, "digest": m["config"]["digest"], "size": len(cfg)},
              "layers": layers}
        omb = dumps(om)
        c = json.loads(cfg)
        manifests = [{"mediaType": MANIFEST, "digest": dst.put(omb), "size": len(omb),
                      "platform": {"architecture": c["architecture"], "os": c["os"]},
                      "annotations": {"io.containerd.image.name": full,
                                      "org.opencontainers.image.ref.name": "latest"}}]
    with open(os.path.join(tmp, "manifest.json"), "wb") as f:
        f.write(dumps([{"Config": "blobs/sha256/" + m["config"]["digest"].split(":")[1],
                        "RepoTags": [familiar + ":latest"], "Layers": layer_paths}]) + b"\n")
    with open(os.path.join(tmp, "repositories"), "wb") as f:
        f.write(dumps({familiar: {"latest": diff_ids[-1].split(":")[1]}}) + b"\n")
    with open(os.path.join(tmp, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion":"1.0.0"}')
    dst.write_index({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests})
    tar_dir(tmp, out)
    shutil.rmtree(tmp)


# --- zstd layers ----------------------------------------------------------------------------
def zstd_layout(oci_dir, out_dir):
    """A copy of the layout whose layers are recompressed with zstd (mediaType +zstd): every
    manifest and index on the way is rewritten with the new digests; the configs (diff_ids) stay."""
    src = Layout(oci_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(os.path.join(out_dir, "blobs", "sha256"))
    dst = Layout(out_dir)
    shutil.copy(os.path.join(oci_dir, "oci-layout"), out_dir)

    def rewrite(d):
        d = dict(d)
        data = src.blob(d["digest"])
        if d["mediaType"] == INDEX:
            idx = json.loads(data)
            idx["manifests"] = [rewrite(c) for c in idx["manifests"]]
            data = dumps(idx)
        elif d["mediaType"] == MANIFEST:
            mm = json.loads(data)
            dst.put(src.blob(mm["config"]["digest"]))
            for l in mm["layers"]:
                if l["mediaType"].startswith(LAYER):
                    raw = decompress(l["mediaType"], src.blob(l["digest"]))
                    z = subprocess.run(["zstd", "-q", "-3", "-c"], input=raw, stdout=subprocess.PIPE, check=True).stdout
                    l["mediaType"], l["digest"], l["size"] = LAYER_ZST, dst.put(z), len(z)
                else:
                    dst.put(src.blob(l["digest"]))
            data = dumps(mm)
        d["digest"], d["size"] = dst.put(data), len(data)
        return d

    idx = src.index()
    idx["manifests"] = [rewrite(d) for d in idx["manifests"]]
    dst.write_index(idx)


# --- a multi-platform index with an attestation --------------------------------------------
def multiarch(oci_dir):
    """The layout holds tags amd64 and arm64 (umoci). Writes an image index blob listing arm64,
    amd64 and a BuildKit-style attestation manifest (platform unknown/unknown, annotation
    vnd.docker.reference.type=attestation-manifest, an in-toto layer), and makes index.json one
    descriptor "latest" of that index. arm64 comes first on purpose: a reader that takes the
    first manifest picks the wrong one."""
    lay = Layout(oci_dir)
    amd, arm = lay.descriptor("amd64"), lay.descriptor("arm64")
    statement = dumps({"_type": "https://in-toto.io/Statement/v0.1",
                       "predicateType": "https://spdx.dev/Document",
                       "subject": [{"name": "pkg:docker/staticcheck-elf/multiarch@latest?platform=linux%2Famd64",
                                    "digest": {"sha256": amd["digest"].split(":")[1]}}],
                       "predicate": {"spdxVersion": "SPDX-2.3", "name": "sbom", "packages": []}})
    att_cfg = dumps({"architecture": "unknown", "os": "unknown", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(statement)]}})
    att = dumps({"schemaVersion": 2, "mediaType": MANIFEST,
                 "config": {"mediaType": CONFIG, "digest": lay.put(att_cfg), "size": len(att_cfg)},
                 "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": lay.put(statement),
                             "size": len(statement),
                             "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}]})

    def plat(d, arch):
        d = {k: v for k, v in d.items() if k != "annotations"}
        d["platform"] = {"architecture": arch, "os": "linux"}
        return d
    idx = dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": [
        plat(arm, "arm64"), plat(amd, "amd64"),
        {"mediaType": MANIFEST, "digest": lay.put(att), "size": len(att),
         "platform": {"architecture": "unknown", "os": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                         "vnd.docker.reference.digest": amd["digest"]}}]})
    lay.write_index({"schemaVersion": 2, "mediaType": INDEX, "manifests": [
        {"mediaType": INDEX, "digest": lay.put(idx), "size": len(idx),
         "annotations": {"org.opencontainers.image.ref.name": "latest"}}]})


# --- hostile archives ----------------------------------------------------------------------
def tar_bytes(members):
    """members: (TarInfo, data-or-None). A well-formed tar (USTAR/PAX) in memory."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in members:
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return b.getvalue()


def ti(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, link=""):
    t = tarfile.TarInfo(name)
    t.type, t.mode, t.linkname = kind, mode, link
    t.size = len(data) if kind == tarfile.REGTYPE else 0
    return t, (data if kind == tarfile.REGTYPE else None)


APP = ti("app/main", data=b"#!/bin/sh\necho hostile\n", mode=0o755)


def config_for(diff_ids):
    return dumps({"architecture": "amd64", "os": "linux",
                  "config": {"Entrypoint": ["/app/main"]},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}})


def docker_archive(out, layers, layer_names=None, files=None):
    """A legacy (skopeo/docker <= 24 style) docker-archive: <hex>.tar layers, a config
    <hex>.json, manifest.json, repositories. layer_names overrides the Layers entries."""
    cfg = config_for(["sha256:" + sha(l) for l in layers])
    ch = sha(cfg)
    names = layer_names or [sha(l) + ".tar" for l in layers]
    mem = [ti(ch + ".json", data=cfg)]
    for l in layers:
        mem.append(ti(sha(l) + ".tar", data=l))
    mem.append(ti("manifest.json", data=dumps([{"Config": ch + ".json", "RepoTags": ["staticcheck-elf/hostile:latest"],
                                                "Layers": names}])))
    mem.append(ti("repositories", data=dumps({"staticcheck-elf/hostile": {"latest": sha(layers[-1])}})))
    mem += files or []
    with open(out, "wb") as f:
        f.write(tar_bytes(mem))


def oci_archive(out, blobs_layers, diff_ids, lie=None):
    """An oci-archive. blobs_layers: [(mediaType, blob bytes)]. lie: {index: bytes} stored under
    the honest digest of the layer instead of its bytes (a digest mismatch)."""
    cfg = config_for(diff_ids)
    mem = [ti("oci-layout", data=b'{"imageLayoutVersion":"1.0.0"}'), ti("blobs/", tarfile.DIRTYPE, mode=0o755),
           ti("blobs/sha256/", tarfile.DIRTYPE, mode=0o755), ti("blobs/sha256/" + sha(cfg), data=cfg)]
    layers = []
    for i, (mt, b) in enumerate(blobs_layers):
        layers.append({"mediaType": mt, "digest": "sha256:" + sha(b), "size": len(b)})
        mem.append(ti("blobs/sha256/" + sha(b), data=(lie or {}).get(i, b)))
    man = dumps({"schemaVersion": 2, "mediaType": MANIFEST,
                 "config": {"mediaType": CONFIG, "digest": "sha256:" + sha(cfg), "size": len(cfg)}, "layers": layers})
    mem.append(ti("blobs/sha256/" + sha(man), data=man))
    mem.append(ti("index.json", data=dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": MANIFEST, "digest": "sha256:" + sha(man), "size": len(man),
         "annotations": {"org.opencontainers.image.ref.name": "latest"}}]})))
    with open(out, "wb") as f:
        f.write(tar_bytes(mem))


def zero_bomb(size):
    """A zstd-compressed tar holding one file of `size` zero bytes, streamed through zstd.
    Returns (compressed bytes, diff_id)."""
    hdr = tarfile.TarInfo("zeros")
    hdr.size, hdr.mode, hdr.mtime = size, 0o644, 0
    head = hdr.tobuf(tarfile.PAX_FORMAT)
    pad = (-size) % 512
    z = subprocess.Popen(["zstd", "-q", "-1", "-c"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = []
    import threading
    th = threading.Thread(target=lambda: out.append(z.stdout.read()))
    th.start()
    h = hashlib.sha256()
    chunk = bytes(1 << 20)

    def w(b):
        h.update(b)
        z.stdin.write(b)
    w(head)
    left = size
    while left:
        n = min(left, len(chunk))
        w(chunk if n == len(chunk) else chunk[:n])
        left -= n
    w(bytes(pad + 1024))
    z.stdin.close()
    th.join()
    assert z.wait() == 0
    return out[0], "sha256:" + h.hexdigest()


def hostile(outdir):
    os.makedirs(outdir, exist_ok=True)
    rows = []

    def add(name, form, defect, must_not_exist=""):
        rows.append((name, f"{form}:{os.path.join(outdir, name + '.tar')}", defect, must_not_exist or "-"))

    # 1. a member climbing out of the root
    docker_archive(os.path.join(outdir, "traversal.tar"), [tar_bytes([
        APP, ti("../../staticcheck-elf-hostile-traversal", data=b"escaped\n")])])
    add("traversal", "docker-archive", "layer member ../../staticcheck-elf-hostile-traversal: refuse (escapes the root)",
        "../../staticcheck-elf-hostile-traversal relative to any extraction dir")
    # 2. a symlink to / then a file through it
    docker_archive(os.path.join(outdir, "symlink-escape.tar"), [tar_bytes([
        APP, ti("evil", tarfile.SYMTYPE, link="/"),
        ti("evil/tmp/staticcheck-elf-pwned", data=b"pwned\n")])])
    add("symlink-escape", "docker-archive",
        "evil -> / then evil/tmp/staticcheck-elf-pwned: the file lands in the image's /tmp (resolved inside), never the host's",
        "/tmp/staticcheck-elf-pwned")
    # 3. a hard link out of the root
    docker_archive(os.path.join(outdir, "hardlink-outside.tar"), [tar_bytes([
        APP, ti("app/link", tarfile.LNKTYPE, link="../outside")])])
    add("hardlink-outside", "docker-archive", "hard link app/link -> ../outside: refuse (escapes; target missing)")
    # 4. a member whose size says more than follows
    good = tar_bytes([APP, ti("app/big", data=b"x" * 4096)])
    off = good.index(b"x" * 4096)
    short = good[:off + 100]          # the header says 4096, 100 bytes follow, then EOF
    docker_archive(os.path.join(outdir, "short-member.tar"), [short])
    add("short-member", "docker-archive", "layer member app/big declares 4096 bytes, 100 follow: truncated layer, error")
    # 5. a zero bomb: 3 GiB of zeros, zstd
    bomb, bomb_id = zero_bomb(3 << 30)
    oci_archive(os.path.join(outdir, "zero-bomb.tar"), [(LAYER_ZST, bomb)], [bomb_id])
    add("zero-bomb", "oci-archive", f"one zstd layer of {len(bomb)} bytes expanding to a 3 GiB file of zeros: cap, do not buffer")
    # 6. a blob whose bytes do not match its digest
    layer = gzip.compress(tar_bytes([APP]), mtime=0)
    evil = gzip.compress(tar_bytes([ti("app/main", data=b"#!/bin/sh\necho tampered\n", mode=0o755)]), mtime=0)
    oci_archive(os.path.join(outdir, "digest-mismatch.tar"), [(LAYER_GZ, layer)],
                ["sha256:" + sha(gzip.decompress(layer))], lie={0: evil + b"\0" * max(0, len(layer) - len(evil))})
    add("digest-mismatch", "oci-archive", "layer blob content does not hash to its name/descriptor digest: error")
    # 7. manifest.json pointing a layer outside the archive
    docker_archive(os.path.join(outdir, "layer-outside.tar"), [tar_bytes([APP])], layer_names=["../x"])
    add("layer-outside", "docker-archive", "manifest.json Layers [\"../x\"]: refuse (outside the archive)")
    with open(os.path.join(outdir, "hostile.tsv"), "w") as f:
        f.write("name\tref\tdefect\tmust_not_exist\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


# --- the oracle -----------------------------------------------------------------------------
def passwd_entry(rootfs, uid):
    try:
        with open(os.path.join(rootfs, "etc/passwd")) as f:
            for line in f:
                p = line.rstrip("\n").split(":")
                if len(p) >= 7 and p[2] == str(uid):
                    return p
    except OSError:
        pass
    return None


def strerror_lc(name):
    return {"ENOENT": "no such file or directory", "EACCES": "permission denied", "EISDIR": "is a directory",
            "ENOTDIR": "not a directory", "ELOOP": "too many levels of symbolic links",
            "ENOEXEC": "exec format error"}.get(name, name)


def run_helper(helper, rootfs, args, env, cwd, user, lookup):
    cmd = [helper, "-w", cwd]
    for e in env:
        cmd += ["-e", e]
    if user:
        cmd += ["-u", user]
    if lookup:
        cmd.append("-l")
    cmd += [rootfs] + args
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={})
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def classify(rc, out, err):
    """(stage, code, outcome, first line) like Tests/RulesTests/OracleTests.swift Oracle.run and
    RootOracleTests' Observed.outcome."""
    first = next((l for l in err.splitlines() if l.strip()), "")
    if rc < 0:
        return "signal", f"signal {-rc}", f"signal {-rc}", first
    if rc == 126:
        for l in err.splitlines():
            if l.startswith("EXEC-FAILED "):
                e = l.split()[1]
                return "kernel", e, f"execve {e}", l
            if l.startswith("LOOKUP-FAILED "):
                e = l.split()[1]
                return "runtime", e, f"lookup {e}", l
    loader = ((rc == 127 and ("error while loading shared libraries" in err
                              or ("No such file or directory" in err and ".so" in err)))
              or (rc == 1 and ": version `" in err and "' not found (required by " in err)
              or (rc == 127 and (err.startswith("Error relocating ") or "\nError relocating " in err)))
    if loader:
        def between(a, b):
            i = err.find(a)
            if i < 0:
                return None
            j = err.find(b, i + len(a))
            return err[i + len(a):j] if j >= 0 else None
        v = between(": version `", "'")
        lib = between("error while loading shared libraries: ", ": ") or between("Error loading shared library ", ": ")
        outcome = f"loader: version {v}" if v else (f"loader: {lib}" if lib else "loader")
        return "loader", f"exit {rc}", outcome, first
    return "starts", f"exit {rc}", f"exit {rc}", first or next((l for l in out.splitlines() if l.strip()), "")


def oracle(helper, bundle, name, runc_user=None):
    """One truth.tsv row for the bundle umoci unpacked: its config.json (the runtime spec umoci
    derives from the image config: args = Entrypoint + Cmd, cwd, the USER resolved in the
    image's /etc/passwd) is run in BUNDLE/rootfs by exec-in-root as runc would: PATH lookup of
    args[0] first (-l), then a direct execve with the image's Env (plus Docker's default PATH when
    it sets none, and HOME as runc sets it), the WorkingDir, the uid/gid."""
    with open(os.path.join(bundle, "config.json")) as f:
        proc = json.load(f)["process"]
    rootfs = os.path.join(bundle, "rootfs")
    args = proc["args"]
    # umoci adds TERM=xterm because its spec has terminal: true; `docker run` without -t does not.
    env = [e for e in proc.get("env", []) if e != "TERM=xterm"]
    if not any(e.startswith("PATH=") for e in env):
        env.insert(0, DOCKER_PATH)
    uid, gid = proc["user"]["uid"], proc["user"]["gid"]
    if not any(e.startswith("HOME=") for e in env):
        pw = passwd_entry(rootfs, uid)
        env.append("HOME=" + (pw[5] if pw and pw[5] else "/"))
    cwd = proc.get("cwd") or "/"
    user = f"{uid}:{gid}"
    bare = classify(*run_helper(helper, rootfs, args, env, cwd, user, lookup=False))
    if runc_user:
        # runc's rule, not observed by execve: libcontainer finds no passwd entry for a USER
        # name and fails before exec (moby/sys user.GetExecUser).
        msg = f"unable to find user {runc_user}: no matching entries in passwd file"
        return [name, "runtime", "-", "runtime: user", msg, "runc-user-rule", bare[2]]
    stage, code, outcome, first = classify(*run_helper(helper, rootfs, args, env, cwd, user, lookup=True))
    if stage == "runtime":
        # exec-in-root -l is Go's exec.LookPath (runc runs it before exec); runc's words:
        a0 = args[0]
        if "/" not in a0:
            first = f'exec: "{a0}": executable file not found in $PATH'
        else:
            first = f'exec: "{a0}": stat {a0}: {strerror_lc(code)}'
        return [name, stage, code, outcome, first, "runc-lookpath", bare[2]]
    return [name, stage, code, outcome, first.replace("\t", " "), "execve", bare[2]]


# --- images.tsv ----------------------------------------------------------------------------
FORMS = [  # column, path relative to OUTDIR, transport, ref suffix
    ("oci", "oci/{n}", "oci", ":latest"),
    ("oci_archive", "oci-archive/{n}.tar", "oci-archive", ":latest"),
    ("docker_archive", "docker-archive/{n}.tar", "docker-archive", ""),
    ("docker25", "docker25/{n}.tar", "docker-archive", ""),
    ("zstd", "zstd/{n}", "oci", ":latest"),
    ("podman_docker", "podman/{n}.docker.tar", "docker-archive", ""),
    ("podman_oci", "podman/{n}.oci.tar", "oci-archive", ""),
]


def images_tsv(outdir, cases):
    rows = []
    with open(cases) as f:
        for line in f:
            name, notes = line.rstrip("\n").split("\t", 1)
            refs = []
            for _col, rel, transport, suffix in FORMS:
                p = os.path.join(outdir, rel.format(n=name))
                refs.append(f"{transport}:{p}{suffix}" if os.path.exists(p) else "-")
            lay = Layout(os.path.join(outdir, "oci", name))
            _, m = lay.manifest()
            c = json.loads(lay.blob(m["config"]["digest"])).get("config", {})
            argv = (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
            rows.append([name] + refs + [json.dumps(argv), c.get("WorkingDir") or "-", c.get("User") or "-",
                                         str(len(m["layers"])), notes])
    with open(os.path.join(outdir, "images.tsv"), "w") as f:
        f.write("\t".join(["name"] + [c for c, *_ in FORMS] + ["argv", "workdir", "user", "layers", "notes"]) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def main(a):
    cmd = a[0]
    if cmd == "docker25":
        docker25(a[1], a[2], a[3], containerd="--containerd" in a[4:])
    elif cmd == "zstd":
        zstd_layout(a[1], a[2])
    elif cmd == "multiarch":
        multiarch(a[1])
    elif cmd == "tar":
        tar_dir(a[1], a[2])
    elif cmd == "hostile":
        hostile(a[1])
    elif cmd == "oracle":
        ru = a[a.index("--runc-user") + 1] if "--runc-user" in a else None
        print("\t".join(oracle(a[1], a[2], a[3], ru)))
    elif cmd == "images-tsv":
        images_tsv(a[1], a[2])
    else:
        raise SystemExit(f"images.py: unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
