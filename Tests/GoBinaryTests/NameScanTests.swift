import Foundation
import Testing
import ELFKit
@testable import GoBinary
import TestSupport

/// The scan's package set, signals and cgo packages for a NUL-separated table, both ways
/// (funcnametab in one piece, and name by name as for Go 1.2 tables).
private func scanBoth(_ table: [UInt8]) -> (table: ([String], GoSignals), names: ([String], GoSignals)) {
    var a = GoNameScan()
    table.withUnsafeBytes { a.scanTable($0) }
    var b = GoNameScan()
    table.withUnsafeBytes { raw in
        for part in raw.split(separator: 0, omittingEmptySubsequences: true) { b.add(UnsafeRawBufferPointer(rebasing: part)) }
    }
    return (a.finish(), b.finish())
}

/// The same with the scan as it was (`RefNameScan`).
private func referenceScan(_ table: [UInt8]) -> ([String], GoSignals) {
    var r = RefNameScan()
    table.withUnsafeBytes { r.scanTable($0) }
    return r.finish()
}

private func table(_ names: [String]) -> [UInt8] { names.flatMap { Array($0.utf8) + [0] } }

@Suite("ByteStringSet")
struct ByteStringSetTests {
    @Test("ids in insertion order, the same id again, lookups through growth, tags")
    func manyKeys() {
        var set = ByteStringSet(capacity: 2)   // grows many times
        var expected: [[UInt8]: Int] = [:]
        var order: [[UInt8]] = []
        var rng = SeededRNG(seed: 42)
        var keys: [[UInt8]] = [[], [0], [0, 0], Array("a".utf8), Array("ab".utf8), [0xff, 0xfe]]
        for i in 0..<3000 {
            // Shared prefixes and suffixes, every length from 0 to 40, keys that differ in one byte only.
            var k = Array("github.com/org\(i % 37)/repo".utf8)
            k += (0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 0x21...0x7e, using: &rng) }
            keys.append(Array(k.prefix(Int.random(in: 0...40, using: &rng))))
            var flipped = k
            flipped[flipped.count - 1] ^= 1
            keys.append(flipped)
        }
        keys += keys.shuffled(using: &rng)   // every key twice
        for k in keys {
            let (id, inserted) = k.withUnsafeBytes { set.insert($0) }
            if let known = expected[k] {
                #expect(!inserted && id == known)
            } else {
                #expect(inserted && id == order.count)
                expected[k] = id
                order.append(k)
                set.setTag(id, id * 3)
            }
        }
        #expect(set.count == order.count)
        for (id, k) in order.enumerated() {
            #expect(k.withUnsafeBytes { set.find($0) } == id)
            #expect(set.withBytes(id) { Array($0) } == k)
            #expect(set.tag(id) == id * 3)
        }
        #expect(Array("not there".utf8).withUnsafeBytes { set.find($0) } == nil)
    }

    @Test("colliding slots: keys of the same length that hash alike still get their own ids")
    func collisions() {
        // A small table: with 200 keys in it, many share a home slot and probe.
        var set = ByteStringSet(capacity: 1)
        let keys = (0..<200).map { Array(String(format: "p/%03d", $0).utf8) }
        for (i, k) in keys.enumerated() { #expect(k.withUnsafeBytes { set.insert($0) } == (i, true)) }
        for (i, k) in keys.enumerated() { #expect(k.withUnsafeBytes { set.insert($0) } == (i, false)) }
    }
}

@Suite("ByteSearch")
struct ByteSearchTests {
    @Test("NUL and slash masks, lane bits, last byte, substring: as the byte-by-byte loops, at every offset")
    func againstLoops() {
        var rng = SeededRNG(seed: 9)
        for _ in 0..<400 {
            let n = Int.random(in: 0...140, using: &rng)
            // Few distinct bytes, so matches are frequent and land on every lane.
            let alphabet: [UInt8] = [0, UInt8(ascii: "/"), UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "."), 0x80]
            let hay = (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            let needle = (0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            hay.withUnsafeBytes { h in
                guard let base = h.baseAddress else { return }
                // Every 64-byte window: bit k for byte k.
                for from in stride(from: 0, through: n - 64, by: 1) where n >= 64 {
                    var nul: UInt64 = 0, slash: UInt64 = 0
                    for k in 0..<64 {
                        if hay[from + k] == 0 { nul |= 1 << UInt64(k) }
                        if hay[from + k] == UInt8(ascii: "/") { slash |= 1 << UInt64(k) }
                    }
                    let m = ByteSearch.nulAndSlash64(base + from)
                    #expect(m.nul == nul && m.slash == slash)
                }
                for from in stride(from: 0, through: n - 16, by: 1) where n >= 16 {
                    var dots: UInt32 = 0
                    for k in 0..<16 where hay[from + k] == UInt8(ascii: ".") { dots |= 1 << UInt32(k) }
                    #expect(ByteSearch.bits(ByteSearch.load16(base, from) .== SIMD16(repeating: UInt8(ascii: "."))) == dots)
                }
                for count in 0...n {
                    let last = (0..<count).last { hay[$0] == UInt8(ascii: "/") } ?? -1
                    #expect(ByteSearch.lastIndex(of: UInt8(ascii: "/"), base, count: count) == last)
                }
                let naive = n < needle.count ? nil : (0...(n - needle.count)).first { Array(hay[$0..<($0 + needle.count)]) == needle }
                #expect(needle.withUnsafeBytes { ByteSearch.firstIndex(of: $0, in: h) } == naive)
            }
        }
    }
}

@Suite("Name scan: same packages and signals as gosym rules and as the scan before")
struct NameScanTests {
    static let tricky = [
        "runtime.main", "runtime.gcStart", "runtime/internal/atomic.Load64", "runtime/cgo._cgo_panic",
        "net/http.(*Server).Serve", "net/http.(*Server).Serve.func1", "net._C2func_getaddrinfo", "net.(*Resolver).lookupIP",
        "x_cgo_init", "_cgo_sys_thread_start", "crosscall2", "_rt0_amd64_linux",
        "go.uber.org/zap.New", "go.uber.org/zap/zapcore.(*CheckedEntry).Write", "go.buildid", "go.itab.*os.File,io.Writer",
        "go:buildid", "go:itab.*net.TCPConn,net.Conn", "type:.eq.[2]interface {}", "type..eq.main.T", "type:.hash.net/http.x",
        "gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml%2ev3.(*decoder).unmarshal", "x/%41.f", "x/A.g", "%5f.f",
        "example.com/gen.Map[go.shape.string,go.shape.int]", "example.com/gen.Map[go.shape.struct { F net/http.Header }]",
        "example.com/gen.(*List[go.shape.*uint8]).Push", "example.com/gen/sub.F[example.com/other/pkg.T].func1",
        "weird[.x", "a]b/c.d", "a/b]c.d[e/f", "[x/y].z", "_.goready.func1", "_._Cfunc_x",
        "ünïcode/pkg.F", "café/x.F", "cafe\u{301}/x.G", "日本/語.F", "os/user._Cfunc_mygetpwuid_r", "os/user.lookupUser",
        "os/user.findUser", "plugin._Cfunc_pluginOpen", "plugin.open", "plugin.Open", "crypto/x509.loadSystemRoots",
        "crypto/x509.SetFallbackRoots", "time.LoadLocation", "time/tzdata.init", "os.TempDir", "os.MkdirTemp",
        "golang.org/x/crypto/x509roots/fallback.init", "main.main", "main._Cfunc_sqlite3_open", "main.main.func1",
        "a.b", ".x", "x.", "nodot", "a/b", "a/b/", "go", "type", "go.", "type:", "g", "example.com/a-very-long-package-path/with/many/elements/and/more.F",
        "example.com/a-very-long-package-path/with/many/elements/and/more.G[go.shape.struct { a/b/c.D; e/f.G }]",
    ]

    @Test("package list = sorted distinct GoNames.packageName, without \"_\"; both scan ways; as before")
    func trickyNames() {
        let t = table(Self.tricky)
        let expected = Set(Self.tricky.compactMap(GoNames.packageName)).subtracting(["_"]).sorted()
        #expect(Self.tricky.map(GoNames.packageName) == Self.tricky.map(RefGoNames.packageName))
        let (a, b) = scanBoth(t)
        #expect(a.0 == expected)
        #expect(b.0 == expected)
        let ref = referenceScan(t)
        #expect(a.0 == ref.0 && a.1 == ref.1)
        #expect(b.0 == ref.0 && b.1 == ref.1)
        // Without the last NUL: the last name ends at the end of the table.
        let open = Array(t.dropLast())
        #expect(scanBoth(open).table.0 == referenceScan(open).0)
    }

    @Test("random tables of package switches, signals and generics: as before")
    func randomTables() {
        let packages = ["net", "os", "os/user", "time", "runtime", "runtime/cgo", "crypto/x509", "plugin", "time/tzdata",
                        "golang.org/x/crypto/x509roots/fallback", "go.uber.org/zap", "gopkg.in/yaml%2ev3", "_", "café",
                        "cafe\u{301}", "x/%41", "x/A", "example.com/a/b", "main", "a%2", "%6eet"]
        let rests = ["main", "_Cfunc_x", "_C2func_y", "_cgo_z", "_Cmacro_w", "open", "Open", "LoadLocation", "TempDir", "CreateTemp",
                     "readColonFile", "findGroup", "loadSystemRoots", "initSystemRoots", "SetFallbackRoots", "F[go.shape.int]",
                     "G[net/http.x]", "(*T).M", "func1", "x]y", "H[a/b.c", "init.0", "Long_function_name_that_crosses_blocks"]
        let loose = ["x_cgo_init", "crosscall2", "_cgo_sys_thread_start", "go:buildid", "type:.eq.x", "go.itab.x", "go.uber.org/zap",
                     "a[b/c.d]", "weird/"]
        var rng = SeededRNG(seed: 2024)
        for round in 0..<300 {
            var names: [String] = []
            var pkg = packages.randomElement(using: &rng) ?? "main"
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: pkg = packages.randomElement(using: &rng) ?? "main"
                case 1: names.append(loose.randomElement(using: &rng) ?? "")
                default: names.append(pkg + "." + (rests.randomElement(using: &rng) ?? ""))
                }
            }
            let t = table(names)
            let ref = referenceScan(t)
            let (a, b) = scanBoth(t)
            #expect(a.0 == ref.0 && a.1 == ref.1, "round \(round): \(names)")
            #expect(b.0 == ref.0 && b.1 == ref.1, "round \(round): \(names)")
        }
    }

    @Test("names across 64-byte blocks: long names, slashes blocks before the NUL, empty names, no last NUL")
    func blockEdges() {
        let packages = ["net", "a/b", "example.com/x/y", "os/user", "main", "go.uber.org/zap", "time"]
        var rng = SeededRNG(seed: 64)
        for round in 0..<600 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                switch Int.random(in: 0..<8, using: &rng) {
                case 0:
                    bytes.append(0)   // an empty name
                default:
                    let long = Bool.random(using: &rng)
                    var rest = Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 0...(long ? 200 : 6), using: &rng))
                    // Slashes, brackets and dots anywhere in the rest, often blocks before the NUL;
                    // "/q." makes the package longer than the prefix (a new package).
                    for _ in 0..<Int.random(in: 0...2, using: &rng) {
                        let piece = ["/", "[", "]", ".", "_", "/q.", "[a/b.c]"].randomElement(using: &rng) ?? ""
                        rest.insert(contentsOf: Array(piece.utf8), at: Int.random(in: 0...rest.count, using: &rng))
                    }
                    let pkg = packages.randomElement(using: &rng) ?? "main"
                    bytes += Array(pkg.utf8) + [UInt8(ascii: ".")] + rest + [0]
                }
            }
            // Every table length around the block size, with and without the last NUL.
            let (ref, scan) = (referenceScan(bytes), scanBoth(bytes).table)
            #expect(scan.0 == ref.0 && scan.1 == ref.1, "round \(round)")
            let open = Array(bytes.dropLast())
            let (refOpen, scanOpen) = (referenceScan(open), scanBoth(open).table)
            #expect(scanOpen.0 == refOpen.0 && scanOpen.1 == refOpen.1, "round \(round), no last NUL")
        }
    }

    /// Corpus Go binaries and Go programs installed on this machine (when present).
    static var files: [String] {
        var out = goBinaries.map(\.path)
        let fm = FileManager.default
        for dir in ["/usr/lib/go-1.19/pkg/tool/linux_amd64", "/usr/lib/go-1.19/bin"] {
            out += ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { "\(dir)/\($0)" }
        }
        out += ["/usr/bin/skopeo", "/usr/bin/umoci"].filter { fm.fileExists(atPath: $0) }
        return out
    }

    @Test("real binaries: the same packages, signals and cgo packages as the scan before")
    func realBinaries() throws {
        var compared = 0
        for path in Self.files {
            guard let f = try? MappedFile(path: path), f.view.hasBytes(ELFFile.magic), let elf = try? ELFFile(f.view) else { continue }
            let sections = (try? elf.sections()) ?? []
            guard let s = sections.first(where: { $0.name == ".gopclntab" || $0.name == ".data.rel.ro.gopclntab" }),
                  let table = try? GoPclntab(elf.data(of: s)) else { continue }
            var scan = GoNameScan(), ref = RefNameScan()
            let done = table.withFunctionNameTable { t -> Bool in
                scan.scanTable(t)
                ref.scanTable(t)
                return true
            }
            if done == nil {
                try table.forEachFunctionName { scan.add($0); ref.add($0); return true }
            }
            let (a, r) = (scan.finish(), ref.finish())
            #expect(a.packages == r.packages, "\(path)")
            #expect(a.signals == r.signals, "\(path)")
            compared += 1
        }
        #expect(compared > 20)
    }
}
