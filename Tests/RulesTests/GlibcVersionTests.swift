import Rules
import Testing

/// The required glibc versions are listed oldest first, once each.
@Suite struct GlibcVersionTests {
    @Test func oldestFirstOnceEach() {
        let got = GlibcVersion.sortedUnique(["GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.2.5", "GLIBC_2.14", "GLIBC_2.3.4", "GLIBC_2.3"])
        #expect(got == ["GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.3.4", "GLIBC_2.14", "GLIBC_2.34"])
        #expect(GlibcVersion.sortedUnique([]) == [])
    }

    /// The packed-key path agrees with the general comparison, including names it cannot pack
    /// (five numbers, numbers of 65535 and more) and names without numbers.
    @Test func agreesWithGeneralSort() {
        let pool = ["GLIBC_2.2.5", "GLIBC_2.2", "GLIBC_2.2.0", "GLIBC_2", "GLIBC_PRIVATE", "GLIBC_2.34", "GLIBC_02.34", "GLIBC_2.17",
                    "GLIBC_2.3.4", "GLIBC_1.2.3.4", "GLIBC_2.0", "GLIBC_ABI_DT_RELR", "GLIBC_2.36"]
        let unpackable = ["GLIBC_1.2.3.4.5", "GLIBC_70000.1", "GLIBC_65535"]
        var rng = SystemRandomNumberGenerator()
        for round in 0..<300 {
            var list: [String] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { list.append(pool.randomElement(using: &rng) ?? "") }
            if round % 3 == 0, let u = unpackable.randomElement(using: &rng) { list.append(u) }
            #expect(GlibcVersion.sortedUnique(list) == GlibcVersion.sorted(Set(list)), "\(list)")
        }
    }
}
