import Foundation
import Testing
@testable import Dockerfile

/// Cases ported from BuildKit @73ed6825: shell/lex_test.go (TestShellParserMandatoryEnvVars,
/// TestProcessWithMatches) and parser/parser_heredoc_test.go (TestParseExtractsHeredoc,
/// TestParseJSONHeredoc, TestHeredocChomp, TestParseHeredocHelpers, TestHeredocsFromLine).
@Suite struct LexerAndHeredocTests {
    struct Case: CustomStringConvertible, Sendable {
        var input: String
        var env: [String: String]
        /// nil: an error.
        var expected: String?
        var description: String { input }
    }

    /// TestProcessWithMatches.
    static let processCases: [Case] = [
        Case(input: "x", env: ["DUMMY": "dummy"], expected: "x"),
        Case(input: "x ${UNUSED}", env: ["DUMMY": "dummy"], expected: "x "),
        Case(input: "x ${FOO}", env: ["FOO": "y"], expected: "x y"),
        Case(input: "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", env: ["FOO": "xxx", "BAR": ""], expected: "xxx  ccc"),
        Case(input: "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", env: ["FOO": "xxx", "BAR": ""], expected: "xxx bbb ccc"),
        Case(input: "${FOO:-}", env: ["FOO": "xxx", "BAR": ""], expected: "xxx"),
        Case(input: "${FOO:-}", env: [:], expected: ""),
        Case(input: "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", env: ["FOO": "xxx", "BAR": ""], expected: "aaa bbb "),
        Case(input: "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", env: ["FOO": "xxx", "BAR": ""], expected: "aaa  "),
        Case(input: "${FOO?aaa}", env: ["FOO": "xxx", "BAR": ""], expected: "xxx"),
        Case(input: "${BAR?bbb}", env: ["FOO": "xxx", "BAR": ""], expected: ""),
        Case(input: "${BAZ?ccc}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${FOO:?aaa}", env: ["FOO": "xxx", "BAR": ""], expected: "xxx"),
        Case(input: "${BAR:?bbb}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${BAZ:?ccc}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${BAZ:?}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${FOO=aaa}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${FOO=:aaa}", env: ["FOO": "xxx", "BAR": ""], expected: nil),
        Case(input: "${FOO=}", env: [:], expected: nil),
        Case(input: "${FOO#()[]{\\}^$.\\*\\?|\\\\}", env: ["FOO": "()[]{}^$.*?|\\x"], expected: "x"),
        Case(input: "${FOO%%\\**}", env: ["FOO": "xx**"], expected: "xx"),
        Case(input: "${FOO#*x*y}", env: ["FOO": "xxyy"], expected: "y"),
        Case(input: "${FOO#*}", env: ["FOO": "xxyy"], expected: "xxyy"),
        Case(input: "${FOO#$BAR}", env: ["FOO": "xxyy", "BAR": "x"], expected: "xyy"),
        Case(input: "${FOO#$BAR}", env: ["FOO": "xxyy", "BAR": ""], expected: "xxyy"),
        Case(input: "${FOO#}", env: ["FOO": "xxyy"], expected: "xxyy"),
        Case(input: "${FOO##*x}", env: ["FOO": "xxyy"], expected: "yy"),
        Case(input: "${FOO##}", env: ["FOO": "xxyy"], expected: "xxyy"),
        Case(input: "${FOO#?\\?}", env: ["FOO": "???y"], expected: "?y"),
        Case(input: "${ABC:-.}${FOO%x}${ABC:-.}", env: ["FOO": "xxyy"], expected: ".xxyy."),
        Case(input: "${FOO%%\\**\\*}", env: ["FOO": "a***yy*"], expected: "a"),
        Case(input: "${FOO%}", env: ["FOO": "xxyy"], expected: "xxyy"),
        Case(input: "${FOO%%$BAR}", env: ["FOO": "xxyy", "BAR": ""], expected: "xxyy"),
        Case(input: "${FOO:#}", env: [:], expected: nil),
        Case(input: "${FOO:##}", env: [:], expected: nil),
        Case(input: "${FOO:%}", env: [:], expected: nil),
        Case(input: "${FOO:%%}", env: [:], expected: nil),
        Case(input: "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", env: ["FOO": "/foo*/*/*.txt", "NEEDLE": "\\*/"], expected: "/foo.*/*.txt - /foo..*.txt"),
        Case(input: "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", env: ["FOO": "/tmp/tmp/bar.txt", "NEEDLE": "/tmp"], expected: "/tmp/bar.txt - /bar.txt"),
        Case(input: "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}", env: ["FOO": "/a/foo/b/c.txt", "NEEDLE": "/?/", "REPLACEMENT": "/"],
             expected: "/foo/b/c.txt - /foo/c.txt"),
        Case(input: "${FOO/$NEEDLE/$REPLACEMENT}", env: ["FOO": "http://google.de", "NEEDLE": "http://", "REPLACEMENT": "https://"], expected: "https://google.de"),
        Case(input: "${FOO//\\//\\/}", env: ["FOO": "/tmp/foo.txt"], expected: "\\/tmp\\/foo.txt"),
        Case(input: "${FOO/$BAR/ww}", env: ["FOO": "xxyy", "BAR": ""], expected: "wwxxyy"),
        Case(input: "${FOO//ww}", env: ["FOO": "xxyy"], expected: nil),
        Case(input: "${FOO//}", env: ["FOO": "xxyy"], expected: nil),
        Case(input: "${FOO///}", env: ["FOO": "xxyy"], expected: "xxyy"),
        Case(input: "${FOO///}", env: [:], expected: ""),
    ]

    @Test(arguments: processCases)
    func processWithMatches(_ c: Case) throws {
        let lex = ShellLex()
        if let expected = c.expected {
            #expect(try lex.processWord(c.input, c.env) == expected)
        } else {
            #expect(throws: ShellLex.Failure.self) { try lex.processWord(c.input, c.env) }
        }
    }

    /// TestShellParserMandatoryEnvVars.
    @Test func mandatoryEnvVars() throws {
        let lex = ShellLex()
        let set = ["VAR": "plain", "ARG": "x"], empty = ["VAR": "", "ARG": "x"], unset = ["ARG": "x"]
        #expect(try lex.processWord("${VAR:?message here$ARG}", set) == "plain")
        #expect(throws: ShellLex.Failure(message: "failed to process \"${VAR:?message here$ARG}\": VAR: message herex")) {
            try lex.processWord("${VAR:?message here$ARG}", empty)
        }
        #expect(throws: ShellLex.Failure(message: "failed to process \"${VAR:?message here$ARG}\": VAR: message herex")) {
            try lex.processWord("${VAR:?message here$ARG}", unset)
        }
        #expect(try lex.processWord("${VAR?message here$ARG}", set) == "plain")
        #expect(try lex.processWord("${VAR?message here$ARG}", empty) == "")
        #expect(throws: ShellLex.Failure.self) { try lex.processWord("${VAR?message here$ARG}", unset) }
    }

    @Test func backtickEscapeInTheLexer() throws {
        let lex = ShellLex(escape: "`")
        #expect(try lex.processWord("c:\\dir `$HOME \"a`\"b\"", ["HOME": "/h"]) == "c:\\dir $HOME a\"b")
        #expect(try lex.processWord("$HOME\\x", ["HOME": "/h"]) == "/h\\x")
    }

    // MARK: heredocs

    static let heredocFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/buildkit/heredocs.Dockerfile")

    /// TestParseExtractsHeredoc: the heredocs of each instruction after FROM.
    @Test func extractsHeredocs() throws {
        let text = String(decoding: try Data(contentsOf: Self.heredocFile), as: UTF8.self)
        func h(_ name: String, _ content: String, expand: Bool = true, chomp: Bool = false, fd: Int = 0) -> Heredoc {
            Heredoc(name: name, fileDescriptor: fd, expand: expand, chomp: chomp, content: content)
        }
        let expected: [[Heredoc]] = [
            [], [], [], [],
            [h("EMPTY", "")],
            [h("EMPTY2", "", fd: 3)],
            [],
            [h("INDENT", "\tfoo\n\tbar\n")],
            [h("UNINDENT", "\tbaz\n\tquux\n", chomp: true)],
            [h("UNINDENT2", "\tbaz\n\tquux\n", chomp: true)],
            [h("EXPAND", "\texpand $NAME\n", chomp: true)],
            [h("NOEXPAND", "\tdon't expand $NAME\n", expand: false, chomp: true)],
            [h("COPY", "echo hello world\necho foo bar\n")],
            [h("COMMENT", "# internal comment\necho hello world\necho foo bar # trailing comment\n")],
            [h("MOUNT", "echo hello\n")],
            [h("FILE1", "content 1\n"), h("FILE2", "content 2\n")],
            [h("EOF", "\"foo\"\n'bar'\n")],
            [h("X", "Y\n"), h("Y", "X\n")],
            [h("COMPLEX", "print('hello world')\n")],
            [h("file.txt", "hello world\n")],
            [h("eof", "echo foo\n", expand: false)],
            [h("eo'f", "echo foo\n")],
            [h("eo'f", "echo foo\n", expand: false)],
            [h("one two", "echo bar\n", expand: false)],
            [h("$EOF", "")],
            [h("EOF", "")],
            [h("EOF", "")],
        ]
        let nodes = try SyntaxTree.parse(text).nodes
        #expect(nodes.count == expected.count + 1)
        for (i, want) in expected.enumerated() where i + 1 < nodes.count {
            #expect(nodes[i + 1].heredocs == want, "instruction \(i + 1): \(nodes[i + 1].original)")
        }
    }

    /// TestParseJSONHeredoc.
    @Test func jsonFormsHaveNoHeredocs() throws {
        let nodes = try SyntaxTree.parse("\nFROM alpine:3.6\n\nRUN [\"whoami\"]\nRUN [\"<<EOF\"]\nRUN [\"<<'EOF'\"]\n\t").nodes
        #expect(nodes.count == 4)
        #expect(nodes.dropFirst().allSatisfy { $0.heredocs.isEmpty })
    }

    /// TestHeredocChomp.
    @Test func chomp() {
        #expect(Heredoc(name: "X", fileDescriptor: 0, expand: true, chomp: true, content: "\thello\n\tworld\n").effectiveContent == "hello\nworld\n")
        #expect(Heredoc(name: "X", fileDescriptor: 0, expand: true, chomp: false, content: "\thello\n").effectiveContent == "\thello\n")
    }

    /// TestParseHeredocHelpers.
    @Test func heredocWords() throws {
        for valid in ["<<EOF", "<<'EOF'", "<<\"EOF\"", "<<-EOF", "<<-'EOF'", "<<-\"EOF\"", "<<EO\"F\"", "<< EOF", "<<- EOF"] {
            #expect(try parseHeredocWord(valid)?.name == "EOF", "\(valid)")
        }
        for invalid in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            #expect(throws: LocalError.self, "\(invalid)") { try parseHeredocWord(invalid) }
        }
        for notHeredoc in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            #expect(try parseHeredocWord(notHeredoc) == nil, "\(notHeredoc)")
        }
    }

    /// TestHeredocsFromLine. BuildKit's test only checks the heredocs it gets back, so a line
    /// that yields none passes there whatever it lists: `RUN <<- EOF` yields none (the lexer
    /// splits `<<-` from `EOF`), and that is what is asserted here.
    @Test func heredocsFromLine() throws {
        let parser = LineParser(file: "Dockerfile")
        let cases: [(String, [String])] = [
            ("RUN <<EOF", ["EOF"]), ("RUN <<-EOF", ["EOF"]), ("RUN << EOF", ["EOF"]), ("RUN <<- EOF", []),
            ("RUN << -EOF", ["-EOF"]), ("RUN <<'EOF'", ["EOF"]), ("RUN 4<<EOF", ["EOF"]), ("RUN <<EOF <<EOF2", ["EOF", "EOF2"]),
            ("RUN '<<EOF'", []), ("RUN \"<<EOF\"", []),
        ]
        for (line, names) in cases {
            #expect(try parser.heredocsFromLine(line).map(\.name) == names, "\(line)")
        }
    }
}
