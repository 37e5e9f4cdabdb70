import Foundation
import TestSupport
import Testing

/// The hook in .pre-commit-hooks.yaml, run by the real pre-commit (`try-repo` builds this
/// package with `swift build -c release`, as a user's pre-commit would) on build output that
/// will not start on scratch, and on one that will.
@Suite struct PreCommitTests {
    @Test(.timeLimit(.minutes(15))) func hookBlocksABinaryThatWillNotStart() throws {
        let preCommit = TestPaths.repo.appendingPathComponent(".venv/bin/pre-commit").path
        try #require(FileManager.default.isExecutableFile(atPath: preCommit), "make test installs pre-commit into .venv")
        let dir = try workdir(["dist/main": "go/server-cgo1", "dist/ok": "go/server-cgo0-trimpath-sw-X"])
        let env = ["PATH": "/usr/bin:/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? ""),
                   "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
                   "PRE_COMMIT_HOME": dir.appendingPathComponent(".pre-commit-cache").path,
                   "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"]
        #expect(try run("/usr/bin/git", ["init", "-q"], environment: env, cwd: dir.path).status == 0)
        #expect(try run("/usr/bin/git", ["add", "dist"], environment: env, cwd: dir.path).status == 0)
        let bad = try run(preCommit, ["try-repo", TestPaths.repo.path, "staticcheck-elf", "--files", "dist/main"], environment: env, cwd: dir.path)
        #expect(bad.status == 1, "\(bad.stdout.suffix(2000)) \(bad.stderr.suffix(2000))")
        #expect(bad.stdout.contains("exec /dist/main: no such file or directory"))
        #expect(bad.stdout.contains("SE101 missing-interpreter"))
        let good = try run(preCommit, ["try-repo", TestPaths.repo.path, "staticcheck-elf", "--files", "dist/ok"], environment: env, cwd: dir.path)
        #expect(good.status == 0, "\(good.stdout.suffix(2000))")
    }
}
