import ELFKit
import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// One verdict, one cause: a program of another machine is ENOEXEC before any interpreter is
/// opened, so the loader's rules stay silent beside SE103; less common machines have names.
@Suite struct ConsistencyTests {
    @Test func wrongArchitectureIsNotAlsoAMissingInterpreter() throws {
        // An i386 dynamic program (PT_INTERP /lib/ld-linux.so.2) checked for linux/arm64.
        let arm64 = try #require(Platform(parsing: "linux/arm64"))
        let t = try #require(TargetRoot.profile("scratch", platform: arm64))
        let r = Analyzer(target: t, platform: arm64).check(path: try TestBinaries.named("c/hello-m32").path)
        let rules = r.findings.map(\.rule)
        #expect(r.start?.errno == "ENOEXEC")
        #expect(rules.contains("SE103") && !rules.contains("SE101") && !rules.contains("SE102"), "\(rules)")
        // On amd64 (compat mode) the same file's missing loader is the verdict and SE101 fires.
        let amd64 = try #require(Platform(parsing: "linux/amd64"))
        let onAmd64 = Analyzer(target: try #require(TargetRoot.profile("scratch", platform: amd64)), platform: amd64)
            .check(path: try TestBinaries.named("c/hello-m32").path)
        #expect(onAmd64.findings.map(\.rule).contains("SE101"))
    }

    @Test func lessCommonMachinesHaveNames() {
        let names: [(UInt16, String)] = [(4, "m68k"), (50, "ia64"), (18, "sparc32plus"), (247, "bpf"), (252, "csky"),
                                         (41, "alpha"), (0x9026, "alpha"), (45, "arc"), (195, "arcv2"), (9999, "em-9999")]
        for (raw, name) in names {
            #expect(Machine(rawValue: raw).factName(bits: 64, order: .little) == name)
        }
    }

    @Test func dockerPlatformsOnlyInSuggestions() throws {
        let r = analyzer("scratch").check(path: try TestBinaries.named("go/hello-linux-ppc64").path)
        let fix = try #require(r.findings.first { $0.rule == "SE103" }?.fix)
        #expect(!fix.contains("--platform linux/ppc64"), "\(fix)")
        let arm = analyzer("scratch").check(path: try TestBinaries.named("go/hello-linux-arm64").path)
        #expect(arm.findings.first { $0.rule == "SE103" }?.fix.contains("--platform linux/arm64") == true)
    }
}
