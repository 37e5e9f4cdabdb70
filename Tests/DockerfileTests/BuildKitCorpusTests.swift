import Foundation
import Testing
@testable import Dockerfile

/// BuildKit's own cases (Fixtures/buildkit/README.md), run against this module.
@Suite struct BuildKitCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/buildkit")

    static func directories(_ sub: String) -> [String] {
        let dir = root.appendingPathComponent(sub)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    static func read(_ path: String) throws -> String {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        return String(decoding: data, as: UTF8.self)
    }

    @Test func corpusIsPresent() {
        #expect(Self.directories("testfiles").count == 33)
        #expect(Self.directories("testfiles-negative").count == 4)
    }

    /// parser_test.go TestParseCases: our dump equals BuildKit's `result` for each file.
    @Test(arguments: directories("testfiles"))
    func parseCase(_ name: String) throws {
        let text = try Self.read("testfiles/\(name)/Dockerfile")
        let expected = try Self.read("testfiles/\(name)/result")
        let tree = try SyntaxTree.parse(text)
        #expect(tree.dump() + "\n" == expected)
    }

    /// parser_test.go TestParseErrorCases.
    @Test(arguments: directories("testfiles-negative"))
    func negativeCase(_ name: String) throws {
        let text = try Self.read("testfiles-negative/\(name)/Dockerfile")
        #expect(throws: DockerfileError.self) { try SyntaxTree.parse(text) }
    }

    @Test func negativeMessages() throws {
        func message(_ n: String) throws -> String? {
            let text = try Self.read("testfiles-negative/\(n)/Dockerfile")
            do throws(DockerfileError) {
                _ = try SyntaxTree.parse(text)
                return nil
            } catch { return error.message }
        }
        #expect(try message("env_no_value") == "ENV must have two arguments")
        #expect(try message("shykes-nested-json") == "when using JSON array syntax, arrays must be comprised of strings only")
        #expect(try message("empty_dockerfile") == "file with no instructions")
        #expect(try message("only_comments") == "file with no instructions")
    }

    /// parser_test.go TestParseIncludesLineNumbers.
    @Test func lineNumbers() throws {
        let tree = try SyntaxTree.parse(try Self.read("testfile-line/Dockerfile"))
        #expect(tree.nodes.map { [$0.startLine, $0.endLine] } == [[5, 5], [11, 12], [17, 31]])
    }

    /// shell/lex_test.go TestShellParser4EnvVars over envVarTest (the Unix and all-platform lines).
    @Test func envVarTest() throws {
        let env: ShellEnvironment = ["PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""]
        let lex = ShellLex()
        var checked = 0
        for (n, rawLine) in try Self.read("envVarTest").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if rawLine.hasPrefix("#") { continue }
            let line = trimSpace(String(rawLine))
            if line.isEmpty { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { trimSpace(String($0)) }
            try #require(parts.count == 3, "line \(n + 1)")
            guard parts[0] == "A" || parts[0] == "U" else { continue }
            checked += 1
            if parts[2] == "error" {
                #expect(throws: ShellLex.Failure.self, "line \(n + 1): \(parts[1])") { try lex.processWord(parts[1], env) }
            } else {
                #expect(try lex.processWord(parts[1], env) == parts[2], "line \(n + 1): \(parts[1])")
            }
        }
        #expect(checked > 200)
    }

    /// shell/lex_test.go TestShellParser4Words over wordsTest (its second, raw-quote mode reads
    /// an exhausted scanner in BuildKit and so checks nothing; it is not ported).
    @Test func wordsTest() throws {
        let lex = ShellLex()
        var env: ShellEnvironment = [:]
        var checked = 0
        for (n, rawLine) in try Self.read("wordsTest").split(separator: "\n").enumerated() {
            let line = String(rawLine)
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("ENV ") {
                let kv = String(line.dropFirst(3).drop { $0 == " " })
                let eq = kv.firstIndex(of: "=") ?? kv.endIndex
                env[String(kv[..<eq])] = eq < kv.endIndex ? String(kv[kv.index(after: eq)...]) : ""
                continue
            }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            try #require(parts.count == 2)
            let input = trimSpace(String(parts[0]))
            let expected = String(parts[1].drop { $0 == " " }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let got = (try? lex.processWords(input, env)) ?? ["error"]
            checked += 1
            #expect(got == expected, "line \(n + 1): \(input)")
        }
        #expect(checked > 20)
    }
}
