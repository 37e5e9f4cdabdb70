import FileTree
import Image
import Testing
import Foundation

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LayerTreeTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var layers: [[Item]]
        var want: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "parents are implied", layers: [[.file("a/b/c", "x")]],
             want: ["d /a", "d /a/b", "f /a/b/c"]),
        Case(name: "whiteout of a file", layers: [[.file("etc/a", "1"), .file("etc/b", "2")], [.file("etc/.wh.a", "")]],
             want: ["d /etc", "f /etc/b"]),
        Case(name: "whiteout of a directory takes its subtree",
             layers: [[.dir("d"), .file("d/x/y", "1"), .file("e", "2")], [.file(".wh.d", "")]],
             want: ["f /e"]),
        Case(name: "whiteout acts on lower layers only, wherever it sits",
             layers: [[.file("a", "1")], [.file("b", "new"), .file(".wh.b", ""), .file(".wh.a", "")]],
             want: ["f /b"]),
        Case(name: "opaque before the entries of its directory",
             layers: [[.file("d/old", "1"), .file("d/sub/deep", "2")], [.dir("d"), .file("d/.wh..wh..opq", ""), .file("d/new", "3")]],
             want: ["d /d", "f /d/new"]),
        Case(name: "opaque after the entries of its directory",
             layers: [[.file("d/old", "1")], [.dir("d"), .file("d/new", "3"), .file("d/.wh..wh..opq", "")]],
             want: ["d /d", "f /d/new"]),
        Case(name: "opaque on a symlinked directory does nothing",
             layers: [[.file("real/x", "1"), .link("d", "real")], [.file("d/.wh..wh..opq", "")]],
             want: ["d /real", "f /real/x", "l /d"]),
        Case(name: "other .wh..wh. names are skipped",
             layers: [[.file("a", "1")], [.file(".wh..wh.plnk/123", "z"), .file("d/.wh..wh.aufs", "")]],
             want: ["d /d", "f /a"]),
        Case(name: "a file replaces a directory", layers: [[.file("x/y", "1")], [.file("x", "2")]],
             want: ["f /x"]),
        Case(name: "a directory replaces a file", layers: [[.file("x", "1")], [.dir("x"), .file("x/y", "2")]],
             want: ["d /x", "f /x/y"]),
        Case(name: "a directory onto a directory keeps the children", layers: [[.file("x/y", "1")], [.dir("x", mode: 0o700)]],
             want: ["d /x", "f /x/y"]),
        Case(name: "a directory replaces a symlink", layers: [[.dir("t"), .link("x", "t")], [.dir("x")]],
             want: ["d /t", "d /x"]),
        Case(name: "a parent symlink is followed", layers: [[.dir("usr/lib"), .link("lib", "usr/lib")], [.file("lib/libc.so.6", "c")]],
             want: ["d /usr", "d /usr/lib", "f /usr/lib/libc.so.6", "l /lib"]),
        Case(name: "an absolute parent symlink stays inside", layers: [[.dir("usr/lib"), .link("lib", "/usr/lib")], [.file("lib/x", "c")]],
             want: ["d /usr", "d /usr/lib", "f /usr/lib/x", "l /lib"]),
        Case(name: "a whiteout through a parent symlink", layers: [[.file("usr/lib/x", "1"), .link("lib", "usr/lib")], [.file("lib/.wh.x", "")]],
             want: ["d /usr", "d /usr/lib", "l /lib"]),
        Case(name: "duplicates: the last wins", layers: [[.file("a", "1"), .link("a", "b"), .file("a", "3")]],
             want: ["f /a"]),
        Case(name: "devices and fifos are recorded", layers: [[.other("dev/null")]],
             want: ["d /dev", "o /dev/null"]),
        Case(name: "a hard link to a lower layer", layers: [[.file("bin/busybox", "bb", mode: 0o755)], [.hard("bin/sh", "/bin/busybox")]],
             want: ["d /bin", "f /bin/busybox", "f /bin/sh"]),
    ]

    @Test(arguments: cases)
    func applies(_ c: Case) throws {
        #expect(listing(try tree(c.layers)).sorted() == c.want.sorted())
    }

    @Test func contentsAndDuplicates() throws {
        let t = try tree([[.file("a", "one"), .file("a", "three")], [.file("b/c", "x")]])
        #expect(try text(t, "/a") == "three")
        #expect(try t.prefix("/a", count: 2) == Array("th".utf8))
        #expect(try t.prefix("/a", count: 100) == Array("three".utf8))
        #expect(try text(t, "/b/c") == "x")
        #expect(throws: TreeError.self) { try t.contents("/b") }
        #expect(Set(try t.children("/")) == ["a", "b"])
    }

    @Test func hardLinkKeepsTheContentAtLinkTime() throws {
        let t = try tree([[.file("x", "old", mode: 0o755)], [.hard("y", "x"), .file("x", "new")]])
        #expect(try text(t, "/y") == "old")
        #expect(try text(t, "/x") == "new")
        #expect(try t.lstat("/y").mode == 0o755)
    }

    @Test func hardLinkToASymlinkIsASymlink() throws {
        let t = try tree([[.file("real", "r"), .link("s", "real")], [.hard("h", "s")]])
        #expect(try t.readLink("/h") == "real")
        #expect(try text(t, "/h") == "r")
    }

    @Test func aufsPlinkHardLinks() throws {
        let t = try tree([[.file(".wh..wh.plnk/42.1", "shared"), .hard("a", ".wh..wh.plnk/42.1")]])
        #expect(listing(t) == ["f /a"])
        #expect(try text(t, "/a") == "shared")
    }

    static let badLayers: [(String, [[Item]], String)] = [
        ("hard link to a missing member", [[.hard("a", "missing")]], "layer 1: a: hard link target missing does not exist"),
        ("hard link escaping", [[.file("x", "1")], [.hard("a", "../../x")]], "layer 2: a: hard link target ../../x is outside the root"),
        ("hard link to a directory", [[.dir("d")], [.hard("a", "d")]], "layer 2: a: hard link target d is a directory"),
        ("hard link to a whited-out file", [[.file("x", "1")], [.file(".wh.x", ""), .hard("a", "x")]], "layer 2: a: hard link target x does not exist"),
        ("a name climbing out", [[.file("../etc/passwd", "x")]], "layer 1: ../etc/passwd: the name climbs out of the root"),
        ("a file as a parent", [[.file("f", "1")], [.file("f/x", "2")]], "layer 2: f/x: /f is not a directory"),
        ("a dangling parent link", [[.link("lib", "nowhere")], [.file("lib/x", "2")]], "layer 2: lib/x: /lib → nowhere does not lead to a directory"),
        ("a parent link loop", [[.link("a", "b"), .link("b", "a")], [.file("a/x", "2")]], "layer 2: a/x: more than 255 symbolic links above it"),
    ]

    @Test(arguments: badLayers.indices)
    func refuses(_ i: Int) {
        let (name, layers, message) = LayerTreeTests.badLayers[i]
        do {
            _ = try tree(layers)
            Issue.record("\(name): applied")
        } catch {
            #expect(error.description == message, "\(name)")
        }
    }

    @Test func resolvesInsideTheTree() throws {
        let t = try tree([[.file("usr/bin/app", "x", mode: 0o755), .link("bin", "usr/bin"), .link("up", "../../../usr"),
                           .link("loop1", "loop2"), .link("loop2", "loop1"), .link("abs", "/usr/bin/app"), .link("dangling", "/nope")]])
        #expect(try t.resolve("/bin/app", followLast: true) == "/usr/bin/app")
        #expect(try t.resolve("/up/bin/app", followLast: true) == "/usr/bin/app")
        #expect(try t.resolve("/abs", followLast: true) == "/usr/bin/app")
        #expect(try t.resolve("/abs", followLast: false) == "/abs")
        #expect(try t.stat("/bin/app").kind == .regular)
        #expect(try t.lstat("/bin").kind == .symlink)
        #expect(t.isRegularFile("/abs"))
        for (path, err) in [("/loop1", ELOOP), ("/loop1/x", ELOOP), ("/dangling", ENOENT), ("/usr/bin/app/x", ENOTDIR)] {
            do {
                _ = try t.resolve(path, followLast: true)
                Issue.record("\(path) resolved")
            } catch {
                #expect(error.errno == err, "\(path)")
            }
            #expect((try? t.stat(path)) == nil)
        }
    }

    @Test func provenance() throws {
        let t = try tree([
            [.file("lib/x86_64-linux-gnu/libc.so.6", "c"), .file("etc/passwd", "root:x:0:0::/root:/bin/sh"), .file("opt/a/b", "1")],
            [.file("app", "a")],
            [.file("etc/passwd", "new")],
            [.file("lib/x86_64-linux-gnu/.wh.libc.so.6", ""), .file("opt/.wh..wh..opq", ""), .dir("etc")],
            [.dir("app"), .file("app/inner", "x")],
        ])
        let libc = try #require(t.provenance(of: "/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(libc.removal == .init(layer: 3, cause: .whiteout(marker: "/lib/x86_64-linux-gnu/.wh.libc.so.6")))
        #expect(libc.layer == 0 && libc.kind == .regular)
        #expect(libc.description == "/lib/x86_64-linux-gnu/libc.so.6 was removed by layer 4 (whiteout /lib/x86_64-linux-gnu/.wh.libc.so.6); it was a regular file from layer 1")

        let passwd = try #require(t.provenance(of: "/etc/passwd"))
        #expect(passwd.removal == nil && passwd.layer == 2)
        let etc = try #require(t.provenance(of: "/etc"))
        #expect(etc.layer == 0 && etc.changedBy == 3 && etc.implicit == false)
        let lib = try #require(t.provenance(of: "/lib"))
        #expect(lib.implicit && lib.layer == 0)

        // Under a removed directory: the directory's removal answers.
        let deep = try #require(t.provenance(of: "/opt/a/b"))
        #expect(deep.removal?.cause == .opaque(marker: "/opt/.wh..wh..opq"))
        #expect(deep.path == "/opt/a/b")
        // A file replaced by a directory.
        let app = try #require(t.provenance(of: "/app"))
        #expect(app.kind == .directory && app.layer == 4)
        #expect(t.provenance(of: "/never") == nil)
    }

    @Test func provenanceThroughASymlinkedParent() throws {
        let t = try tree([[.file("usr/lib/libc.so.6", "c"), .link("lib", "usr/lib")], [.file("usr/lib/.wh.libc.so.6", "")]])
        let p = try #require(t.provenance(of: "/lib/libc.so.6"))
        #expect(p.path == "/usr/lib/libc.so.6")
        #expect(p.removal?.layer == 1)
    }

    /// 100k files in 1000 directories over 3 layers: what the tree costs.
    @Test func memoryFor100kFiles() throws {
        var layers: [[LayerEntry]] = []
        for l in 0..<3 {
            var entries: [LayerEntry] = []
            for d in 0..<334 {
                for f in 0..<100 {
                    entries.append(LayerEntry(path: "usr/share/layer\(l)/dir\(d)/lib-component-\(f).so.1", kind: .file, size: 1000,
                                              content: ContentRef(source: UInt32(l), offset: UInt64(f) * 1000)))
                }
            }
            layers.append(entries)
        }
        // Counted from the tree's storage, not the process's RSS: tests run in parallel in one
        // process, and their allocations would be counted too.
        let t = try LayerTree(name: "big", layers: layers, content: MemoryContentSource([]))
        #expect(t.count > 100_000)
        let mb = Double(t.storageBytes) / 1_048_576
        print("LayerTree: \(t.count) paths, \(String(format: "%.1f", mb)) MiB of storage")
        #expect(mb < 40)
        withExtendedLifetime(layers) {}
    }
}
