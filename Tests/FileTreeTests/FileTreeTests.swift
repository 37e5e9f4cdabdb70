import ELFKit
@testable import FileTree
import Foundation
import Testing

/// A scratch directory on the host with the layout `build` makes, removed afterwards.
final class Scratch {
    let url: URL
    var path: String { url.path }

    init(_ build: (Scratch) throws -> Void) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-tree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try build(self)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func dir(_ p: String) throws {
        try FileManager.default.createDirectory(atPath: path + p, withIntermediateDirectories: true)
    }

    func file(_ p: String, _ text: String = "x", mode: Int = 0o644) throws {
        try dir((p as NSString).deletingLastPathComponent)
        FileManager.default.createFile(atPath: path + p, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
    }

    func link(_ p: String, to target: String) throws {
        try dir((p as NSString).deletingLastPathComponent)
        try FileManager.default.createSymbolicLink(atPath: path + p, withDestinationPath: target)
    }
}

@Suite struct RootedResolutionTests {
    /// A merged-/usr root, as Debian's: `/lib -> usr/lib`, `/lib64 -> usr/lib64`, the loader a
    /// relative link into `/lib/x86_64-linux-gnu`.
    func mergedUsr() throws -> Scratch {
        try Scratch { s in
            try s.file("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "\u{7f}ELF-loader")
            try s.file("/usr/lib/x86_64-linux-gnu/libc.so.6", "libc")
            try s.link("/lib", to: "usr/lib")
            try s.link("/usr/lib64/ld-linux-x86-64.so.2", to: "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
            try s.link("/lib64", to: "usr/lib64")
            try s.dir("/etc")
        }
    }

    @Test func mergedUsrLinksResolveInsideTheRoot() throws {
        let s = try mergedUsr()
        let t = HostTree(root: s.path)
        #expect(try t.resolve("/lib64/ld-linux-x86-64.so.2", followLast: true) == "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        #expect(try t.resolve("/lib64/ld-linux-x86-64.so.2", followLast: false) == "/usr/lib64/ld-linux-x86-64.so.2")
        #expect(t.isRegularFile("/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(t.isDirectory("/lib"))
        #expect(try t.lstat("/lib").kind == .symlink)
        #expect(try t.contents("/lib64/ld-linux-x86-64.so.2").view.string == "\u{7f}ELF-loader")
        #expect(try t.prefix("/lib64/ld-linux-x86-64.so.2", count: 4) == Array("\u{7f}ELF".utf8))
        #expect(try Set(t.children("/lib/x86_64-linux-gnu")) == ["ld-linux-x86-64.so.2", "libc.so.6"])
    }

    /// An absolute link counts from the root's top, never from the host's: `/etc/passwd ->
    /// /etc/real` in the root must not reach the host's `/etc`.
    @Test func absoluteLinksCountFromTheTop() throws {
        let s = try Scratch { s in
            try s.file("/data/passwd", "root:x:0:0::/root:/bin/sh\n")
            try s.link("/etc/passwd", to: "/data/passwd")
            try s.link("/etc/hostname", to: "/etc/hostname")           // itself: a loop
            try s.link("/etc/os-release", to: "/usr/lib/os-release")   // on the host, not here
        }
        let t = HostTree(root: s.path)
        #expect(try t.contents("/etc/passwd").view.string.hasPrefix("root:x:0:0"))
        #expect(throws: TreeError.loop) { try t.stat("/etc/hostname") }
        // It exists on the host (Debian), but not in this root.
        #expect(FileManager.default.fileExists(atPath: "/usr/lib/os-release"))
        #expect(throws: TreeError.notFound) { try t.stat("/etc/os-release") }
        #expect(!t.isRegularFile("/etc/os-release"))
    }

    /// `..` stops at the top, as in a chroot: `/../../etc/passwd` is the root's own.
    @Test func dotDotStopsAtTheTop() throws {
        let s = try Scratch { s in
            try s.file("/etc/passwd", "inside")
            try s.link("/app/up", to: "../../../../../../etc/passwd")
            try s.link("/app/escape", to: "../../../../../../../../" + FileManager.default.temporaryDirectory.path)
        }
        let t = HostTree(root: s.path)
        #expect(try t.contents("/../../etc/passwd").view.string == "inside")
        #expect(try t.contents("/app/up").view.string == "inside")
        #expect(try t.resolve("/app/up", followLast: true) == "/etc/passwd")
        // Climbing to the host's temporary directory from inside lands on a path of the root,
        // which does not exist there.
        #expect(throws: TreeError.notFound) { try t.stat("/app/escape") }
    }

    /// A link that resolves on the host but not inside the root, and the reverse.
    @Test func linksResolveInTheRootNotOnTheHost() throws {
        let s = try Scratch { s in
            try s.file("/opt/lib/libinside.so", "in")
            // Relative to the root's top: fine inside, dangling when followed on the host.
            try s.link("/usr/lib/libinside.so", to: "/opt/lib/libinside.so")
            // Names a host file by its host path: fine on the host, missing inside.
            try s.link("/usr/lib/libhost.so", to: "/usr/bin/env")
        }
        let t = HostTree(root: s.path)
        #expect(t.isRegularFile("/usr/lib/libinside.so"))
        #expect(!FileManager.default.fileExists(atPath: s.path + "/usr/lib/libinside.so"), "the host kernel follows it to the host's /opt")
        #expect(FileManager.default.fileExists(atPath: s.path + "/usr/lib/libhost.so"), "the host kernel follows it to the host's /usr/bin/env")
        #expect(!t.isRegularFile("/usr/lib/libhost.so"))
        #expect(throws: TreeError.notFound) { try t.contents("/usr/lib/libhost.so") }
    }

    /// The kernel's limit: 40 links in one resolution are fine, 41 are ELOOP.
    @Test func loopLimitIsTheKernels() throws {
        let s = try Scratch { s in
            try s.file("/target", "end")
            try s.link("/l0", to: "/target")
            for i in 1...40 { try s.link("/l\(i)", to: "/l\(i - 1)") }
            try s.link("/a", to: "b")
            try s.link("/b", to: "a")
        }
        let t = HostTree(root: s.path)
        #expect(try t.contents("/l39").view.string == "end", "40 links")
        #expect(throws: TreeError.loop) { try t.contents("/l40") }   // 41 links
        #expect(throws: TreeError.loop) { try t.stat("/a") }
    }

    @Test func aFileInThePathIsNotADirectory() throws {
        let s = try Scratch { s in try s.file("/etc/passwd") }
        let t = HostTree(root: s.path)
        #expect(throws: TreeError.notDirectory) { try t.stat("/etc/passwd/x") }
        #expect(throws: TreeError.notFound) { try t.stat("/etc/group") }
    }

    /// The same resolver on a tree that only holds paths (a built-in profile).
    @Test func pathTreeAnswersFromItsSets() throws {
        let t = PathTree(name: "p", files: ["/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd"], directories: ["/tmp"])
        #expect(t.isRegularFile("/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(t.isDirectory("/lib/x86_64-linux-gnu"), "parents of files exist")
        #expect(t.isDirectory("/"))
        #expect(t.isRegularFile("/tmp/../etc/./passwd"))
        #expect(!t.isRegularFile("/etc/group"))
        #expect(!t.isDirectory("/etc/passwd"))
        #expect(try Set(t.children("/")) == ["lib", "etc", "tmp"])
        #expect(throws: TreeError.pathsOnly) { try t.contents("/etc/passwd") }
    }
}

@Suite struct InputWalkerTests {
    /// The walker in a rooted tree: shown as the user named it, read inside the root; a
    /// symlinked directory is not walked into, a link to a file is kept, a dangling one skipped.
    @Test func walksARootedTree() throws {
        let s = try Scratch { s in
            try s.file("/app/main", "#!/bin/sh\n", mode: 0o755)
            try s.file("/app/README", "text")
            try s.file("/app/lib/libx.so", "\u{7f}ELFlib")
            try s.link("/app/self", to: "/app")
            try s.link("/app/tool", to: "/app/main")
            try s.link("/app/gone", to: "/nowhere")
        }
        let t = HostTree(root: s.path)
        let items = InputWalker.expand([InputPath(display: "rootfs/app", treePath: "/app")], in: t)
        #expect(items == [
            .unreadable(InputPath(display: "rootfs/app/gone", treePath: "/app/gone"), "rootfs/app/gone: no such file or directory"),
            .file(InputPath(display: "rootfs/app/lib/libx.so", treePath: "/app/lib/libx.so")),
            .file(InputPath(display: "rootfs/app/main", treePath: "/app/main")),
            .file(InputPath(display: "rootfs/app/tool", treePath: "/app/tool")),
        ])
        let missing = InputWalker.expand([InputPath(display: "x", treePath: "/app/gone")], in: t)
        #expect(missing == [.unreadable(InputPath(display: "x", treePath: "/app/gone"), "x: no such file or directory")])
    }

    /// On the host, paths are the user's own, relative ones too.
    @Test func walksTheHost() throws {
        let s = try Scratch { s in
            try s.file("/d/b", "\u{7f}ELF")
            try s.file("/d/a", "#!/bin/sh\n", mode: 0o755)
            try s.file("/d/c", "text")
            try s.link("/d/loop", to: "loop")
        }
        let items = InputWalker.expand([s.path + "/d/", s.path + "/d/loop", s.path + "/d/c"])
        let loop = InputWalker.Item.unreadable(InputPath(s.path + "/d/loop"), s.path + "/d/loop: too many levels of symbolic links (a symlink cycle)")
        // A broken link met in a walk is reported too, as on the host.
        #expect(items == [.file(InputPath(s.path + "/d/a")), .file(InputPath(s.path + "/d/b")), loop, loop, .file(InputPath(s.path + "/d/c"))])
    }

    /// A walk past `maxEntries` is an error for that path alone (none of its files are
    /// checked), naming the limit and the way past it; the other paths are still walked.
    @Test func walkStopsAtTheCap() throws {
        let s = try Scratch { s in
            for d in ["a", "b"] { for i in 0..<3 { try s.file("/big/\(d)/f\(i)", "\u{7f}ELF") } }
            try s.file("/small/x", "\u{7f}ELF")
        }
        let big = InputPath(s.path + "/big"), small = InputPath(s.path + "/small")
        var skips = InputWalker.Skips()
        // big: itself, a, b and six files are nine entries.
        #expect(InputWalker.expand([big], in: HostTree.host, skips: &skips, maxEntries: 9).count == 6)
        let items = InputWalker.expand([big, small], in: HostTree.host, skips: &skips, maxEntries: 8)
        let message = s.path + "/big: more than 8 files and directories to walk (the limit of one directory walk); check a narrower directory"
        #expect(items == [.unreadable(big, message), .file(InputPath(s.path + "/small/x"))])
        // One directory holding more than the walk may visit stops it too.
        #expect(InputWalker.expand([InputPath(s.path + "/big/a")], in: HostTree.host, skips: &skips, maxEntries: 3).count == 1)
        #expect(InputWalker.maxEntries == 1_000_000)
        #expect(InputWalker.tooMany("d", InputWalker.maxEntries) == "d: more than 1000000 files and directories to walk (the limit of one directory walk); check a narrower directory")
    }
}

/// PathTree's byte scan for a path it can answer as it is equals the string test it replaced
/// (absolute, no `/.`, no `//`), on every path of up to four characters from `/`, `.`, `a`.
@Suite struct PathTreePlainPathTests {
    @Test func byteScanEqualsTheStringTest() {
        var paths = [""]
        for _ in 0..<4 { paths += paths.flatMap { p in ["/", ".", "a"].map { p + $0 } } }
        let t = PathTree(name: "p", files: ["/a/a"], directories: [])
        for p in Set(paths) {
            let plain = p.hasPrefix("/") && !p.contains("/.") && !p.contains("//")
            // A plain path resolves to itself; any other goes through the component walk.
            if plain { #expect((try? t.resolve(p, followLast: true)) == p, "\(p)") }
            #expect(PathTree.isPlainAbsolute(p) == plain, "\(p)")
        }
    }
}
