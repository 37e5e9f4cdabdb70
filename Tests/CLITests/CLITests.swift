import Foundation
import Runner
import TestSupport
import Testing

/// The built `staticcheck-elf`, next to the test bundle (`swift test` builds every product).
let cli: String = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDir.appendingPathComponent("staticcheck-elf").path,
                      TestPaths.repo.appendingPathComponent(".build/debug/staticcheck-elf").path]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    return TestPaths.repo.appendingPathComponent(".build/debug/staticcheck-elf").path
}()

/// Runs the CLI in `cwd` with a clean environment (no colour, as a pipe).
func sce(_ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    var e = ["PATH": "/usr/bin:/bin"]
    for (k, v) in env { e[k] = v }
    return try run(cli, args, environment: e, cwd: cwd)
}

/// A temporary directory holding copies of test binaries under the given names.
func workdir(_ files: [String: String]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, binary) in files {
        let dst = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try TestBinaries.named(binary).path, toPath: dst.path)
    }
    return dir
}

func json(_ s: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
}

@Suite struct CLITests {
    /// The issue's headline: the verdict first, with runc's exact line, why, and the fix.
    @Test func cgoServerOnScratchSaysWhatDockerRunWillPrint() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        let r = try sce(["./main"], cwd: dir.path)
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "./main: will not start on scratch (linux/amd64)")
        #expect(lines.dropFirst().first == "  docker run: exec /main: no such file or directory")
        #expect(r.stdout.contains("/lib64/ld-linux-x86-64.so.2"))
        #expect(r.stdout.contains("SE101 missing-interpreter"))
        #expect(r.stdout.contains("SE200 cgo-dynamic"))
        #expect(r.stdout.contains("fix: "))
        #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        #expect(r.stderr.isEmpty)
    }

    @Test func jsonFollowsTheContract() throws {
        let dir = try workdir(["dist/main": "go/server-cgo1"])
        let r = try sce(["--format", "json", "dist/main"], cwd: dir.path)
        #expect(r.status == 1)
        let o = try json(r.stdout)
        #expect(o["schemaVersion"] as? Int == 1)
        let tool = try #require(o["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "staticcheck-elf")
        let target = try #require(o["target"] as? [String: Any])
        #expect(target["name"] as? String == "scratch")
        #expect(target["platform"] as? String == "linux/amd64")
        let file = try #require((o["files"] as? [[String: Any]])?.first)
        #expect(file["path"] as? String == "dist/main")
        let start = try #require(file["start"] as? [String: Any])
        #expect(start["ok"] as? Bool == false)
        #expect(start["stage"] as? String == "kernel")
        #expect(start["errno"] as? String == "ENOENT")
        #expect(start["message"] as? String == "exec /dist/main: no such file or directory")
        let facts = try #require(file["facts"] as? [String: Any])
        for key in ["format", "class", "endianness", "machine", "type", "interpreter", "needed", "soname", "rpath", "runpath",
                    "staticPie", "glibcVersionsRequired", "debugBytes", "symtabBytes", "fileBytes", "go"] {
            #expect(facts.keys.contains(key), "facts.\(key) missing")
        }
        #expect(facts["format"] as? String == "elf")
        #expect(facts["class"] as? Int == 64)
        #expect(facts["machine"] as? String == "x86_64")
        #expect(facts["interpreter"] as? String == "/lib64/ld-linux-x86-64.so.2")
        #expect((facts["needed"] as? [String])?.contains("libc.so.6") == true)
        #expect((facts["glibcVersionsRequired"] as? [String])?.contains("GLIBC_2.2.5") == true)
        let go = try #require(facts["go"] as? [String: Any])
        #expect((go["version"] as? String)?.hasPrefix("go1.") == true)
        #expect((go["settings"] as? [String: String])?["CGO_ENABLED"] == "1")
        #expect((go["packages"] as? [String])?.contains("net") == true)
        let findings = try #require(file["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule"] as? String == "SE101" && $0["name"] as? String == "missing-interpreter" && $0["severity"] as? String == "error" })
        for f in findings { for k in ["rule", "name", "severity", "message", "fix"] { #expect(f[k] is String) } }
        #expect(file["error"] is NSNull)
    }

    @Test func exitCodes() throws {
        let dir = try workdir(["hello": "go/hello-cgo0", "main": "go/server-cgo1"])
        // Only info findings: 0 by default, 1 with --fail-on info.
        #expect(try sce(["hello"], cwd: dir.path).status == 0)
        #expect(try sce(["--fail-on", "info", "hello"], cwd: dir.path).status == 1)
        #expect(try sce(["--fail-on", "never", "main"], cwd: dir.path).status == 0)
        #expect(try sce(["main"], cwd: dir.path).status == 1)
        #expect(try sce(["--disable", "SE101,SE200", "main"], cwd: dir.path).status == 0)
        #expect(try sce(["--disable", "SE101,SE200", "--enable", "SE101", "main"], cwd: dir.path).status == 1)
        // Usage errors are 64.
        #expect(try sce(["--target", "nowhere", "main"], cwd: dir.path).status == 64)
        #expect(try sce(["--platform", "linux/vax", "main"], cwd: dir.path).status == 64)
        #expect(try sce(["--disable", "SE999", "main"], cwd: dir.path).status == 64)
        #expect(try sce([], cwd: dir.path).status == 64)
        // A missing path is 2 and a clear message, not a stack trace; the other file is still checked.
        let r = try sce(["missing", "hello"], cwd: dir.path)
        #expect(r.status == 2)
        #expect(r.stdout.contains("missing: no such file or directory"))
        #expect(r.stdout.contains("hello: starts on scratch"))
    }

    /// `--help` (of the command and of `check`) lists every exit code, and each happens as it says.
    @Test func exitCodesAreInTheHelpAndEachHappens() throws {
        for args in [["--help"], ["check", "--help"]] {
            let help = try sce(args)
            #expect(help.status == 0)
            for line in ["EXIT CODES:", "  0   no finding at or above --fail-on (default: error)", "  1   a finding at or above --fail-on",
                         "  2   an input could not be read or parsed (the other inputs are still checked)", "  64  usage error"] {
                #expect(help.stdout.contains(line), "\(args): \(line)")
            }
        }
        let dir = try workdir(["static": "go/server-cgo0", "cgo": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: TestPaths.hostile.appendingPathComponent("trunc-header-40.elf").path,
                                         toPath: dir.appendingPathComponent("truncated").path)
        // 0: a static Go binary; its warning (SE300, no CA roots in scratch) is below --fail-on error.
        let ok = try sce(["static"], cwd: dir.path)
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("warning SE300"))
        #expect(try sce(["--fail-on", "warning", "static"], cwd: dir.path).status == 1)
        // 1: a cgo binary on scratch.
        #expect(try sce(["cgo"], cwd: dir.path).status == 1)
        // 2: a truncated file; the other input is still checked.
        let truncated = try sce(["truncated", "static"], cwd: dir.path)
        #expect(truncated.status == 2)
        #expect(truncated.stdout.contains("header is truncated"))
        #expect(truncated.stdout.contains("static: starts on scratch"))
        // 64: a usage error, said on standard error.
        let unknownOption = try sce(["--frobnicate", "static"], cwd: dir.path)
        #expect(unknownOption.status == 64)
        #expect(unknownOption.stderr.contains("Unknown option '--frobnicate'"))
        let unknownRule = try sce(["--disable", "SE101,SE999", "static"], cwd: dir.path)
        #expect(unknownRule.status == 64)
        #expect(unknownRule.stderr.contains("unknown rule SE999"))
        #expect(unknownRule.stdout.isEmpty)
    }

    @Test func platformChangesTheVerdict() throws {
        let dir = try workdir(["app": "go/hello-linux-arm64"])
        let amd = try sce(["--platform", "linux/amd64", "app"], cwd: dir.path)
        #expect(amd.status == 1)
        #expect(amd.stdout.contains("exec /app: exec format error"))
        #expect(amd.stdout.contains("SE103"))
        #expect(amd.stdout.contains("GOARCH=amd64"))
        let arm = try sce(["--platform", "linux/arm64", "app"], cwd: dir.path)
        #expect(arm.stdout.contains("app: starts on scratch (linux/arm64)"))
    }

    @Test func directoriesAreWalkedAndBadFilesDoNotStopTheOthers() throws {
        let dir = try workdir(["bin/server": "go/server-cgo0", "bin/run.sh": "scripts/lf.sh", "bin/readme.txt": "scripts/lf-noexec.sh",
                               "bin/lib.o": "c/hello.o"])
        try Data("notes".utf8).write(to: dir.appendingPathComponent("bin/NOTES"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("bin/loop-a").path, withDestinationPath: "loop-b")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("bin/loop-b").path, withDestinationPath: "loop-a")
        try FileManager.default.copyItem(atPath: TestPaths.hostile.appendingPathComponent("e_phnum-lies.elf").path,
                                         toPath: dir.appendingPathComponent("bin/broken").path)
        chmod(dir.appendingPathComponent("bin/broken").path, 0o755)
        let r = try sce(["--format", "json", "bin"], cwd: dir.path)
        #expect(r.status == 2)
        let files = try #require(try json(r.stdout)["files"] as? [[String: Any]])
        let paths = files.compactMap { $0["path"] as? String }
        #expect(paths == ["bin/broken", "bin/lib.o", "bin/loop-a", "bin/loop-b", "bin/run.sh", "bin/server"],
                "readme.txt (not executable, not ELF) and NOTES are skipped; lib.o (ELF) is kept")
        let broken = try #require(files.first { $0["path"] as? String == "bin/broken" })
        #expect((broken["error"] as? String)?.contains("0x") == true)
        let loop = try #require(files.first { $0["path"] as? String == "bin/loop-a" })
        #expect((loop["error"] as? String)?.contains("symbolic links") == true)
        let server = try #require(files.first { $0["path"] as? String == "bin/server" })
        #expect((server["start"] as? [String: Any])?["ok"] as? Bool == true)
    }

    @Test func sarifValidatesAgainstTheOfficialSchema() throws {
        let dir = try workdir(["main": "go/server-cgo1", "mac": "go/hello-darwin-arm64"])
        let r = try sce(["--format", "sarif", "main", "mac", "missing"], cwd: dir.path)
        #expect(r.status == 2)
        let sarif = dir.appendingPathComponent("out.sarif")
        try Data(r.stdout.utf8).write(to: sarif)
        let schema = TestPaths.repo.appendingPathComponent("Tests/CLITests/Schema/sarif-schema-2.1.0.json")
        let python = TestPaths.repo.appendingPathComponent(".venv/bin/python").path
        let check = try run(python, ["-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            jsonschema.validate(doc, schema)
            print(len(doc["runs"][0]["results"]))
            """, schema.path, sarif.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(Int(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 3)
        let o = try json(r.stdout)
        let run0 = try #require((o["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run0["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.count == 24)
    }

    /// `-v` says what a directory walk skipped and why; without it nothing is said.
    @Test func verboseSaysWhatTheWalkSkipped() throws {
        let dir = try workdir(["app": "go/hello-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try "notes".write(to: dir.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        try "{}".write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("tmp").path, withDestinationPath: "/tmp")
        let quiet = try sce(["."], cwd: dir.path)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        let v = try sce(["-v", "."], cwd: dir.path)
        #expect(v.stderr.contains(".: 3 files skipped: 2 neither ELF nor executable, 1 symbolic links to directories (not followed)"), "\(v.stderr)")
        #expect(v.stdout == quiet.stdout)
    }

    @Test func githubAnnotations() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        let r = try sce(["--format", "github", "main"], cwd: dir.path)
        #expect(r.stdout.contains("::error file=main,title=SE101 missing-interpreter::"))
        let lines = r.stdout.split(separator: "\n")
        #expect(!lines.dropLast().contains { !$0.hasPrefix("::") }, "one annotation per line")
        #expect(lines.last?.hasPrefix("staticcheck-elf: 1 file checked against scratch") == true, "then the summary, a plain log line")
    }

    @Test func explainAndListRules() throws {
        let e = try sce(["explain", "SE101"])
        #expect(e.status == 0)
        #expect(e.stdout.contains("missing-interpreter"))
        #expect(e.stdout.contains("PT_INTERP"))
        #expect(try sce(["explain", "missing-interpreter"]).stdout == e.stdout)
        #expect(try sce(["explain", "SE999"]).status == 64)
        let l = try sce(["list-rules"])
        let lines = l.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("SE") }.count == 24)
        #expect(lines.filter { $0.hasPrefix("       https://") }.count == 24, "each rule's docs page")
    }

    @Test func inspectAndCrossCheck() throws {
        let dir = try workdir(["main": "go/server-cgo1"])
        let r = try sce(["inspect", "--cross-check", "main"], cwd: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("interpreter"))
        #expect(r.stdout.contains("libelf agrees"))
        let j = try sce(["inspect", "--format", "json", "main"], cwd: dir.path)
        let file = try #require((try json(j.stdout)["files"] as? [[String: Any]])?.first)
        #expect(file["start"] == nil, "inspect gives facts, no verdict")
        #expect((file["facts"] as? [String: Any])?["interpreter"] as? String == "/lib64/ld-linux-x86-64.so.2")
    }

    /// Every hostile fixture is read where it can be: a read error (kind `error` in
    /// EXPECTED.tsv) is exit 2 with the offset of the lying field; damage where neither the
    /// kernel nor the loader reads (kind `damage`: section headers, Go's tables) is no read
    /// error, the verdict is given, and SE106 warns with the same offset.
    @Test func hostileFixturesGiveExit2WithAnOffset() throws {
        let dir = TestPaths.hostile
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { !$0.hasSuffix(".py") && !$0.hasSuffix(".tsv") && !$0.hasSuffix(".md") && !$0.hasPrefix("loop-") }.sorted()
        #expect(names.count >= 20)
        let table = try String(contentsOf: dir.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)
        var expected: [String: (offset: String, kind: String)] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            if f.count >= 5 { expected[f[0]] = (f[2], f[4]) }
        }
        #expect(expected.values.filter { $0.kind == "damage" }.count >= 8)
        for name in names {
            let r = try sce(["--format", "json", name], cwd: dir.path)
            let file = try #require((try json(r.stdout)["files"] as? [[String: Any]])?.first, "\(name): \(r.stdout)")
            let error = file["error"] as? String
            #expect(file["start"] is [String: Any], "\(name) still gets a verdict")
            guard let want = expected[name] else { Issue.record("\(name) is not in EXPECTED.tsv"); continue }
            func hex(_ v: Any?) -> String? { (v as? Int).map { "0x" + String($0, radix: 16) } }
            if want.kind == "damage" {
                #expect(r.status != 2 && error == nil, "\(name): damage only, yet exit \(r.status), error \(error ?? "nil")")
                let damage = file["damage"] as? [[String: Any]] ?? []
                #expect(hex(damage.first?["offset"]) == want.offset, "\(name): damage \(damage)")
                let se106 = (file["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "SE106" }
                #expect(se106?["severity"] as? String == "warning" && (se106?["message"] as? String)?.contains(want.offset) == true,
                        "\(name): \(se106 ?? [:])")
            } else {
                #expect(r.status == 2, "\(name): exit \(r.status), error \(error ?? "nil")")
                #expect(error?.contains("0x") == true || error?.contains("offset") == true, "\(name): \(error ?? "nil")")
                // The offset is the one TestBinaries/hostile/EXPECTED.tsv gives for the lying field.
                #expect(hex(file["errorOffset"]) == want.offset, "\(name): \(error ?? "nil")")
            }
        }
    }
}

@Suite struct ColourTests {
    /// script(1) gives the CLI a pseudo-terminal: colour there, none with NO_COLOR.
    @Test func colourOnATerminalUnlessNoColor() throws {
        let script = try #require(which("script"), "script(1) from bsdutils")
        let dir = try workdir(["main": "go/server-cgo1"])
        let tty = try run(script, ["-qec", "\(cli) main", "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"], cwd: dir.path)
        #expect(tty.stdout.contains("\u{1B}[31mwill not start"), "\(tty.stdout.prefix(300))")
        let plain = try run(script, ["-qec", "\(cli) main", "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "NO_COLOR": "1"], cwd: dir.path)
        #expect(plain.stdout.contains("will not start"))
        #expect(!plain.stdout.contains("\u{1B}["))
    }

    /// `--color` comes first: `always` colours a pipe even with NO_COLOR and TERM=dumb, `never`
    /// leaves a terminal plain; `auto` (the default) is the environment's and the terminal's.
    @Test func colorFlagComesBeforeTheEnvironment() throws {
        let script = try #require(which("script"), "script(1) from bsdutils")
        let dir = try workdir(["main": "go/server-cgo1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let red = "\u{1B}[31mwill not start"
        let always = try sce(["--color", "always", "main"], cwd: dir.path, env: ["NO_COLOR": "1", "TERM": "dumb"])
        #expect(always.status == 1)
        #expect(always.stdout.contains(red), "\(always.stdout.prefix(300))")
        // The same through swift-argument-parser (the fast parser does not take -v).
        #expect(try sce(["check", "-v", "--color=always", "main"], cwd: dir.path).stdout == always.stdout)
        #expect(!(try sce(["--color", "auto", "main"], cwd: dir.path, env: ["TERM": "xterm"]).stdout.contains("\u{1B}[")))
        #expect(!(try sce(["--color", "never", "main"], cwd: dir.path).stdout.contains("\u{1B}[")))
        func onTerminal(_ args: String, _ env: [String: String]) throws -> String {
            try run(script, ["-qec", "\(cli) \(args)", "/dev/null"], environment: ["PATH": "/usr/bin:/bin"].merging(env) { $1 }, cwd: dir.path).stdout
        }
        let never = try onTerminal("--color never main", ["TERM": "xterm"])
        #expect(never.contains("will not start") && !never.contains("\u{1B}["), "\(never.prefix(300))")
        #expect(!(try onTerminal("--color=auto main", ["TERM": "dumb"]).contains("\u{1B}[")))
        // An empty NO_COLOR is not set (no-color.org).
        #expect(try onTerminal("main", ["TERM": "xterm", "NO_COLOR": ""]).contains(red))
        // explain and inspect take it too.
        #expect(try sce(["explain", "--color", "always", "SE101"]).stdout.contains("\u{1B}[1mSE101"))
        #expect(!(try sce(["explain", "SE101"]).stdout.contains("\u{1B}[")))
        #expect(try sce(["inspect", "--color", "always", "main"], cwd: dir.path).stdout.contains("\u{1B}["))
        #expect(try sce(["inspect", "--color", "sometimes", "main"], cwd: dir.path).status == 64)
    }

    /// The decision itself, in order: the flag, a non-empty NO_COLOR, TERM=dumb, the terminal.
    @Test(arguments: [
        (ColorMode.always, "1", "dumb", false, true), (.never, nil, "xterm", true, false),
        (.auto, "1", "xterm", true, false), (.auto, "", "xterm", true, true), (.auto, nil, "dumb", true, false),
        (.auto, nil, "xterm", true, true), (.auto, nil, nil, false, false), (.auto, nil, nil, true, true),
    ] as [(ColorMode, String?, String?, Bool, Bool)])
    func colorDecision(_ mode: ColorMode, _ noColor: String?, _ term: String?, _ isTerminal: Bool, _ want: Bool) {
        #expect(mode.useColor(noColor: noColor, term: term, isTerminal: isTerminal) == want)
    }
}

@Suite struct PermissionTests {
    /// As an unprivileged user (root ignores permissions): an unreadable directory and a file
    /// inside it are clear messages with exit 2, not a stack trace.
    @Test func unreadableDirectoryIsAClearMessage() throws {
        try #require(getuid() == 0, "dropping privileges needs root")
        let setpriv = try #require(which("setpriv"), "setpriv (util-linux)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-perm-\(UUID().uuidString)")
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        defer { chmod(locked.path, 0o755); try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: try TestBinaries.named("go/hello-cgo0").path, toPath: locked.appendingPathComponent("app").path)
        let tool = dir.appendingPathComponent("staticcheck-elf").path
        try FileManager.default.copyItem(atPath: cli, toPath: tool)
        chmod(dir.path, 0o755)
        chmod(locked.path, 0o000)
        let r = try run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", tool, locked.path, locked.appendingPathComponent("app").path],
                        environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("\(locked.path): permission denied"))
        #expect(r.stdout.contains("\(locked.path)/app: permission denied"))
        #expect(!r.stderr.contains("Fatal") && !r.stderr.contains("Stack"))
    }
}
