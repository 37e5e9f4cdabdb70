#!/usr/bin/env python3
"""Generate the hostile (malformed) input fixtures for staticcheck-elf.

    python3 TestBinaries/hostile/make_hostile.py

Standard library only and deterministic: every run writes byte-identical
files into the directory of this script, plus EXPECTED.tsv
(file, what is wrong, byte offset of the problem in hex, field name, kind: `error`
for an exit-2 read error, `damage` for damage in parts the kernel and the loader never read,
which is reported and does not stop the check) and the
cyclic symlink pair loop-a -> loop-b -> loop-a. Every file in this directory
other than *.py, *.tsv and loop-* is broken (the CLI tests rely on that).

Everything starts from tiny ELF files built here with struct (no system
binary is copied). Those valid bases are written to ../hostile-bases/ as
controls:

  base-valid.elf      ELF64 LE x86-64 ET_EXEC, dynamic: PT_INTERP
                      /lib64/ld-linux-x86-64.so.2, PT_DYNAMIC with
                      DT_NEEDED libc.so.6, section headers and .shstrtab.
                      readelf -a reads it without a complaint, and it really
                      starts (and exits 0) in a root that has the glibc loader.
  base-static.elf     the same without PT_INTERP / PT_DYNAMIC (static); it
                      exits 0 in an empty root.
  base-valid32be.elf  ELF32 MSB PowerPC ET_EXEC, static, with sections.
  base-gobuildinfo.elf  base-static + a well-formed Go 1.18+ .go.buildinfo
  base-gopclntab.elf  base-static + a .gopclntab holding only a well-formed
                      Go 1.20+ header with zero functions

Each hostile file is one of these with one thing broken (see EXPECTED.tsv).
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = os.path.join(os.path.dirname(HERE), "hostile-bases")

# ----------------------------------------------------------------------------
# ELF constants
ET_EXEC = 2
EM_PPC, EM_X86_64 = 20, 62
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
PF_X, PF_W, PF_R = 1, 2, 4
SHT_PROGBITS, SHT_STRTAB, SHT_HASH, SHT_DYNAMIC, SHT_DYNSYM = 1, 3, 5, 6, 11
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
DT_NULL, DT_NEEDED, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 1, 4, 5, 6
DT_STRSZ, DT_SYMENT, DT_DEBUG = 10, 11, 21

BASE_VADDR = {64: 0x400000, 32: 0x10000000}
PAGE = 0x1000

# exit_group(0) on x86-64: mov eax, 231; xor edi, edi; syscall
CODE_X86_64 = bytes.fromhex("b8e7000000" "31ff" "0f05")
# exit(0) on 32-bit PowerPC: li r0,1; li r3,0; sc
CODE_PPC = bytes.fromhex("38000001" "38600000" "44000002")


def align(n, a):
    return (n + a - 1) // a * a


class Elf:
    """A tiny ELF image plus the offsets of its parts (for the mutations)."""

    def __init__(self, cls=64, endian="<", machine=EM_X86_64, code=CODE_X86_64,
                 interp="/lib64/ld-linux-x86-64.so.2", needed=("libc.so.6",),
                 extra_ro=(), extra_rw=()):
        self.cls, self.e = cls, endian
        w = "Q" if cls == 64 else "I"
        self.ehsize = 64 if cls == 64 else 52
        self.phentsize = 56 if cls == 64 else 32
        self.shentsize = 64 if cls == 64 else 40
        base = BASE_VADDR[cls]
        dynamic = interp is not None

        # --- sections (name, type, flags, data, addralign, entsize) ----------
        ro, rw = [], []
        dynstr = b"\0" + b"".join(n.encode() + b"\0" for n in needed) if dynamic else b""
        if dynamic:
            ro.append([".interp", SHT_PROGBITS, SHF_ALLOC, interp.encode() + b"\0", 1, 0])
            # ld.so needs DT_SYMTAB to relocate the main program; a null symbol
            # and a one-bucket DT_HASH (nbucket 1, nchain 1) are enough.
            symsize = 24 if cls == 64 else 16
            ro.append([".hash", SHT_HASH, SHF_ALLOC, struct.pack(endian + "IIII", 1, 1, 0, 0), 8, 4])
            ro.append([".dynsym", SHT_DYNSYM, SHF_ALLOC, bytes(symsize), 8, symsize])
        ro.append([".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code, 16, 0])
        if dynamic:
            ro.append([".dynstr", SHT_STRTAB, SHF_ALLOC, dynstr, 1, 0])
        for name, data in extra_ro:
            ro.append([name, SHT_PROGBITS, SHF_ALLOC, data, 8, 0])
        if dynamic:
            rw.append([".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, None, 8, 16 if cls == 64 else 8])
        for name, data in extra_rw:
            rw.append([name, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data, 16, 0])

        names = [s[0] for s in ro + rw] + [".shstrtab"]
        shstrtab = b"\0"
        name_off = {}
        for n in names:
            name_off[n] = len(shstrtab)
            shstrtab += n.encode() + b"\0"

        nph = 1 + (1 if rw else 0) + (2 if dynamic else 0)
        off = self.ehsize + nph * self.phentsize
        self.phoff = self.ehsize
        layout = {}
        for s in ro:
            off = align(off, s[4])
            layout[s[0]] = off
            off += len(s[3])
        ro_end = off
        rw_start = align(off, 16)
        rw_delta = base + PAGE  # vaddr = rw_delta + file offset (same residue mod PAGE)
        off = rw_start
        dyn_entries = []
        for s in rw:
            off = align(off, s[4])
            layout[s[0]] = off
            if s[0] == ".dynamic":
                dyn_entries = [(DT_NEEDED, 1 + sum(len(n) + 1 for n in needed[:i]))
                               for i in range(len(needed))]
                dyn_entries += [(DT_HASH, base + layout[".hash"]),
                                (DT_SYMTAB, base + layout[".dynsym"]),
                                (DT_SYMENT, symsize),
                                (DT_STRTAB, base + layout[".dynstr"]),
                                (DT_STRSZ, len(dynstr)), (DT_NULL, 0)]
                s[3] = b"".join(struct.pack(endian + w + w, t, v) for t, v in dyn_entries)
            off += len(s[3])
        rw_end = off
        layout[".shstrtab"] = off
        off += len(shstrtab)
        self.shoff = align(off, 8)
        secs = ro + rw + [[".shstrtab", SHT_STRTAB, 0, shstrtab, 1, 0]]
        self.shnum = 1 + len(secs)
        self.shstrndx = self.shnum - 1
        size = self.shoff + self.shnum * self.shentsize
        self.layout, self.secs, self.dyn_entries = layout, secs, dyn_entries
        self.sec_index = {s[0]: i + 1 for i, s in enumerate(secs)}
        self.entry = base + layout[".text"]

        def vaddr(name):
            o = layout[name]
            return (rw_delta + o) if rw and o >= rw_start else (base + o)

        # --- program headers ------------------------------------------------
        phdrs = []  # (type, flags, offset, vaddr, filesz, memsz, align)
        if dynamic:
            phdrs.append((PT_INTERP, PF_R, layout[".interp"], base + layout[".interp"],
                          len(interp) + 1, len(interp) + 1, 1))
        phdrs.append((PT_LOAD, PF_R | PF_X, 0, base, ro_end, ro_end, PAGE))
        if rw:
            phdrs.append((PT_LOAD, PF_R | PF_W, rw_start, rw_delta + rw_start,
                          rw_end - rw_start, rw_end - rw_start, PAGE))
        if dynamic:
            d = layout[".dynamic"]
            n = len(dyn_entries) * (16 if cls == 64 else 8)
            phdrs.append((PT_DYNAMIC, PF_R | PF_W, d, rw_delta + d, n, n, 8))
        self.phnum = len(phdrs)
        self.ph_index = {p[0]: i for i, p in reversed(list(enumerate(phdrs)))}

        buf = bytearray(size)
        ident = b"\x7fELF" + bytes([2 if cls == 64 else 1, 1 if endian == "<" else 2, 1, 0]) + bytes(8)
        ehdr = ident + struct.pack(endian + "HHI" + w + w + w + "IHHHHHH", ET_EXEC, machine, 1,
                                   self.entry, self.phoff, self.shoff, 0, self.ehsize,
                                   self.phentsize, self.phnum, self.shentsize, self.shnum,
                                   self.shstrndx)
        buf[0:len(ehdr)] = ehdr
        for i, (t, f, o, v, fs, ms, a) in enumerate(phdrs):
            if cls == 64:
                ph = struct.pack(endian + "IIQQQQQQ", t, f, o, v, v, fs, ms, a)
            else:
                ph = struct.pack(endian + "IIIIIIII", t, o, v, v, fs, ms, f, a)
            at = self.phoff + i * self.phentsize
            buf[at:at + len(ph)] = ph
        for s in secs:
            o = layout[s[0]]
            buf[o:o + len(s[3])] = s[3]
        for i, (name, typ, flags, data, al, es) in enumerate(secs, start=1):
            addr = vaddr(name) if flags & SHF_ALLOC else 0
            link = {SHT_DYNAMIC: ".dynstr", SHT_DYNSYM: ".dynstr", SHT_HASH: ".dynsym"}.get(typ)
            link = self.sec_index[link] if link else 0
            info = 1 if typ == SHT_DYNSYM else 0  # one local (the null) symbol
            sh = struct.pack(endian + "II" + w + w + w + w + "II" + w + w, name_off[name], typ,
                             flags, addr, layout[name], len(data), link, info, al, es)
            at = self.shoff + i * self.shentsize
            buf[at:at + len(sh)] = sh
        self.buf = buf

    # --- helpers for the mutations ---------------------------------------------
    def ehdr_field(self, name):
        f64 = dict(e_phoff=0x20, e_shoff=0x28, e_phentsize=0x36, e_phnum=0x38,
                   e_shnum=0x3C, e_shstrndx=0x3E)
        f32 = dict(e_phoff=0x1C, e_shoff=0x20, e_phentsize=0x2A, e_phnum=0x2C,
                   e_shnum=0x30, e_shstrndx=0x32)
        return (f64 if self.cls == 64 else f32)[name]

    def phdr_off(self, ptype):
        return self.phoff + self.ph_index[ptype] * self.phentsize

    def shdr_off(self, name):
        return self.shoff + self.sec_index[name] * self.shentsize

    def dyn_val_off(self, tag):
        """File offset of d_val of the first dynamic entry with this tag."""
        es = 16 if self.cls == 64 else 8
        for i, (t, _) in enumerate(self.dyn_entries):
            if t == tag:
                return self.layout[".dynamic"] + i * es + es // 2
        raise KeyError(tag)

    def put(self, off, fmt, value):
        struct.pack_into(self.e + fmt, self.buf, off, value)

    def bytes(self):
        return bytes(self.buf)


# ----------------------------------------------------------------------------
# Go fixtures
GO_BUILDINFO_MAGIC = b"\xff Go buildinf:"


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


# cmd/go/internal/modload infoStart / infoEnd sentinels framing the modinfo
MODINFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
MODINFO_END = bytes.fromhex("f932433186182072008242104116d8f2")
MODINFO = (MODINFO_START
           + b"path\texample.com/hostile\n"
           + b"mod\texample.com/hostile\t(devel)\t\n"
           + b"build\t-compiler=gc\n"
           + b"build\tCGO_ENABLED=0\n"
           + b"build\tGOARCH=amd64\n"
           + b"build\tGOOS=linux\n"
           + MODINFO_END)


def buildinfo(version_len_bytes, version=b"go1.22.0", modinfo=True):
    """A Go 1.18+ .go.buildinfo blob: 32-byte header, then uvarint-prefixed
    version and modinfo strings."""
    hdr = GO_BUILDINFO_MAGIC + bytes([8, 2])  # ptrsize 8, flags: inline strings, little endian
    hdr += bytes(32 - len(hdr))
    blob = hdr + version_len_bytes + version
    if modinfo:
        blob += uvarint(len(MODINFO)) + MODINFO
    return blob


def pclntab_header(nfunc, nfiles, text_start, funcname_off, cu_off, filetab_off,
                   pctab_off, pcln_off):
    return struct.pack("<IBBBB8Q", 0xFFFFFFF1, 0, 0, 1, 8, nfunc, nfiles, text_start,
                       funcname_off, cu_off, filetab_off, pctab_off, pcln_off)


# ----------------------------------------------------------------------------
def main():
    files = {}      # name -> bytes (hostile, in HERE)
    bases = {}      # name -> bytes (valid controls, in BASES)
    expected = []   # (file, what, offset, field)

    # Damage in a part neither the kernel nor ld.so reads (section headers, Go's tables): the
    # file is still read and judged (SE106 as a warning), not an exit-2 read error.
    DAMAGE = {"shoff-past-eof.elf", "shstrndx-out-of-range.elf", "shnum-xnum-huge.elf",
              "shstrndx-xindex-bad-link.elf", "shstrtab-no-nul.elf", "phdr-shdr-overlap.elf",
              "dynamic-bad-entsize.elf", "gobuildinfo-uvarint-overflow.elf",
              "gobuildinfo-len-past-eof.elf", "gopclntab-past-end.elf"}

    def add(name, data, what, offset, field):
        assert len(data) < 8192, name
        files[name] = data
        expected.append((name, what, "0x%x" % offset, field, "damage" if name in DAMAGE else "error"))

    base = Elf()
    static = Elf(interp=None)
    be32 = Elf(cls=32, endian=">", machine=EM_PPC, code=CODE_PPC, interp=None)
    good_bi = Elf(interp=None, extra_rw=[(".go.buildinfo", buildinfo(uvarint(8)))])
    good_pcln = Elf(interp=None, extra_ro=[(".gopclntab", pclntab_header(0, 0, 0x401000, 72, 72, 72, 72, 72))])
    bases["base-valid.elf"] = base.bytes()
    bases["base-static.elf"] = static.bytes()
    bases["base-valid32be.elf"] = be32.bytes()
    bases["base-gobuildinfo.elf"] = good_bi.bytes()
    bases["base-gopclntab.elf"] = good_pcln.bytes()
    b = base.bytes()

    add("empty", b"", "empty file (0 bytes)", 0, "e_ident")
    add("trunc-ident-10.elf", b[:10], "ELF magic then EOF: e_ident needs 16 bytes, file has 10",
        10, "e_ident[EI_NIDENT]")
    add("trunc-header-40.elf", b[:40], "Elf64_Ehdr needs 64 bytes, file ends at 40 (inside e_shoff)",
        40, "e_shoff")

    e = Elf(); e.put(e.ehdr_field("e_phoff"), "Q", 0x100000)
    add("phoff-past-eof.elf", e.bytes(), "e_phoff = 0x100000, past EOF", 0x20, "e_phoff")

    # e_phnum = 0xffff (PN_XNUM) in a 200-byte file without section headers
    e = Elf(interp=None)
    data = bytearray(e.bytes()[:200])
    struct.pack_into("<H", data, 0x38, 0xFFFF)
    struct.pack_into("<Q", data, 0x28, 0)      # e_shoff = 0
    struct.pack_into("<HHH", data, 0x3A, 64, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
    add("e_phnum-lies.elf", bytes(data),
        "e_phnum = 65535 (PN_XNUM, no section 0 to hold the real count): table would need 3670008 bytes, file has 200",
        0x38, "e_phnum")

    e = Elf(); e.put(e.ehdr_field("e_phentsize"), "H", 7)
    add("phentsize-7.elf", e.bytes(), "e_phentsize = 7 (must be 56 for ELF64)", 0x36, "e_phentsize")

    e = Elf(); e.put(e.ehdr_field("e_shoff"), "Q", 0x100000)
    add("shoff-past-eof.elf", e.bytes(), "e_shoff = 0x100000, past EOF", 0x28, "e_shoff")

    e = Elf(); e.put(e.ehdr_field("e_shstrndx"), "H", 200)
    add("shstrndx-out-of-range.elf", e.bytes(), "e_shstrndx = 200 but e_shnum = %d" % e.shnum,
        0x3E, "e_shstrndx")

    e = Elf(); e.put(e.ehdr_field("e_shnum"), "H", 0); e.put(e.shoff + 0x20, "Q", 0xFFFFFFFF)
    add("shnum-xnum-huge.elf", e.bytes(),
        "e_shnum = 0 (extended numbering) and section 0 sh_size claims 0xffffffff sections",
        e.shoff + 0x20, "shdr[0].sh_size")

    e = Elf(); e.put(e.ehdr_field("e_shstrndx"), "H", 0xFFFF); e.put(e.shoff + 0x28, "I", 0x1234)
    add("shstrndx-xindex-bad-link.elf", e.bytes(),
        "e_shstrndx = SHN_XINDEX (0xffff) and section 0 sh_link = 0x1234, out of range",
        e.shoff + 0x28, "shdr[0].sh_link")

    e = Elf()
    last = e.layout[".shstrtab"] + len(e.secs[-1][3]) - 1
    e.buf[last] = ord("X")
    add("shstrtab-no-nul.elf", e.bytes(), ".shstrtab does not end in NUL (last name \".shstrtabX\" runs to the end of the section)",
        last, ".shstrtab")

    e = Elf(); e.put(e.phdr_off(PT_INTERP) + 0x20, "Q", 0x10000)
    add("interp-past-eof.elf", e.bytes(), "PT_INTERP p_offset + p_filesz (0x10000) runs past EOF",
        e.phdr_off(PT_INTERP) + 0x20, "phdr[PT_INTERP].p_filesz")

    e = Elf()
    nul = e.layout[".interp"] + len("/lib64/ld-linux-x86-64.so.2")
    e.buf[nul] = ord("X")
    add("interp-no-nul.elf", e.bytes(), "PT_INTERP contents not NUL-terminated (\"...so.2X\")",
        nul, "PT_INTERP contents")

    # PT_DYNAMIC without DT_NULL: .dynamic is the last thing in the file, no section headers
    e = Elf()
    null_at = e.layout[".dynamic"] + (len(e.dyn_entries) - 1) * 16
    e.put(null_at, "Q", DT_DEBUG)
    end = e.layout[".dynamic"] + len(e.dyn_entries) * 16
    data = bytearray(e.bytes()[:end])
    struct.pack_into("<Q", data, 0x28, 0)              # e_shoff = 0
    struct.pack_into("<HHH", data, 0x3A, 64, 0, 0)     # e_shentsize, e_shnum = 0, e_shstrndx = 0
    add("dynamic-no-null.elf", bytes(data),
        "PT_DYNAMIC has no DT_NULL: the last entry is DT_DEBUG and the array runs to EOF (no section headers)",
        end, "PT_DYNAMIC d_tag (DT_NULL expected)")

    e = Elf(); e.put(e.dyn_val_off(DT_STRTAB), "Q", 0x12345678)
    add("strtab-not-in-load.elf", e.bytes(), "DT_STRTAB = 0x12345678, not inside any PT_LOAD",
        e.dyn_val_off(DT_STRTAB), "DT_STRTAB d_ptr")

    e = Elf(); e.put(e.dyn_val_off(DT_NEEDED), "Q", 0x1000)
    add("needed-past-strtab.elf", e.bytes(), "DT_NEEDED name offset 0x1000 is past DT_STRSZ (%d)" % dict(e.dyn_entries)[DT_STRSZ],
        e.dyn_val_off(DT_NEEDED), "DT_NEEDED d_val")

    e = Elf(); e.put(e.ehdr_field("e_shoff"), "Q", e.phoff)
    add("phdr-shdr-overlap.elf", e.bytes(), "e_shoff = e_phoff = 0x40: section and program header tables overlap",
        0x28, "e_shoff")

    e = Elf(); e.put(e.shdr_off(".dynamic") + 0x38, "Q", 7)
    add("dynamic-bad-entsize.elf", e.bytes(), ".dynamic sh_entsize = 7 (must be 16)",
        e.shdr_off(".dynamic") + 0x38, "shdr[.dynamic].sh_entsize")

    e = Elf(cls=32, endian=">", machine=EM_PPC, code=CODE_PPC, interp=None)
    e.put(e.ehdr_field("e_phnum"), "H", 0x4000)
    add("elf32be-phnum.elf", e.bytes(), "ELF32 MSB (PowerPC): e_phnum = 16384, table would run far past EOF",
        0x2C, "e_phnum")

    data = bytearray(b); data[4] = 3; data[5] = 0
    add("bad-class-data.elf", bytes(data), "EI_CLASS = 3 (invalid) and EI_DATA = 0 (ELFDATANONE) at 0x5",
        4, "e_ident[EI_CLASS]")

    macho = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 2, 0, 0, 0, 0)  # MH_MAGIC_64, x86_64, MH_EXECUTE
    add("macho-truncated", macho[:12], "Mach-O 64 header (32 bytes) cut at 12 bytes, inside filetype",
        12, "mach_header_64.filetype")

    mz = bytearray(64); mz[0:2] = b"MZ"; struct.pack_into("<I", mz, 0x3C, 0x10000)
    add("mz-lfanew-past-eof.exe", bytes(mz), "MZ header, e_lfanew = 0x10000 points past EOF (64 bytes)",
        0x3C, "e_lfanew")

    shebang = b"#!/" + b"a" * 297
    assert len(shebang) == 300
    add("shebang-long-no-newline", shebang,
        "#! line of 300 bytes with no newline; the kernel reads only 256 bytes (BINPRM_BUF_SIZE)",
        0x100, "#! line")

    e = Elf(interp=None, extra_rw=[(".go.buildinfo", buildinfo(b"\xff" * 10 + b"\x01"))])
    at = e.layout[".go.buildinfo"] + 32
    add("gobuildinfo-uvarint-overflow.elf", e.bytes(),
        ".go.buildinfo (magic, ptrsize 8, flags 2): version length uvarint is 11 bytes, overflows uint64",
        at, ".go.buildinfo version length")

    e = Elf(interp=None, extra_rw=[(".go.buildinfo", buildinfo(uvarint(0x10000)))])
    at = e.layout[".go.buildinfo"] + 32
    add("gobuildinfo-len-past-eof.elf", e.bytes(),
        ".go.buildinfo version length = 0x10000 runs past the section and EOF",
        at, ".go.buildinfo version length")

    hdr = pclntab_header(0x10000000, 3, 0x401000, 0x100000, 0x100100, 0x100200, 0x100300, 0x100400)
    e = Elf(interp=None, extra_ro=[(".gopclntab", hdr)])
    at = e.layout[".gopclntab"] + 8
    add("gopclntab-past-end.elf", e.bytes(),
        ".gopclntab Go 1.20 header (0xfffffff1, quantum 1, ptrsize 8): nfunc = 0x10000000 and funcnameOffset.. = 0x100000.. point past the section (72 bytes) and EOF",
        at, "pcHeader.nfunc")

    os.makedirs(BASES, exist_ok=True)
    for d, group in ((HERE, files), (BASES, bases)):
        for name, data in group.items():
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o644)
    os.chmod(os.path.join(HERE, "shebang-long-no-newline"), 0o755)

    for a, b2 in (("loop-a", "loop-b"), ("loop-b", "loop-a")):
        p = os.path.join(HERE, a)
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(b2, p)
    expected.append(("loop-a", "symlink cycle: loop-a -> loop-b -> loop-a (ELOOP)", "0x0", "symlink", "error"))
    expected.append(("loop-b", "symlink cycle: loop-b -> loop-a -> loop-b (ELOOP)", "0x0", "symlink", "error"))

    with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
        f.write("file\twhat is wrong\toffset\tfield\tkind\n")
        for row in expected:
            f.write("\t".join(row) + "\n")
    print("wrote %d hostile files and EXPECTED.tsv (%d rows) in %s, %d valid bases in %s"
          % (len(files), len(expected), HERE, len(bases), BASES), file=sys.stderr)


if __name__ == "__main__":
    main()
