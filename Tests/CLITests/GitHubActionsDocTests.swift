import Foundation
import TestSupport
import Testing

/// docs/github-actions.md's workflow, run: its check and annotate steps, for each target of
/// its matrix, in a repository holding a cgo build (fails on scratch) or a static stripped one
/// (passes), with the CLI on PATH as the install step puts it there. The build and install
/// steps need a Go toolchain and the network; their commands are checked as text.
@Suite struct GitHubActionsDocTests {
    struct Step: Decodable { var name: String?; var run: String?; var uses: String? }
    struct Workflow: Decodable { var steps: [Step]; var targets: [String] }

    /// The workflow's steps and matrix, read by PyYAML (pre-commit's dependency, in .venv).
    static func workflow() throws -> Workflow {
        let doc = try String(contentsOf: TestPaths.repo.appendingPathComponent("docs/github-actions.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```yaml\n"))
        let end = try #require(doc.range(of: "\n```", range: start.upperBound..<doc.endIndex))
        let yaml = String(doc[start.upperBound..<end.lowerBound])
        let python = TestPaths.repo.appendingPathComponent(".venv/bin/python").path
        let r = try run(python, ["-c", """
            import json, sys, yaml
            w = yaml.safe_load(sys.argv[1])
            job = w["jobs"]["check"]
            print(json.dumps({"steps": job["steps"], "targets": job["strategy"]["matrix"]["target"]}))
            """, yaml])
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONDecoder().decode(Workflow.self, from: Data(r.stdout.utf8))
    }

    @Test func theWorkflowsStepsRun() throws {
        let w = try Self.workflow()
        #expect(w.targets.count == 2)
        let build = try #require(w.steps.first { $0.name == "Build the service" }?.run)
        #expect(build.contains("CGO_ENABLED=0") && build.contains("-ldflags=\"-s -w\"") && build.contains("-o dist/server"))
        #expect(w.steps.first { $0.name == "Install staticcheck-elf" }?.run?.contains("make -C \"$RUNNER_TEMP/sce\" install") == true)
        #expect(w.steps.contains { $0.uses == "github/codeql-action/upload-sarif@v3" })
        let check = try #require(w.steps.first { $0.name == "Check the build output" }?.run)
        let annotate = try #require(w.steps.first { $0.name == "Annotate the pull request" }?.run)

        // The CLI on PATH, as the install step leaves it.
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("sce-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("staticcheck-elf").path, withDestinationPath: cli)

        var categories: Set<String> = []
        for (binary, passes) in [("go/server-cgo0-trimpath-sw-X", true), ("go/server-cgo1", false)] {
            let repo = try workdir(["dist/server": binary])
            defer { try? FileManager.default.removeItem(at: repo) }
            try FileManager.default.createDirectory(at: repo.appendingPathComponent(".git"), withIntermediateDirectories: true)
            for target in w.targets {
                func step(_ command: String) throws -> (status: Int32, stdout: String, stderr: String) {
                    let line = command.replacingOccurrences(of: "${{ matrix.target }}", with: target)
                    return try run("/bin/bash", ["-eo", "pipefail", "-c", line], environment: ["PATH": bin.path + ":/usr/bin:/bin"], cwd: repo.path)
                }
                let c = try step(check)
                #expect(c.status == (passes ? 0 : 1), "\(binary) on \(target): \(c.stderr)")
                let sarif = try json(try String(contentsOf: repo.appendingPathComponent("results.sarif"), encoding: .utf8))
                let run0 = try #require((sarif["runs"] as? [[String: Any]])?.first)
                categories.insert(((run0["automationDetails"] as? [String: Any])?["id"] as? String) ?? "")
                let results = run0["results"] as? [[String: Any]] ?? []
                #expect(results.contains { $0["ruleId"] as? String == "SE101" } == !passes, "\(binary) on \(target)")
                let a = try step(annotate)
                #expect(a.status == 0, "--fail-on never: \(a.stderr)")
                #expect(a.stdout.contains("::error file=dist/server,title=SE101 missing-interpreter::") == !passes, "\(a.stdout)")
                #expect(a.stdout.hasSuffix("\n") && a.stdout.split(separator: "\n").last?.hasPrefix("staticcheck-elf: 1 file checked against") == true)
            }
        }
        #expect(categories.count == 2, "one code-scanning category per target: \(categories)")
    }
}
