/// A streaming JSON writer into a byte buffer, with object keys in the order they are written,
/// so output is deterministic and in the order the contract documents. Written by hand:
/// Foundation's encoder, or a tree of enums and tuples, costs more start-up time than reading
/// a binary (runtime type metadata), and this tool is run once per file in hooks and CI.
///
/// Pretty output uses two-space indentation and keeps arrays of scalars on one line.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private let pretty: Bool
    /// One entry per open container: whether it already holds an element.
    private var hasElement: [Bool] = []
    /// Whether the innermost open container is an inline (scalar) array.
    private var inline: [Bool] = []
    private var afterKey = false

    public init(pretty: Bool = true) {
        self.pretty = pretty
        bytes.reserveCapacity(4096)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands the bytes written so far to `sink` and forgets them (the nesting state stays).
    public mutating func drain(to sink: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { sink($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The newline that ends a document.
    public mutating func endLine() { bytes.append(0x0a) }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0a)
        for _ in 0..<hasElement.count { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Separator and indentation before a value in an array, or nothing after a key.
    private mutating func beforeValue() {
        if afterKey { afterKey = false; return }
        guard let last = hasElement.last else { return }
        if last { bytes.append(0x2c) }
        hasElement[hasElement.count - 1] = true
        if inline.last == true {
            if last && pretty { bytes.append(0x20) }
        } else {
            newline()
        }
    }

    public mutating func key(_ k: String) {
        if let last = hasElement.last, last { bytes.append(0x2c) }
        if !hasElement.isEmpty { hasElement[hasElement.count - 1] = true }
        newline()
        quote(k)
        raw(pretty ? ": " : ":")
        afterKey = true
    }

    public mutating func beginObject() {
        beforeValue()
        bytes.append(0x7b)
        hasElement.append(false)
        inline.append(false)
    }

    public mutating func endObject() {
        let had = hasElement.removeLast()
        inline.removeLast()
        if had { newline() }
        bytes.append(0x7d)
    }

    /// Opens an array; `scalars` keeps it on one line (an array of strings or numbers).
    public mutating func beginArray(scalars: Bool = false) {
        beforeValue()
        bytes.append(0x5b)
        hasElement.append(false)
        inline.append(scalars)
    }

    public mutating func endArray() {
        let had = hasElement.removeLast()
        let wasInline = inline.removeLast()
        if had && !wasInline { newline() }
        bytes.append(0x5d)
    }

    public mutating func string(_ s: String?) {
        beforeValue()
        if let s { quote(s) } else { raw("null") }
    }

    public mutating func null() {
        beforeValue()
        raw("null")
    }

    public mutating func bool(_ b: Bool) {
        beforeValue()
        if b { raw("true") } else { raw("false") }
    }

    public mutating func int(_ i: Int) {
        beforeValue()
        bytes.append(contentsOf: String(i).utf8)
    }

    public mutating func uint(_ u: UInt64) {
        beforeValue()
        bytes.append(contentsOf: String(u).utf8)
    }

    public mutating func strings(_ a: [String]) {
        beginArray(scalars: true)
        for s in a { string(s) }
        endArray()
    }

    // Convenience: a key and its value.
    public mutating func field(_ k: String, _ s: String?) { key(k); string(s) }
    public mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }
    public mutating func field(_ k: String, _ i: Int) { key(k); int(i) }
    public mutating func field(_ k: String, _ u: UInt64) { key(k); uint(u) }
    public mutating func field(_ k: String, strings a: [String]) { key(k); strings(a) }

    /// RFC 8259 string escaping; runs that need none are copied whole, found 8 bytes at a time.
    private mutating func quote(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            let n = utf8.count
            var start = 0
            var i = 0
            while i < n {
                while i + 8 <= n, !JSONWriter.mayNeedEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
                guard i < n else { break }
                let b = base[i]
                let esc: StaticString?
                switch b {
                case 0x22: esc = "\\\""
                case 0x5c: esc = "\\\\"
                case 0x0a: esc = "\\n"
                case 0x0d: esc = "\\r"
                case 0x09: esc = "\\t"
                case 0x08: esc = "\\b"
                case 0x0c: esc = "\\f"
                case 0..<0x20, 0x7f: esc = nil
                default: i += 1; continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                if let esc {
                    raw(esc)
                } else {
                    let hexDigits: StaticString = "0123456789abcdef"
                    raw("\\u00")
                    bytes.append(hexDigits.utf8Start[Int(b >> 4)])
                    bytes.append(hexDigits.utf8Start[Int(b & 0xf)])
                }
                i += 1
                start = i
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<n]))
        }
        bytes.append(0x22)
    }

    /// Whether any of the 8 bytes may need escaping (below 0x20, '"', '\\' or DEL). No false
    /// negatives; a false positive only follows a true one in the same word, and the byte loop
    /// sorts it out.
    @inline(__always)
    static func mayNeedEscape(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (x &- ones &* 0x20) & ~x
        let q = x ^ (ones &* 0x22), bs = x ^ (ones &* 0x5c), del = x ^ (ones &* 0x7f)
        let equal = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((del &- ones) & ~del)
        return (control | equal) & highs != 0
    }
}
