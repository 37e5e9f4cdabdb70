import Foundation
@testable import Image
import TestSupport
import Testing

/// The image reader's caps, each hit by input built here: the error names the document, the
/// cap and its value.
@Suite struct ImageLimitsTests {
    func scratchDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-image-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// An OCI layout whose index.json is one byte past `maxManifestBytes` (sparse: the size is
    /// checked before a byte is read).
    /// The 65,537th layer is refused, naming the cap; the 65,536th is applied.
    @Test func layerCountIsCapped() throws {
        #expect(LayerTree.Builder.maxLayers == 65_536)
        var b = LayerTree.Builder()
        try b.apply(layer: LayerTree.Builder.maxLayers - 1, [])
        do {
            try b.apply(layer: LayerTree.Builder.maxLayers, [])
            Issue.record("layer 65,537 was applied")
        } catch {
            #expect(error.problem == "more than 65536 layers (the limit of one image)", "\(error)")
        }
    }

    @Test func manifestBytesAreCapped() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: dir.appendingPathComponent("oci-layout"))
        let index = dir.appendingPathComponent("index.json")
        #expect(FileManager.default.createFile(atPath: index.path, contents: Data()))
        let h = try FileHandle(forWritingTo: index)
        try h.truncate(atOffset: UInt64(ImageLimits.maxManifestBytes) + 1)
        try h.close()
        #expect(ImageLimits.maxManifestBytes == 4 << 20)
        do { _ = try ImageReader.open("oci:" + dir.path, platform: nil); Issue.record("opened") } catch {
            #expect(error.message.hasSuffix("index.json (index.json) has 4194305 bytes, more than the cap of 4194304 bytes"), "\(error.message)")
        }
    }

    /// A docker archive whose manifest.json is one byte past `maxDockerManifestBytes`.
    @Test func dockerManifestBytesAreCapped() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("big.tar").path
        let script = """
        import io, sys, tarfile
        data = b"[" + b" " * (int(sys.argv[2]) - 2) + b"]"
        with tarfile.open(sys.argv[1], "w") as w:
            info = tarfile.TarInfo("manifest.json"); info.size = len(data)
            w.addfile(info, io.BytesIO(data))
        """
        let r = try run("/usr/bin/python3", ["-c", script, out, String(ImageLimits.maxDockerManifestBytes + 1)])
        try #require(r.status == 0, "\(r.stderr)")
        #expect(ImageLimits.maxDockerManifestBytes == 1 << 20)
        do { _ = try ImageReader.open("docker-archive:" + out, platform: nil); Issue.record("opened") } catch {
            #expect(error.message.hasSuffix("manifest.json (manifest.json) has 1048577 bytes, more than the cap of 1048576 bytes"), "\(error.message)")
        }
    }

    /// Indexes nested one in another, each a new digest: followed `maxIndexDepth` deep, no deeper.
    @Test func indexDepthIsCapped() throws {
        func nested(_ level: Int) throws -> ImageIndex {
            let digest = "sha256:" + String(repeating: "0", count: 56) + String(format: "%08x", level)
            let inner = level == 0
                ? #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(hex64("a"))","size":1,"platform":{"os":"linux","architecture":"amd64"}}"#
                : #"{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(digest)","size":1}"#
            return try ImageIndex(json: JSONParser.parse(Array(#"{"schemaVersion":2,"manifests":[\#(inner)]}"#.utf8)), document: "index.json")
        }
        func choose(depth: Int) throws(ImageError) -> Descriptor {
            let top: ImageIndex
            do { top = try nested(depth) } catch { throw ImageError(.invalid, "\(error)") }
            return try ImageSelection.chooseManifest(for: ImagePlatform(os: "linux", architecture: "amd64"), in: top, loadIndex: { d throws(ImageError) in
                let level = Int(d.digest.hex.suffix(8), radix: 16) ?? 0
                do { return try nested(level - 1) } catch { throw ImageError(.invalid, "\(error)") }
            })
        }
        #expect(ImageLimits.maxIndexDepth == 8)
        #expect(try choose(depth: ImageLimits.maxIndexDepth).digest.hex == hex64("a"))
        do { _ = try choose(depth: ImageLimits.maxIndexDepth + 1); Issue.record("followed past the cap") } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message.hasPrefix("image indexes nest deeper than 8 levels at sha256:"), "\(error.message)")
        }
    }

    /// Links between an archive's own members: `maxArchiveLinks` followed, one more refused.
    @Test func archiveLinksAreCapped() throws {
        func chain(_ n: Int) -> (String) -> OuterMember? {
            { p in
                guard p.hasPrefix("l"), let i = Int(p.dropFirst()) else { return nil }
                return i == n ? .regular(offset: 0, size: 1) : .symlink("l\(i + 1)")
            }
        }
        #expect(ImageLimits.maxArchiveLinks == 16)
        #expect(try resolveMember("l0", what: "layer", label: "a.tar", lookup: chain(16)).0 == "l16")
        do { _ = try resolveMember("l0", what: "layer", label: "a.tar", lookup: chain(17)); Issue.record("followed past the cap") } catch {
            #expect(error.message == "layer: \"l0\" in a.tar: more than 16 links to follow (the limit inside an archive)")
        }
    }
}
