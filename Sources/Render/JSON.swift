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

    /// RFC 8259 string escaping; strings that need none are copied whole.
    private mutating func quote(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, b) in utf8.enumerated() {
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
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                if let esc {
                    raw(esc)
                } else {
                    let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hexDigits[Int(b >> 4)])
                    bytes.append(hexDigits[Int(b & 0xf)])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(0x22)
    }
}
