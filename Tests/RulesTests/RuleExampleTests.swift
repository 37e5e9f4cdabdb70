import ELFKit
import Foundation
import FileTree
import Image
import Rules
import Targets
import TestSupport
import Testing

let amd64 = Platform(architecture: "amd64")

func analyzer(_ target: String, platform: Platform = amd64) -> Analyzer {
    // `root:DIR`: a root directory TestBinaries/build.sh makes under its output (symroots/…).
    if target.hasPrefix("root:") {
        let dir = TestPaths.out.appendingPathComponent(String(target.dropFirst(5))).path
        guard let t = try? TargetResolver.resolve(.root(dir), platform: platform) else { fatalError("no root \(dir)") }
        return Analyzer(target: t, platform: platform)
    }
    guard let profile = TargetRoot.profile(target, platform: platform) else { fatalError("no profile \(target)") }
    return Analyzer(target: profile, platform: platform)
}

struct ExampleCase: CustomStringConvertible, Sendable {
    var info: RuleInfo
    var example: RuleExample
    var description: String { "\(info.id) \(example.fires ? "fires on" : "silent on") \(example.binary) (\(example.target))" }
}

let allExamples: [ExampleCase] = RuleRegistry.infos.flatMap { info in info.examples.map { ExampleCase(info: info, example: $0) } }

@Suite struct RuleExampleTests {
    /// Each rule's documented examples, run on the real TestBinaries artifacts.
    @Test(arguments: allExamples)
    func example(_ c: ExampleCase) throws {
        let report: FileReport
        if c.example.target.hasPrefix("image:") {
            // `image:NAME`: a test image of `make images` (its oci form), its own command checked.
            guard TestImages.configured else { return }
            let name = String(c.example.target.dropFirst(6))
            let image = try #require(try TestImages.all().first { $0.name == name }, "no test image \(name)")
            let ref = try #require(image.refs["oci"])
            let opened = try ImageReader.open(try ImageReference(parsing: ref), platform: nil)
            let (target, start) = Analyzer.imageTarget(opened, requested: nil, isEntrypoint: true)
            report = Analyzer(target: target, platform: target.platform).checkImageStart(start, in: opened.tree)
        } else {
            report = analyzer(c.example.target).check(path: try TestBinaries.named(c.example.binary).path)
        }
        let fired = report.findings.filter { $0.rule == c.info.id }
        if c.example.fires {
            #expect(!fired.isEmpty, "\(c): findings were \(report.findings.map(\.rule))")
            for f in fired {
                #expect(!f.message.isEmpty && !f.fix.isEmpty && !f.why.isEmpty)
                #expect(f.severity == c.info.severity)
            }
        } else {
            #expect(fired.isEmpty, "\(c): \(fired.map(\.message))")
        }
    }

    @Test func everyRuleHasFiringAndSilentExamples() {
        for info in RuleRegistry.infos {
            #expect(info.examples.contains { $0.fires } || info.id == "SE106", "\(info.id) has no firing example")
            #expect(info.examples.contains { !$0.fires }, "\(info.id) has no silent example")
            #expect(info.summary.hasSuffix(".") || info.summary.hasSuffix("`."), "\(info.id) summary is one sentence")
        }
    }

    @Test func idsAndNamesAreUniqueAndOrdered() {
        let ids = RuleRegistry.infos.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(Set(RuleRegistry.infos.map(\.name)).count == ids.count)
    }

    /// Adding a rule is one file in Sources/Rules/Checks: this fails when a rule file's type is
    /// not in the registry.
    @Test func everyRuleFileIsRegistered() throws {
        let dir = TestPaths.repo.appendingPathComponent("Sources/Rules/Checks")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("SE") && $0.hasSuffix(".swift") }
        let registered = Set(RuleRegistry.all.map { String(describing: $0) })
        for f in files {
            #expect(registered.contains(String(f.dropLast(6))), "\(f) is not in RuleRegistry.all")
        }
        #expect(files.count == RuleRegistry.all.count)
        // The registry's order is the generator's (type names sorted): ID order only because each
        // type name starts with its rule's ID.
        for rule in RuleRegistry.all {
            #expect(String(describing: rule).hasPrefix(rule.info.id), "\(rule) does not start with \(rule.info.id)")
        }
        #expect(RuleRegistry.all.map { $0.info.id } == RuleRegistry.all.map { $0.info.id }.sorted())
    }

    /// The issue's headline: a cgo-built net/http server on scratch.
    @Test func cgoServerOnScratch() throws {
        let path = try TestBinaries.named("go/server-cgo1").path
        let r = analyzer("scratch").check(path: path)
        let v = try #require(r.start)
        #expect(!v.ok)
        #expect(v.stage == .kernel)
        #expect(v.errno == "ENOENT")
        #expect(v.message == "exec \(path): no such file or directory")
        #expect(v.reason.contains("/lib64/ld-linux-x86-64.so.2"))
        let ids = r.findings.map(\.rule)
        #expect(ids.contains("SE101") && ids.contains("SE200"))
        let se200 = try #require(r.findings.first { $0.rule == "SE200" })
        #expect(se200.message.contains("net"))
        #expect(se200.fix.contains("CGO_ENABLED=0"))
        #expect(se200.fix.contains("GOOS=linux GOARCH=amd64"))
        #expect(se200.fix.contains("./cmd/server"))
    }

    /// Changing GOARCH drops the old architecture's refinements; defaults stay out of the line.
    @Test func rebuildLineForAnotherArchitecture() throws {
        let r = analyzer("scratch").check(path: try TestBinaries.named("go/hello-darwin-arm64").path)
        let se100 = try #require(r.findings.first { $0.rule == "SE100" })
        let command = try #require(se100.command)
        #expect(command.hasPrefix("CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build"), "\(command)")
        #expect(!command.contains("GOARM64"))
        let arm = analyzer("scratch").check(path: try TestBinaries.named("go/hello-linux-armv7").path)
        let se103 = try #require(arm.findings.first { $0.rule == "SE103" }?.command)
        #expect(!se103.contains("GOARM="), "\(se103)")
        #expect(!r.findings.contains { $0.rule == "SE402" }, "hygiene rules wait until the file is an ELF")
    }

    @Test func derivedImagePaths() {
        #expect(TargetResolver.derivedImagePath("./main") == "/main")
        #expect(TargetResolver.derivedImagePath("dist/main") == "/dist/main")
        #expect(TargetResolver.derivedImagePath("/app/main") == "/app/main")
        #expect(TargetResolver.derivedImagePath("../out/main") == "/main")
    }

    /// The verdict and the findings name the file by the path it has in the target, as the
    /// caller knows it, never by one guessed from the host path.
    @Test func imagePathComesFromTheCaller() throws {
        let b = try TestBinaries.named("go/server-cgo1")
        let r = analyzer("scratch").check(InputPath(b.path), imagePath: "/app/server", in: HostTree.host)
        #expect(r.path == b.path)
        #expect(r.imagePath == "/app/server")
        #expect(r.start?.message == "exec /app/server: no such file or directory")
        let se101 = try #require(r.findings.first { $0.rule == "SE101" })
        #expect(se101.message.contains("`exec /app/server: no such file or directory`"), "\(se101.message)")
    }
}

@Suite struct MalformedRuleTests {
    /// SE106 on a real binary cut short, and on a committed hostile fixture: it fires, names
    /// the byte offset, and the verdict says the file will not start.
    @Test func truncatedRealBinaryFiresSE106() throws {
        let path = try TestBinaries.named("c/hello-static").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let r = analyzer("scratch").check(ByteView(copying: Array(bytes.prefix(bytes.count / 2))), mode: 0o755, path: "app")
        let f = try #require(r.findings.first { $0.rule == "SE106" }, "\(r.findings.map(\.rule))")
        #expect(f.message.contains("0x"))
        #expect(r.start?.ok == false)
        #expect(r.error != nil)
    }

    @Test func hostileFixtureFiresSE106() throws {
        let p = TestPaths.hostile.appendingPathComponent("phoff-past-eof.elf").path
        let file = try MappedFile(path: p)
        let r = analyzer("scratch").check(file.view, mode: 0o755, path: "app")
        let f = try #require(r.findings.first { $0.rule == "SE106" })
        #expect(f.message.contains("e_phoff"))
        #expect(r.start?.errno == "ENOEXEC")
    }
}
