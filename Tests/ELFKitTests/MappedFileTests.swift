import ELFKit
import Foundation
import Testing

/// Small files are read, large ones mapped: both must give exactly the file's bytes.
@Suite struct MappedFileTests {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sce-mappedfile-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the bytes of the file, read or mapped, at every size around the limit",
          arguments: [1, 7, 4096, MappedFile.readLimit - 1, MappedFile.readLimit, MappedFile.readLimit + 1, 3 * MappedFile.readLimit + 5])
    func sameBytes(_ size: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = try Self.write(bytes, "f\(size)")
        let f = try MappedFile(path: path)
        #expect(f.size == size)
        let view = f.view
        #expect(view.count == size)
        #expect(view.withUnsafeBytes { Array($0) } == bytes)
        // The view keeps the bytes alive after the file object is gone.
        let kept = try MappedFile(path: path).view
        #expect(kept.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test("an empty file, a directory, a missing path")
    func edges() throws {
        let empty = try MappedFile(path: try Self.write([], "empty"))
        #expect(empty.size == 0 && empty.view.count == 0)
        #expect(throws: InputError.self) { try MappedFile(path: Self.dir.path) }
        #expect(throws: InputError.self) { try MappedFile(path: Self.dir.appendingPathComponent("missing").path) }
    }
}
