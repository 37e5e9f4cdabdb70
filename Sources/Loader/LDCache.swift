import ELFKit
import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `/etc/ld.so.cache` as glibc's dynamic loader reads it: elf/dl-cache.c
/// `_dl_load_cache_lookup` and `search_cache`, the layout of sysdeps/generic/dl-cache.h, written
/// by elf/cache.c `save_cache` (`ldconfig -c new|old|compat`).
///
/// Three layouts:
/// - new: `glibc-ld.so.cache1.1`, a 48-byte header, `nlibs` entries of 24 bytes
///   {i32 flags, u32 key, u32 value, u32 osversion, u64 hwcap}, string offsets counted from the
///   header, and an extension directory (at a file offset) naming the glibc-hwcaps
///   subdirectories;
/// - old: `ld.so-1.7.0` (11 bytes, 1 pad), u32 nlibs at 12, entries of 12 bytes {i32 flags, u32
///   key, u32 value} from 16, string offsets counted from the end of that table;
/// - compat: the old layout with a new header at the next 8-aligned offset after its table. The
///   loader then reads only the new part, as this reader does.
///
/// Numbers are read in the byte order the new header's `flags` states; a cache that does not say
/// (the old layout, or flags 0 from an ldconfig before glibc 2.33) is read in the order given to
/// `load`: the target loader's own. A loader of the other byte order ignores the whole cache
/// (`cache_file_new_matches_endian`); `lookup` does the same.
///
/// This reader is stricter than the loader: every entry's strings must lie inside the file and
/// end with a NUL, where the loader only checks offsets it meets during one search and reads
/// strings without a bound. A cache that throws here is one the loader ignores (counts that do
/// not fit, no magic) or reads only in part.
public struct LDCache: Sendable {
    public enum Format: String, Sendable, Hashable {
        /// `glibc-ld.so.cache1.1` alone (ldconfig's default since glibc 2.32).
        case new
        /// `ld.so-1.7.0` alone (libc5, glibc 2.0 and 2.1; `ldconfig -c old`).
        case old
        /// `ld.so-1.7.0` with a new cache after its table (`ldconfig -c compat`).
        case compat
    }

    /// One entry, in table order.
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        /// The library name looked up (`libz.so.1`): the string at `key`.
        public var name: String
        /// The file it names (`/lib/x86_64-linux-gnu/libz.so.1`): the string at `value`.
        public var path: String
        public var flags: CacheFlags
        /// `hwcap` (0 in the old layout, which has no such field).
        public var hwcap: UInt64
        /// The glibc-hwcaps subdirectory (`x86-64-v3`) of an extension entry, as glibc reads it.
        public var hwcapsSubdirectory: String?
        /// File offset of the entry.
        public var offset: UInt64

        /// True for a glibc-hwcaps entry: only `DL_CACHE_HWCAP_EXTENSION` (1 << 62) set above the
        /// ISA level bits (`dl_cache_hwcap_extension`); the low 32 bits index the subdirectories.
        public var isHwcapsExtension: Bool { LDCache.isExtension(hwcap) }
        /// The required ISA level of an extension entry (bits 32..41; the loader compares it
        /// with the CPU's on x86 only, sysdeps/x86/dl-isa-level.h).
        public var isaLevel: UInt32 { UInt32(truncatingIfNeeded: (hwcap >> 32) & 0x3ff) }

        /// As `ldconfig -p` prints it, without the leading tab:
        /// `libz.so.1 (libc6,x86-64, hwcap: "x86-64-v3") => /usr/lib/…/libz.so.1`.
        public var description: String {
            var s = "\(name) (\(flags)"
            if let hwcapsSubdirectory {
                s += ", hwcap: \"\(hwcapsSubdirectory)\""
            } else if hwcap != 0 {
                let digits = String(hwcap, radix: 16)
                s += ", hwcap: 0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
            }
            return s + ") => \(path)"
        }
    }

    public let format: Format
    /// The order the numbers were read in.
    public let byteOrder: ByteOrder
    /// True when the header's `flags` states the byte order; false when it was assumed.
    public let byteOrderIsMarked: Bool
    /// Number of entries the loader searches.
    public let count: Int
    /// The generator string of the extension section (`ldconfig (Debian GLIBC 2.36-9) …`), at
    /// most 4 KiB of it.
    public let generator: String?

    let view: ByteView
    /// File offset of the first entry.
    let table: UInt64
    /// 24 (new) or 12 (old).
    let entrySize: UInt64
    /// File offset string offsets count from: the new header, or the end of the old table.
    let strings: UInt64
    /// The glibc-hwcaps section: file offset of its u32 array and the number of elements.
    let hwcaps: (offset: UInt64, count: Int)?

    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    static let oldMagic = Array("ld.so-1.7.0".utf8)
    static let newHeaderSize: UInt64 = 48
    static let oldHeaderSize: UInt64 = 16
    static let extensionMagic: UInt32 = 0xeaa4_2174   // (uint32_t) -358342284
    static let maxGenerator = 4096

    /// Reads the cache at `path` of `tree`. Nil when there is none (no such file, a path
    /// component not a directory, or an empty file: the loader and `ldconfig -p` treat all of
    /// these as no cache); throws `FormatError` when the file is malformed, and the tree's
    /// error when it cannot be read at all. `byteOrder` is the target loader's, used when the
    /// file does not state its own.
    public static func load(from tree: some FileTree, path: String = "/etc/ld.so.cache", byteOrder: ByteOrder = .little) throws -> LDCache? {
        let bytes: FileBytes
        do {
            bytes = try tree.contents(path)
        } catch {
            if error.errno == ENOENT || error.errno == ENOTDIR { return nil }
            throw error
        }
        return try LDCache(bytes.view, byteOrder: byteOrder)
    }

    /// Parses a whole cache file. Nil for an empty file; throws `FormatError` otherwise when it
    /// is not a cache the loader would use as written.
    public init?(_ view: ByteView, byteOrder assumed: ByteOrder = .little) throws {
        let size = UInt64(view.count)
        if size == 0 { return nil }
        self.view = view
        if view.hasBytes(LDCache.newMagic) {
            // `_dl_load_cache_lookup` wants more than a header and nlibs entries after it; a
            // header alone (no entries) is taken here as an empty cache, which answers the same.
            let h = try LDCache.newHeader(view, at: 0, assumed: assumed)
            format = .new
            byteOrder = h.order
            byteOrderIsMarked = h.marked
            count = h.count
            table = LDCache.newHeaderSize
            entrySize = 24
            strings = 0
            (hwcaps, generator) = try LDCache.extensions(view, offset: h.extensionOffset, order: h.order)
        } else if view.hasBytes(LDCache.oldMagic) {
            guard size >= LDCache.oldHeaderSize else {
                throw FormatError(offset: 0, field: "cache_file", value: nil,
                                  problem: "old cache header is truncated: file has \(size) bytes, needs 16")
            }
            let n = try view.u32(12, assumed, field: "nlibs")
            guard (size - LDCache.oldHeaderSize) / 12 >= UInt64(n) else {
                throw FormatError(offset: 12, field: "nlibs", value: String(n),
                                  problem: "\(n) entries of 12 bytes do not fit in a file of \(size) bytes after the 16-byte header")
            }
            let end = LDCache.oldHeaderSize + UInt64(n) * 12
            // ALIGN_CACHE: the alignment of struct cache_file_new, 8 on 64-bit ABIs (4 on i386,
            // but `save_cache` makes the old count even in compat caches, so both agree).
            let newOffset = (end + 7) & ~7
            if size >= newOffset + LDCache.newHeaderSize, view.hasBytes(LDCache.newMagic, at: Int(newOffset)) {
                let h = try LDCache.newHeader(view, at: newOffset, assumed: assumed)
                format = .compat
                byteOrder = h.order
                byteOrderIsMarked = h.marked
                count = h.count
                table = newOffset + LDCache.newHeaderSize
                entrySize = 24
                strings = newOffset
                (hwcaps, generator) = try LDCache.extensions(view, offset: h.extensionOffset, order: h.order)
            } else {
                format = .old
                byteOrder = assumed
                byteOrderIsMarked = false
                count = Int(n)
                table = LDCache.oldHeaderSize
                entrySize = 12
                strings = end
                hwcaps = nil
                generator = nil
            }
        } else {
            throw FormatError(offset: 0, field: "magic", value: nil,
                              problem: "not an ld.so.cache: neither \"glibc-ld.so.cache1.1\" nor \"ld.so-1.7.0\"")
        }
        try validate()
    }

    /// The header of a new cache at `at`.
    private static func newHeader(_ view: ByteView, at: UInt64, assumed: ByteOrder) throws
        -> (order: ByteOrder, marked: Bool, count: Int, extensionOffset: UInt64) {
        let size = UInt64(view.count)
        guard size >= at + newHeaderSize else {
            throw FormatError(offset: at, field: "cache_file_new", value: nil,
                              problem: "header is truncated: \(size > at ? size - at : 0) bytes, needs 48")
        }
        let flags = try view.u8(at + 28, field: "flags")
        let order: ByteOrder
        let marked: Bool
        switch flags & 3 {
        case 2: (order, marked) = (.little, true)
        case 3: (order, marked) = (.big, true)
        case 0 where flags == 0: (order, marked) = (assumed, false)
        default:
            // 1 is `cache_file_new_flags_endian_invalid`; other bits with 0 below match no loader.
            throw FormatError(offset: at + 28, field: "flags", value: hex(flags),
                              problem: "endianness is marked invalid: every loader ignores this cache")
        }
        let n = try view.u32(at + 20, order, field: "nlibs")
        // The loader checks this for a new cache alone; it does not for one inside an old cache.
        let room = (size - at - newHeaderSize) / 24
        guard room >= UInt64(n) else {
            var problem = "\(n) entries of 24 bytes do not fit in \(size - at - newHeaderSize) bytes after the header at \(hex(at))"
            if marked, room >= UInt64(n.byteSwapped) {
                problem += "; read \(order == .little ? "big" : "little")-endian they would: flags (\(hex(flags))) states the wrong byte order"
            }
            throw FormatError(offset: at + 20, field: "nlibs", value: String(n), problem: problem)
        }
        let ext = try view.u32(at + 32, order, field: "extension_offset")
        return (order, marked, Int(n), UInt64(ext))
    }

    /// The extension directory (`cache_extension_load`, `cache_extension_verify`): the
    /// glibc-hwcaps array and the generator string. Offsets here count from the file's start.
    private static func extensions(_ view: ByteView, offset: UInt64, order: ByteOrder) throws
        -> ((offset: UInt64, count: Int)?, String?) {
        if offset == 0 { return (nil, nil) }
        let size = UInt64(view.count)
        guard offset % 4 == 0 else {
            throw FormatError(offset: offset, field: "extension_offset", value: hex(offset), problem: "is not a multiple of 4")
        }
        guard offset + 8 <= size else {
            throw FormatError(offset: offset, field: "cache_extension", value: hex(offset),
                              problem: "extension directory extends past end of file (size \(size))")
        }
        let magic = try view.u32(offset, order, field: "cache_extension.magic")
        guard magic == extensionMagic else {
            throw FormatError(offset: offset, field: "cache_extension.magic", value: hex(magic), problem: "is not 0xeaa42174")
        }
        let n = try view.u32(offset + 4, order, field: "cache_extension.count")
        guard UInt64(n) <= (size - offset - 8) / 16 else {
            throw FormatError(offset: offset + 4, field: "cache_extension.count", value: String(n),
                              problem: "\(n) sections of 16 bytes extend past end of file (size \(size))")
        }
        var hwcaps: (UInt64, UInt64)?   // section offset and size
        var generator: (UInt64, UInt64)?
        for i in 0..<UInt64(n) {
            let at = offset + 8 + 16 * i
            let r = try view.record(at, 16, order: order, field: "cache_extension.sections[\(i)]")
            let tag = r.u32(0), start = UInt64(r.u32(8)), length = UInt64(r.u32(12))
            guard start + length <= size else {
                throw FormatError(offset: at + 8, field: "cache_extension.sections[\(i)].offset", value: hex(start),
                                  problem: "\(length) bytes at \(hex(start)) extend past end of file (size \(size))")
            }
            // Unknown tags are skipped; a repeated tag replaces the earlier one.
            switch tag {
            case 0: generator = (start, length)
            case 1: hwcaps = (start, length)
            default: continue
            }
        }
        var section: (offset: UInt64, count: Int)?
        // `cache_extension_verify` drops an empty, misaligned or ragged hwcaps section.
        if let (start, length) = hwcaps, length != 0, start % 4 == 0, length % 4 == 0 {
            section = (start, Int(length / 4))
            for j in 0..<(length / 4) {
                // glibc reads these names at file offsets (`glibc_hwcaps_compare`, `cache +
                // index`), though ldconfig writes them as string-table offsets: the two differ
                // in a compat cache, where glibc then sees other bytes (as `ldconfig -p` shows).
                let index = UInt64(try view.u32(start + 4 * j, order, field: "glibc-hwcaps[\(j)]"))
                _ = try cStringEnd(view, index, field: "glibc-hwcaps[\(j)]", at: start + 4 * j, from: "the file's start")
            }
        }
        let text = try generator.map { (start, length) -> String in
            let v = try view.slice(start, min(length, UInt64(maxGenerator)), field: "generator")
            return v.string
        }
        return (section, text)
    }

    /// Checks every entry's two strings: inside the file and NUL-terminated.
    private func validate() throws {
        for i in 0..<count {
            let at = table + UInt64(i) * entrySize
            let r = try view.record(at, Int(entrySize), order: byteOrder, field: "libs[\(i)]")
            _ = try LDCache.cStringEnd(view, strings + UInt64(r.u32(4)), field: "libs[\(i)].key", at: at + 4, from: stringsDescription)
            _ = try LDCache.cStringEnd(view, strings + UInt64(r.u32(8)), field: "libs[\(i)].value", at: at + 8, from: stringsDescription)
        }
    }

    private var stringsDescription: String {
        format == .old ? "the end of the table (\(hex(strings)))" : "the header (\(hex(strings)))"
    }

    /// The file offset of the NUL ending the string at file offset `start`.
    static func cStringEnd(_ view: ByteView, _ start: UInt64, field: String, at: UInt64, from origin: String) throws -> Int {
        let size = view.count
        guard start < UInt64(size) else {
            throw FormatError(offset: at, field: field, value: hex(start),
                              problem: "string (counted from \(origin)) starts past end of file (size \(size))")
        }
        let s = Int(start)
        let nul: Int? = view.withUnsafeBytes { b in
            guard let base = b.baseAddress, let p = memchr(base + s, 0, size - s) else { return nil }
            return UnsafeRawPointer(p) - base
        }
        guard let nul else {
            throw FormatError(offset: at, field: field, value: hex(start),
                              problem: "string at file offset \(hex(start)) is not NUL-terminated before end of file (size \(size))")
        }
        return nul
    }

    static func isExtension(_ hwcap: UInt64) -> Bool {
        (hwcap >> 32) & ~UInt64(0x3ff) == (1 << 62) >> 32
    }

    // MARK: Entries

    /// The raw fields of entry `i`; nil out of range (never, once validated).
    private func raw(_ i: Int) -> (flags: Int32, key: UInt64, value: UInt64, hwcap: UInt64, offset: UInt64)? {
        guard i >= 0, i < count else { return nil }
        let at = table + UInt64(i) * entrySize
        guard let r = try? view.record(at, Int(entrySize), order: byteOrder, field: "libs") else { return nil }
        let hwcap = entrySize >= 24 ? r.u64(16) : 0
        return (Int32(bitPattern: r.u32(0)), strings + UInt64(r.u32(4)), strings + UInt64(r.u32(8)), hwcap, at)
    }

    private func string(at offset: UInt64) -> String? {
        guard offset < UInt64(view.count) else { return nil }
        return try? view.cString(offset, field: "string", maxLength: view.count)
    }

    /// The subdirectory name for an extension hwcap value (`glibc_hwcaps_string`): nil when the
    /// value is not an extension, or its index is past the section.
    private func subdirectory(_ hwcap: UInt64) -> String? {
        guard LDCache.isExtension(hwcap), let hwcaps else { return nil }
        let index = UInt64(UInt32(truncatingIfNeeded: hwcap))
        guard index < UInt64(hwcaps.count),
              let at = try? view.u32(hwcaps.offset + 4 * index, byteOrder, field: "glibc-hwcaps") else { return nil }
        return string(at: UInt64(at))
    }

    /// Entry `i` in table order, or nil past the end.
    public func entry(at i: Int) -> Entry? {
        guard let e = raw(i), let name = string(at: e.key), let path = string(at: e.value) else { return nil }
        return Entry(name: name, path: path, flags: CacheFlags(rawValue: e.flags), hwcap: e.hwcap,
                     hwcapsSubdirectory: subdirectory(e.hwcap), offset: e.offset)
    }

    /// Every entry, in table order (as `ldconfig -p` lists them).
    public var entries: [Entry] { (0..<count).compactMap { entry(at: $0) } }

    /// The glibc-hwcaps subdirectory names of the extension section, in index order.
    public var hwcapsSubdirectories: [String] {
        guard let hwcaps else { return [] }
        return (0..<hwcaps.count).compactMap { j in
            (try? view.u32(hwcaps.offset + 4 * UInt64(j), byteOrder, field: "glibc-hwcaps")).flatMap { string(at: UInt64($0)) }
        }
    }

    /// True when the loader of `arch` ignores this cache: it states the other byte order (or,
    /// not stating one, was read in an order that is not the loader's).
    public func isIgnored(by arch: CacheArch) -> Bool { arch.order != byteOrder }
}

/// A glibc-hwcaps entry the loader prefers to the plain one on a CPU that supports its
/// subdirectory.
public struct HwcapsCandidate: Hashable, Sendable {
    /// `x86-64-v3`, as glibc reads it; nil when the index lies past the hwcaps section.
    public var subdirectory: String?
    public var path: String
    /// The ISA level the entry needs (compared with the CPU's on x86 only).
    public var isaLevel: UInt32

    public init(subdirectory: String?, path: String, isaLevel: UInt32) {
        self.subdirectory = subdirectory
        self.path = path
        self.isaLevel = isaLevel
    }
}

/// What the loader gets from the cache for one name.
public struct CacheLookup: Hashable, Sendable {
    /// What `_dl_load_cache_lookup` returns: with no usable glibc-hwcaps subdirectory this is
    /// the plain entry (hwcap 0) with accepted flags, the static baseline. Nil: no entry (the
    /// loader goes on to the system directories).
    public var path: String?
    /// The glibc-hwcaps entries under the name with accepted flags, in table order: what a CPU
    /// supporting their subdirectory would get instead of `path`.
    public var hwcapsCandidates: [HwcapsCandidate]

    public init(path: String?, hwcapsCandidates: [HwcapsCandidate]) {
        self.path = path
        self.hwcapsCandidates = hwcapsCandidates
    }

    public static let none = CacheLookup(path: nil, hwcapsCandidates: [])
}

extension LDCache {
    /// The cache's answer for `name` to the loader of `arch`, as `_dl_load_cache_lookup` and
    /// `search_cache` compute it (glibc 2.37 and later: legacy hwcap entries, hwcap != 0 and not
    /// an extension, are skipped; glibc 2.36 and earlier could take them on a matching CPU).
    ///
    /// `usableHwcaps` are the glibc-hwcaps subdirectories the CPU supports, most preferred
    /// first (`_dl_hwcaps_priorities`, e.g. `["x86-64-v3", "x86-64-v2"]`); the default, none,
    /// gives the static baseline. Their ISA level check (x86 `dl_cache_hwcap_isa_level_compatible`)
    /// is taken to pass. The result is what the loader then tries to open (`open_verify`); a
    /// file that fails there sends it on to the system directories.
    public func lookup(_ name: String, for arch: CacheArch, usableHwcaps: [String] = []) -> CacheLookup {
        guard !isIgnored(by: arch) else { return .none }
        let key = Array(name.utf8.prefix { $0 != 0 })
        guard let run = findRun(key, arch) else { return .none }
        let priority = hwcapsPriorities(usableHwcaps)
        return CacheLookup(path: select(run, key, arch, priority), hwcapsCandidates: candidates(run, key, arch))
    }

    /// `search_cache`'s binary search over the table sorted descending by `_dl_cache_libcmp`:
    /// the first index of the equal names it lands in, and the search's right bound.
    private func findRun(_ key: [UInt8], _ arch: CacheArch) -> (first: Int, right: Int)? {
        var left = 0
        var right = count - 1
        while left <= right {
            var middle = (left + right) / 2
            guard let m = raw(middle) else { return nil }
            let c = libcmp(key, m.key, arch.signedChar)
            if c == 0 {
                while middle > 0, let p = raw(middle - 1), libcmp(key, p.key, arch.signedChar) == 0 {
                    middle -= 1
                }
                return (middle, right)
            }
            if c < 0 { left = middle + 1 } else { right = middle - 1 }
        }
        return nil
    }

    /// The `do … while (++middle <= right)` loop of `search_cache`.
    private func select(_ run: (first: Int, right: Int), _ key: [UInt8], _ arch: CacheArch, _ priority: [UInt32: UInt32]) -> String? {
        var best: UInt64?
        var bestPriority: UInt32 = 0
        for i in run.first...run.right {
            guard let e = raw(i) else { break }
            if i > run.first, libcmp(key, e.key, arch.signedChar) != 0 { break }
            let flags = CacheFlags(rawValue: e.flags)
            guard arch.accepts(flags), e.value < UInt64(view.count) else { continue }
            var named = false
            if entrySize >= 24 {
                named = LDCache.isExtension(e.hwcap)
                // Extension entries come first; the first plain entry ends the search once
                // one of them was taken.
                if !named && best != nil { break }
                if !named && e.hwcap != 0 { continue }
                if named {
                    let p = priority[UInt32(truncatingIfNeeded: e.hwcap)] ?? 0
                    if p == 0 { continue }
                    if best == nil || p < bestPriority { bestPriority = p } else { continue }
                }
            }
            best = e.value
            if !named && flags == arch.defaultFlags { break }
        }
        return best.flatMap { string(at: $0) }
    }

    private func candidates(_ run: (first: Int, right: Int), _ key: [UInt8], _ arch: CacheArch) -> [HwcapsCandidate] {
        guard entrySize >= 24 else { return [] }
        var out: [HwcapsCandidate] = []
        for i in run.first...run.right {
            guard let e = raw(i), libcmp(key, e.key, arch.signedChar) == 0 else { break }
            guard arch.accepts(CacheFlags(rawValue: e.flags)), LDCache.isExtension(e.hwcap), let path = string(at: e.value) else { continue }
            out.append(HwcapsCandidate(subdirectory: subdirectory(e.hwcap), path: path,
                                       isaLevel: UInt32(truncatingIfNeeded: (e.hwcap >> 32) & 0x3ff)))
        }
        return out
    }

    /// `glibc_hwcaps_priorities_init`: the cache's hwcaps names (sorted by ldconfig) merged with
    /// the usable names sorted by name; index → priority (1 = most preferred), only for the
    /// indices that matched (a missing index is priority 0, not usable).
    private func hwcapsPriorities(_ usable: [String]) -> [UInt32: UInt32] {
        guard let hwcaps, !usable.isEmpty else { return [:] }
        // `sort_priorities_by_name`: by bytes, a prefix first; stable.
        let right = usable.enumerated()
            .map { (name: Array($0.element.utf8), priority: UInt32(truncatingIfNeeded: $0.offset + 1)) }
            .enumerated().sorted { a, b in
                a.element.name.lexicographicallyPrecedes(b.element.name) || (a.element.name == b.element.name && a.offset < b.offset)
            }.map(\.element)
        var result: [UInt32: UInt32] = [:]
        var l = 0, r = 0
        while l < hwcaps.count && r < right.count {
            guard let index = try? view.u32(hwcaps.offset + 4 * UInt64(l), byteOrder, field: "glibc-hwcaps"),
                  UInt64(index) < UInt64(view.count) else {
                // glibc writes a 0 here without advancing (and would not stop); validated away.
                l += 1
                continue
            }
            let name = bytes(at: UInt64(index))
            if name == right[r].name {
                result[UInt32(l)] = right[r].priority
                l += 1
                r += 1
            } else if name.lexicographicallyPrecedes(right[r].name) {
                l += 1
            } else {
                r += 1
            }
        }
        return result
    }

    /// The bytes of the NUL-terminated string at a file offset (up to the end of the file).
    private func bytes(at offset: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var i = Int(exactly: offset) ?? view.count
        while let b = view[safe: i], b != 0 {
            out.append(b)
            i += 1
        }
        return out
    }

    /// `_dl_cache_libcmp(name, string at file offset p2)`: digit runs compare as numbers (C
    /// `int`, wrapping), other bytes as C `char`s of the loader's machine.
    func libcmp(_ p1: [UInt8], _ p2: UInt64, _ signedChar: Bool) -> Int32 {
        var i = 0
        var j = Int(exactly: p2) ?? view.count
        @inline(__always) func a(_ k: Int) -> UInt8 { k < p1.count ? p1[k] : 0 }
        @inline(__always) func b(_ k: Int) -> UInt8 { view[safe: k] ?? 0 }
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        @inline(__always) func char(_ c: UInt8) -> Int32 { signedChar ? Int32(Int8(bitPattern: c)) : Int32(c) }
        while a(i) != 0 {
            if isDigit(a(i)) {
                guard isDigit(b(j)) else { return 1 }
                var v1 = Int32(a(i) - 0x30), v2 = Int32(b(j) - 0x30)
                i += 1
                j += 1
                while isDigit(a(i)) { v1 = v1 &* 10 &+ Int32(a(i) - 0x30); i += 1 }
                while isDigit(b(j)) { v2 = v2 &* 10 &+ Int32(b(j) - 0x30); j += 1 }
                if v1 != v2 { return v1 &- v2 }
            } else if isDigit(b(j)) {
                return -1
            } else if a(i) != b(j) {
                return char(a(i)) - char(b(j))
            } else {
                i += 1
                j += 1
            }
        }
        return char(a(i)) - char(b(j))
    }
}
