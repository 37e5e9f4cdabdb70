import FileTree
import Foundation
import Loader
import Rules
import Targets
import TestSupport
import Testing

/// SE110 undefined-symbol against the real loaders: programs without a C library that need
/// demo_answer@MINI_2 or demo_value@MINI_2 from libmini.so.1, in tiny roots holding this
/// machine's glibc or musl loader and the new or the old libmini.so.1 (TestBinaries/build.sh's
/// symroots). The verdict and the loader's line equal execve in a copy of each root; the lazy
/// call starts and dies at the call, which SE110 says.
@Suite(.serialized) struct SymbolBindingOracleTests {
    struct Case: Sendable, CustomStringConvertible {
        var program: String
        var root: String
        var description: String { "\(program) in \(root)" }
    }

    static let cases: [Case] = ["glibc-old", "glibc-new", "musl-old", "musl-new"].flatMap { root in
        ["c/mini-call", "c/mini-call-now", "c/mini-data", "c/mini-call-musl"].map { Case(program: $0, root: root) }
    }

    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    @Test(arguments: cases)
    func verdictEqualsExecve(_ c: Case) throws {
        let source = TestPaths.out.appendingPathComponent("symroots/\(c.root)")
        let farm = FileManager.default.temporaryDirectory.appendingPathComponent("sce-sym-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: farm) }
        try #require(try run("/bin/cp", ["-a", source.path, farm.path]).status == 0)
        let binary = try TestBinaries.named(c.program).path
        try FileManager.default.copyItem(atPath: binary, toPath: farm.appendingPathComponent("app").path)
        let target = try TargetResolver.resolve(.root(farm.path), platform: nil)
        let report = Analyzer(target: target, platform: target.platform)
            .check(InputPath(display: c.program, treePath: "/app"), imagePath: "/app", in: target.tree)
        let v = try #require(report.start)
        let observed = try Oracle.run(root: farm, args: [])
        #expect(Oracle.agrees(v, observed), "predicted \(v), observed \(observed)")
        if case .loaderFailed(let text) = observed {
            #expect(text.split(separator: "\n").first.map(String.init) == v.message, "the loader's line")
        }
        let se110 = report.findings.filter { $0.rule == "SE110" }
        let old = c.root.hasSuffix("-old")
        let sameLibc = c.program.hasSuffix("-musl") == c.root.hasPrefix("musl")
        // Fires exactly where the loader finds an old libmini.so.1 and cannot bind the symbol.
        #expect(se110.isEmpty == !(old && sameLibc), "SE110: \(se110.map(\.message))")
        if case .started(let status, let output) = observed, old && sameLibc {
            // The lazy call: it starts ("started"), then dies at the call with status 127.
            #expect(status == 127 && output.contains("started") && output.contains("symbol lookup error"))
            #expect(se110.first?.message.contains("bound at first call") == true)
            let u = try #require(report.load?.undefinedSymbols?.first)
            #expect(!u.atStart && u.name == "demo_answer" && u.version == "MINI_2")
        }
    }
}
