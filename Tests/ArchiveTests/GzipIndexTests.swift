import Foundation
import Testing
import TestSupport
@testable import Archive

/// Access points into gzip streams (zran's method): recorded by one forward read, a read resumed
/// at any point gives exactly the bytes of a read from the start — across members (a resumed
/// member's trailer is passed over, the next member's header read in gzip mode again), at
/// points with and without primed bits — and the budget bounds the windows held.
@Suite struct GzipIndexTests {
    /// gzip streams of `data` made by real tools: one member (default and -1: short blocks,
    /// many unaligned boundaries), three concatenated members of different levels, pigz.
    static let makers = [
        ("gzip", "gzip -c in > out"),
        ("gzip -1", "gzip -1 -c in > out"),
        ("three members", "head -c 1500000 in | gzip -c > a.gz && head -c 2600000 in | tail -c 1100000 | gzip -9 -c > b.gz && tail -c +2600001 in | gzip -1 -c > c.gz && cat a.gz b.gz c.gz > out"),
        ("pigz", "pigz -c in > out || gzip -c in > out"),
    ]

    /// Compressible, but less than DecompressTests' default: short runs of a small alphabet, so
    /// deflate blocks hold tens of KB of output, not hundreds.
    static func original(_ count: Int) -> [UInt8] {
        DecompressTests.original(count, values: 0...31, runs: 1...3)
    }

    static func indexed(_ command: String, span: UInt64, budget: IndexBudget = IndexBudget()) throws -> (data: [UInt8], file: TempDir, index: GzipIndex) {
        let tmp = try TempDir("gzidx")
        let data = Self.original(4_000_000)
        try tmp.write("in", data)
        try sh(command, cwd: tmp.path)
        let index = GzipIndex(span: span, budget: budget)
        let z = try DecompressingStream(FileStream(path: tmp.file("out")), index: index)
        // Read in odd pieces, as a tar reader does: the points must not depend on them.
        let all = try drain(z, chunk: 4093)
        #expect(all == data)
        return (data, tmp, index)
    }

    /// Bytes `count` at decompressed `offset`, read by resuming at the index's nearest point.
    static func resumedRead(_ file: String, index: GzipIndex, offset: UInt64, count: Int) throws -> (bytes: [UInt8], from: UInt64) {
        let point = try #require(index.point(atOrBefore: offset))
        let size = UInt64(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0)
        let from = point.input - (point.bits > 0 ? 1 : 0)
        let rf = try ReadOnlyFile(path: file)
        let z = try DecompressingStream(resuming: point, from: FileRangeStream(rf, offset: from, count: size - from))
        #expect(z.position == point.out)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { scratch.deallocate() }
        #expect(try z.skip(offset - point.out, scratch: scratch) == offset - point.out)
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { buf.deallocate() }
        var got = 0
        while got < count {
            let n = try z.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[got...]))
            if n == 0 { break }
            got += n
        }
        return (Array(buf[0..<got]), point.out)
    }

    @Test(arguments: makers)
    func resumedReadsEqualTheData(kind: String, command: String) throws {
        let (data, tmp, index) = try Self.indexed(command, span: 256 << 10)
        #expect(index.points.count >= 10, "\(kind): \(index.points.count) points")
        #expect(index.points.first?.out == 0)
        // Some boundary falls inside a byte: resuming there needs inflatePrime.
        #expect(index.points.contains { $0.bits > 0 }, "\(kind): no point with bits")
        for (a, b) in zip(index.points, index.points.dropFirst()) {
            #expect(b.out >= a.out + index.span && b.input > a.input)
        }
        // At every point, just after it, in the middle of spans, across member boundaries
        // (1,500,000 and 2,600,000) and to the very end.
        var offsets: [UInt64] = index.points.map(\.out) + index.points.map { $0.out + 1 }
        offsets += [1_499_990, 1_500_000, 2_599_000, 3_333_333, UInt64(data.count) - 1000]
        for offset in offsets where offset < UInt64(data.count) {
            let count = min(100_000, data.count - Int(offset))
            let (bytes, from) = try Self.resumedRead(tmp.file("out"), index: index, offset: offset, count: count)
            #expect(bytes == Array(data[Int(offset)..<Int(offset) + count]), "\(kind): offset \(offset) resumed at \(from)")
            if offset >= 2 * index.span { #expect(from > 0, "\(kind): offset \(offset) read from the start") }
        }
        // Read from a late point to the end: the stream ends cleanly after the last member.
        let last = try #require(index.points.last)
        let (tail, _) = try Self.resumedRead(tmp.file("out"), index: index, offset: last.out, count: data.count)
        #expect(tail == Array(data[Int(last.out)...]))
    }

    /// A small budget: the index thins itself (span doubles), keeps within the budget, and
    /// its points still resume correctly; a second index sharing the budget thins the denser.
    @Test func theBudgetBoundsThePoints() throws {
        let budget = IndexBudget(maxBytes: 8 * (32 << 10 + 64))
        let (data, tmp, index) = try Self.indexed("gzip -c in > out", span: 64 << 10, budget: budget)
        #expect(budget.used <= budget.maxBytes)
        #expect(index.points.count <= 8 && index.points.count >= 4, "\(index.points.count) points")
        #expect(index.span > 64 << 10)
        for p in index.points.dropFirst() {
            let (bytes, _) = try Self.resumedRead(tmp.file("out"), index: index, offset: p.out + 7, count: 5000)
            #expect(bytes == Array(data[Int(p.out) + 7..<Int(p.out) + 5007]))
        }
        let spanBefore = index.span
        let (_, _, second) = try Self.indexed("gzip -c in > out", span: 64 << 10, budget: budget)
        #expect(budget.used <= budget.maxBytes)
        #expect(second.points.count >= 2)
        #expect(index.span >= spanBefore)
    }

    /// A stream cut inside its last member, resumed near its end: the truncation error.
    @Test func aTruncatedStreamResumedIsAnError() throws {
        let (_, tmp, index) = try Self.indexed("gzip -c in > out", span: 256 << 10)
        let size = try FileManager.default.attributesOfItem(atPath: tmp.file("out"))[.size] as? Int ?? 0
        try sh("head -c \(size - 20) out > cut", cwd: tmp.path)
        let point = try #require(index.points.last)
        let from = point.input - (point.bits > 0 ? 1 : 0)
        let rf = try ReadOnlyFile(path: tmp.file("cut"))
        let z = try DecompressingStream(resuming: point, from: FileRangeStream(rf, offset: from, count: UInt64(size - 20) - from))
        let e = try #require(archiveError { _ = try drain(z) })
        #expect(e.problem.contains("truncated gzip stream"), "\(e)")
    }
}
