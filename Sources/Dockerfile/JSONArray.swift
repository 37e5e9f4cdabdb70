// The exec form's JSON as BuildKit reads it (parser/line_parsers.go `parseJSON`): Go's
// json.Unmarshal into []any. Any syntax error sends the line back to shell form; a valid array
// with an element that is not a string is an error.

/// Deeper arrays are treated as invalid JSON (shell form): Go has no such limit, but a 64 KiB
/// line of `[` would otherwise recurse 64 Ki frames.
let maximumJSONDepth = 512

enum JSONArrayResult: Equatable {
    case strings([String])
    /// Valid JSON whose array holds something other than a string.
    case notStrings
    /// Not JSON (or not an array): the caller falls back.
    case invalid
}

func parseJSONStringArray(_ text: String) -> JSONArrayResult {
    var p = JSONScanner(Array(text.utf8))
    p.skipSpace()
    guard p.peek() == UInt8(ascii: "[") else { return .invalid }
    guard let value = p.value(), p.atEndAfterSpace() else { return .invalid }
    guard case .array(let elements) = value else { return .invalid }
    var out: [String] = []
    for element in elements {
        guard case .string(let s) = element else { return .notStrings }
        out.append(s)
    }
    return .strings(out)
}

private enum JSONValue {
    case string(String)
    case array([JSONValue])
    case other
}

private struct JSONScanner {
    let b: [UInt8]
    var i = 0
    var depth = 0
    init(_ bytes: [UInt8]) { b = bytes }

    func peek() -> UInt8? { i < b.count ? b[i] : nil }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    mutating func atEndAfterSpace() -> Bool {
        skipSpace()
        return i == b.count
    }

    mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    mutating func value() -> JSONValue? {
        skipSpace()
        guard let c = peek() else { return nil }
        switch c {
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= maximumJSONDepth else { return nil }
            defer { depth -= 1 }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                guard let v = value() else { return nil }
                items.append(v)
                skipSpace()
                guard let sep = peek() else { return nil }
                i += 1
                if sep == UInt8(ascii: "]") { return .array(items) }
                guard sep == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= maximumJSONDepth else { return nil }
            defer { depth -= 1 }
            i += 1
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                i += 1
                return .other
            }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\""), string() != nil else { return nil }
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { return nil }
                i += 1
                guard value() != nil else { return nil }
                skipSpace()
                guard let sep = peek() else { return nil }
                i += 1
                if sep == UInt8(ascii: "}") { return .other }
                guard sep == UInt8(ascii: ",") else { return nil }
            }
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .other : nil
        case UInt8(ascii: "f"): return literal("false") ? .other : nil
        case UInt8(ascii: "n"): return literal("null") ? .other : nil
        default:
            return number() ? .other : nil
        }
    }

    mutating func digits() -> Int {
        let start = i
        while let c = peek(), c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { i += 1 }
        return i - start
    }

    mutating func number() -> Bool {
        if peek() == UInt8(ascii: "-") { i += 1 }
        guard let first = peek() else { return false }
        if first == UInt8(ascii: "0") {
            i += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            _ = digits()
        } else {
            return false
        }
        if peek() == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            i += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return true
    }

    func hex(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hex(b[i + k]) else { return nil }
            v = v * 16 + h
        }
        i += 4
        return v
    }

    mutating func string() -> String? {
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { return nil }
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek() else { return nil }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if code >= 0xD800 && code < 0xDC00 {
                        // A surrogate pair, else U+FFFD (as Go does).
                        let save = i
                        if i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            if let low = hex4(), low >= 0xDC00 && low < 0xE000 {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                i = save
                                code = 0xFFFD
                            }
                        } else {
                            code = 0xFFFD
                        }
                    } else if code >= 0xDC00 && code < 0xE000 {
                        code = 0xFFFD
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            default:
                guard c >= 0x20 else { return nil }
                out.append(c)
            }
        }
    }
}
