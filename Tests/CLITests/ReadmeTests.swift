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
}
