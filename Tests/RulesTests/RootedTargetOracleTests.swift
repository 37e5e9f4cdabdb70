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

    /// A root with this machine's glibc, `binary` at `/app/main`, then `prepare` run on it; the
    /// verdict through `--root`'s own resolver and the truth from execve, with /proc mounted.
    static func compare(_ binary: String, prepare: (URL) throws -> Void) throws -> (StartVerdict, Observed, FileReport) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sce-rooted-\(UUID().uuidString)")
        func put(_ host: String, _ inRoot: String) throws {
            let dst = root.appendingPathComponent(inRoot)
            try fm.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(atPath: URL(fileURLWithPath: host).resolvingSymlinksInPath().path, toPath: dst.path)
        }
        try put("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2")
        try put("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6")
        try put(try TestBinaries.named(binary).path, "app/main")
        try prepare(root)
        let proc = root.appendingPathComponent("proc")
        try fm.createDirectory(at: proc, withIntermediateDirectories: true)
        try #require(try run("/bin/mount", ["-t", "proc", "proc", proc.path]).status == 0, "mounting /proc in the root")
        defer {
            if (try? run("/bin/umount", [proc.path]).status) == 0 { try? fm.removeItem(at: root) }
        }
        let target = try TargetResolver.resolve(.root(root.path), platform: nil)
        let report = Analyzer(target: target, platform: target.platform)
            .check(InputPath(display: "main", treePath: "/app/main"), imagePath: "/app/main", in: target.tree)
        let v = try #require(report.start)
        return (v, try Oracle.run(root: root, path: "/app/main", args: []), report)
    }

    /// The kernel's checks of the interpreter: a directory, a file too short for an ELF header,
    /// a file that is not ELF, an ELF of another machine.
    @Test(arguments: ["directory", "short", "text", "i386", "noexec"])
    func interpreterTheKernelRejects(_ kind: String) throws {
        try #require(Platform.host.architecture == "amd64", "built from this machine's x86-64 glibc")
        let (v, observed, _) = try Self.compare("c/hello-dynamic") { root in
            let ld = root.appendingPathComponent("lib64/ld-linux-x86-64.so.2")
            try FileManager.default.removeItem(at: ld)
            switch kind {
            case "directory": try FileManager.default.createDirectory(at: ld, withIntermediateDirectories: true)
            case "short": try Data([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).write(to: ld)
            case "text": try Data(String(repeating: "not an ELF file\n", count: 256).utf8).write(to: ld)
            case "noexec": try FileManager.default.copyItem(atPath: "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", toPath: ld.path)
            default: try FileManager.default.copyItem(atPath: URL(fileURLWithPath: "/lib/ld-linux.so.2").resolvingSymlinksInPath().path, toPath: ld.path)
            }
            // The kernel opens the interpreter for execution: it needs an x bit too.
            if kind != "directory" { try FileManager.default.setAttributes([.posixPermissions: kind == "noexec" ? 0o644 : 0o755], ofItemAtPath: ld.path) }
        }
        let expected = ["directory": "EACCES", "short": "EIO", "text": "ELIBBAD", "i386": "ELIBBAD", "noexec": "EACCES"][kind]
        #expect(observed == .execFailed(expected ?? ""), "\(observed)")
        #expect(v.stage == .kernel && v.errno == expected, "\(v)")
        #expect(Oracle.agrees(v, observed))
    }

    /// glibc skips a library of the wrong class and keeps searching; when only such a file is
    /// there it says so (`wrong ELF class: ELFCLASS32`).
    @Test(arguments: [true, false])
    func wrongClassLibraryIsSkipped(_ rightOneLater: Bool) throws {
        try #require(Platform.host.architecture == "amd64" && FileManager.default.fileExists(atPath: "/usr/lib32/libc.so.6"), "gcc-multilib's i386 libc")
        let (v, observed, report) = try Self.compare("c/uselib-runpath-origin") { root in
            let lib = root.appendingPathComponent("app/lib")
            try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
            // An i386 file named like the library, first on the RUNPATH.
            try FileManager.default.copyItem(atPath: "/usr/lib32/libc.so.6", toPath: lib.appendingPathComponent("libdemo.so.1").path)
            if rightOneLater {
                try FileManager.default.copyItem(atPath: try TestBinaries.named("c/libdemo.so").path,
                                                 toPath: root.appendingPathComponent("lib/x86_64-linux-gnu/libdemo.so.1").path)
            }
        }
        #expect(Oracle.agrees(v, observed), "predicted \(v), observed \(observed)")
        if rightOneLater {
            #expect(v.ok && observed == .started(status: 0, output: "42\n"), "\(v) \(observed)")
        } else {
            #expect(v.message == "/app/main: error while loading shared libraries: libdemo.so.1: wrong ELF class: ELFCLASS32")
            if case .loaderFailed(let m) = observed { #expect(m.hasPrefix(v.message ?? "-"), "\(m)") }
            #expect(report.load?.missing.first?.wrongClass == "/app/lib/libdemo.so.1")
        }
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
