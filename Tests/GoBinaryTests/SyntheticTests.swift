import Foundation
import Testing
import ELFKit
import GoBinary
import TestSupport

/// Byte-level builders for Go structures (build info blobs, pclntabs in every format).
enum GoBytes {
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    static let sentinelStart: [UInt8] = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6]
    static let sentinelEnd: [UInt8] = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2]

    static func framed(_ text: String) -> [UInt8] { sentinelStart + Array(text.utf8) + sentinelEnd }

    /// Go ≥1.18: header, then uvarint-prefixed version and modinfo.
    static func inline(version: String, modinfo: [UInt8], ptrSize: UInt8 = 8, bigEndian: Bool = false) -> [UInt8] {
        var b = magic + [ptrSize, (bigEndian ? 1 : 0) | 2] + [UInt8](repeating: 0, count: 16)
        b += Bytes.uvarint(UInt64(version.utf8.count)) + Array(version.utf8)
        b += Bytes.uvarint(UInt64(modinfo.count)) + modinfo
        return b
    }

    /// Go <1.18: header with two pointers to Go string headers.
    static func pointers(versionAt: UInt64, modinfoAt: UInt64, ptrSize: Int, order: ByteOrder) -> [UInt8] {
        var b = magic + [UInt8(ptrSize), order == .big ? 1 : 0]
        b += Bytes.word(versionAt, ptrSize, order) + Bytes.word(modinfoAt, ptrSize, order)
        return Bytes.pad(b, to: 32)
    }

    /// A 1.16/1.18/1.20 table: header words, funcnametab, (empty) cutab, filetab, pctab, functab.
    static func modern(magic m: UInt32, names: [String], files: [String], ptrSize: Int = 8, order: ByteOrder = .little,
                       nfunc: UInt64? = nil, patch: [Int: UInt64] = [:]) -> [UInt8] {
        let words = m == 0xffff_fffa ? 7 : 8
        let header = 8 + words * ptrSize
        let nameBytes: [UInt8] = names.flatMap { Array($0.utf8) + [UInt8(0)] }
        let fileBytes: [UInt8] = files.flatMap { Array($0.utf8) + [UInt8(0)] }
        let funcname = header, cu = funcname + nameBytes.count, filetab = cu, pctab = filetab + fileBytes.count, pcln = pctab
        var w: [UInt64] = [nfunc ?? UInt64(names.count), UInt64(files.count)]
        if words == 8 { w.append(0) }   // textStart
        w += [UInt64(funcname), UInt64(cu), UInt64(filetab), UInt64(pctab), UInt64(pcln)]
        for (k, v) in patch { w[k] = v }
        var b = Bytes.word(UInt64(m), 4, order) + [0, 0, 1, UInt8(ptrSize)]
        for v in w { b += Bytes.word(v, ptrSize, order) }
        b += nameBytes + fileBytes
        b += [UInt8](repeating: 0, count: 8 * (names.count + 1))   // functab
        return b
    }

    /// A Go 1.2–1.15 table: nfunc, functab (pc, funcoff) words, end pc, file table offset;
    /// `_func` records (entry, nameoff) and names after it; file table = count + offsets.
    static func go12(names: [String], files: [String], ptrSize: Int = 8, order: ByteOrder = .little) -> [UInt8] {
        let n = names.count
        let functab = 8 + ptrSize
        let functabEnd = functab + (2 * n + 1) * ptrSize
        let fileoffField = functabEnd
        let funcs = fileoffField + 4
        let funcSize = ptrSize + 4
        var stringsAt = funcs + n * funcSize
        var nameOffs: [Int] = []
        var strings: [UInt8] = []
        for s in names + files {
            nameOffs.append(stringsAt + strings.count)
            strings += Array(s.utf8) + [0]
        }
        stringsAt += strings.count
        let filetab = stringsAt
        var b = Bytes.word(0xffff_fffb, 4, order) + [0, 0, 1, UInt8(ptrSize)] + Bytes.word(UInt64(n), ptrSize, order)
        for i in 0..<n {
            b += Bytes.word(0x1000 + UInt64(i) * 16, ptrSize, order) + Bytes.word(UInt64(funcs + i * funcSize), ptrSize, order)
        }
        b += Bytes.word(0x1000 + UInt64(n) * 16, ptrSize, order)
        b += Bytes.word(UInt64(filetab), 4, order)
        for i in 0..<n { b += Bytes.word(0x1000 + UInt64(i) * 16, ptrSize, order) + Bytes.word(UInt64(nameOffs[i]), 4, order) }
        b += strings
        b += Bytes.word(UInt64(files.count + 1), 4, order)   // entry 0 is the count itself
        for k in 0..<files.count { b += Bytes.word(UInt64(nameOffs[n + k]), 4, order) }
        return b
    }

    /// An ELF with a RW segment holding `.go.buildinfo` (and `extra` after it), and an R
    /// segment holding `.gopclntab` when given.
    static func elf(buildinfo: [UInt8]?, pclntab: [UInt8]? = nil, bits: Int = 64, order: ByteOrder = .little,
                    sections: Bool = true, junkBeforeTable: Int = 0, extraData: [UInt8] = [], claimExtra: UInt64 = 0) -> [UInt8] {
        var e = SyntheticELF(bits: bits, order: order)
        e.addSegment(flags: 5, vaddr: 0x40_0000, bytes: Bytes.pad([0xc3], to: 64))   // text
        if let pclntab {
            let seg = e.addSegment(flags: 4, vaddr: 0x50_0000, bytes: [UInt8](repeating: 0xee, count: junkBeforeTable) + pclntab)
            e.addSection(".gopclntab", segment: seg, offset: junkBeforeTable, flags: 2)
        }
        if let buildinfo {
            let seg = e.addSegment(flags: 6, vaddr: 0x60_0000, bytes: buildinfo + extraData, claimExtra: claimExtra)
            e.addSection(".go.buildinfo", segment: seg, size: buildinfo.count, flags: 3)
        }
        e.omitSections = !sections
        return e.build()
    }

    static func read(_ bytes: [UInt8]) throws -> GoFacts? {
        try GoReader.read(elf: ELFFile(ByteView(copying: bytes)))
    }
}

@Suite("Synthetic Go structures")
struct SyntheticTests {
    let modinfo = """
    path\texample.com/app/cmd/x
    mod\texample.com/app\t(devel)\t
    dep\tgolang.org/x/net\tv0.1.0\th1:abc=
    dep\texample.com/fork\tv1.0.0
    =>\t../fork\t(devel)\t
    build\t-ldflags="-s -w -X \\"main.v=1 2\\""
    build\t"odd key"=`raw value`
    build\tCGO_ENABLED=0
    build\tvcs.modified=false

    """

    @Test("inline build info (Go ≥1.18): every line kind")
    func inlineBuildInfo() throws {
        let bytes = GoBytes.elf(buildinfo: GoBytes.inline(version: "go1.21.0", modinfo: GoBytes.framed(modinfo)))
        let info = try #require(try GoBytes.read(bytes)?.buildInfo)
        #expect(info.goVersion == "go1.21.0")
        #expect(info.path == "example.com/app/cmd/x")
        #expect(info.main == GoModule(path: "example.com/app", version: "(devel)", sum: ""))
        #expect(info.deps.count == 2)
        #expect(info.deps[0] == GoModule(path: "golang.org/x/net", version: "v0.1.0", sum: "h1:abc="))
        #expect(info.deps[1].replace == GoModule(path: "../fork", version: "(devel)", sum: ""))
        #expect(info.setting("-ldflags") == "-s -w -X \"main.v=1 2\"")
        #expect(info.setting("odd key") == "raw value")
        #expect(info.setting("CGO_ENABLED") == "0")
        #expect(info.settings.map(\.key) == ["-ldflags", "odd key", "CGO_ENABLED", "vcs.modified"])
        #expect(info.versionNumbers?.minor == 21)
    }

    @Test("pointer build info (Go <1.18), 64-bit little-endian and 32-bit big-endian", arguments: [(8, ByteOrder.little), (4, ByteOrder.big)])
    func pointerBuildInfo(_ c: (Int, ByteOrder)) throws {
        let (ptr, order) = c
        let base: UInt64 = 0x60_0000
        // Layout in the RW segment: blob (32), string headers (2 × 2 ptr), then the bytes.
        let version = Array("go1.16.15".utf8), mod = GoBytes.framed(modinfo)
        let hdrAt = base + 32, strAt = hdrAt + UInt64(4 * ptr)
        var data = GoBytes.pointers(versionAt: hdrAt, modinfoAt: hdrAt + UInt64(2 * ptr), ptrSize: ptr, order: order)
        data += Bytes.word(strAt, ptr, order) + Bytes.word(UInt64(version.count), ptr, order)
        data += Bytes.word(strAt + UInt64(version.count), ptr, order) + Bytes.word(UInt64(mod.count), ptr, order)
        data += version + mod
        let bytes = GoBytes.elf(buildinfo: Array(data.prefix(32)), bits: ptr * 8, order: order, extraData: Array(data.dropFirst(32)))
        let info = try #require(try GoBytes.read(bytes)?.buildInfo)
        #expect(info.goVersion == "go1.16.15")
        #expect(info.deps.count == 2)
        #expect(info.pointerSize == ptr)
        #expect(info.bigEndian == (order == .big))
    }

    @Test("without section headers the blob is found in the first RW segment, the table in a read-only one")
    func sectionless() throws {
        let table = GoBytes.modern(magic: 0xffff_fff1, names: ["runtime.main", "main.main", "os/user.lookupUserId"], files: ["/src/app/main.go"])
        let bytes = GoBytes.elf(buildinfo: GoBytes.inline(version: "go1.22.1", modinfo: GoBytes.framed(modinfo)),
                                pclntab: table, sections: false, junkBeforeTable: 36)
        let f = try #require(try GoBytes.read(bytes))
        #expect(f.buildInfo?.goVersion == "go1.22.1")
        #expect(f.packages == ["main", "os/user", "runtime"])
        #expect(f.absoluteBuildPaths == ["/src/app/main.go"])
    }

    @Test("every pclntab format, both byte orders, both pointer sizes", arguments: [
        (UInt32(0xffff_fffb), 8, ByteOrder.little), (0xffff_fffb, 4, .big),
        (0xffff_fffa, 8, .little), (0xffff_fffa, 4, .big),
        (0xffff_fff0, 8, .little), (0xffff_fff0, 8, .big),
        (0xffff_fff1, 4, .little), (0xffff_fff1, 8, .big),
    ])
    func pclntabFormats(_ c: (UInt32, Int, ByteOrder)) throws {
        let names = ["runtime.main", "net._C2func_getaddrinfo", "x_cgo_init", "example.com/m/pkg.(*T).M", "type:.eq.[2]int", "main.main"]
        let files = ["/home/u/m/main.go", "/usr/local/go/src/runtime/proc.go"]
        let bytes = c.0 == 0xffff_fffb ? GoBytes.go12(names: names, files: files, ptrSize: c.1, order: c.2)
                                       : GoBytes.modern(magic: c.0, names: names, files: files, ptrSize: c.1, order: c.2)
        let t = try GoPclntab(ByteView(copying: bytes))
        #expect(t.order == c.2)
        #expect(t.pointerSize == c.1)
        #expect(t.functionNames == names)
        #expect(t.sourceFiles == files)
        let elf = GoBytes.elf(buildinfo: nil, pclntab: bytes, bits: c.1 * 8, order: c.2)
        let f = try #require(try GoBytes.read(elf))
        #expect(f.packages == ["example.com/m/pkg", "main", "net", "runtime"])
        #expect(f.signals.cgoRuntime)
        #expect(f.signals.netCgoResolver)
        #expect(f.signals.cgoPackages == ["net"])
        #expect(f.absoluteBuildPaths == files)
        #expect(f.buildInfo == nil)
    }

    @Test("a file with no Go structure is absent (nil), not malformed")
    func absent() throws {
        var e = SyntheticELF()
        e.addSegment(flags: 5, vaddr: 0x40_0000, bytes: [UInt8](repeating: 0x90, count: 4096))
        e.addSegment(flags: 6, vaddr: 0x50_0000, bytes: [UInt8](repeating: 0xff, count: 4096))
        #expect(try GoBytes.read(e.build()) == nil)
        #expect(try GoReader.read(view: ByteView(copying: Array("#!/bin/sh\n".utf8))) == nil)
    }
}

@Suite("Hostile Go structures: FormatError or nil, never a crash or a hang")
struct HostileGoTests {
    func expectFormatError(_ bytes: [UInt8], _ what: String, field: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let f = try GoBytes.read(bytes)
            Issue.record("\(what): expected a FormatError, read \(String(describing: f))", sourceLocation: sourceLocation)
        } catch let e as FormatError {
            if let field { #expect(e.field.contains(field), "\(what): \(e)", sourceLocation: sourceLocation) }
            #expect(e.offset < UInt64(bytes.count), "\(what): offset \(e.offset) outside the file", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("build info lies")
    func buildInfo() {
        let mod = GoBytes.framed("path\tx\n")
        // uvarint of 11 bytes.
        var overflow = GoBytes.magic + [8, 2] + [UInt8](repeating: 0, count: 16)
        overflow += [UInt8](repeating: 0xff, count: 10) + [0x01] + [UInt8](repeating: 0, count: 20)
        expectFormatError(GoBytes.elf(buildinfo: overflow), "uvarint overflow", field: "version length")
        // Length past the end of the segment and of the file.
        var long = GoBytes.magic + [8, 2] + [UInt8](repeating: 0, count: 16) + Bytes.uvarint(0x10000) + Array("go1.20".utf8)
        expectFormatError(GoBytes.elf(buildinfo: long), "length past EOF", field: "version length")
        long = GoBytes.magic + [8, 2] + [UInt8](repeating: 0, count: 16) + Bytes.uvarint(6) + Array("go1.20".utf8) + Bytes.uvarint(UInt64.max >> 1)
        expectFormatError(GoBytes.elf(buildinfo: long), "modinfo length huge", field: "modinfo length")
        // The segment claims more bytes than the file has.
        long = GoBytes.magic + [8, 2] + [UInt8](repeating: 0, count: 16) + Bytes.uvarint(0x10000) + Array("go1.20".utf8)
        expectFormatError(GoBytes.elf(buildinfo: long, claimExtra: 1 << 40), "segment and length past EOF", field: "version length")
        // Pointer form: string header at an unmapped address; data at an unmapped address.
        expectFormatError(GoBytes.elf(buildinfo: GoBytes.pointers(versionAt: 0xdead_0000, modinfoAt: 0x60_0000, ptrSize: 8, order: .little)),
                          "pointer to unmapped address", field: "pointer")
        let hdr = Bytes.word(0xbeef_0000, 8, .little) + Bytes.word(6, 8, .little)
        expectFormatError(GoBytes.elf(buildinfo: GoBytes.pointers(versionAt: 0x60_0020, modinfoAt: 0x60_0020, ptrSize: 8, order: .little),
                                      extraData: hdr), "string data unmapped", field: "string")
        // Pointer form with a string length of 2^63.
        let huge = Bytes.word(0x60_0000, 8, .little) + Bytes.word(1 << 63, 8, .little)
        expectFormatError(GoBytes.elf(buildinfo: GoBytes.pointers(versionAt: 0x60_0020, modinfoAt: 0x60_0020, ptrSize: 8, order: .little),
                                      extraData: huge), "string length 2^63")
        // Pointer size 3; header cut short; empty version.
        var bad = GoBytes.pointers(versionAt: 0, modinfoAt: 0, ptrSize: 8, order: .little)
        bad[14] = 3
        expectFormatError(GoBytes.elf(buildinfo: bad), "pointer size 3", field: "pointer size")
        expectFormatError(GoBytes.elf(buildinfo: GoBytes.magic + [8, 2]), "header cut short", field: "header")
        expectFormatError(GoBytes.elf(buildinfo: GoBytes.inline(version: "", modinfo: mod)), "empty version", field: "version")
        // Modinfo that ParseBuildInfo rejects.
        for text in ["=>\ta\tb\tc\n", "mod\tonly-one\n", "build\t=x\n", "build\tkey\n", "build\t\"k\"x\n", "build\tk=\"unterminated\n",
                     "build\tk=a b\n", "build\tk y=1\n", "build\t\"\\q\"=1\n", "dep\ta\tb\n=>\tc\td\n"] {
            expectFormatError(GoBytes.elf(buildinfo: GoBytes.inline(version: "go1.20", modinfo: GoBytes.framed(text))), "modinfo \(text.debugDescription)")
        }
    }

    @Test("modinfo without its sentinels is ignored, as debug/buildinfo does")
    func unframed() throws {
        let bytes = GoBytes.elf(buildinfo: GoBytes.inline(version: "go1.20", modinfo: Array("path\tx\nmod\tm\tv1\n".utf8)))
        let info = try #require(try GoBytes.read(bytes)?.buildInfo)
        #expect(info.goVersion == "go1.20")
        #expect(info.path == nil && info.main == nil)
    }

    @Test("pclntab lies")
    func pclntab() {
        let names = ["runtime.main", "main.main"], files = ["/a.go"]
        let ok = GoBytes.modern(magic: 0xffff_fff1, names: names, files: files)
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: GoBytes.modern(magic: 0xffff_fff1, names: names, files: files, nfunc: 1 << 40)),
                          "nfunc huge", field: "nfunc")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: GoBytes.modern(magic: 0xffff_fff1, names: names, files: files, patch: [3: 1 << 20])),
                          "funcnameOffset past end", field: "funcnameOffset")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: GoBytes.modern(magic: 0xffff_fff1, names: names, files: files, patch: [6: 70])),
                          "offsets out of order", field: "pctabOffset")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: GoBytes.modern(magic: 0xffff_fff1, names: names, files: files, patch: [7: UInt64.max])),
                          "pclnOffset 2^64-1", field: "pclnOffset")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: GoBytes.modern(magic: 0xffff_fff1, names: names, files: files, patch: [1: 1 << 30])),
                          "nfiles huge", field: "nfiles")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: Array(ok.prefix(12))), "truncated header")
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: Array(ok.prefix(40))), "header words past the end")
        var q = ok
        q[6] = 3
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: q), "quantum 3", field: "minLC")
        var magic = ok
        magic[0] = 0xf5
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: magic), "unknown magic", field: "magic")
        // Go 1.2 format: nfunc huge; file table offset past end; funcoff past end; nameoff past end.
        var g = GoBytes.go12(names: names, files: files)
        var t = g
        t.replaceSubrange(8..<16, with: Bytes.word(1 << 60, 8, .little))
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: t), "1.2 nfunc huge", field: "nfunc")
        t = g
        t.replaceSubrange(56..<60, with: Bytes.word(0xffff_ff00, 4, .little))
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: t), "1.2 file table offset", field: "filetab")
        t = g
        t.replaceSubrange(24..<32, with: Bytes.word(1 << 50, 8, .little))
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: t), "1.2 funcoff past end", field: "funcoff")
        g[60 + 8] = 0xff; g[60 + 9] = 0xff; g[60 + 10] = 0xff   // first _func nameoff
        expectFormatError(GoBytes.elf(buildinfo: nil, pclntab: g), "1.2 nameoff past end", field: "name")
    }

    @Test("a searched-for table that does not validate is skipped, not trusted")
    func searchSkipsFakes() throws {
        // A fake header (nfunc huge) before the real table, no section headers.
        let fake = GoBytes.modern(magic: 0xffff_fff1, names: ["x.y"], files: [], nfunc: 1 << 40)
        let real = GoBytes.modern(magic: 0xffff_fff1, names: ["runtime.main", "main.main"], files: [])
        let bytes = GoBytes.elf(buildinfo: GoBytes.inline(version: "go1.21.0", modinfo: []), pclntab: Bytes.pad(fake, to: 128) + real,
                                sections: false)
        let f = try #require(try GoBytes.read(bytes))
        #expect(f.packages == ["main", "runtime"])
    }

    @Test("TestBinaries/hostile: no crash; the Go fixtures fail where EXPECTED.tsv says")
    func fixtures() throws {
        let dir = TestPaths.hostile
        let expected = (try? String(contentsOf: dir.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)) ?? ""
        var rows: [String: (offset: UInt64, field: String)] = [:]
        for line in expected.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            if f.count >= 4, let off = UInt64(f[2].dropFirst(2), radix: 16) { rows[f[0]] = (off, f[3]) }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in files.sorted() {
            guard let f = try? MappedFile(path: dir.appendingPathComponent(name).path) else { continue }
            let result = Result { try GoReader.read(view: f.view) }
            if name.hasPrefix("gobuildinfo-") || name.hasPrefix("gopclntab-") {
                guard case .failure(let e as FormatError) = result else {
                    Issue.record("\(name): expected a FormatError, got \(result)")
                    continue
                }
                if let row = rows[name] {
                    #expect(e.offset == row.offset, "\(name): \(e)")
                    #expect(e.field == row.field, "\(name): \(e)")
                }
            } else if case .failure(let e) = result {
                #expect(e is FormatError, "\(name): \(e)")
            }
        }
        #expect(files.contains("gopclntab-past-end.elf"))
    }
}

@Suite("strconv.Unquote")
struct StrconvTests {
    @Test("accepted", arguments: [
        (#""""#, ""), (#""a b""#, "a b"), (#""\"q\"""#, "\"q\""), (#""\t\n\\""#, "\t\n\\"), (#""\x41\101\u00e9\U0001F600""#, "AAé😀"),
        ("`raw \\n`", "raw \\n"), ("`a\rb`", "ab"), (#""é""#, "é"), ("'x'", "x"), (#"'\''"#, "'"),
    ])
    func accepted(_ c: (String, String)) {
        #expect(GoStrconv.unquote(c.0) == c.1)
    }

    @Test("rejected", arguments: [
        "", "\"", "\"abc", "abc\"", "\"a\"b", "\"\\q\"", "\"\\x4\"", "\"\\400\"", "\"\\uD800\"", "\"\\U00110000\"", "\"a\nb\"",
        "`abc", "\"\\'\"", "'\\\"'", "'ab'",
    ])
    func rejected(_ s: String) {
        #expect(GoStrconv.unquote(s) == nil)
    }

    @Test("invalid UTF-8 inside quotes becomes U+FFFD, as Go does")
    func invalidUTF8() {
        #expect(GoStrconv.unquote([0x22, 0xff, 0x22]) == Array("\u{FFFD}".utf8))
    }
}
