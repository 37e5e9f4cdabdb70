import FileTree
import Foundation
import Image
import Loader
import Rules
import Targets
import TestSupport
import Testing

/// An image's squashed layers are a target like a root: a `LayerTree` made from the bookworm
/// root's files (layer 0) and the program at /app, with a second layer that whiteouts libc.so.6,
/// gives the verdict execve gives in a copy of the root where that file is removed. The layers
/// are built from the directory walk here; reading them from tar is the Archive module's job.
@Suite(.serialized) struct LayeredTargetOracleTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot and mount")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    /// Layer entries for every file under `dirs` of `root` (symlinks as links, files with their
    /// bytes), parents included.
    static func layer(from root: URL, dirs: [String], extra: [(String, String)], blobs: inout [[UInt8]]) throws -> [LayerEntry] {
        var out: [LayerEntry] = []
        let fm = FileManager.default
        func add(_ rel: String, host: String) throws {
            let a = try fm.attributesOfItem(atPath: host)
            let mode = UInt32((a[.posixPermissions] as? Int) ?? 0o644)
            switch a[.type] as? FileAttributeType {
            case .typeSymbolicLink:
                out.append(LayerEntry(path: rel, kind: .symlink, mode: 0o777, linkTarget: try fm.destinationOfSymbolicLink(atPath: host)))
            case .typeDirectory:
                out.append(LayerEntry(path: rel, kind: .directory, mode: mode))
            case .typeRegular:
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: host)))
                blobs.append(bytes)
                out.append(LayerEntry(path: rel, kind: .file, mode: mode, size: UInt64(bytes.count),
                                      content: ContentRef(source: UInt32(blobs.count - 1), offset: 0)))
            default: break
            }
        }
        for top in ["lib", "lib64", "usr", "usr/lib", "etc"] { try add(top, host: root.appendingPathComponent(top).path) }
        for d in dirs {
            let base = root.appendingPathComponent(d)
            try add(d, host: base.path)
            for case let rel as String in fm.enumerator(atPath: base.path) ?? NSEnumerator() {
                try add(d + "/" + rel, host: base.appendingPathComponent(rel).path)
            }
        }
        for (rel, host) in extra { try add(rel, host: host) }
        return out
    }

    @Test(arguments: ["go/server-cgo1", "c/hello-cxx", "c/hello-dynamic"])
    func whiteoutOfLibcEqualsExecve(_ program: String) throws {
        let binary = try TestBinaries.named(program).path
        let root = try TestRoots.named("bookworm")
        var blobs: [[UInt8]] = []
        let base = try Self.layer(from: root, dirs: ["usr/lib/x86_64-linux-gnu", "usr/lib64"],
                                  extra: [("etc/ld.so.cache", root.appendingPathComponent("etc/ld.so.cache").path), ("app", binary)], blobs: &blobs)
        let whiteout = [LayerEntry(path: "usr/lib/x86_64-linux-gnu/.wh.libc.so.6", kind: .file)]
        for layers in [[base], [base, whiteout]] {
            let tree = try LayerTree(name: "layers", layers: layers, content: MemoryContentSource(blobs))
            let target = RootInspector.target(tree: tree, name: "image", platform: nil)
            let v = try #require(Analyzer(target: target, platform: target.platform)
                .check(InputPath(display: program, treePath: "/app"), imagePath: "/app", in: tree).start)
            // Truth: the same files in a copy of the root, libc removed when the layer says so.
            let farm = try RootFarm("bookworm")
            try farm.place(binary)
            if layers.count == 2 { try FileManager.default.removeItem(at: farm.url.appendingPathComponent("usr/lib/x86_64-linux-gnu/libc.so.6")) }
            let observed = try Oracle.run(root: farm.url, args: [])
            #expect(Oracle.agrees(v, observed), "\(program), \(layers.count) layers: predicted \(v), observed \(observed)")
            if case .loaderFailed(let line) = observed {
                #expect(line.split(separator: "\n").first.map(String.init) == v.message)
            }
            if layers.count == 2 {
                #expect(!v.ok && v.stage == .loader)
                let p = try #require(tree.provenance(of: "/usr/lib/x86_64-linux-gnu/libc.so.6"))
                #expect(p.description.contains("removed by layer 2"), "\(p)")
            } else {
                #expect(target.libc == Libc(.glibc, "2.36"))
            }
        }
    }
}
