import ELFKit

/// A JSON value (RFC 8259). Objects keep their members in document order, duplicates
/// included, so that lookups can follow Go's `encoding/json` (the language every container
/// tool is written in): a map takes the last duplicate, a struct field matches case-insensitively.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number as written (`1e3`, `-0`, `18446744073709551616`): nothing is lost.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let n): h.combine(n)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o):
            h.combine(o.count)
            for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    /// The member `key` of an object, exactly as spelled; the last one when repeated (a Go map).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    /// The element at `index` of an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The member that a Go struct field named `name` receives: every key equal to `name`
    /// under Unicode simple case folding is assigned in turn, so the last such key wins
    /// (`encoding/json` `foldName`: `"config"` fills `Config`).
    public func field(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let want = JSONValue.fold(name)
        return members.last(where: { $0.0 == name || JSONValue.fold($0.0) == want })?.1
    }

    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var members: [(String, JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }

    /// The number as an exact Int64 (no fraction, no exponent, in range); nil otherwise.
    public var int64: Int64? {
        guard case .number(let n) = self else { return nil }
        return Int64(n)
    }

    /// The number as a Double (nearest value).
    public var double: Double? {
        guard case .number(let n) = self else { return nil }
        return Double(n)
    }

    /// The kind of value, as Go's unmarshal errors name it (`cannot unmarshal number into …`).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Simple case folding as Go's `bytes.EqualFold` does it for ASCII, plus the two
    /// non-ASCII letters that fold onto ASCII (U+017F ſ → s, U+212A Kelvin → k).
    static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x41...0x5A: out.append(Unicode.Scalar(u.value + 0x20) ?? u)
            case 0x17F: out.append("s")
            case 0x212A: out.append("k")
            default: out.append(u)
            }
        }
        return String(out)
    }
}

/// A strict RFC 8259 parser for hostile input: no extensions (no comments, no trailing
/// commas, no NaN, no leading `+` or zeros), a nesting cap, every error a `FormatError` with
/// the byte offset. The caller caps the input size before reading it (IMAGES.md 2.6).
/// Strings decode as Go's decoder does: a lone surrogate escape and invalid UTF-8 become
/// U+FFFD; raw control characters are refused.
public struct JSONParser {
    public static let defaultMaxDepth = 64

    /// Parses one JSON text (any value, surrounded by optional whitespace).
    /// `field` names the document in errors (`index.json`).
    public static func parse(_ bytes: [UInt8], field: String = "JSON", maxDepth: Int = defaultMaxDepth) throws(FormatError) -> JSONValue {
        var result: Result<JSONValue, FormatError> = .failure(FormatError(offset: 0, field: field, problem: "empty"))
        bytes.withUnsafeBytes { raw in
            var p = JSONParser(bytes: raw, field: field, maxDepth: maxDepth)
            do throws(FormatError) {
                result = .success(try p.document())
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses the bytes of a view (a blob read from a layout).
    public static func parse(_ view: ByteView, field: String = "JSON", maxDepth: Int = defaultMaxDepth) throws(FormatError) -> JSONValue {
        let bytes = view.withUnsafeBytes { Array($0) }
        return try parse(bytes, field: field, maxDepth: maxDepth)
    }

    let bytes: UnsafeRawBufferPointer
    let field: String
    let maxDepth: Int
    var pos = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer, field: String, maxDepth: Int) {
        self.bytes = bytes
        self.field = field
        self.maxDepth = maxDepth
    }

    func fail(_ problem: String, at offset: Int? = nil) -> FormatError {
        FormatError(offset: UInt64(offset ?? pos), field: field, problem: problem)
    }

    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func document() throws(FormatError) -> JSONValue {
        skipSpace()
        if peek == nil { throw fail("no JSON value (empty input)") }
        let v = try value()
        skipSpace()
        if pos != bytes.count { throw fail("unexpected \(describe(bytes[pos])) after the JSON value") }
        return v
    }

    func describe(_ b: UInt8) -> String {
        (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte \(hex(b))"
    }

    mutating func value() throws(FormatError) -> JSONValue {
        guard let b = peek else { throw fail("unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected \(describe(b)), expected a value")
        }
    }

    mutating func literal(_ word: StaticString) throws(FormatError) {
        let start = pos
        let n = word.utf8CodeUnitCount
        guard bytes.count - pos >= n else { throw fail("invalid literal", at: start) }
        let p = word.utf8Start
        for i in 0..<n where bytes[pos + i] != p[i] { throw fail("invalid literal", at: start) }
        pos += n
    }

    mutating func enter() throws(FormatError) {
        depth += 1
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
    }

    mutating func object() throws(FormatError) -> JSONValue {
        try enter()
        pos += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { pos += 1; depth -= 1; return .object(members) }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else {
                throw fail(peek == nil ? "unexpected end of input in an object" : "expected a member name, found \(describe(bytes[pos]))")
            }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else {
                throw fail(peek == nil ? "unexpected end of input in an object" : "expected ':' after a member name, found \(describe(bytes[pos]))")
            }
            pos += 1
            skipSpace()
            members.append((key, try value()))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "}"): pos += 1; depth -= 1; return .object(members)
            case nil: throw fail("unexpected end of input in an object")
            case let b?: throw fail("expected ',' or '}' in an object, found \(describe(b))")
            }
        }
    }

    mutating func array() throws(FormatError) -> JSONValue {
        try enter()
        pos += 1
        var items: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { pos += 1; depth -= 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"): pos += 1; depth -= 1; return .array(items)
            case nil: throw fail("unexpected end of input in an array")
            case let b?: throw fail("expected ',' or ']' in an array, found \(describe(b))")
            }
        }
    }

    static func isDigit(_ b: UInt8?) -> Bool { b.map { (0x30...0x39).contains($0) } ?? false }

    mutating func number() throws(FormatError) -> String {
        let start = pos
        if peek == UInt8(ascii: "-") { pos += 1 }
        guard JSONParser.isDigit(peek) else { throw fail("invalid number: a digit must follow '-'", at: start) }
        if peek == UInt8(ascii: "0") {
            pos += 1
            if JSONParser.isDigit(peek) { throw fail("invalid number: leading zero", at: start) }
        } else {
            while JSONParser.isDigit(peek) { pos += 1 }
        }
        if peek == UInt8(ascii: ".") {
            pos += 1
            guard JSONParser.isDigit(peek) else { throw fail("invalid number: a digit must follow '.'", at: start) }
            while JSONParser.isDigit(peek) { pos += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            pos += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { pos += 1 }
            guard JSONParser.isDigit(peek) else { throw fail("invalid number: a digit must follow the exponent", at: start) }
            while JSONParser.isDigit(peek) { pos += 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    }

    mutating func hex4() throws(FormatError) -> UInt32 {
        guard bytes.count - pos >= 4 else { throw fail("unexpected end of input in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw fail("invalid \\u escape: \(describe(b)) is not a hex digit")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    mutating func string() throws(FormatError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        var plainFrom = pos
        func flush(_ to: Int, into out: inout [UInt8]) {
            if to > plainFrom { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plainFrom..<to])) }
        }
        while true {
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                flush(pos, into: &out)
                pos += 1
                // Invalid UTF-8 becomes U+FFFD, as Go decodes it.
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character \(hex(b)) in a string") }
            if b != UInt8(ascii: "\\") { pos += 1; continue }
            flush(pos, into: &out)
            pos += 1
            guard let e = peek else { throw fail("unterminated string", at: start) }
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate: a low one must follow as `\uDC00`…`\uDFFF` to pair.
                    let save = pos
                    if bytes.count - pos >= 6, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            pos = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: pos - 2)
            }
            plainFrom = pos
        }
    }
}
