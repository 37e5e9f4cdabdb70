import ELFKit
import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a file's bytes are, as the image reader knows it: which stream (a layer blob, a
/// decompressed layer) and where in it the data starts. The tree never looks inside; it
/// hands the value back to its `ContentSource`.
public struct ContentRef: Sendable, Hashable {
    public var source: UInt32
    public var offset: UInt64

    public init(source: UInt32, offset: UInt64) {
        self.source = source
        self.offset = offset
    }

    /// For entries without data (directories, links, devices).
    public static let none = ContentRef(source: .max, offset: 0)
}

/// Reads a file's bytes back for a `LayerTree`.
public protocol ContentSource: Sendable {
    /// The first `count` bytes of the data at `ref` (`count` never exceeds the entry's size).
    /// The view counts offsets from the file's first byte.
    func read(_ ref: ContentRef, count: Int) throws(TreeError) -> ByteView
}

/// One member of a layer tar, already parsed: what the tree is built from (IMAGES.md §4).
public struct LayerEntry: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case file, directory, symlink, hardlink, other
    }

    /// Relative, normalised (`usr/lib/libc.so.6`; no leading `/`, no `.` or `..`). Whiteout
    /// markers (`.wh.NAME`, `.wh..wh..opq`) are entries too.
    public var path: String
    public var kind: Kind
    /// Permission bits (`mode & 0o7777`).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Bytes of a regular file.
    public var size: UInt64
    /// A symlink's target as stored, or a hard link's target (root-relative, `/x` accepted).
    public var linkTarget: String
    public var content: ContentRef

    public init(path: String, kind: Kind, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0, size: UInt64 = 0,
                linkTarget: String = "", content: ContentRef = .none) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.linkTarget = linkTarget
        self.content = content
    }
}

/// A layer that cannot be applied: which layer, which member, what is wrong.
public struct LayerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The layer's index, 0 = base (the description counts from 1, as users do).
    public var layer: Int
    public var path: String
    public var problem: String

    public init(layer: Int, path: String, problem: String) {
        self.layer = layer
        self.path = path
        self.problem = problem
    }

    public var description: String { "layer \(layer + 1): \(path): \(problem)" }
}

/// File contents held in memory (a decompressed layer, a test's bytes): `source` indexes
/// `blobs`, `offset` is the data's start in that blob.
public final class MemoryContentSource: ContentSource, @unchecked Sendable {
    // Immutable after init: the buffers are written once, then only read.
    private let buffers: [UnsafeMutableRawBufferPointer]

    public init(_ blobs: [[UInt8]]) {
        buffers = blobs.map { b in
            let p = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(b.count, 1), alignment: 16)
            p.copyBytes(from: b)
            return UnsafeMutableRawBufferPointer(rebasing: p[0..<b.count])
        }
    }

    deinit { for b in buffers { b.deallocate() } }

    public func read(_ ref: ContentRef, count: Int) throws(TreeError) -> ByteView {
        let i = Int(ref.source)
        guard i < buffers.count, count >= 0 else { throw TreeError(errno: EIO, reason: "no such layer data") }
        let b = buffers[i]
        let (end, overflow) = ref.offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= UInt64(b.count) else { throw TreeError(errno: EIO, reason: "file data past the end of its layer") }
        return ByteView(UnsafeRawBufferPointer(rebasing: b[Int(ref.offset)..<Int(end)]), fileOffset: 0, owner: self)
    }
}
