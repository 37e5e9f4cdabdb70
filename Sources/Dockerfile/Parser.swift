// The line-level parser, as BuildKit's (moby/buildkit frontend/dockerfile/parser @73ed6825:
// parser.go, directives.go, split_command.go, line_parsers.go): physical lines become
// instructions (continuations, comments, directives, heredocs), each split into its command,
// flags and arguments exactly as BuildKit's AST holds them. The meaning comes later
// (Instructions.swift).

/// A problem in a Dockerfile, at a line and column (1-based).
public struct DockerfileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The last line of the instruction the problem is in (equal to `line` for one line).
    public var endLine: Int
    /// BuildKit's wording where it has one.
    public var message: String

    public init(file: String, line: Int, column: Int = 1, endLine: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine ?? line
        self.message = message
    }

    /// `Dockerfile:7:1: unknown instruction: FORM`
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// A parser directive (`# syntax=…`, `# escape=…`, `# check=…`).
public struct ParserDirective: Equatable, Sendable {
    public var name: String
    public var value: String
    public var line: Int
}

/// A heredoc attached to an instruction (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`).
public struct Heredoc: Equatable, Sendable {
    public var name: String
    public var fileDescriptor: Int
    /// False when the word was quoted: the body is not expanded.
    public var expand: Bool
    /// `<<-`: leading tabs are removed from the body.
    public var chomp: Bool
    /// The body as written, every line with its end of line.
    public var content: String

    /// The body as used: leading tabs removed on every line for `<<-`.
    public var effectiveContent: String {
        guard chomp else { return content }
        var out = ""
        var atLineStart = true
        for ch in content.unicodeScalars {
            if atLineStart && ch == "\t" { continue }
            atLineStart = ch == "\n"
            out.unicodeScalars.append(ch)
        }
        return out
    }
}

/// One instruction as BuildKit's parser leaves it (its `parser.Node`).
public struct SyntaxNode: Equatable, Sendable {
    /// The instruction word as written (`from`, `RUN`).
    public var command: String
    public var flags: [String]
    /// The arguments after the line parser of this instruction (ENV and LABEL: key, value,
    /// separator triples; JSON forms: the array's strings; shell forms: one string).
    public var args: [String]
    /// ONBUILD's instruction.
    public var subcommand: Box?
    /// The arguments came from a JSON array (exec form).
    public var isJSON: Bool
    public var heredocs: [Heredoc]
    /// The logical line, continuations joined.
    public var original: String
    public var startLine: Int
    public var endLine: Int
    /// Column of the instruction word on its first line.
    public var column: Int
    /// The comment lines just before it.
    public var comments: [String]

    public final class Box: Equatable, Sendable {
        public let node: SyntaxNode
        init(_ node: SyntaxNode) { self.node = node }
        public static func == (a: Box, b: Box) -> Bool { a.node == b.node }
    }

    /// BuildKit's `Node.Dump()` for this instruction.
    public func dump() -> String {
        var s = command.lowercased()
        if !flags.isEmpty {
            s += " [" + flags.map(goQuote).joined(separator: " ") + "]"
        }
        for a in args { s += " " + goQuote(a) }
        if let sub = subcommand { s += " (" + sub.node.dump() + ")" }
        return s
    }

    /// The arguments as BuildKit's instructions see them (`nodeArgs`: ONBUILD's instruction word first).
    var instructionArgs: [String] {
        if let sub = subcommand { return [sub.node.command] + sub.node.instructionArgs }
        return args
    }
}

/// What the line parser gives: the instructions in order, the directives and the escape character.
public struct SyntaxTree: Equatable, Sendable {
    public var nodes: [SyntaxNode]
    public var directives: [ParserDirective]
    public var escape: Unicode.Scalar
    /// Lines where a continuation held an empty line (BuildKit warns: NoEmptyContinuation).
    public var emptyContinuationLines: [Int]

    /// BuildKit's `Node.Dump()` of the whole file.
    public func dump() -> String {
        nodes.map { "(" + $0.dump() + ")" }.joined(separator: "\n")
    }

    /// The longest physical line, its newline aside: BuildKit's (a `bufio.Scanner` whose token
    /// is at most 64 KiB, the newline included), with BuildKit's message. A logical line of
    /// continuations is bounded only by the file (`maxDockerfileBytes` in Runner).
    public static let maxLineBytes = 65535

    public static func parse(_ text: String, name: String = "Dockerfile") throws(DockerfileError) -> SyntaxTree {
        var parser = LineParser(file: name)
        return try parser.parse(text)
    }
}

struct LocalError: Error { var message: String }

struct LineParser {
    let file: String
    var escape: Unicode.Scalar = "\\"
    var directivesDone = false
    var seenDirectives: Set<String> = []
    var directives: [ParserDirective] = []
    var directiveLine = 0

    init(file: String) { self.file = file }

    func fail(_ message: String, _ line: Int, column: Int = 1, end: Int? = nil) -> DockerfileError {
        DockerfileError(file: file, line: line, column: column, endLine: end, message: message)
    }

    mutating func parse(_ input: String) throws(DockerfileError) -> SyntaxTree {
        var text = Substring(input)
        if text.unicodeScalars.first == "\u{FEFF}" { text = Substring(text.unicodeScalars.dropFirst()) }
        // Physical lines, each with its end of line (BuildKit's scanLines).
        var raw: [Substring] = []
        var start = text.startIndex
        var idx = text.startIndex
        while idx < text.endIndex {
            if text.utf8[idx] == UInt8(ascii: "\n") {
                let after = text.utf8.index(after: idx)
                raw.append(text[start..<after])
                start = after
                idx = after
            } else {
                idx = text.utf8.index(after: idx)
            }
        }
        if start < text.endIndex { raw.append(text[start...]) }

        var nodes: [SyntaxNode] = []
        var comments: [String] = []
        var emptyContinuations: [Int] = []
        var i = 0
        var currentLine = 0
        while i < raw.count {
            let first = raw[i]
            i += 1
            let limit = SyntaxTree.maxLineBytes
            if first.utf8.count > limit + 1 || (first.utf8.last != UInt8(ascii: "\n") && first.utf8.count > limit) {
                throw fail("dockerfile line greater than max allowed size of \(limit)", currentLine + 1)
            }
            if isComment(first) {
                // As BuildKit: the text after the line's first character, trimmed (an indented
                // comment keeps its `#`).
                let c = trimSpace(String(first.unicodeScalars.dropFirst()))
                if c.isEmpty { comments = [] } else { comments.append(c) }
            }
            let processed: Substring
            let isDirective: Bool
            do {
                (processed, isDirective) = try processLine(first, stripLeft: true)
            } catch {
                throw fail(error.message, currentLine + 1)
            }
            if isDirective, !comments.isEmpty { comments.removeLast() }
            currentLine += 1
            let startLine = currentLine
            let column = leadingBlankCount(first) + 1
            var (piece, isEnd) = trimContinuation(processed)
            if isEnd && piece.isEmpty { continue }
            var buf = String(piece)
            var hasEmpty = false
            while !isEnd && i < raw.count {
                let next = raw[i]
                i += 1
                let p: Substring
                do {
                    (p, _) = try processLine(next, stripLeft: false)
                } catch {
                    throw fail(error.message, currentLine + 1)
                }
                currentLine += 1
                if isComment(next) { continue }
                if trimLeadingSpace(trimNewline(p)).isEmpty {
                    hasEmpty = true
                    continue
                }
                (piece, isEnd) = trimContinuation(p)
                buf += piece
            }
            if hasEmpty { emptyContinuations.append(currentLine) }

            var node: SyntaxNode
            do {
                node = try nodeFromLine(buf, comments: comments)
            } catch {
                throw fail(error.message, startLine, column: column, end: currentLine)
            }
            node.column = column
            if canContainHeredoc(node) && buf.contains("<<") {
                let docs: [Heredoc]
                do {
                    docs = try heredocsFromLine(buf)
                } catch {
                    throw fail(error.message, startLine, column: column, end: currentLine)
                }
                var filled: [Heredoc] = []
                for var doc in docs {
                    var terminated = false
                    var content = ""
                    while i < raw.count {
                        let line = raw[i]
                        i += 1
                        currentLine += 1
                        var candidate = trimNewline(line)
                        if doc.chomp { candidate = candidate.drop { $0 == "\t" } }
                        if candidate == Substring(doc.name) {
                            terminated = true
                            break
                        }
                        content += line
                    }
                    if !terminated {
                        throw fail("unterminated heredoc", startLine, column: column, end: currentLine)
                    }
                    doc.content = content
                    filled.append(doc)
                }
                if node.subcommand != nil, let sub = node.subcommand {
                    var inner = sub.node
                    inner.heredocs = filled
                    node.subcommand = .init(inner)
                }
                node.heredocs = filled
            }
            node.startLine = startLine
            node.endLine = currentLine
            nodes.append(node)
            comments = []
        }
        if nodes.isEmpty {
            throw fail("file with no instructions", max(currentLine, 1))
        }
        return SyntaxTree(nodes: nodes, directives: directives, escape: escape, emptyContinuationLines: emptyContinuations)
    }

    // MARK: lines

    func isComment(_ line: Substring) -> Bool {
        trimLeadingSpace(line).unicodeScalars.first == "#"
    }

    func leadingBlankCount(_ line: Substring) -> Int {
        var n = 0
        for c in line.unicodeScalars {
            guard isGoSpace(c), c != "\n" else { break }
            n += 1
        }
        return n
    }

    mutating func processLine(_ token: Substring, stripLeft: Bool) throws(LocalError) -> (Substring, Bool) {
        var t = trimNewline(token)
        if stripLeft { t = trimLeadingSpace(t) }
        let directive = try parseDirective(t)
        return (isComment(t) ? "" : t, directive)
    }

    /// directives.go `ParseLine`: `#key=value` lines at the top, until the first other line.
    mutating func parseDirective(_ line: Substring) throws(LocalError) -> Bool {
        directiveLine += 1
        if directivesDone { return false }
        guard line.unicodeScalars.first == "#" else {
            directivesDone = true
            return false
        }
        let body = trimLeadingSpace(Substring(line.unicodeScalars.dropFirst()))
        guard let (key, value) = matchDirective(body) else {
            directivesDone = true
            return false
        }
        let k = key.lowercased()
        guard k == "syntax" || k == "escape" || k == "check" else {
            directivesDone = true
            return false
        }
        if seenDirectives.contains(k) {
            throw LocalError(message: "only one \(k) parser directive can be used")
        }
        seenDirectives.insert(k)
        directives.append(ParserDirective(name: k, value: value, line: directiveLine))
        if k == "escape" {
            guard value == "`" || value == "\\" else {
                throw LocalError(message: "invalid escape token '\(value)' does not match ` or \\")
            }
            escape = value == "`" ? "`" : "\\"
        }
        return true
    }

    /// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
    func matchDirective(_ s: Substring) -> (String, String)? {
        let c = Array(s.unicodeScalars)
        func isAlpha(_ x: Unicode.Scalar) -> Bool { (x >= "a" && x <= "z") || (x >= "A" && x <= "Z") }
        func isRegexSpace(_ x: Unicode.Scalar) -> Bool { x == " " || x == "\t" || x == "\n" || x == "\u{0C}" || x == "\r" }
        guard let f = c.first, isAlpha(f) else { return nil }
        var i = 1
        while i < c.count, isAlpha(c[i]) || (c[i] >= "0" && c[i] <= "9") { i += 1 }
        let key = String(String.UnicodeScalarView(c[0..<i]))
        while i < c.count, isRegexSpace(c[i]) { i += 1 }
        guard i < c.count, c[i] == "=" else { return nil }
        i += 1
        while i < c.count, isRegexSpace(c[i]) { i += 1 }
        var end = c.count
        while end > i, isRegexSpace(c[end - 1]) { end -= 1 }
        guard end > i else { return nil }
        return (key, String(String.UnicodeScalarView(c[i..<end])))
    }

    /// The continuation regex `([^E])E[ \t]*$|^E[ \t]*$` with E the escape character.
    func trimContinuation(_ line: Substring) -> (Substring, Bool) {
        var s = Array(line.unicodeScalars)
        var end = s.count
        while end > 0, s[end - 1] == " " || s[end - 1] == "\t" { end -= 1 }
        guard end > 0, s[end - 1] == escape else { return (line, true) }
        if end >= 2 && s[end - 2] == escape { return (line, true) }
        s.removeSubrange((end - 1)...)
        return (Substring(String(String.UnicodeScalarView(s))), false)
    }

    // MARK: instructions

    static let dispatch: Set<String> = [
        "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label",
        "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir",
    ]

    func nodeFromLine(_ line: String, comments: [String], depth: Int = 0) throws(LocalError) -> SyntaxNode {
        let (cmd, flags, rest) = splitCommand(line)
        var node = SyntaxNode(command: cmd, flags: flags, args: [], subcommand: nil, isJSON: false, heredocs: [],
                              original: line, startLine: 0, endLine: 0, column: 1, comments: comments)
        switch cmd.lowercased() {
        case "add", "copy", "volume":
            (node.args, node.isJSON) = try parseMaybeJSONToList(rest)
        case "cmd", "entrypoint", "run", "shell":
            (node.args, node.isJSON) = try parseMaybeJSON(rest)
        case "arg":
            node.args = parseWords(rest)
        case "env":
            node.args = try parseNameVal(rest, key: "ENV")
        case "label":
            node.args = try parseNameVal(rest, key: "LABEL")
        case "expose", "from":
            node.args = splitWhitespace(rest)
        case "maintainer", "stopsignal", "user", "workdir":
            node.args = rest.isEmpty ? [] : [rest]
        case "healthcheck":
            (node.args, node.isJSON) = try parseHealthConfig(rest)
        case "onbuild":
            if !rest.isEmpty {
                // BuildKit refuses ONBUILD ONBUILD later; stop the recursion before it is deep.
                guard depth < 8 else { throw LocalError(message: "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed") }
                let sub = try nodeFromLine(rest, comments: [], depth: depth + 1)
                node.subcommand = .init(sub)
            }
        default:
            node.args = [""]  // parseIgnore: an empty node
        }
        return node
    }

    func canContainHeredoc(_ node: SyntaxNode) -> Bool {
        var n = node
        if n.command.lowercased() == "onbuild", let sub = n.subcommand { n = sub.node }
        let c = n.command.lowercased()
        return (c == "add" || c == "copy" || c == "run") && !n.isJSON
    }

    /// split_command.go: the command word, the leading `--flags`, the rest.
    func splitCommand(_ line: String) -> (String, [String], String) {
        let trimmed = trimSpace(line)
        let s = Array(trimmed.unicodeScalars)
        var i = 0
        while i < s.count, !isReWhitespace(s[i]) { i += 1 }
        let cmd = String(String.UnicodeScalarView(s[0..<i]))
        guard i < s.count else { return (cmd, [], "") }
        while i < s.count, isReWhitespace(s[i]) { i += 1 }
        let (rest, flags) = extractBuilderFlags(Array(s[i...]))
        return (cmd, flags, trimSpace(rest))
    }

    func extractBuilderFlags(_ line: [Unicode.Scalar]) -> (String, [String]) {
        enum Phase { case spaces, word, quote }
        var words: [String] = []
        var phase = Phase.spaces
        var b = ""
        var quote: Unicode.Scalar = "\0"
        var blankOK = false
        var pos = 0
        func restFrom(_ p: Int) -> String { String(String.UnicodeScalarView(line[p...])) }
        while pos <= line.count {
            let atEnd = pos == line.count
            var ch: Unicode.Scalar = atEnd ? "\0" : line[pos]
            if phase == .spaces {
                if atEnd { break }
                if isGoSpace(ch) {
                    pos += 1
                    continue
                }
                if ch != "-" || pos + 1 == line.count || line[pos + 1] != "-" {
                    return (restFrom(pos), words)
                }
                phase = .word
            }
            if phase != .spaces && atEnd {
                if b != "--" && (blankOK || !b.isEmpty) { words.append(b) }
                break
            }
            if phase == .word {
                if isGoSpace(ch) {
                    phase = .spaces
                    if b == "--" { return (restFrom(pos), words) }
                    if blankOK || !b.isEmpty { words.append(b) }
                    b = ""
                    blankOK = false
                    pos += 1
                    continue
                }
                if ch == "'" || ch == "\"" {
                    quote = ch
                    blankOK = true
                    phase = .quote
                    pos += 1
                    continue
                }
                if ch == escape {
                    if pos + 1 == line.count {
                        pos += 1
                        continue
                    }
                    pos += 1
                    ch = line[pos]
                }
                b.unicodeScalars.append(ch)
                pos += 1
                continue
            }
            if phase == .quote {
                if ch == quote {
                    phase = .word
                    pos += 1
                    continue
                }
                if ch == escape {
                    if pos + 1 == line.count {
                        phase = .word
                        pos += 1
                        continue
                    }
                    pos += 1
                    ch = line[pos]
                }
                b.unicodeScalars.append(ch)
                pos += 1
            }
        }
        return ("", words)
    }

    /// line_parsers.go `parseWords`: blank-separated words, quotes and escapes kept.
    func parseWords(_ rest: String) -> [String] {
        enum Phase { case spaces, word, quote }
        let s = Array(rest.unicodeScalars)
        var words: [String] = []
        var phase = Phase.spaces
        var quote: Unicode.Scalar = "\0"
        var blankOK = false
        var b = ""
        var pos = 0
        while pos <= s.count {
            let atEnd = pos == s.count
            var ch: Unicode.Scalar = atEnd ? "\0" : s[pos]
            if phase == .spaces {
                if atEnd { break }
                if isGoSpace(ch) {
                    pos += 1
                    continue
                }
                phase = .word
            }
            if phase != .spaces && atEnd {
                if blankOK || !b.isEmpty { words.append(b) }
                break
            }
            if phase == .word {
                if isGoSpace(ch) {
                    phase = .spaces
                    if blankOK || !b.isEmpty { words.append(b) }
                    b = ""
                    blankOK = false
                    pos += 1
                    continue
                }
                if ch == "'" || ch == "\"" {
                    quote = ch
                    blankOK = true
                    phase = .quote
                }
                if ch == escape {
                    if pos + 1 == s.count {
                        pos += 1
                        continue
                    }
                    b.unicodeScalars.append(ch)
                    pos += 1
                    ch = s[pos]
                }
                b.unicodeScalars.append(ch)
                pos += 1
                continue
            }
            if phase == .quote {
                if ch == quote { phase = .word }
                if ch == escape && quote != "'" {
                    if pos + 1 == s.count {
                        phase = .word
                        pos += 1
                        continue
                    }
                    pos += 1
                    b.unicodeScalars.append(ch)
                    ch = s[pos]
                }
                b.unicodeScalars.append(ch)
                pos += 1
            }
        }
        return words
    }

    /// `parseNameVal`: `K=V …`, or the legacy `K rest of line`. Triples key, value, separator.
    func parseNameVal(_ rest: String, key: String) throws(LocalError) -> [String] {
        let words = parseWords(rest)
        guard let first = words.first else { return [] }
        if !first.contains("=") {
            let parts = splitWhitespace(rest, limit: 2)
            guard parts.count == 2 else { throw LocalError(message: "\(key) must have two arguments") }
            return [parts[0], parts[1], ""]
        }
        var out: [String] = []
        for word in words {
            guard let eq = word.firstIndex(of: "=") else {
                throw LocalError(message: "Syntax error - can't find = in \(goQuote(word)). Must be of the form: name=value")
            }
            out += [String(word[..<eq]), String(word[word.index(after: eq)...]), "="]
        }
        return out
    }

    /// `parseStringsWhitespaceDelimited` (regexp `[\t\v\f\r ]+` split).
    func splitWhitespace(_ rest: String, limit: Int = .max) -> [String] {
        if rest.isEmpty { return [] }
        var out: [String] = []
        var cur = String.UnicodeScalarView()
        var s = rest.unicodeScalars[...]
        while let c = s.first {
            if isReWhitespace(c), out.count < limit - 1 {
                out.append(String(cur))
                cur = .init()
                s = s.drop(while: isReWhitespace)
                continue
            }
            cur.append(c)
            s = s.dropFirst()
        }
        out.append(String(cur))
        return out
    }

    func parseMaybeJSON(_ rest: String) throws(LocalError) -> ([String], Bool) {
        if rest.isEmpty { return ([], false) }
        switch parseJSON(rest) {
        case .strings(let a): return (a, true)
        case .notStrings: throw LocalError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid: return ([rest], false)
        }
    }

    func parseMaybeJSONToList(_ rest: String) throws(LocalError) -> ([String], Bool) {
        switch parseJSON(rest) {
        case .strings(let a): return (a, true)
        case .notStrings: throw LocalError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid: return (splitWhitespace(rest), false)
        }
    }

    func parseJSON(_ rest: String) -> JSONArrayResult {
        let trimmed = String(String.UnicodeScalarView(rest.unicodeScalars.drop(while: isGoSpace)))
        return parseJSONStringArray(trimmed)
    }

    func parseHealthConfig(_ rest: String) throws(LocalError) -> ([String], Bool) {
        let s = Array(rest.unicodeScalars)
        var sep = 0
        while sep < s.count, !isGoSpace(s[sep]) { sep += 1 }
        var next = sep
        while next < s.count, isGoSpace(s[next]) { next += 1 }
        if sep == 0 { return ([], false) }
        let type = String(String.UnicodeScalarView(s[0..<sep]))
        let (cmd, json) = try parseMaybeJSON(String(String.UnicodeScalarView(s[next...])))
        return ([type] + cmd, json)
    }

    // MARK: heredocs

    func heredocsFromLine(_ line: String) throws(LocalError) -> [Heredoc] {
        var lex = ShellLex(escape: "\\")
        lex.rawQuotes = true
        lex.rawEscapes = true
        lex.skipUnsetEnv = true
        let words = (try? lex.processWords(line, [:])) ?? []
        var docs: [Heredoc] = []
        for word in words {
            if let doc = try parseHeredocWord(word) { docs.append(doc) }
        }
        return docs
    }
}

/// `^(\d*)<<(-?)\s*([^<]*)$` then BuildKit's `heredocFromMatch`.
func parseHeredocWord(_ word: String) throws(LocalError) -> Heredoc? {
    let s = Array(word.unicodeScalars)
    var i = 0
    while i < s.count, s[i] >= "0" && s[i] <= "9" { i += 1 }
    let fd = Int(String(String.UnicodeScalarView(s[0..<i]))) ?? 0
    guard i + 1 < s.count, s[i] == "<", s[i + 1] == "<" else { return nil }
    i += 2
    var chomp = false
    if i < s.count, s[i] == "-" {
        chomp = true
        i += 1
    }
    while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\n" || s[i] == "\u{0C}" || s[i] == "\r" { i += 1 }
    let rest = Array(s[i...])
    if rest.contains("<") || rest.isEmpty { return nil }
    let restString = String(String.UnicodeScalarView(rest))
    var lex = ShellLex(escape: "\\")
    lex.skipUnsetEnv = true
    let words: [String]
    let raw: [String]
    do {
        words = try lex.processWords(restString, [:])
        guard words.count == 1 else { return nil }
        lex.rawQuotes = true
        raw = try lex.processWords(restString, [:])
    } catch {
        throw LocalError(message: error.message)
    }
    guard raw.count == words.count else {
        throw LocalError(message: "internal lexing of heredoc produced inconsistent results: \(restString)")
    }
    func quotes(_ w: String) -> Int { w.unicodeScalars.filter { $0 == "'" || $0 == "\"" }.count }
    return Heredoc(name: words[0], fileDescriptor: fd, expand: quotes(words[0]) == quotes(raw[0]), chomp: chomp, content: "")
}

// MARK: helpers

func isReWhitespace(_ c: Unicode.Scalar) -> Bool {
    c == "\t" || c == "\u{0B}" || c == "\u{0C}" || c == "\r" || c == " "
}

func trimLeadingSpace(_ s: Substring) -> Substring {
    Substring(s.unicodeScalars.drop(while: isGoSpace))
}

func trimNewline(_ s: Substring) -> Substring {
    var v = s.unicodeScalars[...]
    while let l = v.last, l == "\n" || l == "\r" { v = v.dropLast() }
    return Substring(v)
}

func trimSpace(_ s: String) -> String {
    var v = s.unicodeScalars[...]
    while let f = v.first, isGoSpace(f) { v = v.dropFirst() }
    while let l = v.last, isGoSpace(l) { v = v.dropLast() }
    return String(String.UnicodeScalarView(v))
}

/// Go's strconv.Quote.
func goQuote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if c.value < 0x20 || c.value == 0x7F {
                out += "\\x" + hex2(c.value)
            } else if c.value < 0x80 || isGoPrintable(c) {
                out.unicodeScalars.append(c)
            } else if c.value <= 0xFFFF {
                out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            } else {
                out += "\\U" + String(repeating: "0", count: 8 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            }
        }
    }
    return out + "\""
}

private func hex2(_ v: UInt32) -> String {
    let h = String(v, radix: 16)
    return h.count == 1 ? "0" + h : h
}

private func isGoPrintable(_ c: Unicode.Scalar) -> Bool {
    switch c.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: return false
    case .spaceSeparator: return c == " "
    default: return true
    }
}
