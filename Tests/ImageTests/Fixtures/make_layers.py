#!/usr/bin/env python3
"""Writes two layer tars into DIR (layer0.tar, layer1.tar) and prints, as JSON, the members
of each in tar order: what the Swift applier is fed for the umoci differential test.
The second layer has a file whiteout, a directory whiteout, an opaque directory (marker
after one of its entries and before another), a file replacing a directory and the
reverse, a hard link into the lower layer and a duplicate member."""
import base64, io, json, sys, tarfile

out = sys.argv[1]

def add(tf, name, kind, data=b"", mode=0o644, link=""):
    ti = tarfile.TarInfo(name)
    ti.mode = mode
    ti.uid = ti.gid = 0
    ti.mtime = 1700000000
    if kind == "dir":
        ti.type = tarfile.DIRTYPE
        tf.addfile(ti)
    elif kind == "symlink":
        ti.type = tarfile.SYMTYPE
        ti.linkname = link
        tf.addfile(ti)
    elif kind == "hardlink":
        ti.type = tarfile.LNKTYPE
        ti.linkname = link
        tf.addfile(ti)
    else:
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))

layers = [
    [
        ("etc", "dir", b"", 0o755, ""),
        ("etc/passwd", "file", b"root:x:0:0:root:/root:/bin/sh\n", 0o644, ""),
        ("etc/hosts", "file", b"127.0.0.1 localhost\n", 0o644, ""),
        ("usr", "dir", b"", 0o755, ""),
        ("usr/lib", "dir", b"", 0o755, ""),
        ("usr/lib/libc.so.6", "file", b"\x7fELF libc", 0o755, ""),
        ("usr/lib/libm.so.6", "file", b"\x7fELF libm", 0o755, ""),
        ("usr/bin", "dir", b"", 0o755, ""),
        ("usr/bin/busybox", "file", b"\x7fELF busybox", 0o755, ""),
        ("lib", "symlink", b"", 0o777, "usr/lib"),
        ("opt", "dir", b"", 0o755, ""),
        ("opt/old1", "file", b"old1", 0o644, ""),
        ("opt/sub", "dir", b"", 0o755, ""),
        ("opt/sub/old2", "file", b"old2", 0o644, ""),
        ("var", "dir", b"", 0o755, ""),
        ("var/cache", "dir", b"", 0o755, ""),
        ("var/cache/a", "file", b"a", 0o644, ""),
        ("var/cache/b", "file", b"b", 0o644, ""),
        ("srv", "file", b"srv was a file", 0o644, ""),
        ("data", "dir", b"", 0o755, ""),
        ("data/inner", "file", b"inner", 0o644, ""),
    ],
    [
        ("usr/lib/.wh.libc.so.6", "file", b"", 0o644, ""),
        ("var/.wh.cache", "file", b"", 0o644, ""),
        ("opt", "dir", b"", 0o755, ""),
        ("opt/new1", "file", b"new1", 0o644, ""),
        ("opt/.wh..wh..opq", "file", b"", 0o644, ""),
        ("opt/new2", "file", b"new2", 0o644, ""),
        ("srv", "dir", b"", 0o755, ""),
        ("srv/index.html", "file", b"hello", 0o644, ""),
        ("data", "file", b"data is a file now", 0o644, ""),
        ("usr/bin/sh", "hardlink", b"", 0o755, "usr/bin/busybox"),
        ("etc/hosts", "file", b"first", 0o644, ""),
        ("etc/hosts", "file", b"second", 0o644, ""),
        ("usr/lib/libnew.so", "file", b"\x7fELF new", 0o755, ""),
    ],
]

listing = []
for i, members in enumerate(layers):
    with tarfile.open(f"{out}/layer{i}.tar", "w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, data, mode, link in members:
            add(tf, name, kind, data, mode, link)
    listing.append([{"path": n, "kind": k, "mode": m, "link": l, "data": base64.b64encode(d).decode()}
                    for n, k, d, m, l in members])
json.dump(listing, sys.stdout)
