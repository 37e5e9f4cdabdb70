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

    /// x32 (ELF32 + x86-64), built here with `gcc -mx32`: a kernel without CONFIG_X86_X32
    /// (Debian's, Docker Desktop's) says ENOEXEC, as this one does; one verdict, SE103 alone,
    /// also for the dynamic one whose /libx32 loader is absent.
    @Test func x32IsOneVerdict() throws {
        let gcc = try #require(which("gcc"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-x32-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = dir.appendingPathComponent("start.S")
        try ".globl _start\n_start:\n mov $60,%eax\n xor %edi,%edi\n syscall\n".write(to: src, atomically: true, encoding: .utf8)
        let dynamic = dir.appendingPathComponent("x32d").path, stat = dir.appendingPathComponent("x32s").path
        let a = try run(gcc, ["-mx32", "-nostdlib", "-static", "-o", stat, src.path])
        let b = try run(gcc, ["-mx32", "-nostdlib", "-o", dynamic, src.path, "-Wl,--dynamic-linker=/libx32/ld-linux-x32.so.2"])
        try #require(a.status == 0 && b.status == 0, "gcc -mx32: \(a.stderr) \(b.stderr)")
        // What this kernel does with it.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: stat)
        var refused = false
        do { try p.run(); p.waitUntilExit() } catch { refused = true }
        let amd64 = try #require(Platform(parsing: "linux/amd64"))
        let scratch = try #require(TargetRoot.profile("scratch", platform: amd64))
        for path in [stat, dynamic] {
            let r = Analyzer(target: scratch, platform: amd64).check(path: path)
            let rules = r.findings.filter { $0.severity == .error }.map(\.rule)
            #expect(rules == ["SE103"], "\(path): \(rules)")
            #expect(r.start?.errno == "ENOEXEC")
            #expect(r.facts?.elf?.machine == "x32")
        }
        #expect(refused, "this kernel executes x32: the prediction assumes it does not")
    }
}
