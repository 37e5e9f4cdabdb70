import Foundation
import Testing
import TestSupport
@testable import Archive

/// gzip (one member and concatenated), zstd and plain streams, decompressed by magic, equal
/// the original; truncated and corrupt streams are errors naming the compressed offset; the
/// size cap stops a bomb; memory stays fixed whatever the size.
@Suite struct DecompressTests {
    /// Compressible but not trivial: runs (of `runs` bytes) of random bytes (of `values`).
    static func original(_ count: Int, values: ClosedRange<UInt8> = 0...255, runs: ClosedRange<Int> = 1...40) -> [UInt8] {
        var rng = SeededRNG(seed: UInt64(count))
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            let b = UInt8.random(in: values, using: &rng)
            out += [UInt8](repeating: b, count: min(Int.random(in: runs, using: &rng), count - out.count))
        }
        return out
    }

    @Test(arguments: [
        ("plain", "cp in out"),
        ("gzip", "gzip -c in > out"),
        ("gzip -9 concatenated", "head -c 700000 in | gzip -c > a.gz && tail -c +700001 in | gzip -9 -c > b.gz && cat a.gz b.gz > out"),
        ("pigz", "pigz -c in > out || gzip -c in > out"),
        ("zstd", "zstd -q -c in > out"),
        ("zstd concatenated", "head -c 1000 in | zstd -q -c > a.zst && tail -c +1001 in | zstd -q -19 -c > b.zst && cat a.zst b.zst > out"),
    ])
    func roundTrip(kind: String, command: String) throws {
        let tmp = try TempDir("z")
        let data = Self.original(2_000_000)
        try tmp.write("in", data)
        try sh(command, cwd: tmp.path)
        for chunk in [1, 511, 256 << 10] {
            let z = try DecompressingStream(FileStream(path: tmp.file("out"), name: "layer \(kind)"))
            let expected: Compression = kind.hasPrefix("plain") ? .none : kind.hasPrefix("zstd") ? .zstd : .gzip
            #expect(z.compression == expected)
            let got = try drain(z, chunk: chunk)
            #expect(got.count == data.count, "\(kind), chunk \(chunk)")
            #expect(got == data, "\(kind), chunk \(chunk)")
            #expect(z.position == UInt64(data.count))
        }
    }

    /// A plain stream skips through its source (a seek on a file), within the cap.
    @Test func plainSkipSeeks() throws {
        let tmp = try TempDir("pskip")
        let data = Self.original(100_000)
        try tmp.write("f", data)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 16)
        defer { scratch.deallocate() }
        let z = try DecompressingStream(FileStream(path: tmp.file("f")))
        #expect(try z.skip(2, scratch: scratch) == 2)         // from the sniffed bytes
        #expect(try z.skip(50_000, scratch: scratch) == 50_000) // 16 bytes of scratch: it seeked
        #expect(try drain(z) == Array(data[50_002...]))
        #expect(try z.skip(10, scratch: scratch) == 0)
        let capped = try DecompressingStream(FileStream(path: tmp.file("f")), limits: DecompressionLimits(maxDecompressedBytes: 1000))
        let e = try #require(archiveError { _ = try capped.skip(5000, scratch: scratch) })
        #expect(e.problem.contains("exceeds the cap of 1000 bytes"), "\(e)")
    }

    @Test func emptyAndTinyStreamsArePlain() throws {
        for bytes: [UInt8] in [[], [0x1f], [0x28, 0xb5, 0x2f]] {
            let z = try DecompressingStream(MemoryStream(bytes, name: "tiny"))
            #expect(z.compression == .none)
            let got = try drain(z)
            #expect(got == bytes, "\(bytes) read as \(got)")
        }
    }

    static func compressed(_ tool: String, _ data: [UInt8]) throws -> [UInt8] {
        let tmp = try TempDir("c")
        try tmp.write("in", data)
        try sh("\(tool) < in > out", cwd: tmp.path)
        return try bytes(tmp.file("out"))
    }

    @Test(arguments: ["gzip -c", "zstd -q -c"])
    func truncatedStreams(tool: String) throws {
        let full = try Self.compressed(tool, Self.original(500_000))
        for cut in [full.count / 3, full.count - 5, 6] {
            let z = try DecompressingStream(MemoryStream(Array(full.prefix(cut)), name: "layer T"))
            let e = try #require(archiveError { _ = try count(z) })
            #expect(e.location == "layer T")
            #expect(e.problem.contains("truncated"), "\(e)")
            #expect(e.problem.contains("compressed offset"), "\(e)")
            #expect(e.offset.map { $0 <= UInt64(cut) } == true, "\(e)")
        }
    }

    @Test(arguments: ["gzip -c", "zstd -q -c"])
    func corruptStreams(tool: String) throws {
        var bad = try Self.compressed(tool, Self.original(500_000))
        for i in stride(from: 20, to: bad.count - 20, by: 97) { bad[i] ^= 0x5a }
        let z = try DecompressingStream(MemoryStream(bad, name: "layer C"))
        let e = try #require(archiveError { _ = try count(z) })
        #expect(e.problem.contains("corrupt") || e.problem.contains("truncated"), "\(e)")
        #expect(e.problem.contains("compressed offset"), "\(e)")
    }

    /// A frame that asks for a 256 MiB window is refused by the default cap (2^27), read with
    /// a raised one.
    @Test func zstdWindowCap() throws {
        let data = Self.original(1000)
        let packed = try Self.compressed("zstd -q --long=28 -c", data)
        let z = try DecompressingStream(MemoryStream(packed, name: "layer W"))
        let e = try #require(archiveError { _ = try count(z) })
        #expect(e.problem.contains("larger than the cap of 2^27 bytes"), "\(e)")
        let raised = try DecompressingStream(MemoryStream(packed, name: "layer W"), limits: DecompressionLimits(maxZstdWindowLog: 28))
        #expect(try drain(raised) == data)
    }

    @Test func garbageAfterGzipMember() throws {
        let good = try Self.compressed("gzip -c", Array("hello".utf8))
        let z = try DecompressingStream(MemoryStream(good + Array("junk".utf8), name: "layer G"))
        let e = try #require(archiveError { _ = try count(z) })
        #expect(e.problem.contains("is not another gzip member"), "\(e)")
        #expect(e.offset == UInt64(good.count))
    }

    @Test(arguments: ["gzip -c", "zstd -q -c", "cat"])
    func capStopsOutput(tool: String) throws {
        let data = [UInt8](repeating: 0, count: 10 << 20)
        let packed = try Self.compressed(tool, data)
        let limits = DecompressionLimits(maxDecompressedBytes: 1 << 20)
        let z = try DecompressingStream(MemoryStream(packed, name: "layer X"), limits: limits)
        let e = try #require(archiveError { _ = try count(z) })
        #expect(e.description == "layer X: decompressed size exceeds the cap of 1048576 bytes (a decompression bomb?)")
        // Exactly the cap is fine.
        let exact = try DecompressingStream(MemoryStream(packed, name: "layer X"), limits: DecompressionLimits(maxDecompressedBytes: 10 << 20))
        #expect(try count(exact) == 10 << 20)
    }

    /// 3 GiB of zeros in a zstd file of about 100 KiB: refused by a lowered cap, and read to
    /// its end in constant memory (the peak resident set grows by far less than the data).
    @Test func zeroBombInConstantMemory() throws {
        let tmp = try TempDir("bomb")
        let size: UInt64 = 3 << 30
        try sh("head -c \(size) /dev/zero | zstd -q -1 -c > bomb.zst", cwd: tmp.path)
        let packed = try FileManager.default.attributesOfItem(atPath: tmp.file("bomb.zst"))[.size] as? Int ?? 0
        #expect(packed < 1 << 20)

        let capped = try DecompressingStream(FileStream(path: tmp.file("bomb.zst"), name: "layer B"),
                                             limits: DecompressionLimits(maxDecompressedBytes: 1 << 30))
        let e = try #require(archiveError { _ = try count(capped) })
        #expect(e.problem.contains("exceeds the cap of 1073741824 bytes"), "\(e)")
        #expect(capped.position == (1 << 30) + 1 || capped.position > 1 << 30)

        let before = peakRSS()
        let z = try DecompressingStream(FileStream(path: tmp.file("bomb.zst"), name: "layer B"))
        #expect(try count(z) == size)
        let grew = peakRSS() - before
        #expect(grew < 256 << 20, "peak RSS grew by \(grew >> 20) MiB reading 3 GiB")
    }
}
