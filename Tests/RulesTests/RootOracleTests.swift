import Foundation
import Targets
import TestSupport
import Testing

/// The oracle in real roots: every TestBinaries artifact exec'ed as /app in each root of
/// `TestBinaries/make-roots.sh` (bookworm, bullseye, musl, glibc-noc, glibc-cacheonly), through
/// exec-in-root (chroot + direct execve) as `Oracle` does on scratch.
///
/// The cached roots are never modified: each root gets one throwaway hard-link farm
/// (`cp -al ROOT`, a few thousand links, 0.3 s for bookworm) under `STATICCHECK_ROOTS/.farms`
/// (the same file system, so the links can be made), and /app is swapped in it between runs.
/// The farm's directories are its own, so files a program creates or removes (go/tmp-cgo0 writes
/// in /tmp) stay in the farm; only a write into an existing file would reach the cache through
/// the shared inode, and no artifact writes one. No /proc is mounted: glibc then cannot find the
/// main program's $ORIGIN, which changes nothing here (c/uselib-runpath-origin's `$ORIGIN/lib`
/// is /lib for /app, and no root has libdemo.so.1 there).
enum RootOracle {
    /// A hard-link copy of a cached root; `observe` links the artifact to /app, runs it, unlinks it.
    final class Farm: @unchecked Sendable {
        let root: String
        let dir: URL
        private let lock = NSLock()

        struct Failed: Error, CustomStringConvertible { var description: String }

        init(root: String) throws {
            self.root = root
            let source = try TestRoots.named(root)
            let farms = TestRoots.directory.appendingPathComponent(".farms")
            try FileManager.default.createDirectory(at: farms, withIntermediateDirectories: true)
            dir = farms.appendingPathComponent("\(root)-\(UUID().uuidString)")
            let r = try run("/bin/cp", ["-al", source.path, dir.path])
            guard r.status == 0 else { throw Failed(description: "cp -al \(source.path): \(r.stderr)") }
        }

        func observe(_ path: String, args: [String] = []) throws -> Observed {
            lock.lock()
            defer { lock.unlock() }
            let app = dir.appendingPathComponent("app").path
            unlink(app)
            defer { unlink(app) }
            // A hard link opens no file for writing (no ETXTBSY from a concurrent fork); a copy
            // only when the corpus is on another file system.
            if link(path, app) != 0 { try FileManager.default.copyItem(atPath: path, toPath: app) }
            for _ in 0..<20 {
                let o = try Oracle.run(root: dir, args: args)
                if o != .execFailed("ETXTBSY") { return o }
                usleep(50_000)
            }
            return .execFailed("ETXTBSY")
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    private final class Shared: @unchecked Sendable {
        let lock = NSLock()
        var farms: [String: Farm] = [:]
        var seen: [String: Observed] = [:]
    }
    private static let shared = Shared()

    /// The shared farm of a root, made on first use and removed when the test process exits.
    static func farm(_ root: String) throws -> Farm {
        shared.lock.lock()
        defer { shared.lock.unlock() }
        if let f = shared.farms[root] { return f }
        if shared.farms.isEmpty { atexit { RootOracle.removeFarms() } }
        let f = try Farm(root: root)
        shared.farms[root] = f
        return f
    }

    static func removeFarms() {
        shared.lock.lock()
        defer { shared.lock.unlock() }
        for f in shared.farms.values { f.remove() }
        shared.farms = [:]
    }

    /// What execve of `binary` as /app in `root` (a `TestRoots.names` entry) does. Deterministic,
    /// so remembered for the process: a verdict comparison after this suite runs nothing again.
    static func observe(binary: TestBinary, root: String) throws -> Observed {
        let key = root + "\u{0}" + binary.path
        if let o = shared.lock.withLock({ shared.seen[key] }) { return o }
        let o = try farm(root).observe(binary.path)
        shared.lock.withLock { shared.seen[key] = o }
        return o
    }

    /// What was observed on 2026-12-03 (TestBinaries/make-roots.sh roots: bookworm glibc
    /// 2.36-9+deb12u14, bullseye glibc 2.31-13+deb11u11, musl 1.2.3-1; corpus built by
    /// TestBinaries/build.sh with gcc 12 and glibc 2.36, Go 1.19 and current Go), in the form
    /// of `Observed.outcome`, one column per root in `TestRoots.names` order. Printed by
    /// `STATICCHECK_ROOT_ORACLE_PRINT=1 swift test --filter RootOracle`. Worth knowing when reading
    /// it: `loader: version V` is the first missing version glibc reports (Go 1.19's cgo binaries
    /// need GLIBC_2.32 before 2.34), and glibc's loader exits 1 there, not 127; scripts/hello.py's
    /// `exit 127` in the Debian roots is /usr/bin/env, started by the kernel, not finding python3.
    static let columns = TestRoots.names
    static let recorded: [String: [String]] = [
        // artifact                         bookworm                bullseye                      musl              glibc-noc                 glibc-cacheonly
        "go119/hello-cgo0":                 ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/server-cgo0":                ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/server-cgo1":                ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go119/server-cgo1-sw":             ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go119/server-cgo0-trimpath-sw-X":  ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/server-pie-cgo0":            ["exit 0",               "exit 0",                     "execve ENOENT",  "exit 0",                 "exit 0"],
        "go119/server-cgo1-extstatic":      ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/server-cgo1-netgo-osusergo": ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/userlookup-cgo1":            ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 1"],
        "go119/userlookup-cgo1-osusergo":   ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go119/userlookup-cgo0":            ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go119/tz":                         ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go119/tz-timetzdata":              ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/tmp-cgo0":                   ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go119/sqlite-cgo1":                ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go119/sqlite-musl-static":         ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/plugin-cgo1":                ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/hello-cgo0":                    ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/server-cgo0":                   ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/server-cgo1":                   ["exit 0",               "loader: version GLIBC_2.34", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/server-cgo1-sw":                ["exit 0",               "loader: version GLIBC_2.34", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/server-cgo0-trimpath-sw-X":     ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/server-pie-cgo0":               ["exit 0",               "exit 0",                     "execve ENOENT",  "exit 0",                 "exit 0"],
        "go/server-cgo1-extstatic":         ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/server-cgo1-netgo-osusergo":    ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/userlookup-cgo1":               ["exit 0",               "loader: version GLIBC_2.34", "execve ENOENT",  "loader: libc.so.6",      "exit 1"],
        "go/userlookup-cgo1-osusergo":      ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go/userlookup-cgo0":               ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go/tz":                            ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go/tz-timetzdata":                 ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/tmp-cgo0":                      ["exit 0",               "exit 0",                     "exit 1",         "exit 1",                 "exit 1"],
        "go/sqlite-cgo1":                   ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/sqlite-musl-static":            ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/plugin-cgo1":                   ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/server-pie-ext-cgo1":           ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/server-pie-ext-cgo1-sw":        ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go119/server-pie-ext-cgo1":        ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go119/server-pie-ext-cgo1-sw":     ["exit 0",               "loader: version GLIBC_2.32", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "go/hello-linux-arm64":             ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-386":               ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go/hello-linux-armv7":             ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-riscv64":           ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-s390x":             ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-ppc64":             ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-ppc64le":           ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-mips":              ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-mipsle":            ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-mips64":            ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-linux-loong64":           ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-darwin-amd64":            ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-darwin-arm64":            ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-windows-amd64":           ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go119/hello-linux-arm64":          ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go119/hello-linux-386":            ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "go119/hello-linux-s390x":          ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go119/hello-linux-mips":           ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go119/hello-darwin-amd64":         ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "go/hello-freebsd-amd64":           ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go/hello-freebsd-386":             ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go/hello-netbsd-amd64":            ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go/hello-netbsd-386":              ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go/hello-openbsd-amd64":           ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go/hello-openbsd-386":             ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go/hello-dragonfly-amd64":         ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go/hello-solaris-amd64":           ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go/hello-illumos-amd64":           ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go119/hello-freebsd-amd64":        ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go119/hello-freebsd-386":          ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go119/hello-netbsd-amd64":         ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go119/hello-netbsd-386":           ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go119/hello-openbsd-amd64":        ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go119/hello-openbsd-386":          ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "go119/hello-dragonfly-amd64":      ["signal 11",          "signal 11",                  "signal 11",     "signal 11",             "signal 11"],
        "go119/hello-solaris-amd64":        ["execve ENOENT",      "execve ENOENT",              "execve ENOENT", "execve ENOENT",         "execve ENOENT"],
        "c/hello-dynamic":                  ["exit 0",               "loader: version GLIBC_2.34", "execve ENOENT",  "loader: libc.so.6",      "exit 0"],
        "c/hello-static":                   ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "c/hello-static-pie":               ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "c/hello-m32":                      ["execve ENOENT",        "execve ENOENT",              "execve ENOENT",  "execve ENOENT",          "execve ENOENT"],
        "c/hello-cxx":                      ["exit 0",               "loader: version GLIBC_2.34", "execve ENOENT",  "loader: libstdc++.so.6", "loader: libstdc++.so.6"],
        "c/hello-musl-dynamic":             ["execve ENOENT",        "execve ENOENT",              "exit 0",         "execve ENOENT",          "execve ENOENT"],
        "c/hello-musl-static":              ["exit 0",               "exit 0",                     "exit 0",         "exit 0",                 "exit 0"],
        "c/libdemo.so":                     ["signal 11",            "signal 11",                  "signal 11",      "signal 11",              "signal 11"],
        "c/libdemo-entry.so":               ["signal 11",            "signal 11",                  "signal 11",      "signal 11",              "signal 11"],
        "c/hello-dynamic.debug":            ["execve ENOEXEC",       "execve ENOEXEC",             "execve ENOEXEC", "execve ENOEXEC",         "execve ENOEXEC"],
        "c/hello-static.debug":             ["signal 11",            "signal 11",                  "signal 11",      "signal 11",              "signal 11"],
        "c/uselib-runpath-origin":          ["loader: libdemo.so.1", "loader: libdemo.so.1",       "execve ENOENT",  "loader: libdemo.so.1",   "loader: libdemo.so.1"],
        "c/libmini.so":                     ["signal 11",            "signal 11",                  "signal 11",      "signal 11",              "signal 11"],
        "c/libmini-old.so":                 ["signal 11",            "signal 11",                  "signal 11",      "signal 11",              "signal 11"],
        "c/mini-call":                      ["loader: libmini.so.1", "loader: libmini.so.1",       "execve ENOENT",  "loader: libmini.so.1",   "loader: libmini.so.1"],
        "c/mini-call-now":                  ["loader: libmini.so.1", "loader: libmini.so.1",       "execve ENOENT",  "loader: libmini.so.1",   "loader: libmini.so.1"],
        "c/mini-data":                      ["loader: libmini.so.1", "loader: libmini.so.1",       "execve ENOENT",  "loader: libmini.so.1",   "loader: libmini.so.1"],
        "c/mini-call-musl":                 ["execve ENOENT",        "execve ENOENT",              "loader: libmini.so.1", "execve ENOENT",    "execve ENOENT"],
        "c/hello.o":                        ["execve EACCES",        "execve EACCES",              "execve EACCES",  "execve EACCES",          "execve EACCES"],
        "c/libdemo.a":                      ["execve EACCES",        "execve EACCES",              "execve EACCES",  "execve EACCES",          "execve EACCES"],
        "c/hello-noexec":                   ["execve EACCES",        "execve EACCES",              "execve EACCES",  "execve EACCES",          "execve EACCES"],
        "scripts/lf.sh":                    ["exit 0",               "exit 0",                     "execve ENOENT",  "execve ENOENT",          "execve ENOENT"],
        "scripts/crlf.sh":                  ["execve ENOENT",        "execve ENOENT",              "execve ENOENT",  "execve ENOENT",          "execve ENOENT"],
        "scripts/hello.py":                 ["exit 127",             "exit 127",                   "execve ENOENT",  "execve ENOENT",          "execve ENOENT"],
        "scripts/lf-noexec.sh":             ["execve EACCES",        "execve EACCES",              "execve EACCES",  "execve EACCES",          "execve EACCES"],
    ]
}

extension Observed {
    /// The outcome in a few stable words: `exit N` (the program ran), `execve ERRNO`,
    /// `loader: NAME` (a library the loader did not find), `loader: version V` (a symbol version
    /// it did not find), `signal N`.
    var outcome: String {
        switch self {
        case .started(let status, _): return "exit \(status)"
        case .execFailed(let errno): return "execve \(errno)"
        case .signal(let s): return "signal \(s)"
        case .loaderFailed(let m):
            func between(_ a: String, _ b: String) -> Substring? {
                guard let r = m.range(of: a), let e = m[r.upperBound...].range(of: b) else { return nil }
                return m[r.upperBound..<e.lowerBound]
            }
            if let v = between(": version `", "'") { return "loader: version \(v)" }
            if let l = between("error while loading shared libraries: ", ": ") { return "loader: \(l)" }
            if let l = between("Error loading shared library ", ": ") { return "loader: \(l)" }
            return "loader"
        }
    }
}

@Suite(.serialized, .enabled(if: TestRoots.configured, "the roots are not built: run `make roots`"))
struct RootOracleTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
        try #require(Platform.host.architecture == "amd64", "the roots are amd64")
    }

    static func row(_ name: String, _ outcomes: [String]) -> String {
        "        \"\(name)\": [" + outcomes.map { "\"\($0)\"" }.joined(separator: ", ") + "],"
    }

    /// Every artifact in the root: the outcome is the recorded one, and the facts certain today hold.
    @Test(arguments: TestRoots.names)
    func everyArtifact(_ root: String) throws {
        let column = try #require(RootOracle.columns.firstIndex(of: root))
        let t0 = Date()
        _ = try RootOracle.farm(root)
        let tFarm = Date().timeIntervalSince(t0)
        var seen: [String: Observed] = [:]
        for b in TestBinaries.all {
            let o = try RootOracle.observe(binary: b, root: root)
            seen[b.name] = o
            if let rec = RootOracle.recorded[b.name] {
                #expect(o.outcome == rec[column], "\(root): \(b.name): recorded \(rec[column]), observed \(o)")
            } else {
                Issue.record("\(b.name) is not in RootOracle.recorded: add its row (printTable prints them)")
            }
        }
        print("RootOracle \(root): \(seen.count) artifacts in \(String(format: "%.1f", Date().timeIntervalSince(t0)))s (farm \(String(format: "%.1f", tFarm))s)")
        #expect(!FileManager.default.fileExists(atPath: try TestRoots.named(root).appendingPathComponent("app").path), "the cached root was modified")

        func started(_ name: String, _ output: String) {
            guard case .started(0, let out)? = seen[name], out.contains(output) else {
                Issue.record("\(root): \(name) should start and print \(output): \(seen[name].map { "\($0)" } ?? "not run")")
                return
            }
        }
        func loaderFailed(_ name: String, _ message: String) {
            guard case .loaderFailed(let m)? = seen[name], m.contains(message) else {
                Issue.record("\(root): \(name) should fail in the loader with \(message): \(seen[name].map { "\($0)" } ?? "not run")")
                return
            }
        }
        func execFailed(_ name: String, _ errno: String) {
            #expect(seen[name] == .execFailed(errno), "\(root): \(name)")
        }
        switch root {
        case "bookworm":
            started("go/server-cgo1", "server ok")
            started("go119/server-cgo1", "server ok")
            started("c/hello-dynamic", "hello from c")
            started("c/hello-cxx", "hello from C++")
            started("scripts/lf.sh", "hello from sh")
            execFailed("c/hello-musl-dynamic", "ENOENT")
        case "bullseye":
            // c/hello-dynamic needs __libc_start_main@GLIBC_2.34 (objdump -T), as every program
            // gcc links against glibc >= 2.34 does.
            loaderFailed("c/hello-dynamic", "libc.so.6: version `GLIBC_2.34' not found (required by /app)")
            loaderFailed("go/server-cgo1", "version `GLIBC_2.34' not found")
            started("go/server-cgo0", "server ok")
            started("c/hello-static", "hello from c")
            started("scripts/lf.sh", "hello from sh")
        case "musl":
            started("c/hello-musl-dynamic", "hello from c")
            execFailed("c/hello-dynamic", "ENOENT")  // no /lib64/ld-linux-x86-64.so.2
            execFailed("go/server-cgo1", "ENOENT")
            execFailed("scripts/lf.sh", "ENOENT")    // no /bin/sh
        case "glibc-noc":
            loaderFailed("c/hello-dynamic", "error while loading shared libraries: libc.so.6: cannot open shared object file")
            loaderFailed("go/server-cgo1", "libc.so.6: cannot open shared object file")
            started("go/server-pie-cgo0", "server ok")  // PT_INTERP, no DT_NEEDED: the loader alone
        case "glibc-cacheonly":
            started("c/hello-dynamic", "hello from c")
            started("go/server-cgo1", "server ok")
            loaderFailed("c/hello-cxx", "libstdc++.so.6: cannot open shared object file")
        default:
            Issue.record("no facts for root \(root)")
        }
    }

    /// glibc-cacheonly's libc is reachable only through /etc/ld.so.cache: without it (in a farm of
    /// its own, the cached root untouched) the loader does not find libc.so.6.
    @Test func cacheOnlyRootNeedsItsCache() throws {
        let farm = try RootOracle.Farm(root: "glibc-cacheonly")
        defer { farm.remove() }
        let hello = try TestBinaries.named("c/hello-dynamic").path
        #expect(try farm.observe(hello) == .started(status: 0, output: "hello from c\n"))
        #expect(unlink(farm.dir.appendingPathComponent("etc/ld.so.cache").path) == 0)
        let o = try farm.observe(hello)
        #expect(o.outcome == "loader: libc.so.6", "\(o)")
        #expect(FileManager.default.fileExists(atPath: try TestRoots.named("glibc-cacheonly").appendingPathComponent("etc/ld.so.cache").path))
    }

    /// The recorded table as Swift, to paste into `RootOracle.recorded` after a change of the
    /// corpus or the roots (each outcome reviewed). Runs only when asked.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["STATICCHECK_ROOT_ORACLE_PRINT"] != nil))
    func printTable() throws {
        var lines: [String] = []
        for b in TestBinaries.all {
            lines.append(Self.row(b.name, try RootOracle.columns.map { try RootOracle.observe(binary: b, root: $0).outcome }))
        }
        print(lines.joined(separator: "\n"))
    }
}
