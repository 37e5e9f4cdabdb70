#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ELFKit

/// Package paths from function names, following `debug/gosym.Sym.PackageName`
/// (`src/debug/gosym/symtab.go`): drop generic instantiations `[...]`, ignore compiler-generated
/// `go:`/`type:` (Go ≥1.20) and `go.`/`type.` (≤1.19) names, then take everything up to the
/// first dot after the last slash. The linker escapes dots in the last path element
/// (`gopkg.in/yaml%2ev3.Unmarshal`), so `%xx` is decoded.
public enum GoNames {
    /// The package of a function name, or nil (`runtime.main` → `runtime`,
    /// `net/http.(*Server).Serve` → `net/http`, `x_cgo_init` → nil).
    public static func packageName(_ name: String) -> String? {
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
        guard let base = n.baseAddress else { return nil }
        // Common case, no brackets: last slash, then the first dot after it.
        if memchr(base, Int32(UInt8(ascii: "[")), count) == nil {
            let j = ByteSearch.lastIndex(of: UInt8(ascii: "/"), base, count: count)
            let from = j < 0 ? 0 : j
            guard let p = memchr(base + from, Int32(UInt8(ascii: ".")), count - from) else { return nil }
            let dot = UnsafeRawPointer(p) - base
            return dot > 0 ? 0..<dot : nil
        }
        // Last slash outside brackets: only "[", "]" and "/" matter, found 16 bytes at a time.
        var state = BracketScan()
        var i = 0
        scan: while i < count {
            if i + 16 <= count {
                let v = ByteSearch.load16(base, i)
                var m = ByteSearch.bits((v .== SIMD16(repeating: UInt8(ascii: "["))) .| (v .== SIMD16(repeating: UInt8(ascii: "]")))
                                        .| (v .== SIMD16(repeating: UInt8(ascii: "/"))))
                while m != 0 {
                    let k = i + m.trailingZeroBitCount
                    if !state.step(n[k], at: k) { break scan }
                    m &= m - 1
                }
                i += 16
            } else {
                if !state.step(n[i], at: i) { break scan }
                i += 1
            }
        }
        var lastSlash = state.lastSlash
        let balanced = state.balanced && state.depth == 0
        if !balanced {
            // gosym uses the name as is when brackets are unbalanced.
            lastSlash = ByteSearch.lastIndex(of: UInt8(ascii: "/"), base, count: count)
        }
        // First dot after it, outside brackets.
        i = lastSlash < 0 ? 0 : lastSlash
        var depth = 0
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

    /// Bracket depth and the last slash outside brackets, one "[", "]" or "/" at a time.
    struct BracketScan {
        var depth = 0
        var lastSlash = -1
        var balanced = true

        /// False at a "]" without its "[" (the scan stops there).
        @inline(__always)
        mutating func step(_ c: UInt8, at i: Int) -> Bool {
            if c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "]") {
                depth -= 1
                if depth < 0 { balanced = false; return false }
            } else if c == UInt8(ascii: "/"), depth == 0 {
                lastSlash = i
            }
            return true
        }
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
        appendDecoded(b, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the bytes of `b` with `%xx` escapes decoded.
    static func appendDecoded(_ b: UnsafeRawBufferPointer, to out: inout [UInt8]) {
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
    }
}

/// One pass over the function names: the package set and the signals.
struct GoNameScan {
    var signals = GoSignals()
    /// Every package seen (raw bytes, before `%xx` decoding), tagged with its `Kind` and `cgoFlag`.
    private var seen = ByteStringSet(capacity: 256)
    /// Packages with cgo names, in the order first noted.
    private var cgoIDs: [Int] = []
    /// The current package's id in `seen`, -1 before the first.
    private var current = -1
    private var lastKind = Kind.other
    private var pluginOpen: String?

    /// What a package means to the signals, decided once per package.
    enum Kind: Int { case other, net, osUser, plugin, x509, time, os, tzdata, fallbackRoots, runtime }

    /// Tag bit: the package has cgo names.
    static let cgoFlag = 1 << 8

    /// Scans a NUL-separated name table (funcnametab) in one pass, 64 bytes at a time: the NULs
    /// and slashes of a block become two bit masks, and each name is then a few bit operations
    /// and one prefix compare (see `name`).
    mutating func scanTable(_ table: UnsafeRawBufferPointer) {
        guard let base = table.baseAddress else { return }
        let end = table.count
        var cursor = NameCursor()
        // Whole 64-byte blocks: one bit per NUL and per "/", then one step per name.
        var b = 0
        while b &+ 64 <= end {
            let (nul, slash) = ByteSearch.nulAndSlash64(base + b)
            scanBlock(base, end, b, nul, slash, &cursor)
            b &+= 64
        }
        if b < end {
            var nul: UInt64 = 0, slash: UInt64 = 0
            for k in 0..<(end &- b) {
                let c = base.load(fromByteOffset: b &+ k, as: UInt8.self)
                if c == 0 { nul |= 1 &<< UInt64(k) } else if c == UInt8(ascii: "/") { slash |= 1 &<< UInt64(k) }
            }
            scanBlock(base, end, b, nul, slash, &cursor)
        }
        // A last name without its NUL.
        if cursor.start < end { name(base, end, cursor.start, end, lastSlash: cursor.lastSlash, &cursor) }
    }

    /// Where the scan is: the current name's start, the last "/" before the block, and the
    /// current and previous package (byte ranges of the table, from the names that set them).
    struct NameCursor {
        var start = 0
        var lastSlash = -1
        var pkgStart = 0, pkgLen = 0
        /// The package before it: inlined bodies make names alternate between two packages.
        var prevStart = 0, prevLen = 0, prevID = -1

        /// The package of the name at `start` is its first `count` bytes; the current package
        /// (`id` in `seen`) becomes the previous one.
        mutating func enter(start: Int, count: Int, leaving id: Int) {
            (prevStart, prevLen, prevID) = (pkgStart, pkgLen, id)
            pkgStart = start
            pkgLen = count
        }
    }

    /// Whether the name `i..<stop` is the package at `pStart` (`pLen` bytes) followed by "." and
    /// no "/" (`lastSlash` is the last "/" before `stop`): then that is its package, since the
    /// last slash is inside the prefix and the prefix has no dot after it.
    @inline(__always)
    static func continues(_ base: UnsafeRawPointer, _ end: Int, _ i: Int, _ stop: Int, lastSlash: Int, _ pStart: Int, _ pLen: Int) -> Bool {
        pLen > 0 && i &+ pLen < stop && base.load(fromByteOffset: i &+ pLen, as: UInt8.self) == UInt8(ascii: ".")
            && lastSlash <= i &+ pLen && GoNameScan.equal(base + i, base + pStart, pLen, readable: end &- i)
    }

    /// The names that end in the block at `b`: `nul` and `slash` have bit k set for a NUL or a
    /// "/" at `b + k`.
    @inline(__always)
    private mutating func scanBlock(_ base: UnsafeRawPointer, _ end: Int, _ b: Int, _ nul: UInt64, _ slash: UInt64,
                                    _ cursor: inout NameCursor) {
        var z = nul
        while z != 0 {
            let k = z.trailingZeroBitCount
            z &= z &- 1
            // The last "/" before the NUL: in this block below it, else before the block.
            let below = slash & ((1 &<< UInt64(k)) &- 1)
            let lastSlash = below != 0 ? b &+ 63 &- below.leadingZeroBitCount : cursor.lastSlash
            let stop = b &+ k
            if stop > cursor.start { name(base, end, cursor.start, stop, lastSlash: lastSlash, &cursor) }
            cursor.start = stop &+ 1
        }
        if slash != 0 { cursor.lastSlash = b &+ 63 &- slash.leadingZeroBitCount }
    }

    /// One name, `i..<stop`, not empty; `lastSlash` is the last "/" before `stop`. A name that
    /// continues the current package, or the one before it, costs one prefix compare; others are
    /// parsed in full, and a package switch is a lookup of the package's bytes in `seen`.
    @inline(__always)
    private mutating func name(_ base: UnsafeRawPointer, _ end: Int, _ i: Int, _ stop: Int, lastSlash: Int, _ c: inout NameCursor) {
        if GoNameScan.continues(base, end, i, stop, lastSlash: lastSlash, c.pkgStart, c.pkgLen) {
            examine(UnsafeRawBufferPointer(start: base + i, count: stop &- i), restStart: c.pkgLen &+ 1)
            return
        }
        if c.prevID >= 0, GoNameScan.continues(base, end, i, stop, lastSlash: lastSlash, c.prevStart, c.prevLen) {
            let (id, count) = (current, c.prevLen)
            makeCurrent(c.prevID)
            c.enter(start: i, count: count, leaving: id)
            examine(UnsafeRawBufferPointer(start: base + i, count: stop &- i), restStart: count &+ 1)
            return
        }
        fullName(base, end, i, stop, &c)
    }

    @inline(never)
    private mutating func fullName(_ base: UnsafeRawPointer, _ end: Int, _ i: Int, _ stop: Int, _ c: inout NameCursor) {
        let name = UnsafeRawBufferPointer(start: base + i, count: stop - i)
        guard let r = GoNames.packageRange(name) else {
            noPackage(name)
            return
        }
        if r.count != c.pkgLen || !GoNameScan.equal(base + i, base + c.pkgStart, c.pkgLen, readable: end - i) {
            let id = current
            if c.prevID >= 0, r.count == c.prevLen, GoNameScan.equal(base + i, base + c.prevStart, c.prevLen, readable: end - i) {
                makeCurrent(c.prevID)
            } else {
                switchPackage(UnsafeRawBufferPointer(rebasing: name[r]))
            }
            c.enter(start: i, count: r.count, leaving: id)
        }
        examine(name, restStart: r.upperBound + 1)
    }

    /// Whether the `n` bytes at `p` and at `q` (q before p) are equal; `readable` bytes from
    /// `p` on are inside the buffer (more than `n`). Words, the last one overlapping.
    @inline(__always)
    static func equal(_ p: UnsafeRawPointer, _ q: UnsafeRawPointer, _ n: Int, readable: Int) -> Bool {
        if n >= 8 {
            var k = 0
            while k &+ 8 < n {
                if p.loadUnaligned(fromByteOffset: k, as: UInt64.self) != q.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
                k &+= 8
            }
            return p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == q.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if readable >= 8 {
            // One word each, compared in the low n bytes.
            let x = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)), y = UInt64(littleEndian: q.loadUnaligned(as: UInt64.self))
            return (x ^ y) & ((1 << UInt64(n &* 8)) &- 1) == 0
        }
        return equal(p, q, n)
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
        if current >= 0, let base = name.baseAddress {
            let n = seen.count(current)
            if name.count > n + 1, name[n] == UInt8(ascii: "."),
               seen.withBytes(current, { ByteStringSet.equal($0, UnsafeRawBufferPointer(start: base, count: n)) }),
               memchr(base + n + 1, Int32(UInt8(ascii: "/")), name.count - n - 1) == nil {
                examine(name, restStart: n + 1)
                return
            }
        }
        guard let r = GoNames.packageRange(name) else {
            noPackage(name)
            return
        }
        let pkg = UnsafeRawBufferPointer(rebasing: name[r])
        if current < 0 || !seen.withBytes(current, { ByteStringSet.equal($0, pkg) }) {
            switchPackage(pkg)
        }
        examine(name, restStart: r.upperBound + 1)
    }

    /// Makes `pkg` the current package; its kind is decided the first time it is seen.
    private mutating func switchPackage(_ pkg: UnsafeRawBufferPointer) {
        let (id, inserted) = seen.insert(pkg)
        if inserted { seen.setTag(id, GoNameScan.kind(of: pkg).rawValue) }
        makeCurrent(id)
    }

    private mutating func makeCurrent(_ id: Int) {
        current = id
        lastKind = Kind(rawValue: seen.tag(id) & 0xff) ?? .other
    }

    /// The kind of a package from its raw bytes: `%xx` decoded, then compared as bytes when
    /// ASCII; other text is compared as Strings, as before (canonical equivalence).
    static func kind(of raw: UnsafeRawBufferPointer) -> Kind {
        guard raw.contains(UInt8(ascii: "%")) else { return kind(decoded: raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        GoNames.appendDecoded(raw, to: &out)
        return out.withUnsafeBytes { kind(decoded: $0) }
    }

    private static func kind(decoded pkg: UnsafeRawBufferPointer) -> Kind {
        if pkg.contains(where: { $0 >= 0x80 }) {
            let s = String(decoding: pkg, as: UTF8.self)
            switch s {
            case "net": return .net
            case "os/user": return .osUser
            case "plugin": return .plugin
            case "crypto/x509": return .x509
            case "time": return .time
            case "os": return .os
            case "time/tzdata": return .tzdata
            case "golang.org/x/crypto/x509roots/fallback": return .fallbackRoots
            case "runtime": return .runtime
            default: return s.hasPrefix("runtime/") ? .runtime : .other
            }
        }
        if equals(pkg, "net") { return .net }
        if equals(pkg, "os/user") { return .osUser }
        if equals(pkg, "plugin") { return .plugin }
        if equals(pkg, "crypto/x509") { return .x509 }
        if equals(pkg, "time") { return .time }
        if equals(pkg, "os") { return .os }
        if equals(pkg, "time/tzdata") { return .tzdata }
        if equals(pkg, "golang.org/x/crypto/x509roots/fallback") { return .fallbackRoots }
        if equals(pkg, "runtime") || hasPrefix(pkg, "runtime/") { return .runtime }
        return .other
    }

    /// Records that the current package has cgo names.
    private mutating func noteCgoPackage() {
        let t = seen.tag(current)
        guard t & GoNameScan.cgoFlag == 0 else { return }
        seen.setTag(current, t | GoNameScan.cgoFlag)
        cgoIDs.append(current)
    }

    /// Signals from the part of the name after "pkg." (the package is `current`). Most
    /// names have none: that is decided here, inline.
    @inline(__always)
    private mutating func examine(_ name: UnsafeRawBufferPointer, restStart: Int) {
        guard restStart < name.count else { return }
        if lastKind == .other && name[restStart] != UInt8(ascii: "_") { return }
        examineRest(name, restStart: restStart)
    }

    @inline(never)
    private mutating func examineRest(_ name: UnsafeRawBufferPointer, restStart: Int) {
        let rest = UnsafeRawBufferPointer(rebasing: name[restStart...])
        if rest[0] == UInt8(ascii: "_"), lastKind != .runtime,
           GoNameScan.hasPrefix(rest, "_Cfunc_") || GoNameScan.hasPrefix(rest, "_C2func_") || GoNameScan.hasPrefix(rest, "_cgo_")
            || GoNameScan.hasPrefix(rest, "_Cmacro_") {
            noteCgoPackage()
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
            if GoNameScan.hasPrefix(rest, "readColonFile") || GoNameScan.hasPrefix(rest, "findUser") || GoNameScan.hasPrefix(rest, "findGroup")
                || GoNameScan.hasPrefix(rest, "matchUserIndexValue") || GoNameScan.hasPrefix(rest, "matchGroupIndexValue") {
                signals.note(.osUserPure, string(name))
            }
        case .plugin:
            // Without cgo, plugin.Open is a stub that always fails: only the dlopen path counts,
            // and plugin.open is kept as evidence beside it.
            if GoNameScan.equals(rest, "open") { pluginOpen = string(name) }
        case .x509:
            if GoNameScan.hasPrefix(rest, "loadSystemRoots") || GoNameScan.hasPrefix(rest, "initSystemRoots") {
                signals.note(.x509SystemRoots, string(name))
            } else if GoNameScan.hasPrefix(rest, "SetFallbackRoots") {
                signals.note(.x509FallbackRoots, string(name))
            }
        case .time:
            if GoNameScan.equals(rest, "LoadLocation") { signals.note(.timeLoadLocation, string(name)) }
        case .os:
            if GoNameScan.equals(rest, "TempDir") || GoNameScan.equals(rest, "CreateTemp") || GoNameScan.equals(rest, "MkdirTemp") {
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
        if GoNameScan.equals(name, "x_cgo_init") || GoNameScan.equals(name, "_cgo_sys_thread_start") || GoNameScan.equals(name, "crosscall2") {
            signals.note(.cgoRuntime, string(name))
        }
    }

    /// Sorted results.
    func finish() -> (packages: [String], signals: GoSignals) {
        var s = signals
        if s.plugin, let p = pluginOpen { s.note(.plugin, p) }
        let decoded = decodedPackages()
        s.cgoPackages = sortedStrings(cgoIDs, decoded)
        // gosym reports "_" for linker-named closures such as `_.goready.func1`: not an
        // import path, so not a linked package.
        var ids: [Int] = []
        ids.reserveCapacity(seen.count)
        for id in 0..<seen.count where !(decoded.spans[2 * id + 1] == 1 && decoded.bytes[decoded.spans[2 * id]] == UInt8(ascii: "_")) {
            ids.append(id)
        }
        return (sortedStrings(ids, decoded), s)
    }

    /// Every package's path with `%xx` decoded: the bytes, (offset, count) per id, and whether
    /// all of it is ASCII.
    private func decodedPackages() -> (bytes: [UInt8], spans: [Int], ascii: Bool) {
        var bytes: [UInt8] = []
        var spans: [Int] = []
        spans.reserveCapacity(2 * seen.count)
        var high: UInt8 = 0
        for id in 0..<seen.count {
            let from = bytes.count
            seen.withBytes(id) { b in
                if !b.contains(UInt8(ascii: "%")) {
                    bytes.append(contentsOf: b)
                } else {
                    GoNames.appendDecoded(b, to: &bytes)
                }
            }
            for c in bytes[from...] { high |= c }
            spans.append(from)
            spans.append(bytes.count - from)
        }
        return (bytes, spans, high < 0x80)
    }

    /// The packages `ids` (in the order first seen) as sorted unique Strings. For ASCII, String
    /// order and equality are those of the bytes, so the bytes are sorted; other text takes
    /// the String way (canonical equivalence, the first of equal Strings kept).
    private func sortedStrings(_ ids: [Int], _ d: (bytes: [UInt8], spans: [Int], ascii: Bool)) -> [String] {
        guard !ids.isEmpty else { return [] }
        guard d.ascii else {
            var set = Set<String>()
            for id in ids { set.insert(d.bytes.withUnsafeBytes { String(decoding: $0[d.spans[2 * id]..<(d.spans[2 * id] + d.spans[2 * id + 1])], as: UTF8.self) }) }
            return set.sorted()
        }
        return d.bytes.withUnsafeBytes { raw -> [String] in
            guard let base = raw.baseAddress else { return [] }
            let spans = d.spans
            // Binary insertion: few hundred packages, so moving ids is cheaper than the
            // comparisons a general sort makes.
            var order: [Int] = []
            order.reserveCapacity(ids.count)
            for id in ids {
                let p = base + spans[2 * id], n = spans[2 * id + 1]
                var lo = 0, hi = order.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    let o = order[mid]
                    if GoNameScan.less(base + spans[2 * o], spans[2 * o + 1], p, n) { lo = mid + 1 } else { hi = mid }
                }
                order.insert(id, at: lo)
            }
            var out: [String] = []
            out.reserveCapacity(order.count)
            var last = -1
            for id in order {
                let p = base + spans[2 * id], n = spans[2 * id + 1]
                if last >= 0 && spans[2 * last + 1] == n && GoNameScan.equal(p, base + spans[2 * last], n) { continue }
                out.append(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
                last = id
            }
            return out
        }
    }

    /// Byte order: 8 bytes at a time, as big-endian words; a prefix sorts first.
    @inline(__always)
    static func less(_ a: UnsafeRawPointer, _ na: Int, _ b: UnsafeRawPointer, _ nb: Int) -> Bool {
        let n = min(na, nb)
        var k = 0
        while k + 8 <= n {
            let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            if x != y { return x < y }
            k += 8
        }
        while k < n {
            let x = a.load(fromByteOffset: k, as: UInt8.self), y = b.load(fromByteOffset: k, as: UInt8.self)
            if x != y { return x < y }
            k += 1
        }
        return na < nb
    }

    @inline(__always)
    private func string(_ b: UnsafeRawBufferPointer) -> String { String(decoding: b, as: UTF8.self) }

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
