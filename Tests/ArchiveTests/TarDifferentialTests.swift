import Foundation
import Testing
import TestSupport
@testable import Archive

/// Archives made by GNU tar (ustar, gnu, pax, v7) and Python's tarfile, listed by our reader
/// and by Python's tarfile: every entry's name, type, size, link name and data digest agree.
@Suite struct TarDifferentialTests {
    /// A tree with the cases that differ between formats: names past 100 and 255 bytes, a long
    /// symlink target, a hard link, empty and 512-byte files, directories.
    static func makeTree(_ root: String, long: Bool) throws {
        let fm = FileManager.default
        func write(_ rel: String, _ count: Int, _ seed: UInt8) throws {
            let url = URL(fileURLWithPath: root).appendingPathComponent(rel)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }).write(to: url)
        }
        try write("empty", 0, 0)
        try write("block", 512, 1)
        try write("odd", 1000, 2)
        try write("big.bin", 300_000, 3)
        try write("dir/sub/file.txt", 77, 4)
        try fm.createDirectory(atPath: root + "/emptydir", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/dir/link", withDestinationPath: "sub/file.txt")
        try fm.linkItem(atPath: root + "/odd", toPath: root + "/dir/hard")
        // 150 bytes: ustar splits it into prefix and name.
        let mid = String(repeating: "m", count: 60) + "/" + String(repeating: "n", count: 60) + "/" + String(repeating: "o", count: 27)
        try write(mid, 10, 5)
        if long {
            // Past ustar's limits: a 120-byte component, a 300-byte path, a 200-byte link target.
            try write(String(repeating: "a", count: 120), 5, 6)
            let deep = (0..<3).map { String(repeating: Character(UnicodeScalar(UInt8(ascii: "p") + UInt8($0))), count: 99) }.joined(separator: "/")
            try write(deep + "/deepfile", 600, 7)
            try fm.createSymbolicLink(atPath: root + "/longlink", withDestinationPath: String(repeating: "t", count: 200))
            try fm.linkItem(atPath: root + "/" + deep + "/deepfile", toPath: root + "/hard-to-deep")
        }
    }

    static func compare(_ archive: String) throws {
        let ours = try list(TarReader(FileStream(path: archive))).map(\.1)
        let theirs = try pythonListing(archive)
        #expect(ours.count == theirs.count, "\(archive): \(ours.count) entries, Python lists \(theirs.count)")
        for (a, b) in zip(ours, theirs) {
            #expect(a == b, "\(archive)")
        }
        #expect(!ours.isEmpty)
    }

    @Test(arguments: ["ustar", "gnu", "pax", "v7", "oldgnu", "posix"])
    func gnuTar(format: String) throws {
        let tmp = try TempDir("gnu-\(format)")
        let long = format != "ustar" && format != "v7"
        try Self.makeTree(tmp.file("tree"), long: long)
        // v7 has no room for a 150-byte name.
        if format == "v7" { try FileManager.default.removeItem(atPath: tmp.file("tree/" + String(repeating: "m", count: 60))) }
        try sh("tar --format=\(format) -cf ../out.tar .", cwd: tmp.file("tree"))
        try Self.compare(tmp.file("out.tar"))
        // Absolute-looking names too: GNU tar writes ./ prefixes here; -P with a full path writes /.
        try sh("tar --format=\(format) -P -cf out-abs.tar \(tmp.file("tree"))/dir", cwd: tmp.path)
        try Self.compare(tmp.file("out-abs.tar"))
    }

    @Test(arguments: ["USTAR_FORMAT", "GNU_FORMAT", "PAX_FORMAT"])
    func pythonTarfile(format: String) throws {
        let tmp = try TempDir("py-\(format)")
        try Self.makeTree(tmp.file("tree"), long: format != "USTAR_FORMAT")
        try python("""
        import os, sys, tarfile
        with tarfile.open(sys.argv[1], "w", format=tarfile.\(format)) as t:
            for d, dirs, files in sorted(os.walk(sys.argv[2])):
                dirs.sort()
                for n in [d] + [os.path.join(d, f) for f in sorted(files)]:
                    t.add(n, arcname=os.path.relpath(n, sys.argv[2]), recursive=False)
        """, [tmp.file("out.tar"), tmp.file("tree")])
        try Self.compare(tmp.file("out.tar"))
    }

    /// Base-256 numbers: a uid past the 7 octal digits of the field (Python's GNU format
    /// writes it in base 256) and a large file size in base 256.
    @Test func base256Numbers() throws {
        let tmp = try TempDir("b256")
        try python("""
        import io, sys, tarfile
        with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
            i = tarfile.TarInfo("big-uid"); i.uid = 1 << 40; i.gid = 3_000_000; i.size = 3
            t.addfile(i, io.BytesIO(b"abc"))
        """, [tmp.file("b.tar")])
        let r = TarReader(try FileStream(path: tmp.file("b.tar")))
        let e = try #require(try r.next())
        #expect(e.uid == 1 << 40)
        #expect(e.gid == 3_000_000)
        #expect(try r.readData(cap: 10) == Array("abc".utf8))
        #expect(try r.next() == nil)
    }

    /// The data offset lets a later pass read a member again: by pread of the plain tar, and
    /// by decompressing again and skipping to it.
    @Test func dataOffsetsFindTheDataAgain() throws {
        let tmp = try TempDir("offsets")
        try Self.makeTree(tmp.file("tree"), long: true)
        try sh("tar --format=pax -cf ../out.tar . && gzip -k ../out.tar", cwd: tmp.file("tree"))
        let entries = try list(TarReader(FileStream(path: tmp.file("out.tar"))))
        let file = try ReadOnlyFile(path: tmp.file("out.tar"))
        var checked = 0
        for (e, l) in entries where e.type == .regular {
            let again = try drain(FileRangeStream(file, offset: e.dataOffset, count: e.size))
            #expect(SHA256.hash(again).hex == l.sha256, "\(e.name)")
            checked += 1
        }
        #expect(checked >= 6)
        let big = try #require(entries.first { $0.0.name.hasSuffix("big.bin") })
        let z = try DecompressingStream(FileStream(path: tmp.file("out.tar.gz")))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { scratch.deallocate() }
        #expect(try z.skip(big.0.dataOffset, scratch: scratch) == big.0.dataOffset)
        let head = try z.readAll(cap: Int(big.0.size) + 10_000_000).prefix(Int(big.0.size))
        #expect(SHA256.hash(Array(head)).hex == big.1.sha256)
    }

    /// Skipping members: a plain file seeks, and skipping costs no allocation per member;
    /// reading part of a member then moving on still finds the next header.
    @Test func partialReadsAndSkips() throws {
        let tmp = try TempDir("skip")
        try Self.makeTree(tmp.file("tree"), long: true)
        try sh("tar --format=gnu -cf ../out.tar .", cwd: tmp.file("tree"))
        let all = try list(TarReader(FileStream(path: tmp.file("out.tar")))).map(\.1.name)
        let r = TarReader(try FileStream(path: tmp.file("out.tar")))
        var names: [String] = []
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 7, alignment: 1)
        defer { buf.deallocate() }
        while let e = try r.next() {
            names.append(trimSlash(e.name))
            if e.size > 0 { _ = try r.read(into: buf) }   // a few bytes, the rest skipped
        }
        #expect(names == all)
        // The entry stream reads the member's data, then nothing once the reader moved on.
        let r2 = TarReader(try FileStream(path: tmp.file("out.tar")))
        while let e = try r2.next(), !e.name.hasSuffix("big.bin") {}
        let s = r2.data()
        let hashed = HashingStream(s)
        #expect(try count(hashed) == 300_000)
        _ = try r2.next()
        #expect(archiveError { _ = try s.read(into: buf) }?.problem.contains("moved to another member") == true)
    }
}
