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
