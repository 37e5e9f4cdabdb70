import Foundation
import TestSupport
import Testing

/// Both hooks in .pre-commit-hooks.yaml, named as a user's .pre-commit-config.yaml names them
/// (the build-output one with `args: [dist/]`), run by the real pre-commit on build output that
/// will not start on scratch and on one that will. Both hooks come from one repository and
/// revision, so pre-commit builds this package once (`swift build -c release`, as a user's
/// pre-commit would) and every run below reuses that environment.
@Suite struct PreCommitTests {
    @Test(.timeLimit(.minutes(15))) func hooksBlockABinaryThatWillNotStart() throws {
        let preCommit = TestPaths.repo.appendingPathComponent(".venv/bin/pre-commit").path
        try #require(FileManager.default.isExecutableFile(atPath: preCommit), "make test installs pre-commit into .venv")
        let dir = try workdir(["dist/main": "go/server-cgo1", "dist/ok": "go/server-cgo0-trimpath-sw-X"])
        let hooksRepo = FileManager.default.temporaryDirectory.appendingPathComponent("sce-hooks-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: hooksRepo)
        }
        let env = ["PATH": "/usr/bin:/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? ""),
                   "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
                   "PRE_COMMIT_HOME": dir.appendingPathComponent(".pre-commit-cache").path,
                   "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"]
        func git(_ args: [String], in cwd: URL) throws -> String {
            let r = try run("/usr/bin/git", args, environment: env, cwd: cwd.path)
            #expect(r.status == 0, "git \(args): \(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let rev = try snapshot(TestPaths.repo, into: hooksRepo, git: git)
        try """
            repos:
              - repo: \(hooksRepo.path)
                rev: \(rev)
                hooks:
                  - id: staticcheck-elf
                    files: ^dist/
                  - id: staticcheck-elf-build-output
                    args: [dist/]

            """.write(to: dir.appendingPathComponent(".pre-commit-config.yaml"), atomically: true, encoding: .utf8)
        try "notes\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        _ = try git(["init", "-q"], in: dir)
        _ = try git(["add", ".pre-commit-config.yaml", "notes.txt", "dist"], in: dir)
        func preCommitRun(_ files: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try run(preCommit, ["run", "--files", files], environment: env, cwd: dir.path)
        }

        // A staged cgo binary: the staged-binary hook checks it, the build-output hook the whole
        // of dist/; both fail with SE101.
        let bad = try preCommitRun("dist/main")
        #expect(bad.status == 1, "\(bad.stdout.suffix(3000)) \(bad.stderr.suffix(2000))")
        #expect(bad.stdout.contains("- hook id: staticcheck-elf\n"))
        #expect(bad.stdout.contains("- hook id: staticcheck-elf-build-output\n"))
        #expect(bad.stdout.contains("exec /dist/main: no such file or directory"))
        #expect(bad.stdout.contains("SE101 missing-interpreter"))
        #expect(bad.stdout.contains("1 file checked against scratch"), "the staged file")
        #expect(bad.stdout.contains("2 files checked against scratch"), "dist/, walked")

        // No binary staged: the staged-binary hook is skipped; the build-output hook still runs
        // and still finds dist/main.
        let unrelated = try preCommitRun("notes.txt")
        #expect(unrelated.status == 1, "\(unrelated.stdout.suffix(3000))")
        #expect(unrelated.stdout.contains("(no files to check)Skipped"))
        #expect(!unrelated.stdout.contains("- hook id: staticcheck-elf\n"))
        #expect(unrelated.stdout.contains("- hook id: staticcheck-elf-build-output\n"))
        #expect(unrelated.stdout.contains("SE101 missing-interpreter"))

        // Only the static, stripped binary left: both hooks pass.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("dist/main"))
        _ = try git(["add", "-A", "dist"], in: dir)
        let good = try preCommitRun("dist/ok")
        #expect(good.status == 0, "\(good.stdout.suffix(3000))")
        #expect(good.stdout.split(separator: "\n").filter { $0.hasSuffix("Passed") }.count == 2, "\(good.stdout)")
        #expect(try environmentsBuilt(under: dir.appendingPathComponent(".pre-commit-cache")) == 1, "one build for both hooks")
    }

    /// This checkout as its working tree stands (uncommitted edits and new files included, as
    /// `pre-commit try-repo` takes it), committed into a fresh repository: its commit.
    func snapshot(_ repo: URL, into dest: URL, git: ([String], URL) throws -> String) throws -> String {
        let files = try git(["ls-files", "--cached", "--others", "--exclude-standard"], repo)
        for path in files.split(separator: "\n").map(String.init) {
            let src = repo.appendingPathComponent(path)
            guard (try? src.checkResourceIsReachable()) == true else { continue }
            let dst = dest.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: src, to: dst)
        }
        _ = try git(["init", "-q"], dest)
        _ = try git(["add", "-A"], dest)
        _ = try git(["commit", "-qm", "snapshot"], dest)
        return try git(["rev-parse", "HEAD"], dest)
    }

    /// How many Swift environments pre-commit built (one per repository and revision).
    func environmentsBuilt(under home: URL) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: home.path)
            .filter { FileManager.default.fileExists(atPath: home.appendingPathComponent("\($0)/swift_env-default").path) }.count
    }
}
