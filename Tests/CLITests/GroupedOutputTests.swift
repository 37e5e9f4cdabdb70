import Foundation
import TestSupport
import Testing

/// Text output as a person reads it: a `go build` line is printed once and named after that,
/// a file's report ends with the one line that fixes everything, many files get a table, and
/// `--quiet` prints only the files that fail.
@Suite struct GroupedOutputTests {
    @Test func oneFixPerCauseThenOneLine() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try sce(["main"], cwd: dir.path).stdout
        let fixes = out.split(separator: "\n").filter { $0.hasPrefix("    fix: ") }
        // Each distinct go build line once.
        let lines = fixes.filter { $0.contains(" go build ") }.map { $0.components(separatedBy: "   #").first ?? "" }
        #expect(Set(lines).count == lines.count, "\(lines)")
        #expect(out.contains("    fix: the same line as SE101 above (to keep cgo on, build the standard library without it: CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -tags=netgo,osusergo ./cmd/server)\n"), "\(out)")
        #expect(out.contains("    fix: the same line as SE400 above (about "), "\(out)")
        #expect(out.contains("\n  fix all (SE101, SE200, SE400, SE401, SE402): CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags=\"-s\" ./cmd/server\n"), "\(out)")
        // A static, stripped, trimpath build has nothing to combine.
        let clean = try sce([try TestBinaries.named("go/server-cgo0-trimpath-sw-X").path]).stdout
        #expect(!clean.contains("fix all"), "\(clean)")
    }

    /// A Dockerfile's fixes end with the patch that makes them all.
    @Test func dockerfileFixAllIsThePatch() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try "FROM golang:1.22 AS build\nRUN go build -o /out/main ./cmd/server\nFROM scratch\nCOPY --from=build /out/main /main\nENTRYPOINT [\"/main\"]\n"
            .write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let out = try sce(["--dockerfile", "Dockerfile", "./main"], cwd: dir.path).stdout
        #expect(out.contains("\n  fix all in Dockerfile: staticcheck-elf --dockerfile Dockerfile --diff ./main | patch -p1   # the edits above, as one patch\n"), "\(out)")
    }

    @Test func manyFilesTableAndQuiet() throws {
        let dir = try workdir(["dist/a-static": "go/server-cgo0-trimpath-sw-X", "dist/b-cgo": "go/server-cgo1",
                               "dist/c-mac": "go/hello-darwin-arm64", "dist/d-warn": "go/server-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = try sce(["dist"], cwd: dir.path)
        #expect(all.stdout.contains("""
            verdict                files
            will not start             2  dist/b-cgo, dist/c-mac
            starts, with warnings      2  dist/a-static, dist/d-warn

            """), "\(all.stdout)")
        let quiet = try sce(["--quiet", "dist"], cwd: dir.path)
        #expect(quiet.status == all.status)
        #expect(quiet.stdout.contains("dist/b-cgo: will not start") && quiet.stdout.contains("dist/c-mac: will not start"))
        #expect(!quiet.stdout.contains("dist/a-static: starts") && !quiet.stdout.contains("dist/d-warn: starts"), "\(quiet.stdout)")
        #expect(quiet.stdout.hasSuffix("\n4 files checked against scratch (linux/amd64): 2 will not start, 3 errors, 3 warnings, 6 infos\n"), "\(quiet.stdout)")
        // With --fail-on warning, a warning is a failure too.
        let strict = try sce(["-q", "--fail-on", "warning", "dist"], cwd: dir.path)
        #expect(strict.stdout.contains("dist/d-warn: starts"), "\(strict.stdout)")
        let misuse = try sce(["--quiet", "--format", "json", "dist"], cwd: dir.path)
        #expect(misuse.status == 64 && misuse.stderr.contains("--quiet goes with text output"), "\(misuse.stderr)")
    }
}
