import Foundation
import FileTree
import Image
import Testing

/// The same two layer tars (Fixtures/make_layers.py: whiteouts, an opaque directory with its
/// marker between entries, replacements both ways, a hard link to the lower layer, a
/// duplicate) applied by umoci (`raw add-layer` + `unpack`) and by LayerTree: the listings and
/// the file contents must agree.
@Suite struct UmociDifferentialTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/make_layers.py")
    static let available = ["/usr/bin/umoci", "/usr/bin/python3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    @discardableResult
    func run(_ tool: String, _ args: [String], in dir: URL) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(tool) \(args) failed"]) }
        return data
    }

    @Test(.enabled(if: available))
    func layerTreeEqualsUmociUnpack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-umoci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let json = try run("/usr/bin/python3", [UmociDifferentialTests.fixture.path, dir.path], in: dir)
        try run("/usr/bin/umoci", ["init", "--layout", "img"], in: dir)
        try run("/usr/bin/umoci", ["new", "--image", "img:t"], in: dir)
        try run("/usr/bin/umoci", ["raw", "add-layer", "--image", "img:t", "layer0.tar"], in: dir)
        try run("/usr/bin/umoci", ["raw", "add-layer", "--image", "img:t", "layer1.tar"], in: dir)
        try run("/usr/bin/umoci", ["unpack", "--rootless", "--image", "img:t", "bundle"], in: dir)

        // Our side: the members as python's tarfile read them.
        let layers = try #require(try JSONSerialization.jsonObject(with: json) as? [[[String: Any]]])
        var blobs: [[UInt8]] = []
        var entries: [[LayerEntry]] = []
        for (i, members) in layers.enumerated() {
            var blob: [UInt8] = []
            var list: [LayerEntry] = []
            for m in members {
                let data = [UInt8](Data(base64Encoded: m["data"] as? String ?? "") ?? Data())
                let kind: LayerEntry.Kind
                switch m["kind"] as? String {
                case "dir": kind = .directory
                case "symlink": kind = .symlink
                case "hardlink": kind = .hardlink
                default: kind = .file
                }
                list.append(LayerEntry(path: m["path"] as? String ?? "", kind: kind, mode: UInt32(m["mode"] as? Int ?? 0),
                                       size: UInt64(data.count), linkTarget: m["link"] as? String ?? "",
                                       content: ContentRef(source: UInt32(i), offset: UInt64(blob.count))))
                blob += data
            }
            blobs.append(blob)
            entries.append(list)
        }
        let tree = try LayerTree(name: "diff", layers: entries, content: MemoryContentSource(blobs))
        var ours: [String] = []
        for (path, entry) in tree.listing() where path != "/" {
            switch entry.kind {
            case .regular: ours.append("f \(path) \(try text(tree, path))")
            case .directory: ours.append("d \(path)")
            case .symlink: ours.append("l \(path) -> \(try tree.readLink(path))")
            case .other: ours.append("o \(path)")
            }
        }

        // umoci's side: the unpacked rootfs.
        let root = dir.appendingPathComponent("bundle/rootfs").path
        let theirs = try hostListing(root) { full, _ in String(decoding: try Data(contentsOf: URL(fileURLWithPath: full)), as: UTF8.self) }
        #expect(ours.sorted() == theirs.sorted())
        #expect(ours.count == 18)

        // And the provenance says why the missing ones are missing.
        #expect(tree.provenance(of: "/lib/libc.so.6")?.description
            == "/usr/lib/libc.so.6 was removed by layer 2 (whiteout /usr/lib/.wh.libc.so.6); it was a regular file from layer 1")
        #expect(tree.provenance(of: "/opt/sub/old2")?.removal?.cause == .opaque(marker: "/opt/.wh..wh..opq"))
        #expect(tree.provenance(of: "/var/cache/a")?.removal?.cause == .whiteout(marker: "/var/.wh.cache"))
        #expect(tree.provenance(of: "/data/inner")?.removal?.cause == .replaced(by: "/data"))
    }
}
