// Variable expansion and word splitting as BuildKit's shell lexer does it
// (moby/buildkit frontend/dockerfile/shell/lex.go @73ed6825): `$V`, `${V}`, `${V:-w}`, `${V-w}`,
// `${V:+w}`, `${V+w}`, `${V:?w}`, `${V?w}`, `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`,
// `${V/p/r}`, `${V//p/r}`; single quotes literal, double quotes expand, the escape character
// escapes. This is not a shell: nothing is executed, and `$(…)` is left as it is.

/// The variables a word is expanded against. Keys compare exactly (Linux).
public typealias ShellEnvironment = [String: String]

/// BuildKit's `shell.Lex` with its switches.
public struct ShellLex: Sendable {
    public var escape: Unicode.Scalar
    /// Keep quote characters in the result (used for heredoc detection).
    public var rawQuotes = false
    /// Keep escape characters in the result.
    public var rawEscapes = false
    /// Quotes are ordinary characters (heredoc bodies).
    public var skipProcessQuotes = false
    /// An unset variable stays as written (`$X`, `${X}`).
    public var skipUnsetEnv = false

    /// The deepest `${…${…}}` nesting expanded (BuildKit has none; a 64 KiB line could nest
    /// thousands deep and exhaust a thread's stack here).
    public static let maximumNesting = 256

    public init(escape: Unicode.Scalar = "\\") {
        self.escape = escape
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One word, quotes removed and variables replaced, spaces kept (`ProcessWord`).
    public func processWord(_ word: String, _ env: ShellEnvironment) throws(Failure) -> String {
        var state = State(lex: self, source: word, env: env)
        do {
            return try state.processStopOn(nil, rawEscapes: rawEscapes).result
        } catch {
            throw Failure(message: "failed to process \"\(word)\": \(error.message)")
        }
    }

    /// The words after expansion, split on unquoted blanks (`ProcessWords`).
    public func processWords(_ word: String, _ env: ShellEnvironment) throws(Failure) -> [String] {
        var state = State(lex: self, source: word, env: env)
        do {
            return try state.processStopOn(nil, rawEscapes: rawEscapes).words
        } catch {
            throw Failure(message: "failed to process \"\(word)\": \(error.message)")
        }
    }

    private struct State {
        let lex: ShellLex
        let chars: [Unicode.Scalar]
        var pos = 0
        let env: ShellEnvironment
        var rawEscapes: Bool
        /// `${…}` nesting (Go's growable stacks have no limit; ours do).
        var depth = 0

        init(lex: ShellLex, source: String, env: ShellEnvironment) {
            self.lex = lex
            self.chars = Array(source.unicodeScalars)
            self.env = env
            self.rawEscapes = lex.rawEscapes
        }

        func peek() -> Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }
        mutating func next() -> Unicode.Scalar? {
            guard pos < chars.count else { return nil }
            defer { pos += 1 }
            return chars[pos]
        }

        func getEnv(_ name: String) -> String? { env[name] }

        struct Words {
            var buf = ""
            var words: [String] = []
            var inWord = false
            mutating func addChar(_ ch: Unicode.Scalar) {
                if isGoSpace(ch) {
                    if inWord && !buf.isEmpty {
                        words.append(buf)
                        buf = ""
                        inWord = false
                    }
                } else {
                    addRawChar(ch)
                }
            }
            mutating func addRawChar(_ ch: Unicode.Scalar) {
                buf.unicodeScalars.append(ch)
                inWord = true
            }
            mutating func addString(_ s: String) { for ch in s.unicodeScalars { addChar(ch) } }
            mutating func addRawString(_ s: String) {
                buf += s
                inWord = true
            }
            mutating func finish() -> [String] {
                if !buf.isEmpty {
                    words.append(buf)
                    buf = ""
                    inWord = false
                }
                return words
            }
        }

        mutating func processStopOn(_ stop: Unicode.Scalar?, rawEscapes raw: Bool) throws(Failure) -> (result: String, words: [String]) {
            let saved = rawEscapes
            rawEscapes = raw
            defer { rawEscapes = saved }
            var result = ""
            var words = Words()
            while let ch = peek() {
                if let stop, ch == stop {
                    pos += 1
                    return (result, words.finish())
                }
                if ch == "$" {
                    let tmp = try processDollar()
                    result += tmp
                    words.addString(tmp)
                } else if ch == "<" {
                    let tmp = processPossibleHeredoc()
                    result += tmp
                    words.addRawString(tmp)
                } else if !lex.skipProcessQuotes && ch == "'" {
                    let tmp = try processSingleQuote()
                    result += tmp
                    words.addRawString(tmp)
                } else if !lex.skipProcessQuotes && ch == "\"" {
                    let tmp = try processDoubleQuote()
                    result += tmp
                    words.addRawString(tmp)
                } else {
                    var c = ch
                    pos += 1
                    if c == lex.escape {
                        if rawEscapes {
                            words.addRawChar(c)
                            result.unicodeScalars.append(c)
                        }
                        guard let escaped = next() else { break }
                        c = escaped
                        words.addRawChar(c)
                    } else {
                        words.addChar(c)
                    }
                    result.unicodeScalars.append(c)
                }
            }
            if let stop {
                throw Failure(message: "unexpected end of statement while looking for matching \(stop)")
            }
            return (result, words.finish())
        }

        mutating func processSingleQuote() throws(Failure) -> String {
            var result = ""
            let open = next()
            if lex.rawQuotes, let open { result.unicodeScalars.append(open) }
            while true {
                guard let ch = next() else {
                    throw Failure(message: "unexpected end of statement while looking for matching single-quote")
                }
                if ch == "'" {
                    if lex.rawQuotes { result.unicodeScalars.append(ch) }
                    return result
                }
                result.unicodeScalars.append(ch)
            }
        }

        mutating func processDoubleQuote() throws(Failure) -> String {
            var result = ""
            let open = next()
            if lex.rawQuotes, let open { result.unicodeScalars.append(open) }
            while true {
                guard let ch = peek() else {
                    throw Failure(message: "unexpected end of statement while looking for matching double-quote")
                }
                if ch == "\"" {
                    pos += 1
                    if lex.rawQuotes { result.unicodeScalars.append(ch) }
                    return result
                }
                if ch == "$" {
                    result += try processDollar()
                    continue
                }
                pos += 1
                var c = ch
                if c == lex.escape {
                    if rawEscapes { result.unicodeScalars.append(c) }
                    guard let following = peek() else { continue }
                    if following == "\"" || following == "$" || following == lex.escape {
                        c = following
                        pos += 1
                    }
                }
                result.unicodeScalars.append(c)
            }
        }

        mutating func processDollar() throws(Failure) -> String {
            depth += 1
            defer { depth -= 1 }
            guard depth <= ShellLex.maximumNesting else {
                throw Failure(message: "substitutions nested deeper than \(ShellLex.maximumNesting)")
            }
            pos += 1
            if peek() != "{" {
                let name = processName()
                if name.isEmpty { return "$" }
                let value = getEnv(name)
                if value == nil && lex.skipUnsetEnv { return "$" + name }
                return value ?? ""
            }
            pos += 1
            switch peek() {
            case nil: throw Failure(message: "syntax error: missing '}'")
            case "{", "}", ":": throw Failure(message: "syntax error: bad substitution")
            default: break
            }
            let name = processName()
            let op = next()
            // Go prints the end of input as U+FFFD in "unsupported modifier".
            var ops = op.map { String($0) } ?? "\u{FFFD}"
            switch op {
            case "}":
                let value = getEnv(name)
                if value == nil && lex.skipUnsetEnv { return "${\(name)}" }
                return value ?? ""
            case ":", "+", "-", "?", "#", "%":
                var modifier = op
                var nullIsUnset = false
                if op == ":" {
                    nullIsUnset = true
                    modifier = next()
                    if let modifier { ops.unicodeScalars.append(modifier) }
                }
                let raw = modifier == "#" || modifier == "%"
                if nullIsUnset && raw {
                    throw Failure(message: "unsupported modifier (\(ops)) in substitution")
                }
                // `${X:}` and friends: the character after ':' must be a modifier.
                if nullIsUnset, !(modifier == "+" || modifier == "-" || modifier == "?") {
                    // BuildKit reads the word first, then rejects the modifier.
                    _ = try readWord(until: "}", raw: raw)
                    throw Failure(message: "unsupported modifier (\(ops)) in substitution")
                }
                var word = try readWord(until: "}", raw: raw)
                let value = getEnv(name)
                if lex.skipUnsetEnv && value == nil { return "${\(name)\(ops)\(word)}" }
                let set = value != nil
                let v = value ?? ""
                switch modifier {
                case "-":
                    return (!set || (nullIsUnset && v.isEmpty)) ? word : v
                case "+":
                    return (!set || (nullIsUnset && v.isEmpty)) ? "" : word
                case "?":
                    if !set { throw Failure(message: "\(name): \(word.isEmpty ? "is not allowed to be unset" : word)") }
                    if nullIsUnset && v.isEmpty {
                        throw Failure(message: "\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
                    }
                    return v
                case "%", "#":
                    var greedy = false
                    if let first = word.unicodeScalars.first, first == modifier {
                        greedy = true
                        word = String(word.unicodeScalars.dropFirst())
                    }
                    let pattern = try ShellPattern(word)
                    return modifier == "%" ? pattern.trimSuffix(v, greedy: greedy) : pattern.trimPrefix(v, greedy: greedy)
                default:
                    throw Failure(message: "unsupported modifier (\(ops)) in substitution")
                }
            case "/":
                let all = peek() == "/"
                if all { pos += 1 }
                let pattern: String
                do {
                    pattern = try processStopOn("/", rawEscapes: true).result
                } catch {
                    if peek() == nil { throw Failure(message: "syntax error: missing '/' in ${}") }
                    throw error
                }
                let replacement = try readWord(until: "}", raw: true)
                let value = getEnv(name)
                if lex.skipUnsetEnv && value == nil { return "${\(name)/\(pattern)/\(replacement)}" }
                let compiled = try ShellPattern(pattern)
                return compiled.replace(in: value ?? "", with: replacement, all: all)
            default:
                throw Failure(message: "unsupported modifier (\(ops)) in substitution")
            }
        }

        mutating func readWord(until stop: Unicode.Scalar, raw: Bool) throws(Failure) -> String {
            do {
                return try processStopOn(stop, rawEscapes: raw).result
            } catch {
                if peek() == nil { throw Failure(message: "syntax error: missing '}'") }
                throw error
            }
        }

        mutating func processName() -> String {
            var name = ""
            while let ch = peek() {
                if name.isEmpty && isGoDigit(ch) {
                    while let d = peek(), isGoDigit(d) {
                        name.unicodeScalars.append(d)
                        pos += 1
                    }
                    return name
                }
                if name.isEmpty && "@*#?-$!0".unicodeScalars.contains(ch) {
                    pos += 1
                    return String(ch)
                }
                if !isGoLetter(ch) && !isGoDigit(ch) && ch != "_" { break }
                name.unicodeScalars.append(ch)
                pos += 1
            }
            return name
        }

        mutating func processPossibleHeredoc() -> String {
            pos += 1
            guard peek() == "<" else { return "<" }
            pos += 1
            var space = ""
            while let ch = peek(), ch == "\t" || ch == "\r" || ch == " " {
                space.unicodeScalars.append(ch)
                pos += 1
            }
            return "<<" + space
        }
    }
}

/// A `${V#p}` / `${V/p/r}` pattern: `*` any run, `?` one character (neither matches a newline,
/// as Go's regexp `.` does not), `\*` `\?` `\\` literal; `\}` and `\/` are the characters.
struct ShellPattern {
    enum Token: Equatable { case star, any, literal(Unicode.Scalar) }
    let tokens: [Token]

    init(_ pattern: String) throws(ShellLex.Failure) {
        var out: [Token] = []
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "*": out.append(.star)
            case "?": out.append(.any)
            case "\\":
                if i < chars.count, chars[i] == "}" || chars[i] == "/" { continue }
                guard i < chars.count, chars[i] == "*" || chars[i] == "?" || chars[i] == "\\" else {
                    let bad = i < chars.count ? String(chars[i]) : ""
                    throw ShellLex.Failure(message: "invalid pattern (\(pattern)) in substitution: invalid escape '\\\(bad)'")
                }
                out.append(.literal(chars[i]))
                i += 1
            default: out.append(.literal(c))
            }
        }
        tokens = out
    }

    init(tokens: [Token]) { self.tokens = tokens }

    /// The end offsets k for which `s[start..<k]` matches the whole pattern.
    func matchEnds(_ s: [Unicode.Scalar], from start: Int) -> [Int] {
        var states: Set<Int> = [start]
        for token in tokens {
            var nextStates: Set<Int> = []
            for p in states {
                switch token {
                case .literal(let c): if p < s.count && s[p] == c { nextStates.insert(p + 1) }
                case .any: if p < s.count && s[p] != "\n" { nextStates.insert(p + 1) }
                case .star:
                    var q = p
                    nextStates.insert(q)
                    while q < s.count && s[q] != "\n" {
                        q += 1
                        nextStates.insert(q)
                    }
                }
            }
            states = nextStates
            if states.isEmpty { break }
        }
        return states.sorted()
    }

    func trimPrefix(_ value: String, greedy: Bool) -> String {
        let s = Array(value.unicodeScalars)
        let ends = matchEnds(s, from: 0)
        guard let end = greedy ? ends.last : ends.first else { return value }
        return String(String.UnicodeScalarView(s[end...]))
    }

    func trimSuffix(_ value: String, greedy: Bool) -> String {
        // Reverse both and trim a prefix, as BuildKit does.
        let reversed = ShellPattern(tokens: tokens.reversed())
        let s = Array(value.unicodeScalars.reversed())
        let ends = reversed.matchEnds(s, from: 0)
        guard let end = greedy ? ends.last : ends.first else { return value }
        return String(String.UnicodeScalarView(s[end...].reversed()))
    }

    /// Go's `ReplaceAllString`/first-match replacement with a greedy pattern (the replacement
    /// is taken literally).
    func replace(in value: String, with replacement: String, all: Bool) -> String {
        let s = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        var copied = 0
        var previousEnd = -1
        var i = 0
        while i <= s.count {
            if let end = matchEnds(s, from: i).last, !(end == i && i == previousEnd) {
                out.append(contentsOf: s[copied..<i])
                out.append(contentsOf: replacement.unicodeScalars)
                copied = end
                previousEnd = end
                if !all { break }
                if end > i {
                    i = end
                    continue
                }
            }
            i += 1
        }
        out.append(contentsOf: s[copied...])
        return String(out)
    }
}

/// Go's unicode.IsSpace.
func isGoSpace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0: return true
    case 0...0xFF: return false
    default: return c.properties.isWhitespace
    }
}

func isGoDigit(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return c >= "0" && c <= "9" }
    return c.properties.generalCategory == .decimalNumber
}

func isGoLetter(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    switch c.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}
