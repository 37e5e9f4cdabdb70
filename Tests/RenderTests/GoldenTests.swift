import ELFKit
import Foundation
import Render
import Rules
import TestSupport
import Testing

/// Renderers are pure: the same reports give the same bytes. Each format is compared with a
/// committed golden file; run with UPDATE_GOLDEN=1 to rewrite them after an intended change.
@Suite struct GoldenTests {
    static let document: RunDocument = {
        var facts = FileFacts()
        facts.format = .elf
        facts.fileBytes = 9_409_024
        facts.mode = 0o755
        var elf = ELFFacts(bits: 64, endianness: .little, machine: .x86_64, type: .exec, entry: 0x401000)
        elf.interpreter = "/lib64/ld-linux-x86-64.so.2"
        elf.needed = ["libc.so.6"]
        elf.glibcVersionsRequired = ["GLIBC_2.2.5", "GLIBC_2.34"]
        elf.debugBytes = 2_513_215
        elf.symtabBytes = 571_826
        facts.elf = elf
        var bad = FileReport(path: "dist/main")
        bad.facts = facts
        bad.start = StartVerdict(ok: false, stage: .kernel, errno: "ENOENT", message: "exec /dist/main: no such file or directory",
                                 reason: "the ELF interpreter /lib64/ld-linux-x86-64.so.2 named in PT_INTERP does not exist in scratch",
                                 cause: .missingInterpreter("/lib64/ld-linux-x86-64.so.2"))
        let se101 = RuleRegistry.info("SE101")!
        let se400 = RuleRegistry.info("SE400")!
        bad.findings = [
            Finding(se101, message: "the interpreter /lib64/ld-linux-x86-64.so.2 (PT_INTERP) does not exist in scratch",
                    why: "The kernel opens the PT_INTERP loader before the program runs.",
                    fix: "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build ./cmd/server",
                    command: "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build ./cmd/server"),
            Finding(se400, message: "2.4 MB of DWARF \"debug\" information\twith a tab", why: "Not loaded at run time.", fix: "go build -ldflags=\"-s -w\""),
        ]
        var broken = FileReport(path: "dist/broken file")
        broken.error = "e_phoff = 0x100000 at offset 0x20: extends past end of file (size 1080)"
        broken.errorOffset = 0x20
        broken.start = StartVerdict(ok: false, stage: .kernel, errno: "ENOEXEC", message: "exec /dist/broken file: exec format error",
                                    reason: "the kernel cannot read the program headers", cause: .malformed("e_phoff"))
        var ok = FileReport(path: "./hello")
        ok.start = .starts("statically linked: no interpreter, no libraries")
        return RunDocument(toolVersion: "0.1.0", targetName: "scratch", platform: "linux/amd64", reports: [bad, broken, ok])
    }()

    /// A Dockerfile target: findings at their lines with the line to write, one ignored with its
    /// reason, and a file on a base nobody knows (no verdict).
    static let dockerfileDocument: RunDocument = {
        var main = FileReport(path: "main", imagePath: "/main")
        main.facts = document.reports[0].facts
        main.start = StartVerdict(ok: false, stage: .kernel, errno: "ENOENT", message: "exec /main: no such file or directory",
                                  reason: "the ELF interpreter /lib64/ld-linux-x86-64.so.2 named in PT_INTERP does not exist in scratch (Dockerfile stage stage-1)",
                                  cause: .missingInterpreter("/lib64/ld-linux-x86-64.so.2"))
        main.provenance = ["/main comes from COPY --from=build (line 7)"]
        var se101 = Finding(RuleRegistry.info("SE101")!, message: "the interpreter /lib64/ld-linux-x86-64.so.2 (PT_INTERP) does not exist in scratch",
                            why: "The kernel opens the PT_INTERP loader before the program runs.", fix: "CGO_ENABLED=0 go build ./cmd/server")
        se101.location = SourceLocation(file: "Dockerfile", line: 6, edit: .replace, text: "FROM gcr.io/distroless/base-debian12")
        var se300 = Finding(RuleRegistry.info("SE300")!, message: "no CA certificates", why: "Go reads the system roots at run time.",
                            fix: "add the CA bundle")
        se300.location = SourceLocation(file: "Dockerfile", line: 7, edit: .insertAfter, text: "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
        var se400 = Finding(RuleRegistry.info("SE400")!, message: "2.4 MB of DWARF debug information", why: "Not loaded at run time.", fix: "-ldflags=\"-s -w\"")
        se400.location = SourceLocation(file: "Dockerfile", line: 4)
        main.findings = [se101, se300]
        main.suppressed = [SuppressedFinding(finding: se400, reason: "size does not matter here", by: "Dockerfile:1")]
        var other = FileReport(path: "tool", imagePath: "/tool")
        other.start = .unknown("FROM registry.example.com/base:7 (line 9) is an image this tool does not know")
        var doc = RunDocument(toolVersion: "0.1.0", targetName: "scratch (Dockerfile stage stage-1)", platform: "linux/amd64",
                              targetRoot: "/", reports: [main, other])
        doc.dockerfile = DockerfileSummary(file: "Dockerfile", stage: "stage-1", base: "scratch", baseKnown: true, baseLine: 6,
                                           argv: ["/main"], user: "", workingDir: "/",
                                           notes: ["/out/main from build (COPY at line 7) is taken to be a file the build makes, at /main"])
        return doc
    }()

    @Test func dockerfileText() throws { try compare("dockerfile.txt", TextRenderer(color: false).render(GoldenTests.dockerfileDocument)) }
    @Test func dockerfileJSON() throws { try compare("dockerfile.json", JSONRenderer.render(GoldenTests.dockerfileDocument)) }
    @Test func dockerfileSARIF() throws { try compare("dockerfile.sarif", SARIFRenderer.render(GoldenTests.dockerfileDocument, rules: RuleRegistry.infos)) }
    @Test func dockerfileGitHub() throws { try compare("dockerfile.github", GitHubRenderer.render(GoldenTests.dockerfileDocument)) }

    func compare(_ name: String, _ actual: String) throws {
        let url = TestPaths.repo.appendingPathComponent("Tests/RenderTests/Golden/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its golden file; UPDATE_GOLDEN=1 rewrites it")
    }

    @Test func text() throws { try compare("check.txt", TextRenderer(color: false).render(GoldenTests.document)) }
    @Test func textInColour() throws { try compare("check.ansi", TextRenderer(color: true).render(GoldenTests.document)) }
    @Test func json() throws { try compare("check.json", JSONRenderer.render(GoldenTests.document)) }
    @Test func sarif() throws { try compare("check.sarif", SARIFRenderer.render(GoldenTests.document, rules: RuleRegistry.infos)) }
    @Test func github() throws { try compare("check.github", GitHubRenderer.render(GoldenTests.document)) }

    /// GitHub ingests at most 25,000 results a run: more are left out and counted in a
    /// notification; the log still parses.
    @Test func sarifKeepsToGitHubsResultLimit() throws {
        let one = try #require(GoldenTests.document.reports.first { !$0.findings.isEmpty }?.findings.first)
        var r = FileReport(path: "dist/many")
        r.findings = Array(repeating: one, count: SARIFRenderer.maxResults + 7)
        let doc = RunDocument(toolVersion: "0.1.0", targetName: "scratch", platform: "linux/amd64", reports: [r])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(SARIFRenderer.render(doc, rules: RuleRegistry.infos).utf8)) as? [String: Any])
        let run = try #require((o["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.count == SARIFRenderer.maxResults)
        let notes = ((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]]) ?? []
        #expect(notes.contains { (($0["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("7 results left out") == true }, "\(notes)")
    }

    @Test func renderingIsDeterministic() {
        #expect(JSONRenderer.render(GoldenTests.document) == JSONRenderer.render(GoldenTests.document))
    }

    /// The JSON writer's output parses back, including escapes and control characters.
    @Test func jsonEscapesRoundTrip() throws {
        var w = JSONWriter()
        let tricky = "quote\" backslash\\ tab\t nl\n cr\r bell\u{07} del\u{7f} unicode é 😀"
        w.beginObject()
        w.field("s", tricky)
        w.field("n", nil as String?)
        w.field("u", UInt64.max)
        w.field("a", strings: ["x", "y"])
        w.endObject()
        let o = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any])
        #expect(o["s"] as? String == tricky)
        #expect(o["n"] is NSNull)
        #expect((o["a"] as? [String]) == ["x", "y"])
    }

    /// The word-at-a-time escaper writes exactly what a byte-at-a-time one does, for strings
    /// of every length with special bytes at every position.
    @Test func jsonEscapesMatchReference() {
        func reference(_ s: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for b in s.utf8 {
                switch b {
                case 0x22: out += Array("\\\"".utf8)
                case 0x5c: out += Array("\\\\".utf8)
                case 0x0a: out += Array("\\n".utf8)
                case 0x0d: out += Array("\\r".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x08: out += Array("\\b".utf8)
                case 0x0c: out += Array("\\f".utf8)
                case 0..<0x20, 0x7f:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xf)]]
                default: out.append(b)
                }
            }
            return out + [0x22]
        }
        let alphabet: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{20}", "\u{7f}", "\u{80}", "é", "😀", "!", "~", "/"]
        var rng = SystemRandomNumberGenerator()
        for length in 0..<40 {
            for _ in 0..<25 {
                var s = String.UnicodeScalarView()
                for _ in 0..<length {
                    // Mostly plain letters, so that long clean runs and lone specials both occur.
                    s.append(Bool.random(using: &rng) ? "x" : alphabet.randomElement(using: &rng) ?? "x")
                }
                var w = JSONWriter(pretty: false)
                w.string(String(s))
                #expect(w.bytes == reference(String(s)), "\(String(s).debugDescription)")
            }
        }
    }
}
