import Foundation
import Testing
import TestSupport
@testable import Archive

/// Hostile and broken tar streams, made at test time: each is refused with an error that names
/// the member or the offset, or read as the format says (never a crash, never a guess).
@Suite struct TarHostileTests {
    /// A ustar header block for `name` (checksum filled in), as Python's tarfile writes it.
    static func header(_ name: String, size: Int, type: UInt8 = UInt8(ascii: "0"), sizeField: String? = nil) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, _ at: Int) { for (i, c) in s.utf8.enumerated() { b[at + i] = c } }
        put(name, 0)
        put("0000644\0", 100)
        put("0000000\0", 108)
        put("0000000\0", 116)
        put(sizeField ?? (String(String(size, radix: 8)).leftPad(11) + "\0"), 124)
        put("00000000000\0", 136)
        b[156] = type
        put("ustar\0", 257)
        put("00", 263)
        fixChecksum(&b)
        return b
    }

    static func fixChecksum(_ b: inout [UInt8], signed: Bool = false) {
        for i in 148..<156 { b[i] = 0x20 }
        let sum = signed ? b.reduce(0) { $0 + Int(Int8(bitPattern: $1)) } : b.reduce(0) { $0 + Int($1) }
        let s = String(String(sum, radix: 8)).leftPad(6) + "\0 "
        for (i, c) in s.utf8.enumerated() { b[148 + i] = c }
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    static let end = [UInt8](repeating: 0, count: 1024)

    static func reader(_ bytes: [UInt8], limits: TarLimits = .init()) -> TarReader {
        TarReader(MemoryStream(bytes, name: "layer L"), limits: limits)
    }

    /// Reads every member and its data; returns the error.
    static func readAll(_ r: TarReader) -> ArchiveError? {
        archiveError {
            while let _ = try r.next() { _ = try r.readData(cap: 1 << 20) }
        }
    }

    static func pax(_ records: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (k, v) in records {
            let body = " \(k)=\(v)\n"
            var n = body.utf8.count + 1
            while String(n).utf8.count + body.utf8.count != n { n += 1 }
            out += Array((String(n) + body).utf8)
        }
        return out
    }

    @Test func badChecksum() throws {
        var h = Self.header("file", size: 3)
        h[0] ^= 0x01
        let e = try #require(Self.readAll(Self.reader(h + Self.padded([1, 2, 3]) + Self.end)))
        #expect(e.location == "layer L")
        #expect(e.offset == 0)
        #expect(e.problem.contains("bad header checksum"), "\(e)")
    }

    @Test func signedChecksumAccepted() throws {
        var h = Self.header("caf\u{e9}", size: 0)   // a byte past 0x7f: the two sums differ
        Self.fixChecksum(&h, signed: true)
        let r = Self.reader(h + Self.end)
        #expect(try r.next()?.name == "caf\u{e9}")
        #expect(try r.next() == nil)
    }

    @Test func sizePastTheEndNamesTheMember() throws {
        let e = try #require(Self.readAll(Self.reader(Self.header("usr/bin/liar", size: 10_000) + [UInt8](repeating: 7, count: 100))))
        #expect(e.problem.contains("member \"usr/bin/liar\" is truncated"), "\(e)")
        #expect(e.problem.contains("10000 bytes"), "\(e)")
        // Skipped rather than read: the same error from next().
        let r = Self.reader(Self.header("usr/bin/liar", size: 10_000) + [UInt8](repeating: 7, count: 100))
        _ = try r.next()
        let e2 = try #require(archiveError { _ = try r.next() })
        #expect(e2.problem.contains("usr/bin/liar"), "\(e2)")
    }

    @Test func paxSizeLying() throws {
        let records = Self.pax([("path", "etc/shadow"), ("size", "99999")])
        let bytes = Self.header("PaxHeaders/x", size: records.count, type: UInt8(ascii: "x")) + Self.padded(records)
            + Self.header("short", size: 5) + Self.padded([1, 2, 3, 4, 5]) + Self.end
        let r = Self.reader(bytes)
        let entry = try #require(try r.next())
        #expect(entry.name == "etc/shadow")
        #expect(entry.size == 99999)
        #expect(entry.format == .pax)
        let e = try #require(archiveError { _ = try r.readData(cap: 1 << 20) })
        #expect(e.problem.contains("member \"etc/shadow\" is truncated"), "\(e)")
    }

    @Test func paxPathWithNUL() throws {
        let records = Self.pax([("path", "a\0b")])
        let bytes = Self.header("PaxHeaders/x", size: records.count, type: UInt8(ascii: "x")) + Self.padded(records)
            + Self.header("x", size: 0) + Self.end
        let e = try #require(Self.readAll(Self.reader(bytes)))
        #expect(e.problem.contains("NUL"), "\(e)")
    }

    @Test func malformedPAXRecord() throws {
        let records = Array("99 path=x\n".utf8)
        let bytes = Self.header("PaxHeaders/x", size: records.count, type: UInt8(ascii: "x")) + Self.padded(records)
            + Self.header("x", size: 0) + Self.end
        let e = try #require(Self.readAll(Self.reader(bytes)))
        #expect(e.problem.contains("PAX"), "\(e)")
    }

    @Test func globalPAXIgnored() throws {
        let records = Self.pax([("path", "ignored"), ("comment", "hi")])
        let bytes = Self.header("pax_global_header", size: records.count, type: UInt8(ascii: "g")) + Self.padded(records)
            + Self.header("real", size: 0) + Self.end
        let r = Self.reader(bytes)
        #expect(try r.next()?.name == "real")
        #expect(try r.next() == nil)
    }

    @Test func dotDotMemberIsRefusedByName() throws {
        let tmp = try TempDir("dotdot")
        try python("""
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
            for name in ["ok/file", "../../etc/passwd", "/etc/shadow", "./a//b/./c", ".", "./"]:
                i = tarfile.TarInfo(name); i.size = 2
                t.addfile(i, io.BytesIO(b"hi"))
        """, [tmp.file("h.tar")])
        let r = TarReader(try FileStream(path: tmp.file("h.tar"), name: "layer H"))
        var paths: [String?] = []
        var failures: [ArchiveError] = []
        while let e = try r.next() {
            do { paths.append(try r.path(of: e)) } catch { failures.append(error) }
        }
        #expect(paths == ["ok/file", "etc/shadow", "a/b/c", nil, nil])
        let f = try #require(failures.first)
        #expect(failures.count == 1)
        #expect(f.description.hasPrefix("layer H: member \"../../etc/passwd\""), "\(f)")
        #expect(f.problem.contains("refused, not clamped"), "\(f)")
    }

    @Test func garbageAfterTheEndIsNotRead() throws {
        let bytes = Self.header("a", size: 1) + Self.padded([9]) + Self.end + Array("garbage, not a header".utf8) + [UInt8](repeating: 0xff, count: 600)
        let r = Self.reader(bytes)
        #expect(try r.next()?.name == "a")
        #expect(try r.next() == nil)
        #expect(try r.next() == nil)
        #expect(r.position == 2048)
    }

    @Test func zeroBlockThenHeaderIsAnError() throws {
        let bytes = Self.header("a", size: 0) + [UInt8](repeating: 0, count: 512) + Self.header("b", size: 0) + Self.end
        let e = try #require(Self.readAll(Self.reader(bytes)))
        #expect(e.offset == 1024)
        #expect(e.problem.contains("zero block at offset 512"), "\(e)")
    }

    @Test func endsWithOneZeroBlockOrNone() throws {
        let one = Self.header("a", size: 0) + [UInt8](repeating: 0, count: 512)
        let none = Self.header("a", size: 0)
        for bytes in [one, none] {
            let r = Self.reader(bytes)
            #expect(try r.next()?.name == "a")
            #expect(try r.next() == nil)
        }
        let partial = Self.header("a", size: 0) + [UInt8](repeating: 1, count: 100)
        let e = try #require(Self.readAll(Self.reader(partial)))
        #expect(e.problem.contains("inside a header block at offset 512"), "\(e)")
    }

    @Test func headerOnlyTypesCarryNoData() throws {
        // A symlink and a directory claiming 1000 bytes: the next header follows at once.
        let bytes = Self.header("l", size: 1000, type: UInt8(ascii: "2")) + Self.header("d/", size: 1000, type: UInt8(ascii: "5"))
            + Self.header("old-dir/", size: 1000, type: 0) + Self.header("f", size: 1) + Self.padded([1]) + Self.end
        let r = Self.reader(bytes)
        var seen: [(String, TarType, UInt64)] = []
        while let e = try r.next() { seen.append((e.name, e.type, e.size)) }
        #expect(seen.map(\.0) == ["l", "d/", "old-dir/", "f"])
        #expect(seen.map(\.1) == [.symlink, .directory, .directory, .regular])
        #expect(seen.map(\.2) == [0, 0, 0, 1])
    }

    @Test func metadataCap() throws {
        let long = Array(String(repeating: "n", count: 300).utf8)
        let bytes = Self.header("././@LongLink", size: long.count + 1, type: UInt8(ascii: "L")) + Self.padded(long + [0])
            + Self.header("short", size: 0) + Self.end
        #expect(try Self.reader(bytes).next()?.name == String(repeating: "n", count: 300))
        let e = try #require(Self.readAll(Self.reader(bytes, limits: TarLimits(maxMetadataBytes: 200))))
        #expect(e.problem.contains("more than the cap of 200"), "\(e)")
        let e2 = try #require(Self.readAll(Self.reader(bytes, limits: TarLimits(maxNameBytes: 255))))
        #expect(e2.problem.contains("longer than the cap of 255 bytes"), "\(e2)")
    }

    @Test func entryCap() throws {
        var bytes: [UInt8] = []
        for i in 0..<10 { bytes += Self.header("f\(i)", size: 0) }
        bytes += Self.end
        let e = try #require(Self.readAll(Self.reader(bytes, limits: TarLimits(maxEntries: 5))))
        #expect(e.problem.contains("more than the cap of 5 headers"), "\(e)")
        #expect(Self.readAll(Self.reader(bytes, limits: TarLimits(maxEntries: 10))) == nil)
    }

    @Test func readDataCap() throws {
        let r = Self.reader(Self.header("f", size: 2000) + Self.padded([UInt8](repeating: 1, count: 2000)) + Self.end)
        _ = try r.next()
        let e = try #require(archiveError { _ = try r.readData(cap: 1000) })
        #expect(e.problem.contains("more than the cap of 1000 bytes"), "\(e)")
        #expect(try r.readData(cap: 2000).count == 2000)
    }

    @Test func badNumbers() throws {
        let bytes = Self.header("f", size: 0, sizeField: "12x4\0\0\0\0\0\0\0\0") + Self.end
        let e = try #require(Self.readAll(Self.reader(bytes)))
        #expect(e.problem.contains("size field is not a number"), "\(e)")
        // Base-256, negative: refused.
        var neg = Self.header("f", size: 0)
        for i in 124..<136 { neg[i] = 0xff }
        Self.fixChecksum(&neg)
        let e2 = try #require(Self.readAll(Self.reader(neg + Self.end)))
        #expect(e2.problem.contains("negative size"), "\(e2)")
    }

    @Test func gnuSparseRefused() throws {
        let tmp = try TempDir("sparse")
        try sh("truncate -s 4M sparse && printf x | dd of=sparse bs=1 seek=2000000 conv=notrunc 2>/dev/null && tar --format=gnu --sparse -cf s.tar sparse && tar --format=pax --sparse -cf p.tar sparse", cwd: tmp.path)
        for f in ["s.tar", "p.tar"] {
            let e = try #require(Self.readAll(TarReader(try FileStream(path: tmp.file(f)))))
            #expect(e.problem.contains("sparse files"), "\(e)")
            #expect(e.problem.contains("sparse\""), "\(e)")
        }
    }

    @Test func truncatedPadding() throws {
        let bytes = Self.header("f", size: 3) + [1, 2, 3, 0, 0]
        let r = Self.reader(bytes)
        _ = try r.next()
        #expect(try r.readData(cap: 10) == [1, 2, 3])
        let e = try #require(archiveError { _ = try r.next() })
        #expect(e.problem.contains("inside the padding after member \"f\""), "\(e)")
    }

    /// With `endAtTruncatedPadding` (what the image reader asks for layers, as Go reads them),
    /// the same stream ends after "f"; data cut short is still an error.
    @Test func truncatedPaddingEndsTheArchiveWhenAsked() throws {
        var limits = TarLimits()
        limits.endAtTruncatedPadding = true
        for bytes in [Self.header("f", size: 3) + [1, 2, 3, 0, 0], Self.header("f", size: 3) + [1, 2, 3]] {
            let r = Self.reader(bytes, limits: limits)
            #expect(try r.next()?.name == "f")
            #expect(try r.readData(cap: 10) == [1, 2, 3])
            #expect(try r.next() == nil)
        }
        let short = Self.reader(Self.header("f", size: 600) + [1, 2, 3], limits: limits)
        _ = try short.next()
        let e = try #require(archiveError { _ = try short.next() })
        #expect(e.problem.contains("is truncated"), "\(e)")
    }

    @Test func metaHeaderAtTheEnd() throws {
        let long = Array("name".utf8)
        let bytes = Self.header("././@LongLink", size: long.count, type: UInt8(ascii: "L")) + Self.padded(long)
        let e = try #require(Self.readAll(Self.reader(bytes)))
        #expect(e.problem.contains("before the member it describes"), "\(e)")
    }

    /// Random bytes and random damage to a real archive: errors or entries, never a crash.
    @Test func noCrashOnDamage() throws {
        var rng = SeededRNG(seed: 42)
        var base: [UInt8] = []
        base += Self.header("a", size: 700) + Self.padded([UInt8](repeating: 3, count: 700))
        let records = Self.pax([("path", String(repeating: "p", count: 150)), ("size", "10")])
        base += Self.header("P", size: records.count, type: UInt8(ascii: "x")) + Self.padded(records)
        base += Self.header("b", size: 10) + Self.padded([UInt8](repeating: 4, count: 10)) + Self.end
        for _ in 0..<2000 {
            var b = base
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                b[i] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng))) }
            // Re-checksum sometimes, so that damage gets past the checksum into the fields.
            if Bool.random(using: &rng), b.count >= 512 { var h = Array(b[0..<512]); Self.fixChecksum(&h); b.replaceSubrange(0..<512, with: h) }
            _ = Self.readAll(Self.reader(b))
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}
