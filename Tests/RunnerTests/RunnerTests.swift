import Foundation
import Render
import Rules
import Runner
import Targets
import TestSupport
import Testing

/// The run without the executable: configuration in, document, output and exit status out.
@Suite struct RunnerTests {
    final class Captured {
        var out: [UInt8] = []
        var err: [String] = []
        var output: RunOutput {
            RunOutput(write: { self.out.append(contentsOf: $0) }, warn: { self.err.append($0) })
        }
        var text: String { String(decoding: out, as: UTF8.self) }
    }

    static func config(_ paths: [String], _ edit: (inout RunConfiguration) -> Void = { _ in }) -> RunConfiguration {
        var c = RunConfiguration()
        c.paths = paths
        c.platform = "linux/amd64"
        edit(&c)
        return c
    }

    @Test func documentAndExitStatus() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        let ok = try TestBinaries.named("go/server-cgo0-trimpath-sw-X").path
        let doc = try Runner.check(Self.config([cgo, ok]))
        #expect(doc.targetName == "scratch")
        #expect(doc.platform == "linux/amd64")
        #expect(doc.reports.map(\.path) == [cgo, ok])
        #expect(doc.reports[0].start?.ok == false)
        #expect(doc.reports[1].start?.ok == true)
        #expect(ExitPolicy(failOn: .error).status(doc.reports) == 1)
        #expect(ExitPolicy(failOn: .never).status(doc.reports) == 0)
        #expect(ExitPolicy(failOn: .error).status([doc.reports[1]]) == 0)
    }

    /// An unreadable input is an error report (exit 2), and the other inputs are still checked.
    @Test func unreadableInputIsExit2AndTheRestIsChecked() throws {
        let ok = try TestBinaries.named("go/server-cgo0-trimpath-sw-X").path
        let c = Captured()
        let status = Runner.run(Self.config(["/nonexistent/app", ok]) { $0.format = .json }, to: c.output)
        #expect(status == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(c.out)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files[0]["error"] as? String == "/nonexistent/app: no such file or directory")
        #expect((files[1]["start"] as? [String: Any])?["ok"] as? Bool == true)
        #expect(c.err == ["staticcheck-elf: /nonexistent/app: no such file or directory"])
    }

    /// A rule's severity is a default: the run may set another, and the exit policy reads it.
    @Test func severityIsADefaultARunMayOverride() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        let before = try Runner.check(Self.config([cgo]))
        #expect(before.reports[0].findings.contains { $0.rule == "SE101" && $0.severity == .error })
        let lowered = Self.config([cgo]) { $0.severities = ["SE101": .info, "cgo-dynamic": .info] }
        #expect(lowered.problem == nil)
        let doc = try Runner.check(lowered)
        let f = doc.reports[0].findings
        #expect(f.first { $0.rule == "SE101" }?.severity == .info)
        #expect(f.first { $0.rule == "SE200" }?.severity == .info)
        #expect(!f.contains { $0.severity == .error })
        #expect(ExitPolicy(failOn: .error).status(doc.reports) == 0)
        #expect(ExitPolicy(failOn: .info).status(doc.reports) == 1)
        // Findings stay sorted by the severity in force.
        #expect(f.map(\.severity) == f.map(\.severity).sorted(by: >))
        #expect(Self.config([cgo]) { $0.severities = ["SE999": .info] }.problem?.contains("unknown rule SE999") == true)
    }

    @Test func disableAndEnable() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        let doc = try Runner.check(Self.config([cgo]) { $0.disable = ["SE101,SE400", "cgo-dynamic"]; $0.enable = ["SE400"] })
        let rules = Set(doc.reports[0].findings.map(\.rule))
        #expect(!rules.contains("SE101") && !rules.contains("SE200"))
        #expect(rules.contains("SE400"))
    }

    @Test func usageProblems() {
        #expect(RunConfiguration().problem?.contains("give at least one file") == true)
        #expect(Self.config(["x"]) { $0.target = .profile("nowhere") }.problem?.hasPrefix("unknown target nowhere") == true)
        #expect(Self.config(["x"]) { $0.platform = "linux/vax" }.problem?.hasPrefix("unknown platform linux/vax") == true)
        var i = InspectConfiguration()
        #expect(i.problem != nil)
        i.paths = ["x"]
        i.format = .sarif
        #expect(i.problem == "inspect prints text or json")
    }

    /// What the executable prints is exactly what the library writes: the CLI adds nothing.
    @Test func theExecutablePrintsWhatTheRunWrites() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        for format in OutputFormat.allCases {
            let c = Captured()
            let status = Runner.run(Self.config([cgo]) { $0.format = format }, to: c.output)
            let exe = TestPaths.repo.appendingPathComponent(".build/debug/staticcheck-elf").path
            let r = try run(exe, ["--platform", "linux/amd64", "--format", format.rawValue, cgo], environment: ["PATH": "/usr/bin:/bin"])
            #expect(r.status == status)
            #expect(r.stdout == c.text, "\(format)")
        }
    }

    @Test func inspectWritesFactsOnly() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        var i = InspectConfiguration()
        i.paths = [cgo]
        i.format = .json
        let c = Captured()
        #expect(Runner.inspect(i, to: c.output) == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(c.out)) as? [String: Any])
        #expect(json["target"] == nil)
        let file = try #require((json["files"] as? [[String: Any]])?.first)
        #expect(file["start"] == nil && file["findings"] == nil)
        #expect((file["facts"] as? [String: Any])?["interpreter"] as? String == "/lib64/ld-linux-x86-64.so.2")
    }
}

/// "The smallest base that works": each file is also judged on every built-in profile.
@Suite struct SmallestBaseTests {
    static func startsOn(_ binary: String, _ edit: (inout RunConfiguration) -> Void = { _ in }) throws -> [String]? {
        var c = RunConfiguration()
        c.paths = [try TestBinaries.named(binary).path]
        c.platform = "linux/amd64"
        edit(&c)
        return try Runner.check(c).reports.first?.startsOn
    }

    @Test func cgoServerNeedsAGlibcBase() throws {
        #expect(try Self.startsOn("go/server-cgo1") == ["busybox", "distroless-base", "distroless-cc", "debian-slim"])
    }

    /// A program that must keep cgo (a C library module) learns where it can go.
    @Test func cgoModuleNamesItsBases() throws {
        #expect(try Self.startsOn("go/sqlite-cgo1")?.first == "busybox")
        #expect(try Self.startsOn("c/hello-cxx") == ["distroless-cc", "debian-slim"], "libstdc++ is in cc and slim only")
    }

    @Test func staticAndMuslAndForeign() throws {
        #expect(try Self.startsOn("go/server-cgo0")?.first == "scratch")
        #expect(try Self.startsOn("c/hello-musl-dynamic") == ["alpine"])
        #expect(try Self.startsOn("go/hello-linux-arm64") == [])
        #expect(try Self.startsOn("go/hello-linux-arm64") { $0.platform = "linux/arm64" }?.first == "scratch")
    }

    /// Built on glibc 2.36: needs GLIBC_2.34, so bullseye (2.31) is never offered.
    @Test func olderGlibcIsNotOffered() throws {
        let bases = try #require(try Self.startsOn("c/hello-dynamic"))
        #expect(bases.contains("debian-slim"))
        #expect(!bases.contains("debian:bullseye-slim"))
    }

    @Test func textSaysTheSmallest() throws {
        let cgo = try TestBinaries.named("go/server-cgo1").path
        var c = RunConfiguration()
        c.paths = [cgo]
        c.platform = "linux/amd64"
        let text = TextRenderer(color: false).render(try Runner.check(c))
        #expect(text.contains("  starts on busybox, distroless-base, distroless-cc, debian-slim (smallest: busybox)\n"))
    }
}

/// Files are checked on every core, and the output is byte for byte the sequential one: the
/// whole TestBinaries corpus, the hostile fixtures and the host's /usr/bin, in text and JSON,
/// with one worker and with four.
@Suite struct ParallelOutputTests {
    static func rendered(_ paths: [String], workers: Int, format: OutputFormat, target: TargetSpec = .profile("scratch")) throws -> (String, Int32) {
        var c = RunConfiguration()
        c.paths = paths
        c.platform = "linux/amd64"
        c.format = format
        c.target = target
        c.workers = workers
        var out: [UInt8] = []
        let status = Runner.run(c, to: RunOutput(write: { out.append(contentsOf: $0) }, warn: { _ in }))
        return (String(decoding: out, as: UTF8.self), status)
    }

    @Test func parallelEqualsSequential() throws {
        let paths = [TestPaths.out.path, TestPaths.hostile.path, "/usr/bin"]
        for format in [OutputFormat.text, .json] {
            let one = try Self.rendered(paths, workers: 1, format: format)
            let four = try Self.rendered(paths, workers: 4, format: format)
            #expect(one.0.count > 100_000)
            #expect(one.0 == four.0, "\(format): parallel output differs")
            #expect(one.1 == four.1)
        }
        if TestRoots.configured {
            let root = try TestRoots.named("bookworm").path
            let one = try Self.rendered([root + "/usr/bin", TestPaths.out.path], workers: 1, format: .json, target: .root(root))
            let two = try Self.rendered([root + "/usr/bin", TestPaths.out.path], workers: 2, format: .json, target: .root(root))
            #expect(one.0 == two.0 && one.1 == two.1, "--root: parallel output differs")
        }
    }
}
