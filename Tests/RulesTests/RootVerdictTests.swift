import ELFKit
import FileTree
import Foundation
import Loader
import Rules
import Targets
import TestSupport
import Testing

/// A throwaway copy of a cached test root (hard links: cheap, and the cache is never written),
/// with /proc mounted as a container runtime mounts it.
final class RootFarm {
    let url: URL
    let proc: URL

    init(_ name: String) throws {
        let source = try TestRoots.named(name)
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-farm-\(name)-\(UUID().uuidString)")
        let cp = try run("/bin/cp", ["-al", source.path, url.path])
        try #require(cp.status == 0, "cp -al: \(cp.stderr)")
        proc = url.appendingPathComponent("proc")
        try FileManager.default.createDirectory(at: proc, withIntermediateDirectories: true)
        try #require(try run("/bin/mount", ["-t", "proc", "proc", proc.path]).status == 0, "mounting /proc")
    }

    /// Puts `binary` at /app: a hard link where it can (no file opened for writing, so no
    /// concurrent fork can make execve fail with ETXTBSY), else a copy with its mode.
    func place(_ binary: String) throws {
        let app = url.appendingPathComponent("app")
        try? FileManager.default.removeItem(at: app)
        if link(binary, app.path) != 0 { try FileManager.default.copyItem(atPath: binary, toPath: app.path) }
    }

    deinit {
        if (try? run("/bin/umount", [proc.path]).status) == 0 { try? FileManager.default.removeItem(at: url) }
    }
}

/// `--root` on real roots (debootstrap bookworm and bullseye, Debian's musl, a loader without
/// libc, libc reachable only through ld.so.cache): the verdict for every TestBinaries artifact
/// at /app equals what execve does there — stage, errno, and the loader's own first line.
@Suite(.serialized) struct RootVerdictTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot and mount")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    @Test(arguments: TestRoots.names)
    func verdictEqualsExecve(_ root: String) throws {
        let farm = try RootFarm(root)
        let target = try TargetResolver.resolve(.root(farm.url.path), platform: nil)
        let analyzer = Analyzer(target: target, platform: target.platform)
        var compared = 0
        for b in TestBinaries.all {
            try farm.place(b.path)
            let report = analyzer.check(InputPath(display: b.name, treePath: "/app"), imagePath: "/app", in: target.tree)
            let v = try #require(report.start, "\(b.name)")
            var observed = try Oracle.run(root: farm.url, args: [])
            if observed == .execFailed("ETXTBSY") { observed = try Oracle.run(root: farm.url, args: []) }
            #expect(Oracle.agrees(v, observed), "\(root) \(b.name): predicted \(v), observed \(observed)")
            if case .loaderFailed(let line) = observed {
                #expect(line.split(separator: "\n").first.map(String.init) == v.message, "\(root) \(b.name): the loader's line")
            }
            compared += 1
        }
        #expect(compared == TestBinaries.all.count)
    }

    /// Profiles are data about real images: `--target debian-slim` and a real bookworm root
    /// give every artifact the same verdict.
    @Test func debianSlimProfileEqualsABookwormRoot() throws {
        let farm = try RootFarm("bookworm")
        let real = try TargetResolver.resolve(.root(farm.url.path), platform: .host)
        let profile = try #require(TargetRoot.profile("debian-slim", platform: .host))
        for b in TestBinaries.all {
            try farm.place(b.path)
            let r = Analyzer(target: real, platform: .host).check(InputPath(display: b.name, treePath: "/app"), imagePath: "/app", in: real.tree)
            let p = Analyzer(target: profile, platform: .host).check(InputPath(b.path), imagePath: "/app", in: HostTree.host)
            let (rv, pv) = (try #require(r.start), try #require(p.start))
            #expect(rv.ok == pv.ok && rv.stage == pv.stage && rv.errno == pv.errno && rv.message == pv.message,
                    "\(b.name): root \(rv), profile \(pv)")
        }
    }

    /// One loader reads each library once per run, however many programs need it (a cache
    /// keyed by path, shared by the checking threads): loading every dynamic program of the
    /// bookworm root's /usr/bin reads libc.so.6 once, and the results equal a fresh loader's.
    @Test func eachLibraryIsReadOncePerRun() throws {
        let farm = try RootFarm("bookworm")
        let plain = try TargetResolver.resolve(.root(farm.url.path), platform: nil)
        var target = plain
        let counting = CountingTree(target.tree)
        target.tree = counting
        let shared = DynamicLoader(target: target, platform: target.platform)
        var programs = 0
        for name in try target.tree.children("/usr/bin").sorted() {
            let path = "/usr/bin/" + name
            guard (try? target.tree.lstat(path))?.kind == .regular, let bytes = try? target.tree.contents(path),
                  let elf = try? ELFFile(bytes.view), let interp = try? elf.interpreter() else { continue }
            let once = shared.load(program: elf, imagePath: path, interpreter: interp, flavor: .glibc)
            let fresh = DynamicLoader(target: plain, platform: plain.platform).load(program: elf, imagePath: path, interpreter: interp, flavor: .glibc)
            #expect(once == fresh, "\(path)")
            programs += 1
        }
        #expect(programs > 20)
        // Every path the shared loader read (libc's, under each name the loads reached it by,
        // among them), it read once.
        let libc = counting.paths.filter { $0.hasSuffix("/libc.so.6") }
        #expect(!libc.isEmpty)
        for p in counting.paths where !p.hasPrefix("/usr/bin/") {
            #expect(counting.reads { $0 == p } == 1, "\(p) read \(counting.reads { $0 == p }) times for \(programs) programs")
        }
    }

    /// The libraries the loader maps, in order, equal `ld.so --list` run inside the root, for
    /// every dynamic program of the bookworm root's /usr/bin and /usr/sbin.
    @Test func loadOrderEqualsLdSoList() throws {
        let farm = try RootFarm("bookworm")
        let target = try TargetResolver.resolve(.root(farm.url.path), platform: nil)
        let loader = DynamicLoader(target: target, platform: target.platform)
        var compared = 0
        for dir in ["/usr/bin", "/usr/sbin"] {
            for name in try target.tree.children(dir).sorted() {
                let path = dir + "/" + name
                guard (try? target.tree.lstat(path))?.kind == .regular, let bytes = try? target.tree.contents(path),
                      let elf = try? ELFFile(bytes.view), let interp = try? elf.interpreter() else { continue }
                let ours = loader.load(program: elf, imagePath: path, interpreter: interp, flavor: .glibc)
                    .objects.dropFirst(2).map { "\($0.name) \($0.path)" }
                let list = try run("/usr/sbin/chroot", [farm.url.path, interp, "--list", path])
                let theirs = list.stdout.split(separator: "\n").compactMap { line -> String? in
                    let f = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard f.count >= 3, f[1] == "=>" else { return nil }
                    return "\(f[0].trimmingCharacters(in: .whitespaces)) \(f[2])"
                }
                #expect(ours == theirs, "\(path)")
                compared += 1
            }
        }
        #expect(compared > 20, "bookworm's /usr/bin has dynamic programs")
    }
}

/// A tree that counts how often each file's contents are read.
final class CountingTree: FileTree, @unchecked Sendable {
    let inner: any FileTree
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    init(_ inner: any FileTree) { self.inner = inner }
    var name: String { inner.name }
    /// Every path read.
    var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return Array(counts.keys)
    }

    /// Reads of the paths that `match`.
    func reads(_ match: (String) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts.filter { match($0.key) }.values.reduce(0, +)
    }
    func lstat(_ path: String) throws(TreeError) -> Entry { try inner.lstat(path) }
    func readLink(_ path: String) throws(TreeError) -> String { try inner.readLink(path) }
    func contents(_ path: String) throws(TreeError) -> FileBytes {
        lock.lock()
        counts[path, default: 0] += 1
        lock.unlock()
        return try inner.contents(path)
    }
    func children(_ path: String) throws(TreeError) -> [String] { try inner.children(path) }
    func resolve(_ path: String, followLast: Bool) throws(TreeError) -> String { try inner.resolve(path, followLast: followLast) }
}

