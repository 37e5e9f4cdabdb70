import ELFKit
import FileTree
import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// A real root on the host as the target, through `HostTree(root:)`: the verdict for a program
/// placed at a path of the root equals what execve does there. `$ORIGIN` is the directory the
/// program has in the target (known here, never guessed from the host path).
@Suite(.serialized) struct RootedTargetOracleTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    /// A root with this machine's glibc loader and libc at Debian's paths, the program at
    /// `/srv/bin/app`, and libdemo.so.1 at `libDir` (or nowhere).
    static func root(libDir: String?) throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sce-rooted-\(UUID().uuidString)")
        func put(_ host: String, _ inRoot: String) throws {
            let dst = root.appendingPathComponent(inRoot)
            try fm.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(atPath: URL(fileURLWithPath: host).resolvingSymlinksInPath().path, toPath: dst.path)
        }
        try put("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2")
        try put("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6")
        try put(try TestBinaries.named("c/uselib-runpath-origin").path, "srv/bin/app")
        if let libDir { try put(try TestBinaries.named("c/libdemo.so").path, libDir + "/libdemo.so.1") }
        return root
    }

    static func target(_ root: URL) -> TargetRoot {
        TargetRoot(name: "rootfs", tree: HostTree(root: root.path), libc: Libc(.glibc, nil),
                   librarySearchPath: ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"])
    }

    @Test(arguments: [("srv/bin/lib", true), ("srv/lib", false), ("lib", true)])
    func runpathOriginIsTheProgramsDirectory(_ c: (libDir: String, starts: Bool)) throws {
        try #require(Platform.host.architecture == "amd64", "the root is built from this machine's x86-64 glibc")
        let root = try Self.root(libDir: c.libDir)
        // A container runtime mounts /proc, and glibc finds the main program's $ORIGIN through
        // /proc/self/exe: without it the $ORIGIN element is dropped (elf/dl-origin.c).
        let proc = root.appendingPathComponent("proc")
        try FileManager.default.createDirectory(at: proc, withIntermediateDirectories: true)
        try #require(try run("/bin/mount", ["-t", "proc", "proc", proc.path]).status == 0, "mounting /proc in the root")
        defer {
            if (try? run("/bin/umount", [proc.path]).status) == 0 { try? FileManager.default.removeItem(at: root) }
        }
        let tree = HostTree(root: root.path)
        let report = Analyzer(target: Self.target(root), platform: .host)
            .check(InputPath(display: "app", treePath: "/srv/bin/app"), imagePath: "/srv/bin/app", in: tree)
        let v = try #require(report.start)
        let observed = try Oracle.run(root: root, path: "/srv/bin/app", args: [])
        #expect(Oracle.agrees(v, observed), "predicted \(v), observed \(observed)")
        #expect(v.ok == c.starts, "\(v)")
        if c.starts {
            #expect(observed == .started(status: 0, output: "42\n"))
        } else {
            #expect(v.message == "/srv/bin/app: error while loading shared libraries: libdemo.so.1: cannot open shared object file: No such file or directory")
            #expect(report.findings.contains { $0.rule == "SE102" })
        }
    }
}
