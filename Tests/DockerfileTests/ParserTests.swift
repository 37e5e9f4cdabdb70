import Testing
@testable import Dockerfile

/// The first problem of a Dockerfile, as `file:line:column: message`.
func parseError(_ text: String, name: String = "Dockerfile") -> String? {
    do throws(DockerfileError) {
        _ = try Dockerfile.parse(text, name: name)
        return nil
    } catch {
        return error.description
    }
}

func nodes(_ text: String) throws -> [SyntaxNode] {
    try SyntaxTree.parse(text).nodes
}

@Suite struct DockerfileParserTests {
    // MARK: directives

    @Test func directivesAtTheTop() throws {
        let df = try Dockerfile.parse("# syntax=docker/dockerfile:1\n# escape=`\n#check=skip=all\nFROM scratch\n")
        #expect(df.directives.map(\.name) == ["syntax", "escape", "check"])
        #expect(df.directive("syntax") == "docker/dockerfile:1")
        #expect(df.directive("CHECK") == "skip=all")
        #expect(df.escape == "`")
        #expect(df.directives.map(\.line) == [1, 2, 3])
        #expect(df.stages[0].location.startLine == 4)
    }

    @Test func directiveKeyCaseAndSpaces() throws {
        let df = try Dockerfile.parse("#  ESCAPE  =  `  \nFROM scratch\n")
        #expect(df.escape == "`")
        #expect(df.directive("escape") == "`")
    }

    /// Scanning stops for good at the first other line: blank, comment, unknown key, instruction.
    @Test(arguments: [
        "\n# escape=`\nFROM scratch\n",
        "# a comment\n# escape=`\nFROM scratch\n",
        "# foo=bar\n# escape=`\nFROM scratch\n",
        "FROM scratch\n# escape=`\n",
    ])
    func directivesStop(_ text: String) throws {
        let df = try Dockerfile.parse(text)
        #expect(df.escape == "\\")
        #expect(df.directive("escape") == nil)
    }

    @Test func repeatedDirectiveIsAnError() {
        #expect(parseError("# escape=`\n# escape=\\\nFROM scratch\n") == "Dockerfile:2:1: only one escape parser directive can be used")
        #expect(parseError("# syntax=a\n# SYNTAX=b\nFROM scratch\n") == "Dockerfile:2:1: only one syntax parser directive can be used")
    }

    @Test func badEscapeToken() {
        #expect(parseError("# escape=x\nFROM scratch\n") == "Dockerfile:1:1: invalid escape token 'x' does not match ` or \\")
    }

    // MARK: lines

    @Test func bomAndCRLF() throws {
        let n = try nodes("\u{FEFF}FROM alpine\r\nRUN echo a \\\r\n  b\r\n")
        #expect(n.map { $0.dump() } == ["from \"alpine\"", "run \"echo a   b\""])
        #expect(n[1].startLine == 2 && n[1].endLine == 3)
    }

    @Test func continuationWithTrailingBlanksCommentsAndEmptyLines() throws {
        let text = """
        FROM alpine
        RUN apk add \\  \t
            # a comment inside the continuation
            curl \\

            git
        CMD ["sh"]
        """
        let tree = try SyntaxTree.parse(text)
        #expect(tree.nodes[1].args == ["apk add     curl     git"])
        #expect(tree.nodes[1].startLine == 2)
        #expect(tree.nodes[1].endLine == 6)
        #expect(tree.nodes[2].startLine == 7)
        #expect(tree.emptyContinuationLines == [6])
    }

    @Test func escapedEscapeIsNotAContinuation() throws {
        let n = try nodes("FROM a\nRUN echo \\\\\nRUN b\n")
        #expect(n.count == 3)
        #expect(n[1].args == ["echo \\\\"])
    }

    @Test func continuationAtEndOfFile() throws {
        let n = try nodes("FROM a\nRUN echo \\")
        #expect(n[1].args == ["echo"])
        #expect(n[1].endLine == 2)
    }

    @Test func backtickEscape() throws {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo done\nCOPY a\\b c:\\dest\\\n"
        let df = try Dockerfile.parse(text)
        let s = df.stages[0]
        guard case .run(let run) = s.instructions[0].kind else { Issue.record("not RUN"); return }
        #expect(run.command.arguments == ["dir c:\\   && echo done"])
        #expect(s.instructions[0].location == SourceRange(startLine: 3, endLine: 4, column: 1))
        // With ` as escape, a trailing \ is an ordinary character.
        guard case .copy(let copy) = s.instructions[1].kind else { Issue.record("not COPY"); return }
        #expect(copy.sources == ["a\\b"])
        #expect(copy.destination == "c:\\dest\\")
    }

    @Test func commentsOnlyAsFirstNonBlank() throws {
        let n = try nodes("  # indented comment\nFROM alpine # not a comment\nRUN echo #hash\n")
        #expect(n.map { $0.dump() } == ["from \"alpine\" \"#\" \"not\" \"a\" \"comment\"", "run \"echo #hash\""])
        #expect(parseError("  # indented comment\nFROM alpine # not a comment\n") == "Dockerfile:2:1: FROM requires either one or three arguments")
    }

    /// A blank line does not reset them; an empty `#` does (parser.go Parse).
    @Test func commentsBeforeAnInstructionAreKept() throws {
        #expect(try nodes("# first\n# second\n\n# third\nFROM a\n")[0].comments == ["first", "second", "third"])
        #expect(try nodes("# first\n#\n# third\nFROM a\nRUN x\n").map(\.comments) == [["third"], []])
    }

    @Test func instructionsAreCaseInsensitive() throws {
        let df = try Dockerfile.parse("from alpine AS Build\nrun echo hi\nCoPy --from=x a b\n")
        #expect(df.stages[0].name == "build")
        #expect(df.stages[0].instructions[0].name == "RUN")
        // Flag names are not: BuildKit reports --FROM as unknown (its suggestion is case-sensitive).
        #expect(parseError("from alpine\nCoPy --FROM=x a b\n") == "Dockerfile:2:1: unknown flag: --FROM")
    }

    @Test func leadingBlanksGiveTheColumn() {
        #expect(parseError("FROM alpine\n    FORM x\n") == "Dockerfile:2:5: unknown instruction: FORM (did you mean FROM?)")
        #expect(parseError("FROM alpine\nfrum x\n") == "Dockerfile:2:1: unknown instruction: frum (did you mean from?)")
        #expect(parseError("FROM alpine\nBOGUS x\n") == "Dockerfile:2:1: unknown instruction: BOGUS")
    }

    @Test func emptyFiles() {
        #expect(parseError("") == "Dockerfile:1:1: file with no instructions")
        #expect(parseError("# just a comment\n\n") == "Dockerfile:2:1: file with no instructions")
        #expect(parseError("ARG X=1\n") == "Dockerfile:1:1: dockerfile contains no stages to build")
        #expect(parseError("RUN echo\nFROM a\n") == "Dockerfile:1:1: no build stage in current context")
    }

    @Test func longLine() {
        let text = "FROM a\nLABEL x=" + String(repeating: "a", count: 65536) + "\n"
        #expect(parseError(text) == "Dockerfile:2:1: dockerfile line greater than max allowed size of 65535")
        // A line of exactly the limit is read, with its newline or without (the last line).
        let atLimit = "LABEL x=" + String(repeating: "a", count: SyntaxTree.maxLineBytes - 8)
        #expect(throws: Never.self) { try SyntaxTree.parse("FROM a\n" + atLimit + "\n") }
        #expect(throws: Never.self) { try SyntaxTree.parse("FROM a\n" + atLimit) }
        #expect(parseError("FROM a\n" + atLimit + "a") == "Dockerfile:2:1: dockerfile line greater than max allowed size of 65535")
    }

    @Test func errorsNameTheFile() {
        #expect(parseError("FROM\n", name: "build/Dockerfile.prod") == "build/Dockerfile.prod:1:1: FROM requires either one or three arguments")
    }

    // MARK: flags

    @Test func flagsAndBareDoubleDash() throws {
        let n = try nodes("FROM a\nCOPY --chown=1:1 --link -- --weird /dst/\nRUN --mount=type=cache,target=/root/.cache \"--\" x\n")
        #expect(n[1].flags == ["--chown=1:1", "--link"])
        #expect(n[1].args == ["--weird", "/dst/"])
        #expect(n[2].flags == ["--mount=type=cache,target=/root/.cache"])
        let df = try Dockerfile.parse("FROM a\nCOPY --chown=\"1 1\" --chmod=755 --link=false --exclude=*.md --exclude=x a b\n")
        guard case .copy(let c) = df.stages[0].instructions[0].kind else { Issue.record("not COPY"); return }
        #expect(c.chown == "1 1")
        #expect(c.chmod == "755")
        #expect(c.link == false)
        #expect(c.excludes == ["*.md", "x"])
    }

    @Test func flagErrors() {
        #expect(parseError("FROM a\nCOPY --link=maybe a b\n") == "Dockerfile:2:1: expecting boolean value for flag --link, not: maybe")
        #expect(parseError("FROM a\nCOPY --from a b\n") == "Dockerfile:2:1: missing a value on flag: --from")
        #expect(parseError("FROM a\nCOPY --from=x --from=y a b\n") == "Dockerfile:2:1: duplicate flag specified: --from")
        #expect(parseError("FROM a\nADD --from=x a b\n") == "Dockerfile:2:1: unknown flag: --from")
        #expect(parseError("FROM --platfrom=linux/amd64 a\n") == "Dockerfile:1:1: unknown flag: --platfrom (did you mean platform?)")
        #expect(parseError("FROM a\nENV --x=1 A=b\n") == "Dockerfile:2:1: unknown flag: --x")
    }

    // MARK: exec and shell forms

    @Test func execForm() throws {
        let df = try Dockerfile.parse("FROM a\nENTRYPOINT [\"/app\", \"--flag=\\u00e9\"]\nCMD [ ]\nRUN [\"a\"]  \n")
        let i = df.stages[0].instructions
        #expect(i[0].kind == .entrypoint(CommandArguments(arguments: ["/app", "--flag=é"], prependShell: false, heredocs: [])))
        #expect(i[1].kind == .cmd(CommandArguments(arguments: [], prependShell: false, heredocs: [])))
        #expect(i[2].kind == .run(RunInstruction(command: CommandArguments(arguments: ["a"], prependShell: false, heredocs: []), mounts: [], network: nil, security: nil, devices: [])))
    }

    /// Any JSON failure silently gives the shell form (BuildKit parseMaybeJSON).
    @Test(arguments: [
        "[/usr/local/binary]", "['/app']", "[\"/app\",]", "[\"/app\"", "[\"/app\"] extra", "[\"a\" \"b\"]",
    ])
    func invalidJSONIsShellForm(_ args: String) throws {
        let df = try Dockerfile.parse("FROM a\nENTRYPOINT \(args)\n")
        #expect(df.stages[0].instructions[0].kind == .entrypoint(CommandArguments(arguments: [args], prependShell: true, heredocs: [])))
    }

    @Test func nonStringElementsAreAnError() {
        let message = "when using JSON array syntax, arrays must be comprised of strings only"
        #expect(parseError("FROM a\nCMD [\"a\", 1]\n") == "Dockerfile:2:1: \(message)")
        #expect(parseError("FROM a\n\nENTRYPOINT [null]\n") == "Dockerfile:3:1: \(message)")
        #expect(parseError("FROM a\nRUN [[\"nested\"]]\n") == "Dockerfile:2:1: \(message)")
        #expect(parseError("FROM a\nCOPY [\"a\", true] \n") == "Dockerfile:2:1: \(message)")
    }

    @Test func shellMustBeJSON() throws {
        #expect(parseError("FROM a\nSHELL /bin/bash -c\n") == "Dockerfile:2:1: SHELL requires the arguments to be in JSON form")
        #expect(parseError("FROM a\nSHELL []\n") == "Dockerfile:2:1: SHELL requires at least one argument")
        let df = try Dockerfile.parse("FROM a\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n")
        #expect(df.stages[0].instructions[0].kind == .shell(["/bin/bash", "-eo", "pipefail", "-c"]))
    }

    @Test func copyJSONForm() throws {
        let df = try Dockerfile.parse("FROM a\nCOPY [\"a b\", \"/dst dir/\"]\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /x /y\n")
        guard case .copy(let c) = df.stages[0].instructions[0].kind else { Issue.record("not COPY"); return }
        #expect(c.sources == ["a b"])
        #expect(c.destination == "/dst dir/")
        #expect(df.stages[0].instructions[1].kind == .volume(["/data", "/logs"]))
        #expect(df.stages[0].instructions[2].kind == .volume(["/x", "/y"]))
    }

    // MARK: instruction forms

    @Test func fromForms() throws {
        let df = try Dockerfile.parse("""
        FROM --platform=$BUILDPLATFORM golang:1.22@sha256:abc AS Build-1.x
        FROM build-1.x
        FROM scratch as final
        """)
        #expect(df.stages.map(\.baseName) == ["golang:1.22@sha256:abc", "build-1.x", "scratch"])
        #expect(df.stages.map(\.name) == ["build-1.x", nil, "final"])
        #expect(df.stages[0].platform == "$BUILDPLATFORM")
        #expect(df.stages.map(\.index) == [0, 1, 2])
    }

    @Test func fromErrors() {
        #expect(parseError("FROM alpine build\n") == "Dockerfile:1:1: FROM requires either one or three arguments")
        #expect(parseError("FROM a AS b c\n") == "Dockerfile:1:1: FROM requires either one or three arguments")
        #expect(parseError("FROM a TO b\n") == "Dockerfile:1:1: FROM requires either one or three arguments")
        #expect(parseError("FROM a AS 1st\n") == "Dockerfile:1:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols")
        #expect(parseError("FROM a AS b$c\n") == "Dockerfile:1:1: invalid name for build stage: \"b$c\", name can't start with a number or contain symbols")
        #expect(parseError("FROM a AS x\nFROM b AS X\n") == "Dockerfile:2:1: Duplicate stage name \"x\", stage names should be unique")
    }

    @Test func envForms() throws {
        let df = try Dockerfile.parse("""
        FROM a
        ENV GOPATH /go
        ENV A=1 B="two words" C=three\\ words
        ENV D=
        """)
        let i = df.stages[0].instructions
        #expect(i[0].kind == .env([KeyValue(key: "GOPATH", value: "/go", legacy: true)]))
        #expect(i[1].kind == .env([KeyValue(key: "A", value: "1", legacy: false), KeyValue(key: "B", value: "\"two words\"", legacy: false),
                                   KeyValue(key: "C", value: "three\\ words", legacy: false)]))
        #expect(i[2].kind == .env([KeyValue(key: "D", value: "", legacy: false)]))
        #expect(parseError("FROM a\nENV A=1 B\n") == "Dockerfile:2:1: Syntax error - can't find = in \"B\". Must be of the form: name=value")
        #expect(parseError("FROM a\nENV PATH\n") == "Dockerfile:2:1: ENV must have two arguments")
        #expect(parseError("FROM a\nENV =x\n") == "Dockerfile:2:1: ENV names can not be blank")
        #expect(parseError("FROM a\nENV\n") == "Dockerfile:2:1: ENV requires at least one argument")
    }

    @Test func argForms() throws {
        let df = try Dockerfile.parse("ARG A B=2 C=\"x y\"\nFROM a\nARG D=\n")
        #expect(df.globalArgs[0].kind == .arg([ArgDeclaration(key: "A", defaultValue: nil), ArgDeclaration(key: "B", defaultValue: "2"),
                                               ArgDeclaration(key: "C", defaultValue: "\"x y\"")]))
        #expect(df.stages[0].instructions[0].kind == .arg([ArgDeclaration(key: "D", defaultValue: "")]))
        #expect(parseError("FROM a\nARG =1\n") == "Dockerfile:2:1: ARG names can not be blank")
        #expect(parseError("FROM a\nARG\n") == "Dockerfile:2:1: ARG requires at least one argument")
    }

    @Test func otherInstructions() throws {
        let df = try Dockerfile.parse("""
        FROM a
        LABEL org.opencontainers.image.title="x y" version=1
        EXPOSE 8080/tcp 443
        STOPSIGNAL SIGTERM
        MAINTAINER someone <a@b.c>
        USER app:app
        WORKDIR /srv/app
        HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD curl -f http://localhost/ || exit 1
        HEALTHCHECK NONE
        HEALTHCHECK CMD ["/bin/check"]
        ONBUILD COPY . /src
        ONBUILD RUN make
        """)
        let i = df.stages[0].instructions.map(\.kind)
        #expect(i[0] == .label([KeyValue(key: "org.opencontainers.image.title", value: "\"x y\"", legacy: false), KeyValue(key: "version", value: "1", legacy: false)]))
        #expect(i[1] == .expose(["443", "8080/tcp"]))
        #expect(i[2] == .stopSignal("SIGTERM"))
        #expect(i[3] == .maintainer("someone <a@b.c>"))
        #expect(i[4] == .user("app:app"))
        #expect(i[5] == .workdir("/srv/app"))
        #expect(i[6] == .healthcheck(HealthcheckInstruction(test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], interval: "30s", timeout: "3s", retries: 3)))
        #expect(i[7] == .healthcheck(HealthcheckInstruction(test: ["NONE"])))
        #expect(i[8] == .healthcheck(HealthcheckInstruction(test: ["CMD", "/bin/check"])))
        #expect(i[9] == .onbuild("COPY . /src"))
        #expect(i[10] == .onbuild("RUN make"))
    }

    @Test func argumentCountErrors() throws {
        // USER and WORKDIR keep the rest of the line as one argument (parseString).
        #expect(try Dockerfile.parse("FROM a\nUSER a b\n").stages[0].instructions[0].kind == .user("a b"))
        #expect(parseError("FROM a\nUSER\n") == "Dockerfile:2:1: USER requires exactly one argument")
        #expect(parseError("FROM a\nWORKDIR\n") == "Dockerfile:2:1: WORKDIR requires exactly one argument")
        #expect(parseError("FROM a\nCOPY a\n") == "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined")
        #expect(parseError("FROM a\nADD a\n") == "Dockerfile:2:1: ADD requires at least two arguments, but only one was provided. Destination could not be determined")
        #expect(parseError("FROM a\nEXPOSE\n") == "Dockerfile:2:1: EXPOSE requires at least one argument")
        #expect(parseError("FROM a\nVOLUME\n") == "Dockerfile:2:1: VOLUME requires at least one argument")
        #expect(parseError("FROM a\nSTOPSIGNAL\n") == "Dockerfile:2:1: STOPSIGNAL requires exactly one argument")
        #expect(parseError("FROM a\nONBUILD\n") == "Dockerfile:2:1: ONBUILD requires at least one argument")
        #expect(parseError("FROM a\nONBUILD ONBUILD RUN x\n") == "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        #expect(parseError("FROM a\nONBUILD FROM x\n") == "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger")
        #expect(parseError("FROM a\nHEALTHCHECK NONE x\n") == "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments")
        #expect(parseError("FROM a\nHEALTHCHECK CONNECT x\n") == "Dockerfile:2:1: Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)")
        #expect(parseError("FROM a\nHEALTHCHECK --interval=1us CMD x\n") == "Dockerfile:2:1: Interval \"interval\" cannot be less than 1ms")
        #expect(parseError("FROM a\nHEALTHCHECK --retries=-1 CMD x\n") == "Dockerfile:2:1: --retries cannot be negative (-1)")
        #expect(parseError("FROM a\nMAINTAINER\n") == "Dockerfile:2:1: MAINTAINER requires exactly one argument")
    }

    @Test func instructionsKeepLinesAndText() throws {
        let text = "FROM a\n\nRUN one \\\n  two\n  COPY x /y\n"
        let df = try Dockerfile.parse(text)
        let i = df.stages[0].instructions
        #expect(i[0].location == SourceRange(startLine: 3, endLine: 4, column: 1))
        #expect(i[0].original == "RUN one   two")
        #expect(i[1].location == SourceRange(startLine: 5, endLine: 5, column: 3))
        #expect(i[1].original == "COPY x /y")
        #expect(df.stages[0].location == SourceRange(startLine: 1, endLine: 1, column: 1))
    }

    // MARK: heredocs

    @Test func runHeredoc() throws {
        let text = "FROM a\nRUN <<EOF\nset -e\necho $HOME\nEOF\nCMD x\n"
        let n = try nodes(text)
        #expect(n[1].heredocs == [Heredoc(name: "EOF", fileDescriptor: 0, expand: true, chomp: false, content: "set -e\necho $HOME\n")])
        #expect(n[1].startLine == 2 && n[1].endLine == 5)
        #expect(n[2].startLine == 6)
    }

    @Test func heredocForms() throws {
        let text = """
        FROM a
        RUN <<-'END' cat >/x && 3<<"two" cat
        \t\tindented $NOT
        \tEND
        second
        two
        COPY <<one <<two /dest/
        1
        one
        2
        two
        """
        let df = try Dockerfile.parse(text)
        let i = df.stages[0].instructions
        guard case .run(let run) = i[0].kind else { Issue.record("not RUN"); return }
        #expect(run.command.heredocs.map(\.name) == ["END", "two"])
        #expect(run.command.heredocs[0].expand == false)
        #expect(run.command.heredocs[0].chomp == true)
        #expect(run.command.heredocs[0].effectiveContent == "indented $NOT\n")
        #expect(run.command.heredocs[1].fileDescriptor == 3)
        #expect(run.command.heredocs[1].expand == false)
        #expect(run.command.heredocs[1].content == "second\n")
        guard case .copy(let copy) = i[1].kind else { Issue.record("not COPY"); return }
        #expect(copy.sources == [])
        #expect(copy.inlineSources == [InlineSource(path: "one", data: "1\n", expand: true), InlineSource(path: "two", data: "2\n", expand: true)])
        #expect(copy.destination == "/dest/")
        #expect(i[1].location.startLine == 7 && i[1].location.endLine == 11)
    }

    @Test func heredocsOnlyForRunCopyAdd() throws {
        // CMD and the JSON form of RUN take `<<EOF` literally.
        let n = try nodes("FROM a\nCMD cat <<EOF\nRUN [\"cat\", \"<<EOF\"]\nEOF\n")
        #expect(n.count == 4)
        #expect(n[1].heredocs.isEmpty && n[2].heredocs.isEmpty)
        #expect(parseError("FROM a\nCMD cat <<EOF\nRUN [\"cat\", \"<<EOF\"]\nEOF\n") == "Dockerfile:4:1: unknown instruction: EOF (did you mean ENV?)")
    }

    @Test func unterminatedHeredoc() {
        #expect(parseError("FROM a\nRUN <<EOF\necho\n") == "Dockerfile:2:1: unterminated heredoc")
        #expect(parseError("FROM a\n  COPY <<A <<B /d/\nx\nA\ny\n") == "Dockerfile:2:3: unterminated heredoc")
    }

    @Test func heredocAsDestinationIsAnError() {
        #expect(parseError("FROM a\nCOPY x <<EOF\nbody\nEOF\n") == "Dockerfile:2:1: COPY cannot accept a heredoc as a destination")
    }

    @Test func heredocInOnbuild() throws {
        let df = try Dockerfile.parse("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n")
        #expect(df.stages[0].instructions[0].kind == .onbuild("RUN <<EOF\necho hi\nEOF"))
    }
}

/// Hostile input: deep nesting and long lines end in an error or a fallback, never a crash.
@Suite struct HostileDockerfileTests {
    @Test func deeplyNestedSubstitution() throws {
        let deep = String(repeating: "${X:-", count: 5000) + "x" + String(repeating: "}", count: 5000)
        #expect(planError("FROM a\nENV Y=\(deep)\n") == "Dockerfile:2:1: failed to process \"\(deep)\": substitutions nested deeper than 256")
        let fine = String(repeating: "${X:-", count: 200) + "x" + String(repeating: "}", count: 200)
        #expect(try plan("FROM a\nENV Y=\(fine)\n").stages[0].env == [EnvironmentVariable(name: "Y", value: "x")])
    }

    @Test func deeplyNestedJSONIsShellForm() throws {
        let deep = String(repeating: "[", count: 30000) + String(repeating: "]", count: 30000)
        let df = try Dockerfile.parse("FROM a\nCMD \(deep)\n")
        #expect(df.stages[0].instructions[0].kind == .cmd(CommandArguments(arguments: [deep], prependShell: true, heredocs: [])))
        // Within the limit, nested arrays are valid JSON and so an error.
        let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(parseError("FROM a\nCMD \(shallow)\n") == "Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only")
    }

    @Test func chainedOnbuild() {
        let chain = String(repeating: "ONBUILD ", count: 5000) + "RUN x"
        #expect(parseError("FROM a\n\(chain)\n") == "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
    }

    @Test func garbage() {
        for text in ["\u{0}\u{1}\u{2}", "FROM a\n\\\n\\\n", "FROM a\nRUN <<\n", "FROM a\nCOPY <<'' /x\n\n", "FROM a\nENV ${=x\n",
                     String(repeating: "\\\n", count: 10000), "FROM a\nRUN \"unterminated\n", "\u{FEFF}\u{FEFF}FROM a\n"] {
            _ = parseError(text)
            _ = planError(text)
        }
    }
}

/// BuildKit instructions/parse_test.go @73ed6825: the argument-count errors, the error cases
/// table and HEALTHCHECK's shell form, through the whole parser (no FROM needed: each
/// instruction is checked before stages are).
@Suite struct BuildKitInstructionCases {
    @Test(arguments: ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"])
    func exactlyOneArgument(_ cmd: String) {
        #expect(parseError(cmd) == "Dockerfile:1:1: \(cmd) requires exactly one argument")
    }

    @Test(arguments: ["ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"])
    func atLeastOneArgument(_ cmd: String) {
        #expect(parseError(cmd) == "Dockerfile:1:1: \(cmd) requires at least one argument")
    }

    @Test(arguments: ["ADD", "COPY"])
    func noDestination(_ cmd: String) {
        #expect(parseError(cmd + " arg1") == "Dockerfile:1:1: \(cmd) requires at least two arguments, but only one was provided. Destination could not be determined")
    }

    @Test func errorCases() {
        #expect(parseError("COPY\t\n      bar") == "Dockerfile:1:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined")
        #expect(parseError("ONBUILD FROM scratch") == "Dockerfile:1:1: FROM isn't allowed as an ONBUILD trigger")
        #expect(parseError("MAINTAINER --boo joe@example.com") == "Dockerfile:1:1: unknown flag: --boo")
        #expect(parseError("ONBUILD ONBUILD RUN touch foobar") == "Dockerfile:1:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        #expect(parseError("FOO bar") == "Dockerfile:1:1: unknown instruction: FOO (did you mean FROM?)")
        #expect(parseError("foo bar") == "Dockerfile:1:1: unknown instruction: foo (did you mean from?)")
    }

    @Test func healthcheckShellForm() throws {
        let df = try Dockerfile.parse("FROM a\nHEALTHCHECK CMD hello world\n")
        #expect(df.stages[0].instructions[0].kind == .healthcheck(HealthcheckInstruction(test: ["CMD-SHELL", "hello world"])))
    }

    /// TestParseOptInterval.
    @Test func optInterval() throws {
        #expect(parseError("FROM a\nHEALTHCHECK --interval=50ns CMD x\n") == "Dockerfile:2:1: Interval \"interval\" cannot be less than 1ms")
        #expect(parseError("FROM a\nHEALTHCHECK --interval=0ms CMD x\n") == nil)
        #expect(parseError("FROM a\nHEALTHCHECK --interval=1ms --timeout=1h30m --start-period=1.5s CMD x\n") == nil)
        #expect(parseError("FROM a\nHEALTHCHECK --timeout=5 CMD x\n") == "Dockerfile:2:1: time: missing unit in duration \"5\"")
        #expect(parseError("FROM a\nHEALTHCHECK --timeout=5y CMD x\n") == "Dockerfile:2:1: time: unknown unit \"y\" in duration \"5y\"")
    }
}

extension DockerfileParserTests {
    /// parser.go keeps `strings.TrimSpace(line[1:])`: an indented comment keeps its `#`.
    @Test func indentedCommentText() throws {
        #expect(try nodes("  # indented\n# plain\nFROM a\n")[0].comments == ["# indented", "plain"])
    }
}
