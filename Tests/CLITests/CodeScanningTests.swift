import Foundation
import TestSupport
import Testing

/// SARIF as code scanning takes it (URIs relative to the repository, fingerprints that are the
/// same from any directory and machine, a help page per rule, a category per target), GitHub
/// annotations most severe first, `-o FILE`, and docs/rules.md kept in step with the rules.
@Suite struct CodeScanningTests {
    /// A temporary git repository (a `.git` directory is all the root search needs) holding
    /// test binaries under the given names.
    func repository(_ files: [String: String]) throws -> URL {
        let dir = try workdir(files)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("deploy/sub"), withIntermediateDirectories: true)
        return dir
    }

    func results(_ sarif: String) throws -> [[String: Any]] {
        let run0 = try #require((try json(sarif)["runs"] as? [[String: Any]])?.first)
        return try #require(run0["results"] as? [[String: Any]])
    }

    func uri(_ result: [String: Any]) -> (uri: String?, base: String?) {
        let loc = ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        return (loc?["uri"] as? String, loc?["uriBaseId"] as? String)
    }

    func fingerprints(_ sarif: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try results(sarif) {
            out[r["ruleId"] as? String ?? ""] = (r["partialFingerprints"] as? [String: String])?["staticcheckElf/v1"]
        }
        return out
    }

    /// The issue's done-when: two runs from different working directories of the same
    /// repository give the same URIs and the same fingerprints, and no URI is absolute.
    @Test func fingerprintsAndURIsAreTheSameFromAnyDirectory() throws {
        let dir = try repository(["dist/main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let top = try sce(["--format", "sarif", "dist/main"], cwd: dir.path)
        let deep = try sce(["--format", "sarif", "../../dist/main"], cwd: dir.appendingPathComponent("deploy/sub").path)
        #expect(top.status == 1 && deep.status == 1)
        let a = try fingerprints(top.stdout), b = try fingerprints(deep.stdout)
        #expect(Set(a.keys).isSuperset(of: ["SE101", "SE200", "SE300", "SE400"]))
        #expect(a.values.allSatisfy { $0.count == 32 })
        #expect(a == b, "\(a) vs \(b)")
        #expect(Set(a.values).count == a.count, "each result its own fingerprint")
        for r in try results(top.stdout) + results(deep.stdout) {
            #expect(uri(r).uri == "dist/main" && uri(r).base == "%SRCROOT%", "\(uri(r))")
        }
        #expect(!top.stdout.contains("file://") && !top.stdout.contains(dir.path), "no absolute path of this machine")
        // --sarif-root names the root whatever the working directory.
        let rooted = try sce(["--format", "sarif", "--sarif-root", dir.path, dir.appendingPathComponent("dist/main").path], cwd: "/")
        #expect(try fingerprints(rooted.stdout) == a)
        #expect(try results(rooted.stdout).allSatisfy { uri($0).uri == "dist/main" })
    }

    /// A fingerprint follows the cause: the same path with another interpreter is another
    /// alert; another target is another category and other fingerprints.
    @Test func fingerprintsFollowTheCauseAndTheTarget() throws {
        let glibc = try repository(["app": "c/hello-dynamic"])
        let musl = try repository(["app": "c/hello-musl-dynamic"])
        defer { try? FileManager.default.removeItem(at: glibc); try? FileManager.default.removeItem(at: musl) }
        let g = try fingerprints(try sce(["--format", "sarif", "app"], cwd: glibc.path).stdout)
        let m = try fingerprints(try sce(["--format", "sarif", "app"], cwd: musl.path).stdout)
        #expect(g["SE101"] != nil && m["SE101"] != nil && g["SE101"] != m["SE101"])
        let onAlpine = try sce(["--format", "sarif", "--target", "alpine", "app"], cwd: glibc.path).stdout
        let a = try fingerprints(onAlpine)
        #expect(a["SE101"] != nil && a["SE101"] != g["SE101"])
        let category = { (s: String) throws -> String? in
            (((try json(s)["runs"] as? [[String: Any]])?.first?["automationDetails"]) as? [String: Any])?["id"] as? String
        }
        #expect(try category(try sce(["--format", "sarif", "app"], cwd: glibc.path).stdout) == "staticcheck-elf/scratch-linux-amd64/")
        #expect(try category(onAlpine) == "staticcheck-elf/alpine-linux-amd64/")
    }

    /// Every rule has a help page: `helpUri` points at its section of docs/rules.md, whose
    /// heading makes that anchor; the log validates against the SARIF schema.
    @Test func rulesLinkToTheirDocsAndTheLogIsValid() throws {
        let dir = try repository(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try sce(["--format", "sarif", "main"], cwd: dir.path)
        let run0 = try #require((try json(r.stdout)["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run0["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let docs = try String(contentsOf: TestPaths.repo.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        for rule in rules {
            let id = try #require(rule["id"] as? String), name = try #require(rule["name"] as? String)
            #expect(rule["helpUri"] as? String == "https://github.com/staticcheck-elf/staticcheck-elf/blob/main/docs/rules.md#\(id.lowercased())-\(name)")
            #expect(docs.contains("\n## \(id) \(name)\n"), "docs/rules.md has no section for \(id)")
            #expect((rule["help"] as? [String: Any])?["markdown"] is String)
            #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] is String)
            #expect((rule["properties"] as? [String: Any])?["precision"] is String)
        }
        let out = dir.appendingPathComponent("out.sarif")
        try Data(r.stdout.utf8).write(to: out)
        let schema = TestPaths.repo.appendingPathComponent("Tests/CLITests/Schema/sarif-schema-2.1.0.json")
        let check = try run(TestPaths.repo.appendingPathComponent(".venv/bin/python").path, ["-c", """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
            """, schema.path, out.path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// A file of an image is no host path: its URI is the image archive's (relative), never the
    /// image reference, and the image, digest and path are its logical location.
    @Test(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
    func imageResultsPointAtTheArchive() throws {
        let image = try #require(try TestImages.all().first { $0.name == "whiteout-libc" })
        let archive = try #require(image.refs["docker_archive"]).replacingOccurrences(of: "docker-archive:", with: "")
        let dir = try repository([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: archive, toPath: dir.appendingPathComponent("app.tar").path)
        let r = try sce(["--image", "docker-archive:app.tar", "--format", "sarif"], cwd: dir.path)
        let all = try results(r.stdout)
        #expect(!all.isEmpty)
        for res in all {
            #expect(uri(res).uri == "app.tar" && uri(res).base == "%SRCROOT%", "\(uri(res))")
            let logical = ((res["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])?.first?["fullyQualifiedName"] as? String
            #expect(logical?.contains("@sha256:") == true && logical?.hasSuffix(":" + (image.argv.first ?? "?")) == true, "\(logical ?? "none")")
            #expect(((res["message"] as? [String: Any])?["text"] as? String)?.contains("\nImage: ") == true)
        }
    }

    /// Annotations most severe first (a step shows 10 of each level), then a summary line.
    @Test func githubAnnotationsMostSevereFirst() throws {
        let dir = try workdir(["a-static": "go/server-cgo0", "b-cgo": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try sce(["--format", "github", "a-static", "b-cgo"], cwd: dir.path)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let levels = lines.compactMap { l -> Int? in
            l.hasPrefix("::error ") ? 2 : l.hasPrefix("::warning ") ? 1 : l.hasPrefix("::notice ") ? 0 : nil
        }
        #expect(levels.count == lines.count - 1)
        #expect(levels == levels.sorted(by: >), "\(lines)")
        #expect(lines.first?.hasPrefix("::error file=b-cgo,title=SE101 missing-interpreter::") == true, "\(lines)")
        // a-static's notices come before b-cgo's: input order within a level.
        let notices = lines.filter { $0.hasPrefix("::notice ") }.map { $0.contains("file=a-static") ? "a" : "b" }
        #expect(notices == notices.sorted())
        #expect(lines.last == "staticcheck-elf: 2 files checked against scratch (linux/amd64): 1 will not start, 2 errors, 2 warnings, 6 infos", "\(lines.last ?? "")")
    }

    /// `-o FILE` takes any format; standard output stays empty; a file that cannot be written
    /// is exit 2 before anything is checked.
    @Test func outputFile() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        for (format, marker) in [("text", "will not start"), ("json", "\"schemaVersion\""), ("sarif", "\"2.1.0\""), ("github", "::error ")] {
            let r = try sce(["--format", format, "-o", "out.\(format)", "main"], cwd: dir.path)
            #expect(r.status == 1 && r.stdout.isEmpty, "\(format): \(r.stdout)")
            let written = try String(contentsOf: dir.appendingPathComponent("out.\(format)"), encoding: .utf8)
            #expect(written.contains(marker), "\(format)")
            #expect(written == (try sce(["--format", format, "main"], cwd: dir.path)).stdout, "\(format): the same bytes as standard output")
        }
        let long = try sce(["--output=report.txt", "main"], cwd: dir.path)
        #expect(long.status == 1 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.txt").path))
        let bad = try sce(["-o", "no/such/dir/out.txt", "main"], cwd: dir.path)
        #expect(bad.status == 2 && bad.stderr.contains("-o no/such/dir/out.txt: No such file or directory"), "\(bad.stderr)")
        let misuse = try sce(["--sarif-root", ".", "main"], cwd: dir.path)
        #expect(misuse.status == 64 && misuse.stderr.contains("--sarif-root goes with --format sarif"), "\(misuse.stderr)")
    }

    /// docs/rules.md is the rules' own metadata: `list-rules --format docs` rewrites it, and
    /// it must not drift; `list-rules` names each rule's page; `explain` links it.
    @Test func rulesDocIsGenerated() throws {
        let docs = try String(contentsOf: TestPaths.repo.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        let generated = try sce(["list-rules", "--format", "docs"]).stdout
        #expect(generated.count > 5000)
        #expect(docs == generated, "docs/rules.md is stale: run `make docs`")
        let list = try sce(["list-rules"]).stdout
        #expect(list.contains("SE101  missing-interpreter"))
        #expect(list.contains("\n       https://github.com/staticcheck-elf/staticcheck-elf/blob/main/docs/rules.md#se101-missing-interpreter\n"))
        let j = try json(try sce(["list-rules", "--format", "json"]).stdout)
        let rules = try #require(j["rules"] as? [[String: Any]])
        #expect(rules.count == 24 && rules.allSatisfy { ($0["helpUri"] as? String)?.contains("docs/rules.md#se") == true })
        #expect(try sce(["explain", "SE300"]).stdout.contains("Docs: https://github.com/staticcheck-elf/staticcheck-elf/blob/main/docs/rules.md#se300-tls-roots\n"))
    }
}
