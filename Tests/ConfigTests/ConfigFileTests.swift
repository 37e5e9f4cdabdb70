@testable import Config
import Foundation
@testable import Runner
import Rules
import Targets
import TestSupport
import Testing

/// `.staticcheck-elf.yml`: every key read, every mistake reported with its line and column,
/// the search order, flags beating the file, and the ignores applied to real findings.
@Suite struct ConfigFileTests {
    func parse(_ text: String) -> Result<ConfigFile, ConfigProblems> { ConfigFile.parse(text, path: "c.yml") }

    func problems(_ text: String) -> [String] {
        if case .failure(let p) = parse(text) { return p.messages }
        return []
    }

    @Test func everyKey() throws {
        let file = try parse("""
            target: distroless-static
            platform: linux/arm64
            fail-on: warning
            disable: [SE400, symbol-table]
            enable: SE401
            ignore:
              - rule: SE300
                paths: ["dist/worker*", "**/jobs/*"]
                targets: [scratch]
                reason: the worker makes no TLS calls
              - rule: debug-info
                reason: "debug builds on purpose"
            """).get()
        #expect(file.target == .profile("distroless-static"))
        #expect(file.platform == "linux/arm64" && file.failOn == .warning)
        #expect(file.disable == ["SE400", "SE401"] && file.enable == ["SE401"])
        #expect(file.ignores.count == 2)
        #expect(file.ignores[0] == IgnoreRule(rule: "SE300", paths: ["dist/worker*", "**/jobs/*"], targets: ["scratch"], reason: "the worker makes no TLS calls", source: "c.yml:7:5"))
        #expect(file.ignores[1].rule == "SE400" && file.ignores[1].paths.isEmpty && file.ignores[1].source == "c.yml:11:5")
        #expect(try parse("").get() == ConfigFile(path: "c.yml"), "an empty file sets nothing")
        #expect(try parse("root: rootfs").get().target == .root("rootfs"))
        #expect(try parse("image: docker-archive:app.tar").get().target == .image("docker-archive:app.tar"))
        #expect(try parse("dockerfile: deploy/Dockerfile").get().target == .dockerfile("deploy/Dockerfile"))
    }

    /// Each mistake at its place, all of them at once.
    @Test func mistakesWithLineAndColumn() {
        #expect(problems("""
            target: nowhere
            fail-on: sometimes
            platform: linux/vax
            disable: [SE999]
            colour: always
            ignore:
              - rule: SE300
                paths: [dist/a]
              - rule: SE301
                reason: "   "
              - reason: no rule
              - rule: SE400
                reason: x
                path: dist
            """) == [
                "c.yml:1:9: \(TargetResolver.Failure.unknownProfile("nowhere"))",
                "c.yml:2:10: fail-on is one of error, warning, info, never, not sometimes",
                "c.yml:3:11: unknown platform linux/vax; use linux/ARCH, e.g. linux/amd64 or linux/arm64",
                "c.yml:4:11: unknown rule SE999; `staticcheck-elf list-rules` shows them",
                "c.yml:5:1: unknown key colour; the keys are target, root, image, dockerfile, platform, fail-on, enable, disable, ignore",
                "c.yml:7:5: an ignore needs a reason (reason: why this finding does not apply)",
                "c.yml:9:5: an ignore needs a reason (reason: why this finding does not apply)",
                "c.yml:11:5: an ignore needs a rule (rule: SE300)",
                "c.yml:14:5: unknown key path in an ignore; the keys are rule, paths, targets, reason",
            ])
        #expect(problems("target: scratch\nroot: rootfs\n") == ["c.yml:2:1: root and target both name the target; keep one"])
        #expect(problems("- a\n- b\n") == ["c.yml:1:1: the file must be a mapping of keys (target, fail-on, ignore, …)"])
        #expect(problems("target: [a, b]\n") == ["c.yml:1:9: target takes one value"])
        let bad = problems("ignore:\n  - rule: SE300\n    reason: [x\n")
        #expect(bad.count == 1 && bad[0].hasPrefix("c.yml:") && bad[0].contains("not valid YAML"), "\(bad)")
    }

    /// Hostile files end at once: too large, or aliases that would repeat a value a billion times.
    @Test func hostileFilesAreRefused() {
        #expect(problems(String(repeating: "#", count: ConfigFile.maxBytes + 1)).first?.contains("a config file holds at most 1048576") == true)
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { laughs += "\(Character(Unicode.Scalar(97 + i)!)): &\(Character(Unicode.Scalar(97 + i)!)) [" + Array(repeating: "*\(Character(Unicode.Scalar(96 + i)!))", count: 10).joined(separator: ", ") + "]\n" }
        laughs += "disable: *j\n"
        let start = Date()
        let p = problems(laughs)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(p.contains { $0.contains("more than 100000 values") } || p.contains { $0.contains("unknown key") }, "\(p.prefix(2))")
    }

    /// The fuzzer's slowest input (anchors and aliases, 934 bytes): read to an answer, the
    /// first problem at its place. It timed out once under a loaded machine; alone it takes
    /// about 35 ms with AddressSanitizer.
    @Test func fuzzedAnchorsEndInAProblem() throws {
        let url = TestPaths.repo.appendingPathComponent("Tests/ConfigTests/Fixtures/fuzz-anchors.yml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let p = problems(text)
        #expect(!p.isEmpty && p.allSatisfy { $0.hasPrefix("c.yml:") }, "\(p.prefix(3))")
    }

    @Test func searchOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sce-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let repo = root.appendingPathComponent("repo"), deep = repo.appendingPathComponent("a/b")
        let xdg = root.appendingPathComponent("xdg/staticcheck-elf")
        for d in [deep, repo.appendingPathComponent(".git"), xdg] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "".write(to: xdg.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
        var env = ["XDG_CONFIG_HOME": root.appendingPathComponent("xdg").path]
        func find(_ explicit: String? = nil) -> String? { ConfigLoader.find(explicit: explicit, environment: { env[$0] }, workingDirectory: deep.path) }
        #expect(find() == xdg.appendingPathComponent("config.yml").path, "nothing in the repository: the user's file")
        // Above the repository root is never searched.
        try "".write(to: root.appendingPathComponent(".staticcheck-elf.yml"), atomically: true, encoding: .utf8)
        #expect(find() == xdg.appendingPathComponent("config.yml").path)
        try "".write(to: repo.appendingPathComponent(".staticcheck-elf.yaml"), atomically: true, encoding: .utf8)
        #expect(find() == repo.appendingPathComponent(".staticcheck-elf.yaml").path)
        try "".write(to: deep.appendingPathComponent(".staticcheck-elf.yml"), atomically: true, encoding: .utf8)
        #expect(find() == deep.appendingPathComponent(".staticcheck-elf.yml").path, "the nearest wins")
        env["STATICCHECK_ELF_CONFIG"] = "/from/env.yml"
        #expect(find() == "/from/env.yml")
        #expect(find("given.yml") == "given.yml")
    }

    /// Flags beat the file for single values; lists combine; paths in the file are relative to it.
    @Test func flagsBeatTheFile() throws {
        let file = try ConfigFile.parse("target: alpine\nplatform: linux/arm64\nfail-on: info\ndisable: [SE400]\n", path: "/r/.staticcheck-elf.yml").get()
        var c = RunConfiguration()
        c.failOn = .never
        c.given = ["fail-on"]
        c.disable = ["SE401"]
        ConfigLoader.apply(file, to: &c, base: "/r")
        #expect(c.target == .profile("alpine") && c.platform == "linux/arm64" && c.failOn == .never)
        #expect(c.disable == ["SE400", "SE401"] && c.configUsed == "/r/.staticcheck-elf.yml")
        var d = RunConfiguration()
        ConfigLoader.apply(try ConfigFile.parse("root: ../roots/bookworm", path: "/r/sub/c.yml").get(), to: &d, base: "/r/sub")
        #expect(d.target == .root("/r/roots/bookworm"))
        var e = RunConfiguration()
        ConfigLoader.apply(try ConfigFile.parse("image: oci-archive:app.tar", path: "/r/c.yml").get(), to: &e, base: "/r")
        #expect(e.target == .image("oci-archive:/r/app.tar"))
    }

    @Test(arguments: [
        ("dist/worker*", "dist/worker-1", true), ("dist/worker*", "dist/sub/worker-1", false),
        ("worker*", "dist/sub/worker-1", true), ("**/jobs/*", "a/b/jobs/x", true), ("**/jobs/*", "jobs/x", true),
        ("dist/", "dist/a/b", true), ("dist/", "distx/a", false), ("./dist/main", "dist/main", true),
        ("dist/**/main", "dist/main", true), ("dist/**/main", "dist/x/y/main", true), ("dist/**/main", "dist/x/y/mainx", false),
    ])
    func pathGlobs(_ c: (String, String, Bool)) {
        #expect(PathGlob.matches(c.0, c.1) == c.2)
    }
}
