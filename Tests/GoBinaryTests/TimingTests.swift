import Foundation
import Testing
import ELFKit
import GoBinary
import TestSupport

@Suite("Timing")
struct TimingTests {
    /// Reads the largest Go binary of the corpus a few times and reports the best time. The
    /// bound is loose (debug builds, a shared machine): it catches a quadratic slip, not a
    /// percent. Release numbers: see the CHANGELOG note / report (kubectl 57 MB ≈ 4 ms).
    @Test("GoReader.read on the largest Go binary of the corpus")
    func largest() throws {
        let sizes = goBinaries.compactMap { b -> (TestBinary, Int)? in
            guard let a = try? FileManager.default.attributesOfItem(atPath: b.path), let n = a[.size] as? Int else { return nil }
            return (b, n)
        }
        let (b, size) = try #require(sizes.max { $0.1 < $1.1 })
        let f = try MappedFile(path: b.path)
        var best = UInt64.max
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try GoReader.read(view: f.view)
            best = min(best, DispatchTime.now().uptimeNanoseconds - t0)
        }
        let ms = Double(best) / 1e6
        print("GoReader.read(\(b.name), \(size) bytes): \(ms) ms")
        #expect(ms < 1000)
    }
}
