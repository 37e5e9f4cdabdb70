#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GoBinary

// The function-name scan as it was before the byte-string package set and SIMD searches
// (Strings per package switch, Set<String>, Dictionary<String, Kind>), kept verbatim as
// the reference the current scan must match exactly.

enum RefGoNames {
    /// The package of a function name, or nil (`runtime.main` → `runtime`,
    /// `net/http.(*Server).Serve` → `net/http`, `x_cgo_init` → nil).
    static func packageName(_ name: String) -> String? {
        var bytes = Array(name.utf8)
        return bytes.withUnsafeMutableBytes { raw -> String? in
            guard let r = packageRange(UnsafeRawBufferPointer(raw)) else { return nil }
            return packageString(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[r]))
        }
    }

    /// The byte range of the package path inside a function name, or nil when there is none.
    @inline(__always)
    static func packageRange(_ n: UnsafeRawBufferPointer) -> Range<Int>? {
        let count = n.count
        guard count > 0 else { return nil }
        // Compiler-generated names.
        let c0 = n[0]
        if c0 == UInt8(ascii: "g"), count >= 3, n[1] == UInt8(ascii: "o") {
            if n[2] == UInt8(ascii: ":") { return nil }
            if n[2] == UInt8(ascii: "."), !startsWithModulePath(n) { return nil }
        } else if c0 == UInt8(ascii: "t"), count >= 5, n[1] == UInt8(ascii: "y"), n[2] == UInt8(ascii: "p"),
                  n[3] == UInt8(ascii: "e"), n[4] == UInt8(ascii: ":") || n[4] == UInt8(ascii: ".") {
            return nil
        }
        // Common case, no brackets: last slash, then the first dot after it.
        if let base = n.baseAddress, memchr(base, Int32(UInt8(ascii: "[")), count) == nil {
            var j = count - 1
            while j >= 0 && n[j] != UInt8(ascii: "/") { j -= 1 }
            let from = j < 0 ? 0 : j
            guard let p = memchr(base + from, Int32(UInt8(ascii: ".")), count - from) else { return nil }
            let dot = UnsafeRawPointer(p) - base
            return dot > 0 ? 0..<dot : nil
        }
        // Last slash outside brackets.
        var depth = 0
        var lastSlash = -1
        var balanced = true
        var i = 0
        while i < count {
            let c = n[i]
            if c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "]") {
                depth -= 1
                if depth < 0 { balanced = false; break }
            } else if c == UInt8(ascii: "/"), depth == 0 {
                lastSlash = i
            }
            i += 1
        }
        if depth != 0 { balanced = false }
        if !balanced {
            // gosym uses the name as is when brackets are unbalanced.
            lastSlash = -1
            i = 0
            while i < count { if n[i] == UInt8(ascii: "/") { lastSlash = i }; i += 1 }
        }
        // First dot after it, outside brackets.
        i = lastSlash < 0 ? 0 : lastSlash
        depth = 0
        while i < count {
            let c = n[i]
            if balanced && c == UInt8(ascii: "[") {
                depth += 1
            } else if balanced && c == UInt8(ascii: "]") {
                depth -= 1
            } else if c == UInt8(ascii: "."), depth == 0 {
                return i > 0 ? 0..<i : nil
            }
            i += 1
        }
        return nil
    }

    /// Go ≤1.19 spelled compiler-generated names `go.…` (`go.buildid`, `go.itab.*…`), which
    /// collides with module paths such as `go.uber.org/zap`: a `go.` name is a package path
    /// when its first element (up to the first `/`) is a plain host name.
    @inline(__always)
    static func startsWithModulePath(_ n: UnsafeRawBufferPointer) -> Bool {
        var i = 3
        var sawDot = false
        while i < n.count {
            let c = n[i]
            if c == UInt8(ascii: "/") { return sawDot && i > 3 }
            if c == UInt8(ascii: ".") { sawDot = true; i += 1; continue }
            let ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || (c >= 65 && c <= 90)
            if !ok { return false }
            i += 1
        }
        return false
    }

    /// The package path string, with `%xx` escapes decoded.
    static func packageString(_ b: UnsafeRawBufferPointer) -> String {
        guard b.contains(UInt8(ascii: "%")) else { return String(decoding: b, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = GoStrconv.unhex(b[i + 1]), let l = GoStrconv.unhex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One pass over the function names: the package set and the signals.
struct RefNameScan {
    var packages = Set<String>()
    var signals = GoSignals()
    var cgoPackages = Set<String>()

    /// What a package means to the signals, decided once per change of package.
    enum Kind { case other, net, osUser, plugin, x509, time, os, tzdata, fallbackRoots, runtime }

    private var lastPackage: [UInt8] = []
    private var lastPackageString = ""
    private var lastKind = Kind.other
    private var hadPackage = false

    static let kinds: [String: Kind] = [
        "net": .net, "os/user": .osUser, "plugin": .plugin, "crypto/x509": .x509, "time": .time, "os": .os,
        "time/tzdata": .tzdata, "golang.org/x/crypto/x509roots/fallback": .fallbackRoots, "runtime": .runtime,
    ]

    /// Scans a NUL-separated name table (funcnametab) in one pass. For a name that starts with
    /// the current package followed by "." the rest is only searched for NUL or "/" (16, then 8
    /// bytes at a time); other names are parsed in full, and a String is made only when the
    /// package changes to one not seen recently.
    mutating func scanTable(_ table: UnsafeRawBufferPointer) {
        guard let base = table.baseAddress else { return }
        let end = table.count
        // The current package's bytes, as a range of the table (from the name that set it).
        var pkgStart = 0, pkgLen = 0
        var i = 0
        while i < end {
            if pkgLen > 0, i + pkgLen < end, base.load(fromByteOffset: i + pkgLen, as: UInt8.self) == UInt8(ascii: "."),
               RefNameScan.equal(base + i, base + pkgStart, pkgLen) {
                let (stop, isSlash) = RefNameScan.findNULOrSlash(base, from: i + pkgLen + 1, end: end)
                if !isSlash {
                    examine(UnsafeRawBufferPointer(start: base + i, count: stop - i), restStart: pkgLen + 1)
                    i = stop + 1
                    continue
                }
            }
            let stop = memchr(base + i, 0, end - i).map { UnsafeRawPointer($0) - base } ?? end
            if stop > i {
                let name = UnsafeRawBufferPointer(start: base + i, count: stop - i)
                if let r = RefGoNames.packageRange(name) {
                    if r.count != pkgLen || !RefNameScan.equal(base + i, base + pkgStart, pkgLen) {
                        switchPackage(UnsafeRawBufferPointer(rebasing: name[r]))
                        pkgStart = i
                        pkgLen = r.count
                    }
                    examine(name, restStart: r.upperBound + 1)
                } else {
                    noPackage(name)
                }
            }
            i = stop + 1
        }
    }

    /// The first index at or after `from` (before `end`) holding NUL or "/", and which it was;
    /// `end` when there is none.
    @inline(__always)
    static func findNULOrSlash(_ base: UnsafeRawPointer, from: Int, end: Int) -> (Int, Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let slashes: UInt64 = 0x2f2f_2f2f_2f2f_2f2f
        var i = from
        let zero = SIMD16<UInt8>(repeating: 0), slash = SIMD16<UInt8>(repeating: UInt8(ascii: "/"))
        while i + 16 <= end {
            let v = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            if any((v .== zero) .| (v .== slash)) { break }
            i += 16
        }
        while i + 8 <= end {
            let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let y = x ^ slashes
            let t = ((x &- ones) & ~x & highs) | ((y &- ones) & ~y & highs)
            if t != 0 {
                // The lowest flagged byte is exact (false positives only occur above a true match).
                let k = i + t.trailingZeroBitCount / 8
                return (k, base.load(fromByteOffset: k, as: UInt8.self) != 0)
            }
            i += 8
        }
        while i < end {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            if c == 0 { return (i, false) }
            if c == UInt8(ascii: "/") { return (i, true) }
            i += 1
        }
        return (end, false)
    }

    @inline(__always)
    static func equal(_ p: UnsafeRawPointer, _ q: UnsafeRawPointer, _ n: Int) -> Bool {
        var k = 0
        while k + 8 <= n {
            if p.loadUnaligned(fromByteOffset: k, as: UInt64.self) != q.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        while k < n {
            if p.load(fromByteOffset: k, as: UInt8.self) != q.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }

    mutating func add(_ name: UnsafeRawBufferPointer) {
        // Fast path: most names continue the package of the previous one. "pkg." followed by
        // no slash has exactly that package (the last slash is inside the prefix, and the
        // prefix has no dot after it).
        let n = lastPackage.count
        if hadPackage, name.count > n + 1, name[n] == UInt8(ascii: "."), let base = name.baseAddress,
           lastPackage.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, base, n) == 0 } ?? false }),
           memchr(base + n + 1, Int32(UInt8(ascii: "/")), name.count - n - 1) == nil {
            examine(name, restStart: n + 1)
            return
        }
        guard let r = RefGoNames.packageRange(name) else {
            noPackage(name)
            return
        }
        let pkg = UnsafeRawBufferPointer(rebasing: name[r])
        if !hadPackage || !RefNameScan.same(lastPackage, pkg) {
            switchPackage(pkg)
        }
        examine(name, restStart: r.upperBound + 1)
    }

    /// Makes `pkg` the current package. Inlined bodies make names alternate between a few
    /// packages, so the last few are kept to avoid building and hashing a String each time.
    private mutating func switchPackage(_ pkg: UnsafeRawBufferPointer) {
        if let k = recent.firstIndex(where: { RefNameScan.same($0.bytes, pkg) }) {
            let e = recent[k]
            lastPackage = e.bytes
            lastPackageString = e.string
            lastKind = e.kind
        } else {
            lastPackage = Array(pkg)
            let s = RefGoNames.packageString(pkg)
            lastPackageString = s
            // gosym reports "_" for linker-named closures such as `_.goready.func1`: not an
            // import path, so not a linked package.
            if s != "_" { packages.insert(s) }
            lastKind = RefNameScan.kinds[s] ?? (s.hasPrefix("runtime/") ? .runtime : .other)
            if recent.count < 8 {
                recent.append((lastPackage, s, lastKind))
            } else {
                recent[recentNext] = (lastPackage, s, lastKind)
                recentNext = (recentNext + 1) % 8
            }
        }
        hadPackage = true
    }

    private var recent: [(bytes: [UInt8], string: String, kind: Kind)] = []
    private var recentNext = 0

    /// Signals from the part of the name after "pkg." (the package is `lastPackageString`).
    @inline(__always)
    private mutating func examine(_ name: UnsafeRawBufferPointer, restStart: Int) {
        guard restStart < name.count else { return }
        if lastKind == .other && name[restStart] != UInt8(ascii: "_") { return }
        let rest = UnsafeRawBufferPointer(rebasing: name[restStart...])
        if rest[0] == UInt8(ascii: "_"), lastKind != .runtime,
           RefNameScan.hasPrefix(rest, "_Cfunc_") || RefNameScan.hasPrefix(rest, "_C2func_") || RefNameScan.hasPrefix(rest, "_cgo_")
            || RefNameScan.hasPrefix(rest, "_Cmacro_") {
            cgoPackages.insert(lastPackageString)
            switch lastKind {
            case .net: signals.note(.netCgoResolver, string(name))
            case .osUser: signals.note(.osUserCgo, string(name))
            case .plugin: signals.note(.plugin, string(name))
            default: break
            }
            return
        }
        switch lastKind {
        case .other, .runtime:
            break
        case .net:
            break
        case .osUser:
            if RefNameScan.hasPrefix(rest, "readColonFile") || RefNameScan.hasPrefix(rest, "findUser") || RefNameScan.hasPrefix(rest, "findGroup")
                || RefNameScan.hasPrefix(rest, "matchUserIndexValue") || RefNameScan.hasPrefix(rest, "matchGroupIndexValue") {
                signals.note(.osUserPure, string(name))
            }
        case .plugin:
            // Without cgo, plugin.Open is a stub that always fails: only the dlopen path counts,
            // and plugin.open is kept as evidence beside it.
            if RefNameScan.equals(rest, "open") { pluginOpen = string(name) }
        case .x509:
            if RefNameScan.hasPrefix(rest, "loadSystemRoots") || RefNameScan.hasPrefix(rest, "initSystemRoots") {
                signals.note(.x509SystemRoots, string(name))
            } else if RefNameScan.hasPrefix(rest, "SetFallbackRoots") {
                signals.note(.x509FallbackRoots, string(name))
            }
        case .time:
            if RefNameScan.equals(rest, "LoadLocation") { signals.note(.timeLoadLocation, string(name)) }
        case .os:
            if RefNameScan.equals(rest, "TempDir") || RefNameScan.equals(rest, "CreateTemp") || RefNameScan.equals(rest, "MkdirTemp") {
                signals.note(.tempDir, string(name))
            }
        case .tzdata:
            signals.note(.tzdataEmbedded, string(name))
        case .fallbackRoots:
            signals.note(.x509FallbackRoots, string(name))
        }
    }

    /// Names without a package: the C and assembly parts of runtime/cgo.
    private mutating func noPackage(_ name: UnsafeRawBufferPointer) {
        guard let c = name.first, c == UInt8(ascii: "x") || c == UInt8(ascii: "_") || c == UInt8(ascii: "c") else { return }
        if RefNameScan.equals(name, "x_cgo_init") || RefNameScan.equals(name, "_cgo_sys_thread_start") || RefNameScan.equals(name, "crosscall2") {
            signals.note(.cgoRuntime, string(name))
        }
    }

    /// Sorted results.
    private var pluginOpen: String?

    func finish() -> (packages: [String], signals: GoSignals) {
        var s = signals
        if s.plugin, let p = pluginOpen { s.note(.plugin, p) }
        s.cgoPackages = cgoPackages.sorted()
        return (packages.sorted(), s)
    }

    @inline(__always)
    private func string(_ b: UnsafeRawBufferPointer) -> String { String(decoding: b, as: UTF8.self) }

    @inline(__always)
    static func same(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { ab in
            guard let x = ab.baseAddress, let y = b.baseAddress else { return a.isEmpty }
            return memcmp(x, y, b.count) == 0
        }
    }

    @inline(__always)
    static func hasPrefix(_ b: UnsafeRawBufferPointer, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard b.count >= n, let base = b.baseAddress else { return false }
        return memcmp(base, p.utf8Start, n) == 0
    }

    @inline(__always)
    static func equals(_ b: UnsafeRawBufferPointer, _ p: StaticString) -> Bool {
        b.count == p.utf8CodeUnitCount && hasPrefix(b, p)
    }
}
