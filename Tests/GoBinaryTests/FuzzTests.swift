import Foundation
import Testing
import ELFKit
import GoBinary
import TestSupport

/// Flips random bytes (seeded) in the first 64 KiB and in the build info and pclntab regions of
/// real Go binaries of every format, and only asks that GoReader returns or throws.
@Suite("Fuzz: mutated Go binaries never crash or hang")
struct FuzzTests {
    static let subjects = ["go/hello-cgo0", "go119/hello-cgo0", "go/hello-linux-s390x", "go/hello-linux-386",
                           "go/hello-darwin-arm64", "go/hello-windows-amd64"]

    /// Offsets of the build info blob and of the pclntab header, found by their bytes.
    static func regions(_ bytes: [UInt8]) -> [Range<Int>] {
        var out = [0..<min(bytes.count, 65536)]
        let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
        let view = ByteView(copying: bytes)
        if let at = view.firstOffset(of: magic, alignment: 16) { out.append(at..<min(bytes.count, at + 512)) }
        for order in [ByteOrder.little, .big] {
            if let t = GoPclntab.find(in: view, order: order, pointerSize: nil) {
                let at = Int(t.data.fileOffset)
                out.append(at..<min(bytes.count, at + 128))        // header words
                out.append((at + 72)..<min(bytes.count, at + 4096)) // start of funcnametab
                break
            }
        }
        return out
    }

    @Test("300 mutations per binary", arguments: subjects)
    func mutate(_ name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named(name).path)))
        let regions = FuzzTests.regions(original)
        #expect(regions.count >= 3, "\(name): build info or pclntab not located")
        var rng = SeededRNG(seed: name.utf8.reduce(UInt64(0x5eed_0000)) { $0 &* 31 &+ UInt64($1) })
        var outcomes = (ok: 0, absent: 0, malformed: 0)
        for _ in 0..<300 {
            var bytes = original
            let r = regions[Int.random(in: 0..<regions.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: r, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                case 1: bytes[i] = 0xff
                case 2: bytes[i] = 0
                default: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            do {
                if try GoReader.read(view: ByteView(copying: bytes)) != nil { outcomes.ok += 1 } else { outcomes.absent += 1 }
            } catch {
                // A FormatError by type (GoReader throws nothing else): malformed, not a crash.
                outcomes.malformed += 1
            }
        }
        #expect(outcomes.ok + outcomes.absent + outcomes.malformed == 300)
        #expect(outcomes.ok > 0)
    }

    @Test("truncations at every 4 KiB of a binary")
    func truncate() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named("go/hello-linux-386").path)))
        var n = 0
        while n < original.count {
            _ = try? GoReader.read(view: ByteView(copying: Array(original.prefix(n))))
            n += 4096 * 7 + 13
        }
    }
}
