import Foundation
import TestSupport
import Testing

/// The README stays true: its rule table is the rules' own metadata, and its example output is
/// what the tool prints today on a cgo-built Go server.
@Suite struct ReadmeTests {
    let readme = (try? String(contentsOf: TestPaths.repo.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    @Test func ruleTableIsGeneratedFromTheRules() throws {
        let table = try sce(["list-rules", "--format", "markdown"]).stdout
        #expect(!table.isEmpty)
        #expect(readme.contains(table), "README's rule table is stale: paste `staticcheck-elf list-rules --format markdown`")
    }

    @Test func exampleOutputIsCurrent() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        let out = try sce(["./main"], cwd: dir.path).stdout
        // Up to the runtime needs: the rest names build paths that differ between clones.
        let head = out.components(separatedBy: "\n  warning").first ?? out
        #expect(head.count > 400)
        #expect(readme.contains("$ staticcheck-elf ./main\n" + head), "README example differs from:\n\(head)")
        #expect(readme.contains("swift run -c release staticcheck-elf ./main"))
        #expect(readme.contains("make install"))
        #expect(readme.contains("make test"))
    }

    /// The README's `--root` sessions, run on the real roots they describe (a bullseye and a
    /// bookworm debootstrap root, as `make roots` builds them): the output up to the infos.
    @Test(arguments: [("bullseye", "go/server-cgo1", "main", "/app/main"), ("bookworm", "c/uselib-runpath-origin", "dist/app", "/app/app")])
    func rootSessionIsCurrent(_ c: (root: String, binary: String, path: String, at: String)) throws {
        let dir = try workdir([c.path: c.binary])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("rootfs").path, withDestinationPath: try TestRoots.named(c.root).path)
        let args = ["--root", "rootfs", "--at", c.at, c.path.contains("/") ? c.path : "./" + c.path]
        let out = try sce(args, cwd: dir.path).stdout
        let head = (out.components(separatedBy: "\n  info").first ?? out).trimmingCharacters(in: .newlines) + "\n"
        #expect(head.count > 300)
        #expect(readme.contains("$ staticcheck-elf " + args.joined(separator: " ") + "\n" + head), "README session differs from:\n\(head)")
    }

    /// The README's `--image` session, on the test image it shows (whiteout-libc's `docker save`
    /// archive as `app.tar`): the output up to the warnings, digests aside (a rebuilt image
    /// has new ones).
    @Test(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
    func imageSessionIsCurrent() throws {
        let image = try #require(try TestImages.all().first { $0.name == "whiteout-libc" })
        let archive = try #require(image.refs["docker_archive"]).replacingOccurrences(of: "docker-archive:", with: "")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("app.tar").path, withDestinationPath: archive)
        let out = try sce(["--image", "app.tar"], cwd: dir.path).stdout
        let head = (out.components(separatedBy: "\n  warning").first ?? out).trimmingCharacters(in: .newlines) + "\n"
        func digestless(_ s: String) -> String { s.replacingOccurrences(of: "sha256:[0-9a-f]{64}", with: "sha256:…", options: .regularExpression) }
        #expect(head.count > 600)
        #expect(digestless(readme).contains("$ staticcheck-elf --image app.tar\n" + digestless(head)), "README session differs from:\n\(head)")
    }

    /// The README's `--dockerfile` session: the Dockerfile it shows, written out, and the run up
    /// to the infos (they name build paths that differ between clones).
    @Test func dockerfileSessionIsCurrent() throws {
        let start = try #require(readme.range(of: "$ cat Dockerfile\n"))
        let end = try #require(readme.range(of: "$ staticcheck-elf --dockerfile Dockerfile ./main\n", range: start.upperBound..<readme.endIndex))
        let dockerfile = String(readme[start.upperBound..<end.lowerBound])
        #expect(dockerfile.hasPrefix("FROM golang:1.22 AS build\n"))
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try dockerfile.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let out = try sce(["--dockerfile", "Dockerfile", "./main"], cwd: dir.path).stdout
        // Findings here start with their line (`  Dockerfile:4: info SE400`): cut before the first info.
        let cut = out.range(of: "\n  (Dockerfile:[0-9]+: )?info ", options: .regularExpression)
        let head = String(out[..<(cut?.lowerBound ?? out.endIndex)]).trimmingCharacters(in: .newlines) + "\n"
        #expect(cut != nil && !head.contains(" info SE4"), "no info finding to cut at:\n\(out)")
        #expect(head.count > 600)
        #expect(readme.contains("$ staticcheck-elf --dockerfile Dockerfile ./main\n" + head), "README session differs from:\n\(head)")
        let diff = try sce(["--dockerfile", "Dockerfile", "--diff", "./main"], cwd: dir.path).stdout
        #expect(diff.count > 200)
        #expect(readme.contains("$ staticcheck-elf --dockerfile Dockerfile --diff ./main\n" + diff + "```"), "README diff differs from:\n\(diff)")
    }
}
