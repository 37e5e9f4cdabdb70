import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// Runtime needs, proven: a binary the rule flags really fails in an empty root with the
/// error the rule quotes, and the same program where the rule is silent really works.
@Suite(.serialized) struct RuntimeOracleTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
    }

    func findings(_ binary: String, target: String = "scratch") throws -> Set<String> {
        Set(analyzer(target).check(path: try TestBinaries.named(binary).path).findings.map(\.rule))
    }

    struct Case: CustomStringConvertible, Sendable {
        var binary: String
        var rule: String
        var fires: Bool
        var expectedOutput: String
        var description: String { "\(binary) \(fires ? "needs" : "does not need") \(rule)" }
    }

    static let cases: [Case] = [
        Case(binary: "go/tz", rule: "SE301", fires: true, expectedOutput: "unknown time zone Europe/Paris"),
        Case(binary: "go119/tz", rule: "SE301", fires: true, expectedOutput: "unknown time zone Europe/Paris"),
        Case(binary: "go/tz-timetzdata", rule: "SE301", fires: false, expectedOutput: "tz ok"),
        Case(binary: "go119/tz-timetzdata", rule: "SE301", fires: false, expectedOutput: "tz ok"),
        Case(binary: "go/userlookup-cgo0", rule: "SE302", fires: true, expectedOutput: "user: Current requires cgo or $USER"),
        Case(binary: "go/tmp-cgo0", rule: "SE303", fires: true, expectedOutput: "no such file or directory"),
        Case(binary: "go119/tmp-cgo0", rule: "SE303", fires: true, expectedOutput: "no such file or directory"),
    ]

    @Test(arguments: cases)
    func emptyRoot(_ c: Case) throws {
        #expect(try findings(c.binary).contains(c.rule) == c.fires, "\(c)")
        let observed = try Oracle.observe(try TestBinaries.named(c.binary).path)
        guard case .started(let status, let output) = observed else {
            Issue.record("\(c.binary) did not start: \(observed)")
            return
        }
        #expect(output.contains(c.expectedOutput), "\(c.binary) printed: \(output)")
        #expect((status != 0) == c.fires, "\(c.binary) exit \(status)")
    }

    /// With the files the Dockerfile fix adds, the flagged programs work, and the rule is
    /// silent against a target that holds them (distroless-static).
    @Test func theDockerfileFixMakesThemWork() throws {
        let fixes: [(String, String, (URL) throws -> Void)] = [
            ("go/userlookup-cgo0", "SE302", { root in
                try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "/etc/passwd", toPath: root.appendingPathComponent("etc/passwd").path)
                try FileManager.default.copyItem(atPath: "/etc/group", toPath: root.appendingPathComponent("etc/group").path)
            }),
            ("go/tmp-cgo0", "SE303", { root in
                let tmp = root.appendingPathComponent("tmp")
                try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
                chmod(tmp.path, 0o1777)
            }),
            ("go/tz", "SE301", { root in
                let zi = root.appendingPathComponent("usr/share/zoneinfo/Europe")
                try FileManager.default.createDirectory(at: zi, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/Europe/Paris", toPath: zi.appendingPathComponent("Paris").path)
            }),
        ]
        for (binary, rule, prepare) in fixes {
            #expect(try !findings(binary, target: "distroless-static").contains(rule), "\(rule) must be silent on distroless-static")
            let observed = try Oracle.observe(try TestBinaries.named(binary).path, prepare: prepare)
            guard case .started(let status, let output) = observed else {
                Issue.record("\(binary) did not start: \(observed)")
                continue
            }
            #expect(status == 0, "\(binary) with the fix still fails: \(output)")
        }
    }
}
