import FileTree
import Foundation
import Image
import Rules
import Targets
import TestSupport
import Testing

/// The image's Env feeds the checks: LD_LIBRARY_PATH the loader's search, SSL_CERT_FILE the CA
/// bundle Go looks for, ZONEINFO its zoneinfo. Each is tested both ways on the same layers, so
/// the variable is what changes the answer.
@Suite struct ImageEnvironmentTests {
    static let digest = Digest("sha256:" + String(repeating: "ab", count: 32))

    /// An image of `layer` whose config runs `/app/main` with `env`.
    static func image(_ layer: [LayerEntry], blobs: [[UInt8]], env: [String]) throws -> OpenedImage {
        let envJSON = env.map { "\"\($0)\"" }.joined(separator: ",")
        let config = try ImageConfig(bytes: Array("""
            {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:\(String(repeating: "ab", count: 32))"]},
             "config":{"Entrypoint":["/app/main"],"Env":[\(envJSON)]}}
            """.utf8))
        let tree = try LayerTree(name: "env", layers: [layer], content: MemoryContentSource(blobs))
        return OpenedImage(reference: ImageReference(transport: .path("env.tar"), text: "env.tar"), transportName: "docker-archive",
                           name: "env:test", manifestDigest: nil, configDigest: try #require(digest), config: config,
                           layerDigests: [try #require(digest)], tree: tree)
    }

    static func check(_ image: OpenedImage) -> FileReport {
        let (target, start) = Analyzer.imageTarget(image, requested: nil, isEntrypoint: true)
        return Analyzer(target: target, platform: target.platform).checkImageStart(start, in: image.tree)
    }

    static func file(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o755, blobs: inout [[UInt8]]) -> LayerEntry {
        blobs.append(bytes)
        return LayerEntry(path: path, kind: .file, mode: mode, size: UInt64(bytes.count), content: ContentRef(source: UInt32(blobs.count - 1), offset: 0))
    }

    @Test(.enabled(if: TestRoots.configured, "the roots are not built: run `make roots`"))
    func ldLibraryPathIsSearched() throws {
        let root = try TestRoots.named("bookworm")
        var blobs: [[UInt8]] = []
        var layer = try LayeredTargetOracleTests.layer(from: root, dirs: ["usr/lib/x86_64-linux-gnu", "usr/lib64"],
                                                      extra: [("etc/ld.so.cache", root.appendingPathComponent("etc/ld.so.cache").path)], blobs: &blobs)
        // RUNPATH $ORIGIN/lib (/app/lib, absent): libdemo.so.1 is only in /opt/lib.
        layer.append(LayerEntry(path: "app", kind: .directory, mode: 0o755))
        layer.append(Self.file("app/main", [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named("c/uselib-runpath-origin").path))), blobs: &blobs))
        layer.append(LayerEntry(path: "opt", kind: .directory, mode: 0o755))
        layer.append(LayerEntry(path: "opt/lib", kind: .directory, mode: 0o755))
        layer.append(Self.file("opt/lib/libdemo.so.1", [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named("c/libdemo.so").path))), blobs: &blobs))

        let without = Self.check(try Self.image(layer, blobs: blobs, env: []))
        #expect(without.start?.ok == false && without.findings.contains { $0.rule == "SE102" }, "\(without.start?.reason ?? "")")
        let with = Self.check(try Self.image(layer, blobs: blobs, env: ["LD_LIBRARY_PATH=/opt/lib"]))
        #expect(with.start?.ok == true, "\(with.start?.message ?? "") \(with.start?.reason ?? "")")
        #expect(with.load?.objects.contains { $0.path == "/opt/lib/libdemo.so.1" } == true)
    }

    @Test func sslCertFileAndZoneinfoAreWhereGoLooks() throws {
        for (program, rule, variable, path) in [("go/server-cgo0", "SE300", "SSL_CERT_FILE", "/certs/bundle.pem"),
                                                ("go/tz", "SE301", "ZONEINFO", "/zi/zoneinfo.zip")] {
            var blobs: [[UInt8]] = []
            let dir = String(path.split(separator: "/").first ?? "")
            let layer = [
                LayerEntry(path: "app", kind: .directory, mode: 0o755),
                Self.file("app/main", [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named(program).path))), blobs: &blobs),
                LayerEntry(path: dir, kind: .directory, mode: 0o755),
                Self.file(String(path.dropFirst()), Array("data".utf8), mode: 0o644, blobs: &blobs),
            ]
            let without = Self.check(try Self.image(layer, blobs: blobs, env: []))
            #expect(without.start?.ok == true)
            #expect(without.findings.contains { $0.rule == rule }, "\(program): \(without.findings.map(\.rule))")
            let with = Self.check(try Self.image(layer, blobs: blobs, env: ["\(variable)=\(path)"]))
            #expect(!with.findings.contains { $0.rule == rule }, "\(program) with \(variable): \(with.findings.map(\.message))")
            // Pointing at nothing is no help.
            let elsewhere = Self.check(try Self.image(layer, blobs: blobs, env: ["\(variable)=/nowhere"]))
            #expect(elsewhere.findings.contains { $0.rule == rule }, "\(program) with \(variable)=/nowhere")
        }
    }
}
