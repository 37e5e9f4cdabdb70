import Foundation
import TestSupport
import Testing

/// The fix is not advice on paper: run the `go build` line staticcheck-elf prints, then check
/// the new binary with staticcheck-elf and with execve in an empty root.
@Suite(.serialized) struct FixTests {
    static let source = TestPaths.repo.appendingPathComponent("TestBinaries/src/go").path

    /// Builds with the printed command (adding `-o`) using the Go that built the original.
    func build(_ command: String, goVersion: String, output: String) throws -> (status: Int32, stderr: String) {
        let go = goVersion == "1.19" ? "/usr/bin/go" : try #require(currentGo)
        let goDir = URL(fileURLWithPath: go).deletingLastPathComponent().path
        let line = command.replacingOccurrences(of: "go build", with: "go build -o \(output)")
        let cache = TestPaths.repo.appendingPathComponent("TestBinaries/.cache/go-build-fix-\(goVersion)").path
        let r = try run("/bin/sh", ["-c", line], environment: [
            "PATH": "\(goDir):/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "GOCACHE": cache,
            "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod -buildvcs=false",
        ], cwd: FixTests.source)
        return (r.status, r.stderr)
    }

    func fixCommand(_ binary: String, rule: String) throws -> String {
        let r = try sce(["--format", "json", try TestBinaries.named(binary).path])
        let file = try #require((try json(r.stdout)["files"] as? [[String: Any]])?.first)
        let findings = try #require(file["findings"] as? [[String: Any]])
        let f = try #require(findings.first { $0["rule"] as? String == rule }, "\(binary): no \(rule) in \(findings.map { $0["rule"] ?? "" })")
        return try #require(f["command"] as? String, "\(rule) has no command")
    }

    @Test(arguments: [("go/server-cgo1", "SE200", "current"), ("go119/server-cgo1", "SE200", "1.19"),
                      ("go/sqlite-cgo1", "SE200", "current"), ("go/server-pie-cgo0", "SE201", "current"),
                      ("go/userlookup-cgo1", "SE200", "current")])
    func printedBuildLineProducesABinaryThatStartsOnScratch(binary: String, rule: String, goVersion: String) throws {
        let command = try fixCommand(binary, rule: rule)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sce-fixed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let b = try build(command, goVersion: goVersion, output: out)
        try #require(b.status == 0, "`\(command)` failed: \(b.stderr)")
        // staticcheck-elf now passes it on scratch: no error finding, verdict ok.
        let check = try sce(["--format", "json", out])
        #expect(check.status == 0, "\(binary) rebuilt with `\(command)` still fails: \(check.stdout.prefix(2000))")
        let file = try #require((try json(check.stdout)["files"] as? [[String: Any]])?.first)
        #expect((file["start"] as? [String: Any])?["ok"] as? Bool == true)
        // The same change keeps the recorded settings it did not need to change.
        let settings = try #require(((file["facts"] as? [String: Any])?["go"] as? [String: Any])?["settings"] as? [String: String])
        #expect(settings["GOOS"] == "linux" && settings["GOARCH"] == "amd64")
    }

    /// The combined line (`fixAll`) resolves every finding it names at once: rebuilt with it,
    /// the binary starts on scratch and none of those rules fires; its other settings (the -X
    /// flag of the trimpath build, tags) are kept.
    @Test(arguments: [("go/server-cgo1", "current"), ("go119/server-cgo1", "1.19"), ("go/userlookup-cgo1", "current")])
    func combinedLineResolvesEveryRuleItNames(binary: String, goVersion: String) throws {
        let r = try sce(["--format", "json", try TestBinaries.named(binary).path])
        let file = try #require((try json(r.stdout)["files"] as? [[String: Any]])?.first)
        let all = try #require(file["fixAll"] as? [String: Any], "\(binary): no fixAll")
        let rules = try #require(all["rules"] as? [String]), command = try #require(all["command"] as? String)
        #expect(Set(rules).isSuperset(of: ["SE101", "SE200", "SE400", "SE401", "SE402"]), "\(rules)")
        #expect(command.hasPrefix("CGO_ENABLED=0 ") && command.contains(" -trimpath ") && command.contains("-ldflags=\"-s"), "\(command)")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sce-fixall-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let b = try build(command, goVersion: goVersion, output: out)
        try #require(b.status == 0, "`\(command)` failed: \(b.stderr)")
        let check = try sce(["--format", "json", out])
        let after = try #require((try json(check.stdout)["files"] as? [[String: Any]])?.first)
        #expect((after["start"] as? [String: Any])?["ok"] as? Bool == true)
        let left = Set((after["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        #expect(left.isDisjoint(with: rules), "\(binary) rebuilt with `\(command)` still has \(left.intersection(rules))")
        #expect(after["fixAll"] == nil)
    }
}
