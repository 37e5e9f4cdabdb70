/// Which Debian release ships which glibc, and so which build and runtime images go together:
/// a program links the symbol versions of the glibc it was built on and needs that glibc or a
/// newer one at run time. Sources: packages.debian.org `libc6` per release (buster 2.28-10,
/// bullseye 2.31-13, bookworm 2.36-9, trixie 2.41-12); the golang images' tag families
/// (`golang:1.N-bullseye`, `-bookworm`, `-trixie`) are built on those releases, and
/// gcr.io/distroless `*-debian11` / `*-debian12` on bullseye / bookworm.
public struct GlibcRelease: Sendable, Hashable {
    public var version: String
    public var debian: String
    public var debianNumber: Int

    public static let debian: [GlibcRelease] = [
        GlibcRelease(version: "2.28", debian: "buster", debianNumber: 10),
        GlibcRelease(version: "2.31", debian: "bullseye", debianNumber: 11),
        GlibcRelease(version: "2.36", debian: "bookworm", debianNumber: 12),
        GlibcRelease(version: "2.41", debian: "trixie", debianNumber: 13),
    ]

    /// The newest Debian release whose glibc is at most `version` (the build image to use).
    public static func newestAtMost(_ version: String) -> GlibcRelease? {
        debian.last { GlibcVersionOrder.lessOrEqual($0.version, version) }
    }

    /// The oldest Debian release whose glibc is at least `version` (the runtime base to use).
    public static func oldestAtLeast(_ version: String) -> GlibcRelease? {
        debian.first { GlibcVersionOrder.lessOrEqual(version, $0.version) }
    }
}

/// Orders dotted version numbers (`2.2.5` < `2.17` < `2.34`).
public enum GlibcVersionOrder {
    public static func numbers(_ v: String) -> [Int] {
        v.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    public static func less(_ a: String, _ b: String) -> Bool {
        let x = numbers(a), y = numbers(b)
        for (p, q) in zip(x, y) where p != q { return p < q }
        return x.count < y.count
    }

    public static func lessOrEqual(_ a: String, _ b: String) -> Bool { !less(b, a) }
}
