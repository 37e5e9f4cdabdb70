import ELFKit
import FileTree
import Foundation
import Loader
import TestSupport
import Testing

/// Caches written by this machine's ldconfig into small real roots, read back and compared with
/// what `ldconfig -p` prints of the same file, and looked up as glibc's loader would.
@Suite struct LDCacheFormatTests {
    /// Every format this glibc's ldconfig writes (`-c new|compat|old`; Debian's 2.36 has all
    /// three, and so does upstream elf/ldconfig.c at 04e750e).
    @Test(arguments: [("new", LDCache.Format.new), ("compat", .compat), ("old", .old)])
    func entriesEqualLdconfigListing(_ c: (flag: String, format: LDCache.Format)) throws {
        let root = try CacheRoot()
        try root.write(c.flag)
        let cache = try #require(try LDCache.load(from: root.tree))
        let listing = try LDConfig.listing(root: root.path)
        #expect(cache.format == c.format)
        #expect(cache.count == listing.entries.count)
        #expect(cache.entries.map(\.description) == listing.entries)
        #expect(cache.generator == listing.generator)
        #expect(cache.byteOrder == .little)
        #expect(cache.byteOrderIsMarked == (c.format != .old))
        // The root's libraries, each under its soname.
        let names = Set(cache.entries.map(\.name))
        #expect(names == ["libc.so.6", "libm.so.6", "libz.so.1"])
    }

    /// The extension section names the glibc-hwcaps subdirectories, sorted (elf/cache.c
    /// `assign_glibc_hwcaps_indices`), and the entries under them carry the extension bit.
    @Test func newCacheHasHwcapsSubdirectories() throws {
        let root = try CacheRoot()
        try root.write("new")
        let cache = try #require(try LDCache.load(from: root.tree))
        #expect(cache.hwcapsSubdirectories == ["x86-64-v2", "x86-64-v3"])
        let hw = cache.entries.filter(\.isHwcapsExtension)
        #expect(hw.map(\.hwcapsSubdirectory) == ["x86-64-v2", "x86-64-v3"])
        #expect(hw.map(\.path) == ["x86-64-v2", "x86-64-v3"].map { "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/\($0)/\(root.libz)" })
        #expect(cache.entries.filter { !$0.isHwcapsExtension }.allSatisfy { $0.hwcap == 0 })
    }

    /// In a compat cache glibc reads the hwcaps names at file offsets, though ldconfig writes
    /// string-table offsets (counted from the new header): it sees other bytes, and so does
    /// `ldconfig -p` (the listing test above matches them byte for byte). Here: not the names.
    @Test func compatCacheHwcapsNamesAreReadWhereGlibcReadsThem() throws {
        let root = try CacheRoot()
        try root.write("compat")
        let cache = try #require(try LDCache.load(from: root.tree))
        #expect(cache.hwcapsSubdirectories.count == 2)
        #expect(!cache.hwcapsSubdirectories.contains("x86-64-v3"))
        #expect(!cache.hwcapsSubdirectories.contains("x86-64-v2"))
    }

    @Test func absentCacheIsNil() throws {
        let root = try CacheRoot()
        #expect(try LDCache.load(from: root.tree) == nil)
        #expect(try LDCache.load(from: root.tree, path: "/etc/ld.so.conf/ld.so.cache") == nil)   // ENOTDIR
        try root.text("/etc/ld.so.cache", "")
        #expect(try LDCache.load(from: root.tree) == nil)   // empty: no cache for the loader and ldconfig -p
    }

    /// This machine's own /etc/ld.so.cache, hundreds of entries, against its `ldconfig -p`.
    @Test func hostCacheEqualsLdconfigListing() throws {
        try #require(LDConfig.path != nil)
        let cache = try #require(try LDCache.load(from: HostTree.host))
        let listing = try LDConfig.hostListing()
        #expect(cache.entries.map(\.description) == listing.entries)
        #expect(cache.generator == listing.generator)
    }
}

/// Lookups with glibc's semantics (elf/dl-cache.c `search_cache`) on caches ldconfig wrote.
@Suite struct LDCacheLookupTests {
    @Test func newCacheLookups() throws {
        let root = try CacheRoot()
        try root.write("new")
        let cache = try #require(try LDCache.load(from: root.tree))
        let v2 = "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/" + root.libz
        let v3 = "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/" + root.libz

        // The static baseline: the first plain entry; /opt/lib (ld.so.conf) sorts before the
        // default directory. The hwcaps entries are candidates.
        let z = cache.lookup("libz.so.1", for: Arch.x86_64)
        #expect(z.path == "/opt/lib/libz.so.1")
        #expect(z.hwcapsCandidates == [HwcapsCandidate(subdirectory: "x86-64-v2", path: v2, isaLevel: z.hwcapsCandidates.first?.isaLevel ?? 0),
                                       HwcapsCandidate(subdirectory: "x86-64-v3", path: v3, isaLevel: z.hwcapsCandidates.last?.isaLevel ?? 0)])
        // A CPU's subdirectories, most preferred first: the best one the cache has wins.
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64, usableHwcaps: ["x86-64-v4", "x86-64-v3", "x86-64-v2"]).path == v3)
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64, usableHwcaps: ["x86-64-v2"]).path == v2)
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64, usableHwcaps: ["x86-64-v4"]).path == "/opt/lib/libz.so.1")

        // libc6,x86-64 for x86-64; libc6 (flags 3) for i386; neither for other ABIs.
        #expect(cache.lookup("libc.so.6", for: Arch.x86_64).path == "/lib/x86_64-linux-gnu/libc.so.6")
        #expect(cache.lookup("libc.so.6", for: Arch.i386).path == "/opt/lib32/libc.so.6")
        #expect(cache.lookup("libm.so.6", for: Arch.x86_64) == .none)   // a 32-bit entry only
        #expect(cache.lookup("libm.so.6", for: Arch.i386).path == "/opt/lib32/libm.so.6")
        #expect(cache.lookup("libz.so.1", for: Arch.i386) == .none)
        #expect(cache.lookup("libz.so.1", for: Arch.x32) == .none)
        #expect(cache.lookup("libc.so.6", for: Arch.aarch64) == .none)
        #expect(cache.lookup("libnothere.so.1", for: Arch.x86_64) == .none)

        // `_dl_cache_libcmp` compares digit runs as numbers: libz.so.01 is libz.so.1 to glibc.
        #expect(cache.lookup("libz.so.01", for: Arch.x86_64).path == "/opt/lib/libz.so.1")
        #expect(cache.lookup("libz.so.10", for: Arch.x86_64) == .none)

        // A big-endian loader ignores a little-endian cache.
        let be = try #require(CacheArch(machine: .x86_64, bits: 64, order: .big))
        #expect(cache.isIgnored(by: be))
        #expect(cache.lookup("libc.so.6", for: be) == .none)
    }

    /// In a compat cache glibc compares the bytes it reads as hwcaps names (not the names, see
    /// above) with the CPU's subdirectories: none matches, so the plain entry is taken.
    @Test func compatCacheLookups() throws {
        let root = try CacheRoot()
        try root.write("compat")
        let cache = try #require(try LDCache.load(from: root.tree))
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64).path == "/opt/lib/libz.so.1")
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64, usableHwcaps: ["x86-64-v4", "x86-64-v3", "x86-64-v2"]).path == "/opt/lib/libz.so.1")
        #expect(cache.lookup("libz.so.1", for: Arch.x86_64).hwcapsCandidates.count == 2)
        #expect(cache.lookup("libc.so.6", for: Arch.i386).path == "/opt/lib32/libc.so.6")
        #expect(cache.lookup("libm.so.6", for: Arch.x86_64) == .none)
    }

    /// The old format has no hwcap field: ldconfig writes the glibc-hwcaps libraries as plain
    /// entries (elf/cache.c `save_cache`), sorted first, so the loader takes one of them.
    @Test func oldCacheLookups() throws {
        let root = try CacheRoot()
        try root.write("old")
        let cache = try #require(try LDCache.load(from: root.tree))
        let z = cache.lookup("libz.so.1", for: Arch.x86_64)
        #expect(z.path == "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/" + root.libz)
        #expect(z.hwcapsCandidates.isEmpty)
        #expect(cache.lookup("libc.so.6", for: Arch.x86_64).path == "/lib/x86_64-linux-gnu/libc.so.6")
        #expect(cache.lookup("libc.so.6", for: Arch.i386).path == "/opt/lib32/libc.so.6")
        #expect(cache.lookup("libm.so.6", for: Arch.x86_64) == .none)
    }

    /// On this machine's own cache every name is found, by binary search, at the entry a linear
    /// reading of glibc's rules gives. New format: the first plain entry with accepted flags
    /// (the next plain entry ends the search once one is taken). Old format: accepted entries
    /// replace each other until one has `_DL_CACHE_DEFAULT_ID`.
    @Test func hostCacheLookupsEqualALinearReading() throws {
        let cache = try #require(try LDCache.load(from: HostTree.host))
        let entries = cache.entries
        #expect(entries.count > 10)
        for arch in [Arch.x86_64, Arch.i386, Arch.x32] {
            var seen = Set<String>()
            for e in entries where seen.insert(e.name).inserted {
                let same = entries.filter { $0.name == e.name && arch.accepts($0.flags) && $0.hwcap == 0 }
                let expected = cache.format == .old
                    ? (same.first { $0.flags == arch.defaultFlags } ?? same.last)?.path
                    : same.first?.path
                #expect(cache.lookup(e.name, for: arch).path == expected, "\(e.name) for \(arch.machine)/\(arch.bits)")
            }
        }
    }

    @Test func archFromELFHeaders() throws {
        let (_, x) = try TestBinaries.opened("c/hello-dynamic")
        #expect(CacheArch(x.header) == Arch.x86_64)
        let (_, i) = try TestBinaries.opened("c/hello-m32")
        #expect(CacheArch(i.header) == Arch.i386)
        #expect(Arch.i386.acceptedFlags == [.elf, .elfLibc6])
        #expect(Arch.x86_64.acceptedFlags == [CacheFlags(rawValue: 0x303)])
        #expect(Arch.aarch64.acceptedFlags == [CacheFlags(rawValue: 0xa03)])
        #expect(CacheArch(machine: .arm, bits: 32, order: .little, flags: 0x0500_0400)?.acceptedFlags == [CacheFlags(rawValue: 0x903), .elfLibc6])
        #expect(CacheArch(machine: .riscv, bits: 64, order: .little, flags: 0x5)?.defaultFlags == CacheFlags(rawValue: 0x1003))
        #expect(CacheArch(machine: .riscv, bits: 64, order: .little, flags: 0x2) == nil)   // single-float: no glibc loader
        #expect(CacheArch(machine: Machine(rawValue: 0x9999), bits: 64, order: .little) == nil)
        #expect(CacheFlags(rawValue: 0x303).description == "libc6,x86-64")
        #expect(CacheFlags(rawValue: 0x3).description == "libc6")
        #expect(CacheFlags(rawValue: 0x1).description == "ELF")
        #expect(CacheFlags(rawValue: 0x7f04).description == "unknown,32512")
    }
}

/// The real loaders of this machine, in a chroot, with `LD_DEBUG=libs`: the file they try right
/// after `search cache=/etc/ld.so.cache` is the cache's answer, which must be `lookup`'s.
@Suite(.serialized, .enabled(if: getuid() == 0, "chroot needs root"))
struct LDCacheLoaderOracleTests {
    /// What this machine's loader says its CPU supports (`ld.so --help`): `x86-64-v3`, … in
    /// priority order, the ones marked "supported".
    static func usableHwcaps(_ loader: String) throws -> [String] {
        let help = try run(loader, ["--help"]).stdout
        guard let start = help.range(of: "Subdirectories of glibc-hwcaps directories, in priority order:") else { return [] }
        var out: [String] = []
        for line in help[start.upperBound...].split(separator: "\n").prefix(while: { $0.hasPrefix("  ") }) {
            let words = line.split(separator: " ")
            if line.contains("supported"), let name = words.first { out.append(String(name)) }
        }
        return out
    }

    /// The path the loader tried from the cache for each library, in load order.
    static func cacheAnswers(root: String, program: String) throws -> (answers: [String: String], log: String) {
        let r = try run("/usr/sbin/chroot", [root, program], environment: ["LD_DEBUG": "libs", "PATH": "/"])
        var answers: [String: String] = [:]
        var current: String?
        var afterCache = false
        // chroot(8) itself runs under LD_DEBUG too, with the host's cache: skip to its exec.
        let lines = r.stderr.split(separator: "\n")
        let start = (lines.firstIndex { $0.hasSuffix("transferring control: /usr/sbin/chroot") }).map { $0 + 1 } ?? lines.startIndex
        for line in lines[start...] {
            let text = line.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("find library=") {
                current = String(text.dropFirst("find library=".count).prefix { $0 != " " && $0 != ";" })   // `libx.so.1 [0]; searching`
                afterCache = false
            } else if text.hasPrefix("search cache=") {
                afterCache = true
            } else if afterCache {
                if text.hasPrefix("trying file="), let current { answers[current] = String(text.dropFirst("trying file=".count)) }
                afterCache = false
            }
        }
        return (answers, "exit \(r.status)\n" + r.stderr)
    }

    @Test(arguments: ["new", "compat", "old"])
    func loadersTakeWhatLookupSays(_ format: String) throws {
        let root = try CacheRoot { r in
            try r.linkExecutable("/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2")
            try r.linkExecutable("/lib/ld-linux.so.2", "/lib/ld-linux.so.2")
            // libdemo.so.1 in /opt/lib and both hwcaps directories; the program's RUNPATH
            // ($ORIGIN/lib) holds nothing, so the cache answers.
            let demo = try TestBinaries.named("c/libdemo.so").path
            try r.put(demo, "/opt/lib/libdemo.so.1")
            try r.put(demo, "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libdemo.so.1")
            try r.put(demo, "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libdemo.so.1")
            try r.linkExecutable(try TestBinaries.named("c/uselib-runpath-origin").path, "/srv/bin/app")
            try r.linkExecutable(try TestBinaries.named("c/hello-m32").path, "/srv/bin/hello32")
        }
        try root.write(format)
        let cache = try #require(try LDCache.load(from: root.tree))
        let hwcaps = try Self.usableHwcaps("/lib64/ld-linux-x86-64.so.2")

        let (app, log) = try Self.cacheAnswers(root: root.path, program: "/srv/bin/app")
        #expect(app["libdemo.so.1"] != nil, "the loader did not search the cache: \(log)")
        #expect(app["libdemo.so.1"] == cache.lookup("libdemo.so.1", for: Arch.x86_64, usableHwcaps: hwcaps).path)
        #expect(app["libc.so.6"] == cache.lookup("libc.so.6", for: Arch.x86_64, usableHwcaps: hwcaps).path)
        if format == "new" && hwcaps.contains("x86-64-v3") {
            #expect(app["libdemo.so.1"] == "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libdemo.so.1")
        }

        let (hello, log32) = try Self.cacheAnswers(root: root.path, program: "/srv/bin/hello32")
        #expect(hello["libc.so.6"] == "/opt/lib32/libc.so.6", "\(log32)")
        #expect(hello["libc.so.6"] == cache.lookup("libc.so.6", for: Arch.i386, usableHwcaps: try Self.usableHwcaps("/lib/ld-linux.so.2")).path)
    }
}
