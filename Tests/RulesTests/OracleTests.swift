import ELFKit
import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// What really happens when a binary is exec'ed in a root: the ground truth the verdict is
/// compared with. TestBinaries' exec-in-root helper chroots into the root and calls execve
/// directly (no shell fallback), printing `EXEC-FAILED <ERRNO> <n>` when execve fails.
enum Observed: Equatable, CustomStringConvertible {
    case started(status: Int32, output: String)
    case execFailed(String)
    case loaderFailed(String)
    case signal(Int32)

    var description: String {
        switch self {
        case .started(let s, let o): return "started (exit \(s)): \(o.prefix(80))"
        case .execFailed(let e): return "execve failed: \(e)"
        case .loaderFailed(let m): return "loader failed: \(m.prefix(120))"
        case .signal(let s): return "killed by signal \(s)"
        }
    }
}

enum Oracle {
    static var helper: String { TestPaths.out.appendingPathComponent("tools/exec-in-root").path }

    /// Copies `binary` to /app in a fresh root (optionally prepared by `prepare`) and execs it.
    static func observe(_ binary: String, args: [String] = [], prepare: (URL) throws -> Void = { _ in }) throws -> Observed {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sce-root-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        try prepare(root)
        let app = root.appendingPathComponent("app")
        // A hard link opens no file for writing: a concurrent fork elsewhere in the test run
        // cannot inherit a write descriptor and make execve fail with ETXTBSY.
        if link(binary, app.path) != 0 { try fm.copyItem(atPath: binary, toPath: app.path) }
        for _ in 0..<20 {
            let o = try run(root: root, args: args)
            if o != .execFailed("ETXTBSY") { return o }
            usleep(50_000)
        }
        return .execFailed("ETXTBSY")
    }

    static func run(root: URL, path: String = "/app", args: [String]) throws -> Observed {

        let p = Process()
        p.executableURL = URL(fileURLWithPath: helper)
        p.arguments = [root.path, path] + args
        p.environment = [:]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationReason == .uncaughtSignal { return .signal(p.terminationStatus) }
        if p.terminationStatus == 126, let line = e.split(separator: "\n").first(where: { $0.hasPrefix("EXEC-FAILED ") }) {
            return .execFailed(String(line.split(separator: " ")[1]))
        }
        if p.terminationStatus == 127, e.contains("error while loading shared libraries") || e.contains("No such file or directory") && e.contains(".so") {
            return .loaderFailed(e)
        }
        // A missing symbol version is reported per object and then glibc's loader exits 1, not
        // 127 (elf/rtld.c, version_check_doit): "/app: /lib/x86_64-linux-gnu/libc.so.6: version
        // `GLIBC_2.34' not found (required by /app)".
        if p.terminationStatus == 1, e.contains(": version `"), e.contains("' not found (required by ") {
            return .loaderFailed(e)
        }
        // glibc's loader binding a symbol nothing defines before main (BIND_NOW, a data
        // reference): "/app: symbol lookup error: /app: undefined symbol: x", exit 127 and no
        // output yet. With output first, the program started and died at a lazy call.
        if p.terminationStatus == 127, o.isEmpty, e.contains(": symbol lookup error: ") {
            return .loaderFailed(e)
        }
        // musl's loader: "Error relocating /app: sym: symbol not found", exit 127.
        if p.terminationStatus == 127, e.hasPrefix("Error relocating ") || e.contains("\nError relocating ") {
            return .loaderFailed(e)
        }
        return .started(status: p.terminationStatus, output: o + e)
    }

    /// Does the prediction match what was observed?
    static func signalName(_ s: Int32) -> String {
        [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGSYS: "SIGSYS", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT"][s] ?? "signal \(s)"
    }

    static func agrees(_ v: StartVerdict, _ o: Observed) -> Bool {
        switch o {
        case .started: return v.ok
        case .execFailed(let errno): return !v.ok && v.stage == .kernel && v.errno == errno
        case .loaderFailed: return !v.ok && v.stage == .loader
        case .signal(let s):
            // A truncated segment raises SIGBUS (7), a jump to address 0 SIGSEGV (11).
            if !v.ok && v.errno == nil {
                if case .truncatedSegments = v.cause { return s == SIGBUS || s == SIGSEGV }
                if case .noEntryPoint = v.cause { return s == SIGSEGV }
                // A library's e_entry is some function entered with no set-up: it faults.
                if case .sharedLibrary = v.cause { return [SIGSEGV, SIGBUS, SIGILL].contains(s) }
                if case .debugInfoFile = v.cause { return [SIGSEGV, SIGBUS, SIGILL].contains(s) }
                // A program for another OS: execve succeeds and it dies as its message says.
                if case .wrongOS = v.cause { return v.stage == .program && v.message?.contains("killed by \(signalName(s)) ") == true }
            }
            return false
        }
    }
}

@Suite(.serialized) struct OracleTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    /// Every TestBinaries artifact: the verdict on scratch equals what execve does in an empty root.
    @Test(arguments: TestBinaries.all)
    func scratchVerdictMatchesExecve(_ b: TestBinary) throws {
        let host = Platform.host
        let scratch = try #require(TestProfiles.scratch(host))
        let predicted = Analyzer(target: scratch, platform: host).check(path: b.path)
        let v = try #require(predicted.start)
        let observed = try Oracle.observe(b.path)
        #expect(Oracle.agrees(v, observed), "\(b.name): predicted \(v.ok ? "starts" : "\(v.stage?.rawValue ?? "-") \(v.errno ?? "-"): \(v.reason)"), observed \(observed)")
    }

    /// The committed hostile fixtures, made executable: the verdict matches the kernel even on
    /// files our reader rejects (an invalid EI_CLASS still runs: binfmt_elf checks e_machine).
    @Test func hostileFixturesAgreeWithExecve() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.hostile.path)
            .filter { !$0.hasSuffix(".py") && !$0.hasSuffix(".tsv") && !$0.hasPrefix("loop-") }.sorted()
        try #require(names.count >= 20)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = Platform.host
        let scratch = try #require(TestProfiles.scratch(host))
        for name in names {
            let p = dir.appendingPathComponent(name)
            try FileManager.default.copyItem(at: TestPaths.hostile.appendingPathComponent(name), to: p)
            chmod(p.path, 0o755)
            let v = try #require(Analyzer(target: scratch, platform: host).check(path: p.path).start)
            let observed = try Oracle.observe(p.path)
            #expect(Oracle.agrees(v, observed), "\(name): predicted \(v.ok ? "starts" : "\(v.errno ?? "-") \(v.reason)"), observed \(observed)")
        }
    }

    /// Mutated copies of real binaries: whatever the verdict says, execve agrees.
    @Test func truncatedBinariesAgreeWithExecve() throws {
        let src = try Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named("c/hello-static").path))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for length in [0, 3, 20, 63, 64, 100, 300, 4000, src.count / 2, src.count - 100] {
            let p = dir.appendingPathComponent("t\(length)")
            try src.prefix(length).write(to: p)
            chmod(p.path, 0o755)
            let host = Platform.host
            let scratch = try #require(TestProfiles.scratch(host))
            let v = try #require(Analyzer(target: scratch, platform: host).check(path: p.path).start)
            let observed = try Oracle.observe(p.path)
            #expect(Oracle.agrees(v, observed), "truncated to \(length): predicted \(v.ok ? "starts" : "\(v.errno ?? "-") \(v.reason)"), observed \(observed)")
        }
    }
}

enum TestProfiles {
    static func scratch(_ p: Platform) -> TargetRoot? { TargetRoot.profile("scratch", platform: p) }
}
