import ELFKit
import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// A small deterministic generator (SplitMix64), so every run mutates the same way.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct MutationTests {
    /// Hundreds of corrupted copies of real binaries: header fields, table entries and the
    /// bytes they point at are overwritten with random and boundary values, or the file is cut
    /// short. The analyzer must return (a verdict and maybe an error) every time: no crash, no hang.
    @Test(.timeLimit(.minutes(15)), arguments: ["c/hello-dynamic", "c/hello-static-pie", "c/hello-m32", "go/server-cgo1-sw",
                                               "go/hello-linux-s390x", "go119/hello-linux-mips", "go/hello-darwin-arm64",
                                               "go/hello-windows-amd64", "go/server-pie-ext-cgo1-sw", "go/hello-freebsd-amd64",
                                               "go119/hello-openbsd-386"])
    func corruptedCopiesNeverCrash(_ name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named(name).path)))
        var rng = SplitMix(state: name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 })
        let a = Analyzer(target: try #require(TargetRoot.profile("scratch", platform: Platform(architecture: "amd64"))),
                         platform: Platform(architecture: "amd64"))
        let boundary: [UInt64] = [0, 1, 0x7f, 0xff, 0xffff, 0xffff_ffff, UInt64.max, UInt64(original.count), UInt64(original.count) - 1]
        for round in 0..<60 {
            var bytes = original
            switch round % 4 {
            case 0:
                // Random bytes in the first 4 KiB: headers and tables.
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    bytes[Int.random(in: 0..<min(4096, bytes.count), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:
                // A boundary value written over a header-sized field.
                let at = Int.random(in: 0..<min(256, bytes.count - 8), using: &rng)
                let v = boundary.randomElement(using: &rng) ?? 0
                let width = [2, 4, 8].randomElement(using: &rng) ?? 4
                for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
            case 2:
                // Cut short anywhere.
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            default:
                // Scribble over a random window anywhere in the file (tables, strings, Go data).
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                for i in at..<min(bytes.count, at + 64) { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
            }
            let r = a.check(ByteView(copying: bytes), mode: 0o755, path: "mutant-\(round)")
            #expect(r.start != nil)
            if r.start?.ok == true { #expect(r.facts?.format == .elf || r.facts?.format == .script) }
        }
    }
}
