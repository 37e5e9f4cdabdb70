import Foundation
import TestSupport
import Testing

/// The config file through the executable: found from the working directory, its defaults and
/// ignores applied to real findings (suppressed in JSON and SARIF, not counted for the exit
/// status), flags beating it, its mistakes reported with their line, and docs/config.md's
/// examples valid against docs/config.schema.json.
@Suite struct ConfigCLITests {
    func repository(_ files: [String: String], config: String) throws -> URL {
        let dir = try workdir(files)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try config.write(to: dir.appendingPathComponent(".staticcheck-elf.yml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func ignoresAndDefaultsApply() throws {
        let dir = try repository(["dist/server": "go/server-cgo0", "dist/worker": "go/server-cgo0"], config: """
            target: scratch
            fail-on: warning
            disable: [SE402]
            ignore:
              - rule: SE300
                paths: [dist/worker]
                reason: the worker makes no TLS calls
              - rule: SE301
                paths: [nothing/*]
                reason: stale
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("deep/er"), withIntermediateDirectories: true)
        // From a subdirectory: the file is found up to the repository root.
        let r = try sce(["--format", "json", "-v", "../../dist"], cwd: dir.appendingPathComponent("deep/er").path)
        #expect(r.stderr.contains("staticcheck-elf: using config \(dir.path)/.staticcheck-elf.yml"), "\(r.stderr)")
        #expect(r.stderr.contains("\(dir.path)/.staticcheck-elf.yml:8:5: ignore of SE301 matched nothing in this run (paths nothing/*)"), "\(r.stderr)")
        let files = try #require(try json(r.stdout)["files"] as? [[String: Any]])
        func rules(_ f: [String: Any], _ key: String) -> [String] { (f[key] as? [[String: Any]] ?? []).compactMap { ($0["rule"] ?? ($0["finding"] as? [String: Any])?["rule"]) as? String } }
        let server = try #require(files.first { ($0["path"] as? String)?.hasSuffix("server") == true })
        let worker = try #require(files.first { ($0["path"] as? String)?.hasSuffix("worker") == true })
        #expect(rules(server, "findings").contains("SE300") && !rules(server, "findings").contains("SE402"))
        #expect(!rules(worker, "findings").contains("SE300"))
        let suppressed = try #require((worker["suppressed"] as? [[String: Any]])?.first)
        #expect("\(suppressed)".contains("the worker makes no TLS calls"), "\(suppressed)")
        // fail-on: warning from the file; the server's SE300 warning still counts.
        #expect(r.status == 1)
        // A flag beats the file.
        #expect(try sce(["--fail-on", "error", "dist"], cwd: dir.path).status == 0)
        // SARIF: the ignored result is there, dismissed with its justification.
        let sarif = try sce(["--format", "sarif", "dist"], cwd: dir.path).stdout
        #expect(sarif.contains("\"justification\": \"the worker makes no TLS calls\""))
        // --config names another file; an empty one sets nothing.
        try "".write(to: dir.appendingPathComponent("empty.yml"), atomically: true, encoding: .utf8)
        let plain = try sce(["--config", "empty.yml", "--format", "json", "dist"], cwd: dir.path)
        #expect(plain.status == 0 && plain.stdout.contains("\"SE402\""))
        // explain says what the file does to a rule.
        let e300 = try sce(["explain", "SE300"], cwd: dir.path).stdout
        #expect(e300.contains("\nUnder \(dir.path)/.staticcheck-elf.yml: enabled, fail-on warning\n    ignored for dist/worker: the worker makes no TLS calls (\(dir.path)/.staticcheck-elf.yml:5:5)\n"), "\(e300)")
        #expect(try sce(["explain", "SE402"], cwd: dir.path).stdout.contains(".staticcheck-elf.yml: disabled, fail-on warning\n"))
        #expect(!(try sce(["explain", "SE402", "--config", "empty.yml"], cwd: dir.path).stdout.contains("disabled")))
    }

    @Test func mistakesAreUsageErrorsWithTheirLine() throws {
        let dir = try repository(["main": "go/server-cgo0"], config: "target: scratch\nfail_on: warning\nignore:\n  - rule: SE300\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try sce(["main"], cwd: dir.path)
        #expect(r.status == 64 && r.stdout.isEmpty)
        #expect(r.stderr.contains(".staticcheck-elf.yml:2:1: unknown key fail_on"), "\(r.stderr)")
        #expect(r.stderr.contains(".staticcheck-elf.yml:4:5: an ignore needs a reason"), "\(r.stderr)")
        let env = try sce(["main"], cwd: dir.path, env: ["STATICCHECK_ELF_CONFIG": "/no/such.yml"])
        #expect(env.status == 64 && env.stderr.contains("/no/such.yml:0:0: cannot read the config file: No such file or directory"), "\(env.stderr)")
    }

    /// The examples of docs/config.md are valid for the schema and for the tool.
    @Test func docsExamplesAreValid() throws {
        let doc = try String(contentsOf: TestPaths.repo.appendingPathComponent("docs/config.md"), encoding: .utf8)
        let examples = doc.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "\n```").first ?? "" }
        #expect(examples.count >= 2)
        let dir = try workdir(["main": "go/server-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("deploy"), withIntermediateDirectories: true)
        try "FROM scratch\nCOPY main /main\nENTRYPOINT [\"/main\"]\n".write(to: dir.appendingPathComponent("deploy/Dockerfile"), atomically: true, encoding: .utf8)
        let python = TestPaths.repo.appendingPathComponent(".venv/bin/python").path
        let schema = TestPaths.repo.appendingPathComponent("docs/config.schema.json").path
        for (i, e) in examples.enumerated() {
            let file = dir.appendingPathComponent("c\(i).yml")
            try e.write(to: file, atomically: true, encoding: .utf8)
            let v = try run(python, ["-c", "import json, sys, yaml, jsonschema; jsonschema.validate(yaml.safe_load(open(sys.argv[2])), json.load(open(sys.argv[1])))", schema, file.path])
            #expect(v.status == 0, "example \(i): \(v.stderr)")
            let r = try sce(["--config", file.path, "--format", "json", "main"], cwd: dir.path)
            #expect(r.status == 0 || r.status == 1, "example \(i): \(r.stderr)")
        }
        // And the schema refuses what the tool refuses.
        for bad in ["fail_on: warning", "ignore: [{rule: SE300}]", "target: scratch\nroot: r", "fail-on: sometimes"] {
            let file = dir.appendingPathComponent("bad.yml")
            try bad.write(to: file, atomically: true, encoding: .utf8)
            let v = try run(python, ["-c", "import json, sys, yaml, jsonschema; jsonschema.validate(yaml.safe_load(open(sys.argv[2])), json.load(open(sys.argv[1])))", schema, file.path])
            #expect(v.status != 0, "the schema takes \(bad)")
            #expect(try sce(["--config", file.path, "main"], cwd: dir.path).status == 64, "the tool takes \(bad)")
        }
    }
}
