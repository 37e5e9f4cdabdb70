import ELFKit
import FileTree
import Foundation
import Loader
import TestSupport
import Testing

/// Real caches with one field made hostile: each a FormatError naming the field and its offset,
/// never a crash.
@Suite struct HostileCacheTests {
    /// One root, its caches in the three formats (written once).
    static let caches: [String: [UInt8]] = {
        guard let root = try? CacheRoot() else { return [:] }
        var out: [String: [UInt8]] = [:]
        for f in ["new", "compat", "old"] { out[f] = try? root.write(f, cache: "/etc/\(f).cache") }
        return out
    }()

    static func cache(_ format: String) throws -> [UInt8] {
        try #require(caches[format], "no \(format) cache: ldconfig failed or the root could not be built")
    }

    static func error(_ bytes: [UInt8]) -> FormatError? {
        do {
            _ = try LDCache(ByteView(copying: bytes))
            return nil
        } catch let e as FormatError {
            return e
        } catch {
            Issue.record("not a FormatError: \(error)")
            return nil
        }
    }

    static func put32(_ bytes: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }

    static func get32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    /// File offset of the new header: 0, or after the old table of a compat cache.
    static func newHeader(_ bytes: [UInt8]) -> Int {
        guard bytes.starts(with: Array("ld.so-1.7.0".utf8)) else { return 0 }
        return (16 + 12 * Int(get32(bytes, 12)) + 7) & ~7
    }

    @Test(arguments: [30, 47])
    func truncatedNewHeader(_ length: Int) throws {
        let e = try #require(Self.error(Array(try Self.cache("new").prefix(length))))
        #expect(e.field == "cache_file_new")
        #expect(e.offset == 0)
        #expect(e.description.contains("truncated"))
    }

    @Test func truncatedOldHeader() throws {
        let e = try #require(Self.error(Array(try Self.cache("old").prefix(14))))
        #expect(e.field == "cache_file")
    }

    /// `(size-48)/24 < nlibs`: the loader ignores such a cache; here it is named.
    @Test(arguments: ["new", "compat"])
    func nlibsLying(_ format: String) throws {
        var b = try Self.cache(format)
        let h = Self.newHeader(b)
        Self.put32(&b, h + 20, 0xffff_ffff)
        let e = try #require(Self.error(b))
        #expect(e.field == "nlibs")
        #expect(e.offset == UInt64(h + 20))
        #expect(e.value == "4294967295")
        // One entry too many also fails: the count must fit exactly.
        var c = try Self.cache(format)
        Self.put32(&c, h + 20, UInt32((c.count - h - 48) / 24 + 1))
        #expect(Self.error(c)?.field == "nlibs")
    }

    @Test func oldNlibsLying() throws {
        var b = try Self.cache("old")
        Self.put32(&b, 12, UInt32((b.count - 16) / 12 + 1))
        let e = try #require(Self.error(b))
        #expect(e.field == "nlibs")
        #expect(e.offset == 12)
        // In a compat cache, the old count moves where the new header is looked for.
        var c = try Self.cache("compat")
        Self.put32(&c, 12, 0x4000_0000)
        #expect(Self.error(c)?.field == "nlibs")
    }

    @Test(arguments: ["new", "compat", "old"])
    func stringOffsetPastEnd(_ format: String) throws {
        var b = try Self.cache(format)
        let table = format == "old" ? 16 : Self.newHeader(b) + 48
        let entry = format == "old" ? 12 : 24
        Self.put32(&b, table + 4, 0x7fff_fff0)                  // libs[0].key
        var e = try #require(Self.error(b))
        #expect(e.field == "libs[0].key")
        #expect(e.offset == UInt64(table + 4))
        #expect(e.description.contains("past end of file"))
        b = try Self.cache(format)
        Self.put32(&b, table + 2 * entry + 8, UInt32(b.count))   // libs[2].value
        e = try #require(Self.error(b))
        #expect(e.field == "libs[2].value")
        #expect(e.offset == UInt64(table + 2 * entry + 8))
    }

    /// The generator string ends the file without a NUL (elf/cache.c `write_extensions`): an
    /// entry pointing at it names a string that never ends.
    @Test func stringWithoutNUL() throws {
        var b = try Self.cache("new")
        let at = try #require(ByteView(copying: b).firstOffset(of: Array("ldconfig (".utf8)))
        Self.put32(&b, 48 + 8, UInt32(at))                       // libs[0].value
        let e = try #require(Self.error(b))
        #expect(e.field == "libs[0].value")
        #expect(e.description.contains("not NUL-terminated"))
        // An old cache with a byte after its strings, and an entry's value there: counted from
        // the end of the table.
        var old = try Self.cache("old")
        old.append(0x78)
        let stringsStart = 16 + 12 * Int(Self.get32(old, 12))
        Self.put32(&old, 16 + 8, UInt32(old.count - 1 - stringsStart))
        let f = try #require(Self.error(old))
        #expect(f.field == "libs[0].value")
        #expect(f.offset == 24)
        #expect(f.description.contains("not NUL-terminated"))
    }

    /// flags 3 (big-endian) on a little-endian file: the numbers make no sense that way, and the
    /// error says the flags are what is wrong.
    @Test func wrongEndianFlag() throws {
        var b = try Self.cache("new")
        b[28] = 3
        let e = try #require(Self.error(b))
        #expect(e.field == "nlibs")
        #expect(e.description.contains("flags (0x3) states the wrong byte order"))
        // 1 is cache_file_new_flags_endian_invalid: every loader ignores the cache.
        b[28] = 1
        let f = try #require(Self.error(b))
        #expect(f.field == "flags")
        #expect(f.offset == 28)
    }

    /// A real cache with every field byte-swapped and flags 3 is a big-endian cache: read in
    /// full, listed as before, and ignored by a little-endian loader (as glibc's
    /// `cache_file_new_matches_endian`).
    @Test func bigEndianCacheIsReadAndIgnoredByLittleEndianLoaders() throws {
        let le = try Self.cache("new")
        let cache = try #require(try LDCache(ByteView(copying: le)))
        var be = le
        func swap32(_ at: Int) { Self.put32(&be, at, Self.get32(le, at).byteSwapped) }
        for at in [20, 24, 32] { swap32(at) }
        be[28] = 3
        for i in 0..<cache.count {
            let at = 48 + 24 * i
            for k in [0, 4, 8, 12] { swap32(at + k) }
            for k in 0..<8 { be[at + 16 + k] = le[at + 23 - k] }
        }
        let ext = Int(Self.get32(le, 32))
        swap32(ext); swap32(ext + 4)
        var hwcaps: (Int, Int)?
        for s in 0..<Int(Self.get32(le, ext + 4)) {
            let at = ext + 8 + 16 * s
            for k in [0, 4, 8, 12] { swap32(at + k) }
            if Self.get32(le, at) == 1 { hwcaps = (Int(Self.get32(le, at + 8)), Int(Self.get32(le, at + 12))) }
        }
        if let (start, size) = hwcaps { for j in 0..<(size / 4) { swap32(start + 4 * j) } }

        let swapped = try #require(try LDCache(ByteView(copying: be)))
        #expect(swapped.byteOrder == .big)
        #expect(swapped.entries.map(\.description) == cache.entries.map(\.description))
        #expect(swapped.hwcapsSubdirectories == cache.hwcapsSubdirectories)
        #expect(swapped.isIgnored(by: Arch.x86_64))
        #expect(swapped.lookup("libc.so.6", for: Arch.x86_64) == .none)
        let bigX86 = try #require(CacheArch(machine: .x86_64, bits: 64, order: .big))
        #expect(swapped.lookup("libc.so.6", for: bigX86).path == "/lib/x86_64-linux-gnu/libc.so.6")
    }

    @Test func extensionDirectory() throws {
        let good = try Self.cache("new")
        let ext = Int(Self.get32(good, 32))
        var b = good
        b[ext] ^= 0xff                                            // magic
        #expect(Self.error(b)?.field == "cache_extension.magic")
        b = good
        Self.put32(&b, 32, UInt32(ext + 2))                       // misaligned
        #expect(Self.error(b)?.field == "extension_offset")
        b = good
        Self.put32(&b, 32, UInt32((b.count + 4) & ~3))            // past the end
        #expect(Self.error(b)?.field == "cache_extension")
        b = good
        Self.put32(&b, ext + 4, 0x1000_0000)                      // section count
        #expect(Self.error(b)?.field == "cache_extension.count")
        b = good
        Self.put32(&b, ext + 8 + 12, 0xffff_0000)                 // sections[0].size
        #expect(Self.error(b)?.field == "cache_extension.sections[0].offset")
        // No extension at all is fine: the hwcaps entries then have no names.
        b = good
        Self.put32(&b, 32, 0)
        let c = try #require(try LDCache(ByteView(copying: b)))
        #expect(c.hwcapsSubdirectories.isEmpty)
        #expect(c.lookup("libz.so.1", for: Arch.x86_64).path == "/opt/lib/libz.so.1")
    }

    @Test func notACache() throws {
        #expect(Self.error(Array("hello, world\n".utf8))?.field == "magic")
        #expect(Self.error([UInt8](repeating: 0, count: 100))?.field == "magic")
    }

    /// A header and no entries: the loader ignores a file that is only a header, which answers
    /// the same as an empty cache.
    @Test func headerOnly() throws {
        let b = Array(try Self.cache("new").prefix(48))
        var h = b
        Self.put32(&h, 20, 0)
        Self.put32(&h, 32, 0)
        let c = try #require(try LDCache(ByteView(copying: h)))
        #expect(c.count == 0)
        #expect(c.lookup("libc.so.6", for: Arch.x86_64) == .none)
    }
}

/// Seeded random mutations of real caches of every format: the reader returns or throws a
/// FormatError, and whatever it returns can be listed and searched.
@Suite struct LDCacheFuzzTests {
    @Test(arguments: ["new", "compat", "old"])
    func mutationsNeverCrash(_ format: String) throws {
        let original = try HostileCacheTests.cache(format)
        var rng = SeededRNG(seed: format.utf8.reduce(UInt64(0x1d_cac4e)) { $0 &* 31 &+ UInt64($1) })
        let interesting: [UInt32] = [0, 1, 2, 3, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
                                     UInt32(original.count), UInt32(original.count - 1), 0x4000_0000, 0x4000_0001]
        var outcomes = (ok: 0, malformed: 0)
        for _ in 0..<1500 {
            var b = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    let i = Int.random(in: 0..<b.count, using: &rng)
                    b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                case 1:
                    let i = Int.random(in: 0..<b.count, using: &rng)
                    b[i] = UInt8.random(in: 0...255, using: &rng)
                case 2 where b.count >= 4:
                    // A 4-aligned word: counts, offsets and flags are all u32 at such places.
                    let i = Int.random(in: 0..<(b.count / 4), using: &rng) * 4
                    HostileCacheTests.put32(&b, i, interesting[Int.random(in: 0..<interesting.count, using: &rng)])
                case 3 where b.count >= 4:
                    // An entry's hwcap high word: extension bits and ISA levels.
                    let i = (48 + 24 * Int.random(in: 0..<8, using: &rng) + 20) % (b.count - 3)
                    HostileCacheTests.put32(&b, i, [0x4000_0000, 0x4000_0003, 0x8000_0000, 1][Int.random(in: 0..<4, using: &rng)])
                case 4:
                    b = Array(b.prefix(Int.random(in: 1...b.count, using: &rng)))
                default:
                    let i = Int.random(in: 0..<b.count, using: &rng)
                    b[i] = 0
                }
            }
            do {
                guard let c = try LDCache(ByteView(copying: b)) else { continue }
                outcomes.ok += 1
                // Validated at load: every entry decodes.
                #expect(c.entries.count == c.count)
                _ = c.hwcapsSubdirectories
                for name in ["libc.so.6", "libz.so.1", "libm.so.6", "libz.so.01", "", "lib\u{e9}.so"] {
                    _ = c.lookup(name, for: Arch.x86_64, usableHwcaps: ["x86-64-v3", "x86-64-v2", "x"])
                    _ = c.lookup(name, for: Arch.i386)
                }
            } catch is FormatError {
                outcomes.malformed += 1
            } catch {
                Issue.record("not a FormatError: \(error)")
            }
        }
        #expect(outcomes.ok > 0)
        #expect(outcomes.malformed > 0)
    }
}
