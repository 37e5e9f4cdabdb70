import Foundation
import Testing
import TestSupport
@testable import Archive

/// SHA-256 equals sha256sum at the block-boundary sizes, in both implementations; a digest
/// mismatch is an error naming the blob and both digests.
// Serialized: one test switches the implementation (process-wide) while another reads it.
@Suite(.serialized) struct SHA256Tests {
    static let sizes = [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, (1 << 20) + 3]

    @Test(arguments: [true, false])
    func equalsSha256sum(accelerated: Bool) throws {
        let tmp = try TempDir("sha")
        var rng = SeededRNG(seed: 7)
        for size in Self.sizes {
            let data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try tmp.write("f", data)
            let expected = try sha256sum(tmp.file("f"))
            // One piece, and odd pieces that straddle blocks.
            var h = SHA256()
            data.withUnsafeBytes { b in
                if accelerated { h.update(b) } else {
                    SHA256.setAccelerated(false)
                    h.update(b)
                    SHA256.setAccelerated(true)
                }
            }
            #expect(h.finalize().hex == expected, "size \(size)")
            var pieces = SHA256()
            var i = 0
            var step = 1
            while i < data.count {
                let n = min(step, data.count - i)
                pieces.update(Array(data[i..<(i + n)]))
                i += n
                step = step * 3 % 1000 + 1
            }
            #expect(pieces.finalize().hex == expected, "size \(size) in pieces")
            let stream = HashingStream(try FileStream(path: tmp.file("f")))
            try stream.verify(expected: try #require(SHA256Digest(hex: expected)), size: UInt64(size))
        }
    }

    @Test func knownVectors() {
        #expect(SHA256.hash([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)).description == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func digestParsing() {
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256Digest(hex: hex)?.hex == hex)
        #expect(SHA256Digest(hex: hex.uppercased()) == nil)
        #expect(SHA256Digest(hex: String(hex.dropLast())) == nil)
        #expect(SHA256Digest(hex: hex + "0") == nil)
        #expect(SHA256Digest(hex: "../" + String(hex.dropFirst(3))) == nil)
        #expect(SHA256Digest(bytes: [1, 2]) == nil)
    }

    @Test func mismatchIsAnErrorNamingBothDigests() throws {
        let data = Array("layer bytes".utf8)
        let wrong = SHA256.hash(Array("other".utf8))
        let s = HashingStream(MemoryStream(data, name: "image.tar: member \"blobs/sha256/ab\""))
        let e = try #require(archiveError { try s.verify(expected: wrong, blob: "blob sha256:ab") })
        #expect(e.location == "blob sha256:ab")
        #expect(e.problem == "digest mismatch: expected \(wrong), got \(SHA256.hash(data))")
        let s2 = HashingStream(MemoryStream(data, name: "b"))
        let e2 = try #require(archiveError { try s2.verify(expected: SHA256.hash(data), size: 3) })
        #expect(e2.problem.contains("the descriptor says 3 bytes, the blob has 11"), "\(e2)")
    }

    /// The wrapper hashes what is read and what is skipped; through a decompressor it hashes
    /// the compressed bytes (the descriptor's digest) and over it the tar (the diff_id).
    @Test func hashingThroughAChain() throws {
        let tmp = try TempDir("chain")
        try tmp.write("t", DecompressTests.original(300_000))
        try sh("gzip -k t", cwd: tmp.path)
        let outer = HashingStream(try FileStream(path: tmp.file("t.gz")))
        let inner = HashingStream(try DecompressingStream(outer))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 16)
        defer { scratch.deallocate() }
        #expect(try inner.skip(1234, scratch: scratch) == 1234)
        try inner.verify(expected: try #require(SHA256Digest(hex: try sha256sum(tmp.file("t")))))
        try outer.verify(expected: try #require(SHA256Digest(hex: try sha256sum(tmp.file("t.gz")))))
    }

    @Test func reportsTheImplementation() {
        // This machine has SHA-NI; elsewhere the portable code is used.
        #expect(SHA256.isAccelerated == (csha256HasShaNI()))
    }

    /// A stream hashed on another thread gives the same digest as on this one, whatever the
    /// sizes of the reads (one byte, odd sizes, more than the background's chunk at once).
    @Test func backgroundHashingEqualsForeground() throws {
        var rng = SeededRNG(seed: 7)
        let data = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let want = SHA256.hash(data)
        for chunk in [1, 4093, 256 << 10, 1 << 20] {
            let count = chunk == 1 ? 100_000 : data.count
            let part = Array(data.prefix(count))
            let h = HashingStream(MemoryStream(part, name: "x"), background: true)
            _ = try drain(h, chunk: chunk)
            #expect(h.position == UInt64(count))
            #expect(h.digest == SHA256.hash(part), "reads of \(chunk)")
            #expect(h.digest == SHA256.hash(part), "digest twice")
        }
        let h = HashingStream(MemoryStream(data, name: "x"), background: true)
        _ = try drain(h, chunk: 77_777)
        #expect(h.digest == want)
    }
}

import CSHA256
func csha256HasShaNI() -> Bool { csha256_cpu_has_sha_ni() != 0 }
