import ELFKit
import Image
import Testing

@Suite struct JSONTests {
    static let valid: [(String, JSONValue)] = [
        ("null", .null),
        (" true ", .bool(true)),
        ("false", .bool(false)),
        ("0", .number("0")),
        ("-0.5e+10", .number("-0.5e+10")),
        ("18446744073709551616", .number("18446744073709551616")),
        ("\"\"", .string("")),
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u20AC""#, .string("é€")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#""\ud83d x""#, .string("\u{FFFD} x")),        // a lone surrogate: U+FFFD, as Go
        (#""\ude00""#, .string("\u{FFFD}")),
        ("[]", .array([])),
        ("[1, [2], {}]", .array([.number("1"), .array([.number("2")]), .object([])])),
        (#"{"a": 1, "a": 2}"#, .object([("a", .number("1")), ("a", .number("2"))])),
    ]

    @Test(arguments: valid.indices)
    func parsesValid(_ i: Int) throws {
        let (text, want) = JSONTests.valid[i]
        #expect(try JSONParser.parse(Array(text.utf8)) == want)
    }

    static let invalid: [(String, UInt64, String)] = [
        ("", 0, "empty"),
        ("   ", 3, "empty"),
        ("[1,]", 3, "expected a value"),
        ("{\"a\" 1}", 5, "expected ':'"),
        ("{\"a\":1,}", 7, "expected a member name"),
        ("01", 0, "leading zero"),
        ("-", 0, "a digit must follow '-'"),
        ("1.", 0, "a digit must follow '.'"),
        ("1e", 0, "exponent"),
        ("+1", 0, "expected a value"),
        ("NaN", 0, "expected a value"),
        ("tru", 0, "invalid literal"),
        ("\"abc", 0, "unterminated string"),
        ("\"a\u{1}\"", 2, "control character"),
        (#""\x""#, 1, "invalid escape"),
        (#""\u12G4""#, 5, "not a hex digit"),
        ("[1] 2", 4, "after the JSON value"),
        ("{\"a\":1 // c\n}", 7, "expected ',' or '}'"),
    ]

    @Test(arguments: invalid.indices)
    func rejectsInvalidWithOffset(_ i: Int) {
        let (text, offset, words) = JSONTests.invalid[i]
        do {
            _ = try JSONParser.parse(Array(text.utf8), field: "t.json")
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.problem.contains(words), "\(text): \(error)")
            #expect(error.field == "t.json")
        }
    }

    @Test func capsNesting() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(Array(ok.utf8))
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: FormatError.self) { try JSONParser.parse(Array(deep.utf8)) }
        // A hostile depth fails fast instead of overflowing the stack.
        let bomb = String(repeating: "{\"a\":", count: 100_000)
        do { _ = try JSONParser.parse(Array(bomb.utf8)); Issue.record("parsed") } catch {
            #expect(error.problem.contains("nesting deeper than 64"))
            #expect(error.offset == 64 * 5)
        }
    }

    @Test func numbers() throws {
        let v = try JSONParser.parse(Array(#"[9223372036854775807, 9223372036854775808, 1.5, 1e2, -3]"#.utf8))
        #expect(v[0]?.int64 == Int64.max)
        #expect(v[1]?.int64 == nil)               // kept as text, not an Int64
        #expect(v[1] == .number("9223372036854775808"))
        #expect(v[2]?.int64 == nil && v[2]?.double == 1.5)
        #expect(v[3]?.int64 == nil && v[3]?.double == 100)
        #expect(v[4]?.int64 == -3)
    }

    @Test func accessors() throws {
        let v = try JSONParser.parse(Array(#"{"config": {"Env": ["A=1"], "env": ["B=2"]}, "k": 1, "k": 2}"#.utf8))
        #expect(v["config"]?["Env"]?.array == [.string("A=1")])
        // A Go struct field takes every case-folded key in turn: the last wins.
        #expect(v.field("Config")?.field("Env")?.array == [.string("B=2")])
        #expect(v["k"]?.int64 == 2)                 // a Go map: last duplicate wins
        #expect(v["Config"] == nil)
        // U+212A KELVIN SIGN folds to k, as in Go's EqualFold.
        let kelvin = try JSONParser.parse(Array("{\"\u{212A}ey\": 1}".utf8))
        #expect(kelvin.field("key")?.int64 == 1)
    }

    @Test func invalidUTF8BecomesReplacement() throws {
        let v = try JSONParser.parse([0x22, 0x61, 0xFF, 0x62, 0x22])
        #expect(v == .string("a\u{FFFD}b"))
    }
}
