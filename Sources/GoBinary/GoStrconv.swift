/// Go's `strconv.Unquote` and `strconv.QuotedPrefix`, on bytes (Go strings are bytes), as
/// `runtime/debug.ParseBuildInfo` uses them for `build` lines.
public enum GoStrconv {
    /// Unquotes a complete Go string literal: `"…"` with escapes, `` `…` `` raw (carriage returns
    /// dropped), or a `'…'` rune literal. Nil when the literal is malformed or has trailing bytes.
    public static func unquote<C: Collection>(_ s: C) -> [UInt8]? where C.Element == UInt8 {
        let bytes = Array(s)
        guard let (out, consumed) = unquotePrefix(bytes[...], unescape: true), consumed == bytes.count else { return nil }
        return out
    }

    /// Unquotes `s` and decodes the result as UTF-8 (repairing invalid sequences).
    public static func unquote(_ s: String) -> String? {
        unquote(Array(s.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The length of the quoted literal at the start of `s`, or nil if it does not start with one.
    public static func quotedPrefixLength(_ s: ArraySlice<UInt8>) -> Int? {
        unquotePrefix(s, unescape: false)?.consumed
    }

    /// Go's `unquote(in, unescape)`: the value and how many bytes the literal spans.
    static func unquotePrefix(_ s: ArraySlice<UInt8>, unescape: Bool) -> (value: [UInt8], consumed: Int)? {
        guard s.count >= 2, let quote = s.first else { return nil }
        let start = s.startIndex
        switch quote {
        case UInt8(ascii: "`"):
            guard let end = s[(start + 1)...].firstIndex(of: quote) else { return nil }
            let body = s[(start + 1)..<end]
            return (unescape ? body.filter { $0 != 13 } : [], end + 1 - start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            var out: [UInt8] = []
            var i = start + 1
            while i < s.endIndex, s[i] != quote {
                if s[i] == 10 { return nil }  // unescaped newline
                guard let (bytes, next) = unquoteChar(s, at: i, quote: quote) else { return nil }
                if unescape { out.append(contentsOf: bytes) }
                i = next
                if quote == UInt8(ascii: "'") { break }
            }
            guard i < s.endIndex, s[i] == quote else { return nil }
            return (out, i + 1 - start)
        default:
            return nil
        }
    }

    /// One character or escape at `i`: its bytes (UTF-8 for runes, a raw byte for `\x`/octal)
    /// and the index after it.
    static func unquoteChar(_ s: ArraySlice<UInt8>, at i: Int, quote: UInt8) -> ([UInt8], Int)? {
        guard i < s.endIndex else { return nil }
        let c = s[i]
        if c == quote && (quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")) { return nil }
        if c >= 0x80 {
            // A UTF-8 sequence; an invalid one decodes to U+FFFD consuming one byte, as in Go.
            let (scalar, size) = decodeRune(s, at: i)
            return (utf8(scalar), i + size)
        }
        if c != UInt8(ascii: "\\") { return ([c], i + 1) }
        guard i + 1 < s.endIndex else { return nil }
        let e = s[i + 1]
        var j = i + 2
        switch e {
        case UInt8(ascii: "a"): return ([7], j)
        case UInt8(ascii: "b"): return ([8], j)
        case UInt8(ascii: "f"): return ([12], j)
        case UInt8(ascii: "n"): return ([10], j)
        case UInt8(ascii: "r"): return ([13], j)
        case UInt8(ascii: "t"): return ([9], j)
        case UInt8(ascii: "v"): return ([11], j)
        case UInt8(ascii: "\\"): return ([92], j)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return e == quote ? ([e], j) : nil
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
            guard s.endIndex - j >= n else { return nil }
            var v: UInt32 = 0
            for _ in 0..<n {
                guard let d = unhex(s[j]) else { return nil }
                v = v << 4 | UInt32(d)
                j += 1
            }
            if e == UInt8(ascii: "x") { return ([UInt8(v)], j) }
            guard let scalar = Unicode.Scalar(v) else { return nil }  // surrogates and > 0x10FFFF are invalid
            return (utf8(scalar), j)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard s.endIndex - j >= 2 else { return nil }
            var v = UInt32(e - 48)
            for _ in 0..<2 {
                let d = s[j]
                guard d >= 48, d <= 55 else { return nil }
                v = v << 3 | UInt32(d - 48)
                j += 1
            }
            guard v <= 255 else { return nil }
            return ([UInt8(v)], j)
        default:
            return nil
        }
    }

    static func unhex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    static func utf8(_ s: Unicode.Scalar) -> [UInt8] { Array(String(Character(s)).utf8) }

    /// Go's `utf8.DecodeRune`: (rune, size), (U+FFFD, 1) for an invalid sequence.
    static func decodeRune(_ s: ArraySlice<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let bad: (Unicode.Scalar, Int) = ("\u{FFFD}", 1)
        let b0 = s[i]
        let need: Int
        var v: UInt32
        switch b0 {
        case 0xc2...0xdf: need = 1; v = UInt32(b0 & 0x1f)
        case 0xe0...0xef: need = 2; v = UInt32(b0 & 0x0f)
        case 0xf0...0xf4: need = 3; v = UInt32(b0 & 0x07)
        default: return bad
        }
        guard s.endIndex - i > need else { return bad }
        for k in 1...need {
            let b = s[i + k]
            guard b & 0xc0 == 0x80 else { return bad }
            v = v << 6 | UInt32(b & 0x3f)
        }
        let minimum: UInt32 = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000
        guard v >= minimum, let scalar = Unicode.Scalar(v) else { return bad }
        return (scalar, need + 1)
    }
}
