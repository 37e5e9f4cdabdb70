import Foundation
import TestSupport
import Testing

/// `--dockerfile` through the executable: the seed tutorials' Dockerfiles give the verdicts the
/// tutorials describe, pointing at the lines to change; unknown bases are not guessed; the
/// Dockerfile's own options (build args, stage, stdin) work as docker build's; text, JSON,
/// SARIF (schema-valid) and GitHub annotations carry the line.
@Suite struct DockerfileCLITests {
    static let seeds = TestPaths.repo.appendingPathComponent("Tests/DockerfileTests/Fixtures/seeds")

    /// The 1-based number of the first line of `file` that starts with `prefix`.
    func line(_ file: URL, _ prefix: String) throws -> Int {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.hasPrefix(prefix) }).advanced(by: 1)
    }

    func findings(_ doc: [String: Any]) -> [[String: Any]] {
        ((doc["files"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]) ?? []
    }

    func start(_ doc: [String: Any], _ i: Int = 0) -> [String: Any] {
        ((doc["files"] as? [[String: Any]])?[i]["start"] as? [String: Any]) ?? [:]
    }

    /// Each seed tutorial with the binary it builds: a static build starts where the tutorial
    /// says; the cgo build (what `go build` gives on a glibc machine) fails where users hit it.
    @Test func seedTutorialsGiveTheirVerdicts() throws {
        struct Seed { var file: String; var name: String; var binary: String; var starts: Bool; var rules: Set<String> }
        let cases = [
            Seed(file: "000-scratch", name: "hello", binary: "go/hello-cgo0", starts: true, rules: []),
            Seed(file: "000-scratch", name: "hello", binary: "go/server-cgo1", starts: false, rules: ["SE101", "SE200", "SE300"]),
            Seed(file: "001-scratch", name: "main", binary: "go/server-cgo0", starts: true, rules: ["SE300"]),
            Seed(file: "001-golang", name: "main", binary: "go/server-cgo1", starts: true, rules: []),
            Seed(file: "002-alpine", name: "mybinary", binary: "go/server-cgo1", starts: false, rules: ["SE101", "SE108", "SE200"]),
            Seed(file: "002-alpine", name: "mybinary", binary: "go/server-cgo0", starts: true, rules: []),
            Seed(file: "002-multistage", name: "binary", binary: "go/server-cgo1", starts: false, rules: ["SE101", "SE108", "SE200"]),
            Seed(file: "003-stretch", name: "helloworld", binary: "go/hello-cgo0", starts: true, rules: []),
            Seed(file: "003-multistage-alpine", name: "main", binary: "go/server-cgo0", starts: true, rules: []),
            Seed(file: "003-multistage-scratch", name: "main", binary: "go/server-cgo0", starts: true, rules: ["SE300"]),
            Seed(file: "004-gopherfile", name: "exec", binary: "go/server-cgo0", starts: true, rules: []),
            Seed(file: "004-gopherfile", name: "exec", binary: "go/server-cgo1", starts: false, rules: ["SE101", "SE200"]),
        ]
        for c in cases {
            let dir = try workdir([c.name: c.binary])
            defer { try? FileManager.default.removeItem(at: dir) }
            let dockerfile = Self.seeds.appendingPathComponent(c.file + ".Dockerfile")
            let r = try sce(["--dockerfile", dockerfile.path, "--format", "json", c.name], cwd: dir.path)
            let doc = try json(r.stdout)
            let s = start(doc)
            #expect(s["ok"] as? Bool == c.starts, "\(c.file) \(c.binary): \(s)")
            let rules = Set(findings(doc).compactMap { $0["rule"] as? String }).filter { !$0.hasPrefix("SE4") }
            #expect(rules == c.rules, "\(c.file) \(c.binary): \(rules)")
            #expect(r.status == (c.starts ? 0 : 1), "\(c.file) \(c.binary): \(r.stderr)")
            // Every finding names its line in this Dockerfile.
            for f in findings(doc) {
                let l = f["location"] as? [String: Any]
                #expect(l?["file"] as? String == dockerfile.path && (l?["line"] as? Int ?? 0) > 0, "\(c.file) \(f["rule"] ?? "")")
            }
        }
    }

    /// The cgo binary in `FROM scratch`: SE101 at the FROM line, with the base that works, and
    /// the cgo cause at the build stage's `RUN go build`, edited.
    @Test func findingsPointAtTheLinesToChange() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let dockerfile = dir.appendingPathComponent("Dockerfile")
        try """
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/main ./cmd/server

        FROM scratch
        COPY --from=build /out/main /main
        ENTRYPOINT ["/main"]

        """.write(to: dockerfile, atomically: true, encoding: .utf8)
        let text = try sce(["--dockerfile", "Dockerfile", "main"], cwd: dir.path)
        #expect(text.status == 1)
        #expect(text.stdout.contains("main: will not start on scratch (Dockerfile stage stage-1) (linux/amd64)"), "\(text.stdout)")
        #expect(text.stdout.contains("  docker run: exec /main: no such file or directory"))
        #expect(text.stdout.contains("  Dockerfile:6: error SE101 missing-interpreter"), "\(text.stdout)")
        #expect(text.stdout.contains("    Dockerfile: line 6 becomes: FROM gcr.io/distroless/base-debian12"), "\(text.stdout)")
        #expect(text.stdout.contains("  Dockerfile:4: error SE200 cgo-dynamic"), "\(text.stdout)")
        #expect(text.stdout.contains("    Dockerfile: line 4 becomes: RUN CGO_ENABLED=0 go build -o /out/main ./cmd/server"), "\(text.stdout)")
        #expect(text.stdout.contains("from: /main comes from COPY --from=build (line 7)"))

        let j = try json(try sce(["--dockerfile", "Dockerfile", "--format", "json", "main"], cwd: dir.path).stdout)
        let target = try #require(j["target"] as? [String: Any])
        #expect(target["dockerfile"] as? String == "Dockerfile" && target["base"] as? String == "scratch" && target["baseLine"] as? Int == 6)
        let se101 = try #require(findings(j).first { $0["rule"] as? String == "SE101" })
        let loc = try #require(se101["location"] as? [String: Any])
        #expect(loc["line"] as? Int == 6 && loc["edit"] as? String == "replace" && loc["text"] as? String == "FROM gcr.io/distroless/base-debian12")
        #expect((j["files"] as? [[String: Any]])?.first?["imagePath"] as? String == "/main")

        let gh = try sce(["--dockerfile", "Dockerfile", "--format", "github", "main"], cwd: dir.path)
        #expect(gh.stdout.contains("::error file=Dockerfile,line=6,endLine=6,title=SE101 missing-interpreter::main: "), "\(gh.stdout)")
        #expect(gh.stdout.contains("%0Aline 6 becomes: FROM gcr.io/distroless/base-debian12"))

        let sarif = try sce(["--dockerfile", "Dockerfile", "--format", "sarif", "main"], cwd: dir.path)
        let out = dir.appendingPathComponent("out.sarif")
        try Data(sarif.stdout.utf8).write(to: out)
        let schema = TestPaths.repo.appendingPathComponent("Tests/CLITests/Schema/sarif-schema-2.1.0.json")
        let python = TestPaths.repo.appendingPathComponent(".venv/bin/python").path
        let check = try run(python, ["-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            jsonschema.validate(doc, schema)
            r = [x for x in doc["runs"][0]["results"] if x["ruleId"] == "SE101"][0]
            loc = r["locations"][0]["physicalLocation"]
            print(loc["artifactLocation"]["uri"], loc["region"]["startLine"], r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            """, schema.path, out.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "Dockerfile 6 main")
    }

    /// The issue's reported failures, each at its line: USER with no passwd entry, a shell-form
    /// CMD on distroless, a bookworm build on a bullseye-era base, tzdata in the build stage only.
    @Test func reportedDockerfileFailures() throws {
        let dir = try workdir(["server": "go/server-cgo1", "tz": "go/tz", "users": "go/userlookup-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ text: String, _ binary: String) throws -> [String: Any] {
            let f = dir.appendingPathComponent("Dockerfile.\(UUID().uuidString)")
            try text.write(to: f, atomically: true, encoding: .utf8)
            return try json(try sce(["--dockerfile", f.lastPathComponent, "--format", "json", binary], cwd: dir.path).stdout)
        }
        // USER nonroot on scratch: runc cannot find the user (SE111 at the USER line).
        var j = try check("FROM scratch\nCOPY server /server\nUSER nonroot\nENTRYPOINT [\"/server\"]\n", "server")
        #expect(start(j)["stage"] as? String == "runtime" && start(j)["message"] as? String == "unable to find user nonroot: no matching entries in passwd file")
        var f = try #require(findings(j).first { $0["rule"] as? String == "SE111" })
        #expect((f["location"] as? [String: Any])?["line"] as? Int == 3)
        #expect((f["location"] as? [String: Any])?["text"] as? String == "USER 65532:65532")
        // The same USER on distroless :nonroot exists.
        j = try check("FROM gcr.io/distroless/base-debian12:nonroot\nCOPY server /server\nUSER nonroot\nENTRYPOINT [\"/server\"]\n", "server")
        #expect(start(j)["ok"] as? Bool == true, "\(start(j))")
        // Shell-form CMD on distroless: no /bin/sh (SE112 at the CMD line, exec form offered).
        j = try check("FROM gcr.io/distroless/base-debian12\nCOPY server /server\nCMD /server --port 8080\n", "server")
        #expect(start(j)["stage"] as? String == "runtime")
        f = try #require(findings(j).first { $0["rule"] as? String == "SE112" })
        #expect((f["location"] as? [String: Any])?["line"] as? Int == 3)
        #expect((f["location"] as? [String: Any])?["text"] as? String == "CMD [\"/server\", \"--port\", \"8080\"]")
        // distroless :debug has its shell at /busybox/sh only (busybox_layer): shell form still fails.
        j = try check("FROM gcr.io/distroless/static-debian12:debug\nCOPY users /users\nENTRYPOINT /users\n", "users")
        #expect(start(j)["message"] as? String == "exec: \"/bin/sh\": stat /bin/sh: no such file or directory")
        #expect((j["files"] as? [[String: Any]])?.first?["startsOn"] == nil, "no other base fixes a missing shell")
        j = try check("FROM gcr.io/distroless/static-debian12:debug\nCOPY users /users\nENTRYPOINT [\"/busybox/sh\", \"-c\", \"/users\"]\n", "users")
        #expect(start(j)["ok"] as? Bool == true, "\(start(j))")
        // A glibc 2.34+ build on distroless debian11 (glibc 2.31): GLIBC_2.34 not found, at FROM.
        j = try check("FROM golang:1.21 AS build\nRUN go build -o /server .\nFROM gcr.io/distroless/base-debian11\nCOPY --from=build /server /server\nENTRYPOINT [\"/server\"]\n", "server")
        #expect(start(j)["stage"] as? String == "loader")
        #expect((start(j)["message"] as? String)?.contains("version `GLIBC_2.34' not found") == true)
        f = try #require(findings(j).first { $0["rule"] as? String == "SE107" })
        #expect((f["location"] as? [String: Any])?["line"] as? Int == 3)
        #expect((f["location"] as? [String: Any])?["text"] as? String == "FROM gcr.io/distroless/base-debian12")
        // cgo turned on by the build stage's ENV: that line is the one to change.
        j = try check("FROM golang:1.22 AS build\nENV CGO_ENABLED=1 GOFLAGS=-mod=vendor\nRUN go build -o /server .\nFROM scratch\nCOPY --from=build /server /server\nENTRYPOINT [\"/server\"]\n", "server")
        f = try #require(findings(j).first { $0["rule"] as? String == "SE200" })
        #expect((f["location"] as? [String: Any])?["line"] as? Int == 2)
        #expect((f["location"] as? [String: Any])?["text"] as? String == "ENV CGO_ENABLED=0 GOFLAGS=-mod=vendor")
        // tzdata installed in the build stage of a scratch image: SE301, and the COPY that fixes it.
        let tz = "FROM alpine:3.20 AS build\nRUN apk add --no-cache tzdata\nFROM scratch\nCOPY tz /tz\nENTRYPOINT [\"/tz\"]\n"
        j = try check(tz, "tz")
        f = try #require(findings(j).first { $0["rule"] as? String == "SE301" })
        #expect((f["location"] as? [String: Any])?["line"] as? Int == 4)
        #expect((f["location"] as? [String: Any])?["edit"] as? String == "insertAfter")
        #expect((f["location"] as? [String: Any])?["text"] as? String == "COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo")
        // ...and with that COPY added, SE301 is gone.
        j = try check(tz.replacingOccurrences(of: "COPY tz /tz\n", with: "COPY tz /tz\nCOPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo\n"), "tz")
        #expect(!findings(j).contains { $0["rule"] as? String == "SE301" })
        // A passwd copied from a stage that adds the user with adduser has it (the Gopherfile's way).
        j = try check("FROM alpine:3.20 AS build\nRUN adduser -D -g '' app\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY users /users\nUSER app\nENTRYPOINT [\"/users\"]\n", "users")
        #expect(start(j)["ok"] as? Bool == true, "\(start(j))")
        #expect(!findings(j).contains { $0["rule"] as? String == "SE111" })
        // ...but not its /etc/group, which os/user reads too: SE302 offers the COPY of both.
        f = try #require(findings(j).first { $0["rule"] as? String == "SE302" })
        #expect((f["location"] as? [String: Any])?["text"] as? String == "COPY --from=build /etc/passwd /etc/group /etc/")
    }

    /// A base the table does not know is not guessed: `start.ok` is null, the message names the
    /// image and how to check it for real, and only the file's own findings remain.
    @Test func unknownBaseIsNotGuessed() throws {
        let dir = try workdir(["server": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try "FROM registry.example.com/team/base:7\nCOPY server /server\nENTRYPOINT [\"/server\"]\n"
            .write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let r = try sce(["--dockerfile", "Dockerfile", "--format", "json", "server"], cwd: dir.path)
        let j = try json(r.stdout)
        let s = start(j)
        #expect(s.keys.contains("ok") && s["ok"] is NSNull, "\(s)")
        #expect((s["reason"] as? String)?.contains("docker save registry.example.com/team/base:7") == true)
        let rules = Set(findings(j).compactMap { $0["rule"] as? String })
        #expect(rules.isSubset(of: ["SE400", "SE401", "SE402"]), "\(rules)")
        #expect(r.status == 0)
        #expect((j["target"] as? [String: Any])?["baseKnown"] as? Bool == false)
        let text = try sce(["--dockerfile", "Dockerfile", "server"], cwd: dir.path)
        #expect(text.stdout.contains("server: cannot be judged on registry.example.com/team/base:7"), "\(text.stdout)")
    }

    /// `--build-arg` picks the base, `--stage` the stage, `-` reads standard input; a syntax
    /// error names its line and column (exit 2); without a PATH the entrypoint is named.
    @Test func dockerBuildOptions() throws {
        let dir = try workdir(["server": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "ARG BASE=scratch\nFROM ${BASE} AS run\nCOPY server /server\nENTRYPOINT [\"/server\"]\nFROM run AS debug\nENV X=1\n"
        try text.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        var j = try json(try sce(["--dockerfile", "Dockerfile", "--format", "json", "server"], cwd: dir.path).stdout)
        #expect(start(j)["ok"] as? Bool == false)
        #expect((j["target"] as? [String: Any])?["stage"] as? String == "debug", "the last stage, FROM an earlier one")
        j = try json(try sce(["--dockerfile", "Dockerfile", "--build-arg", "BASE=debian:bookworm-slim", "--stage", "run", "--format", "json", "server"], cwd: dir.path).stdout)
        #expect(start(j)["ok"] as? Bool == true, "\(start(j))")
        #expect((j["target"] as? [String: Any])?["stage"] as? String == "run")
        #expect((j["target"] as? [String: Any])?["base"] as? String == "debian:bookworm-slim")

        let stdin = dir.appendingPathComponent("in")
        try "FROM debian:bookworm-slim\nCOPY server /server\nCMD [\"/server\"]\n".write(to: stdin, atomically: true, encoding: .utf8)
        let piped = try run("/bin/sh", ["-c", "\"$0\" --dockerfile - --format json server < in", cli], cwd: dir.path)
        #expect(try start(json(piped.stdout))["ok"] as? Bool == true, "\(piped.stderr)")

        try "FROM debian:bookworm-slim\nCOPY server /server\nFROM\n".write(to: dir.appendingPathComponent("Bad"), atomically: true, encoding: .utf8)
        let bad = try sce(["--dockerfile", "Bad", "server"], cwd: dir.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("Bad:3:1: FROM requires either one or three arguments"), "\(bad.stderr)")
        #expect(try sce(["--dockerfile", "Missing", "server"], cwd: dir.path).status == 2)
        #expect(try sce(["--stage", "x", "server"], cwd: dir.path).status == 64, "--stage needs --dockerfile")

        let noPath = try sce(["--dockerfile", "Dockerfile", "--stage", "run"], cwd: dir.path)
        #expect(noPath.stdout.contains("/server: cannot be judged"), "\(noPath.stdout)")
        #expect(noPath.stdout.contains("the entrypoint is /server, put there by COPY at line 3; give the binary to check it"), "\(noPath.stdout)")
    }

    /// Inline ignores, hadolint's way: before an instruction, or file-wide with `global`; the
    /// reason is required; ignored findings stay in JSON (`suppressed`) and SARIF
    /// (`suppressions`); an unknown rule, a missing reason and an unused ignore are reported.
    @Test func inlineIgnores() throws {
        let dir = try workdir(["main": "go/server-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        # staticcheck-elf global ignore=SE400,SE401,SE402 -- size does not matter for this demo
        FROM scratch
        # staticcheck-elf ignore=SE300 -- this service makes no outgoing TLS calls
        COPY main /main
        # staticcheck-elf ignore=SE999
        ENTRYPOINT ["/main"]
        # staticcheck-elf ignore=SE301 -- nothing follows, so nothing matches

        """.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let r = try sce(["--dockerfile", "Dockerfile", "--format", "json", "main"], cwd: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try json(r.stdout)
        #expect(findings(j).isEmpty, "\(findings(j))")
        let file = try #require((j["files"] as? [[String: Any]])?.first)
        let suppressed = try #require(file["suppressed"] as? [[String: Any]])
        #expect(Set(suppressed.compactMap { $0["rule"] as? String }) == ["SE300", "SE400", "SE401", "SE402"])
        let tls = try #require(suppressed.first { $0["rule"] as? String == "SE300" })
        #expect(tls["reason"] as? String == "this service makes no outgoing TLS calls" && tls["ignoredBy"] as? String == "Dockerfile:3")
        #expect(r.stderr.contains("Dockerfile:5: unknown rule SE999 in an ignore comment"), "\(r.stderr)")
        #expect(r.stderr.contains("Dockerfile:5: the ignore of SE999 has no reason"), "\(r.stderr)")
        #expect(r.stderr.contains("Dockerfile:7: the ignore of SE301 matched no finding"), "\(r.stderr)")
        let text = try sce(["--dockerfile", "Dockerfile", "main"], cwd: dir.path)
        #expect(text.stdout.contains("  ignored SE300 tls-roots by Dockerfile:3: this service makes no outgoing TLS calls"), "\(text.stdout)")
        let sarif = try sce(["--dockerfile", "Dockerfile", "--format", "sarif", "main"], cwd: dir.path)
        let o = try json(sarif.stdout)
        let results = try #require(((o["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let s300 = try #require(results.first { $0["ruleId"] as? String == "SE300" })
        let sup = try #require((s300["suppressions"] as? [[String: Any]])?.first)
        #expect(sup["kind"] as? String == "inSource" && sup["justification"] as? String == "this service makes no outgoing TLS calls")
        // Without the ignore, the same Dockerfile fails on SE300 at --fail-on warning.
        let plain = try sce(["--dockerfile", "Dockerfile", "--fail-on", "warning", "main"], cwd: dir.path)
        #expect(plain.status == 0, "ignored findings do not count")
        try "FROM scratch\nCOPY main /main\nENTRYPOINT [\"/main\"]\n".write(to: dir.appendingPathComponent("Plain"), atomically: true, encoding: .utf8)
        #expect(try sce(["--dockerfile", "Plain", "--fail-on", "warning", "main"], cwd: dir.path).status == 1)
    }

    /// `--diff` is a patch that `patch -p1` and `git apply` take; applied, and checked again
    /// with the binary that Dockerfile builds, the findings it fixes are gone.
    @Test func diffAppliesAndFixes() throws {
        let dir = try workdir(["main": "go/server-cgo1", "fixed": "go/server-cgo0-trimpath-sw-X", "tz": "go/tz"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = """
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/main ./cmd/server

        FROM scratch
        COPY --from=build /out/main /main
        ENTRYPOINT ["/main"]

        """
        try original.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let d = try sce(["--dockerfile", "Dockerfile", "--diff", "main"], cwd: dir.path)
        #expect(d.stdout.hasPrefix("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,8 +1,9 @@\n"), "\(d.stdout)")
        #expect(d.stdout.contains("+RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/main ./cmd/server\n"))
        #expect(d.stdout.contains("+COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"))
        #expect(!d.stdout.contains("+FROM"), "a static build needs no other base")
        #expect(try String(contentsOf: dir.appendingPathComponent("Dockerfile"), encoding: .utf8) == original, "nothing is edited in place")
        try Data(d.stdout.utf8).write(to: dir.appendingPathComponent("fix.patch"))
        let git = try run("/usr/bin/git", ["apply", "--check", "fix.patch"], cwd: dir.path)
        #expect(git.status == 0, "git apply: \(git.stderr)")
        let patch = try run("/usr/bin/patch", ["-p1", "-i", "fix.patch"], cwd: dir.path)
        #expect(patch.status == 0, "patch: \(patch.stdout) \(patch.stderr)")
        // The patched Dockerfile builds a static, stripped, trimmed binary: go/server-cgo0-trimpath-sw-X.
        let again = try json(try sce(["--dockerfile", "Dockerfile", "--format", "json", "--at", "/main", "fixed"], cwd: dir.path).stdout)
        #expect(start(again)["ok"] as? Bool == true)
        #expect(findings(again).isEmpty, "\(findings(again).map { $0["rule"] ?? "" })")
        #expect(try sce(["--dockerfile", "Dockerfile", "--diff", "--at", "/main", "fixed"], cwd: dir.path).stdout == "", "nothing left to change")

        // Edits that need no rebuild: the base with a libc, exec form, a user entry, zoneinfo.
        let second = "FROM alpine:3.20 AS build\nRUN apk add --no-cache tzdata && adduser -D app\nFROM scratch\nCOPY tz /tz\nUSER app\nCMD /tz\n"
        try second.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let d2 = try sce(["--dockerfile", "Dockerfile", "--diff", "tz"], cwd: dir.path)
        try Data(d2.stdout.utf8).write(to: dir.appendingPathComponent("fix2.patch"))
        #expect(try run("/usr/bin/git", ["apply", "fix2.patch"], cwd: dir.path).status == 0, "\(d2.stdout)")
        let fixed = try String(contentsOf: dir.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(fixed.contains("COPY --from=build /etc/passwd /etc/group /etc/\n"), "\(fixed)")
        #expect(fixed.contains("CMD [\"/tz\"]\n"), "\(fixed)")
        let third = try json(try sce(["--dockerfile", "Dockerfile", "--format", "json", "tz"], cwd: dir.path).stdout)
        #expect(start(third)["ok"] as? Bool == true, "\(start(third)) after \(fixed)")
        let left = Set(findings(third).compactMap { $0["rule"] as? String }).filter { !$0.hasPrefix("SE4") }
        #expect(left.isEmpty, "\(left) after \(fixed)")
    }

    /// Dockerfiles in the styles people write: ARG-templated FROM with --platform=$BUILDPLATFORM
    /// on the build stage and a continued RUN; lowercase instructions with `# escape=\``; a RUN
    /// heredoc that installs certificates and adds the user. Verdicts and lines hold in each.
    @Test func dockerfileStyles() throws {
        let dir = try workdir(["server": "go/server-cgo1", "static": "go/server-cgo0", "app": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ text: String, _ binary: String) throws -> [String: Any] {
            let f = dir.appendingPathComponent("Dockerfile.\(UUID().uuidString)")
            try text.write(to: f, atomically: true, encoding: .utf8)
            return try json(try sce(["--dockerfile", f.lastPathComponent, "--format", "json", binary], cwd: dir.path).stdout)
        }
        func location(_ j: [String: Any], _ rule: String) -> [String: Any]? {
            findings(j).first { $0["rule"] as? String == rule }?["location"] as? [String: Any]
        }
        var j = try check("""
        # syntax=docker/dockerfile:1.7
        ARG GO_VERSION=1.22
        ARG RUNTIME=gcr.io/distroless/static-debian12:nonroot

        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS deps
        WORKDIR /src
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod go mod download

        FROM deps AS build
        ARG TARGETOS TARGETARCH
        COPY . .
        RUN --mount=type=cache,target=/root/.cache/go-build \\
            GOOS=$TARGETOS GOARCH=$TARGETARCH \\
            go build -o /out/server ./cmd/server

        FROM ${RUNTIME} AS runtime
        COPY --from=build --chown=nonroot:nonroot /out/server /server
        ENTRYPOINT ["/server"]
        """, "server")
        #expect((j["target"] as? [String: Any])?["base"] as? String == "gcr.io/distroless/static-debian12:nonroot")
        #expect(start(j)["errno"] as? String == "ENOENT")
        #expect(location(j, "SE101")?["line"] as? Int == 17)
        #expect(location(j, "SE101")?["text"] as? String == "FROM gcr.io/distroless/base-debian12 AS runtime")
        #expect(location(j, "SE200")?["line"] as? Int == 15, "the physical line of the continued RUN that says go build")
        #expect(location(j, "SE200")?["text"] as? String == "    CGO_ENABLED=0 go build -o /out/server ./cmd/server")

        j = try check("""
        # escape=`
        from golang:1.22 as build
        run go build `
            -o /out/app .
        from debian:bullseye-slim
        copy --from=build /out/app /usr/local/bin/app
        user nobody
        cmd ["app"]
        """, "app")
        #expect(start(j)["stage"] as? String == "loader", "\(start(j))")
        #expect((j["files"] as? [[String: Any]])?.first?["imagePath"] as? String == "/usr/local/bin/app")
        #expect(location(j, "SE107")?["line"] as? Int == 5)
        #expect(location(j, "SE107")?["text"] as? String == "FROM gcr.io/distroless/base-debian12", "a base with glibc 2.34")
        #expect(location(j, "SE402")?["line"] as? Int == 3, "the physical line that says go build")
        #expect(location(j, "SE402")?["text"] as? String == "run go build -trimpath `")

        j = try check("""
        FROM alpine:3.20 AS build
        RUN <<EOF
        apk add --no-cache ca-certificates
        adduser -D -u 10001 app
        EOF
        FROM scratch
        COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
        COPY --from=build /etc/passwd /etc/group /etc/
        COPY static /server
        USER app
        ENTRYPOINT ["/server"]
        """, "static")
        #expect(start(j)["ok"] as? Bool == true, "\(start(j))")
        let rules = Set(findings(j).compactMap { $0["rule"] as? String }).filter { !$0.hasPrefix("SE4") }
        #expect(rules.isEmpty, "\(rules)")
    }
}
