import Archive
import ELFKit
import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the outer archive of a streamed image again: `docker save` / `podman save` run once
/// more, or a compressed archive file decompressed from its start.
protocol OuterStreamOpener: Sendable {
    /// What is opened, for messages.
    var label: String { get }
    func open() throws(ImageError) -> OuterStream
}

/// One run of an outer stream: the bytes, and the program behind them when there is one.
final class OuterStream {
    let stream: any ByteStream
    let command: CommandStream?

    init(stream: any ByteStream, command: CommandStream?) {
        self.stream = stream
        self.command = command
    }

    /// Stops early: the program (if any) is ended.
    func cancel() { command?.cancel() }
}

/// `docker save NAME:TAG`, `podman save --format docker-archive NAME`.
struct CommandOpener: OuterStreamOpener {
    var tool: String
    var arguments: [String]
    var environment: [String: String]
    var label: String { "the output of `" + ([tool] + arguments).joined(separator: " ") + "`" }

    func open() throws(ImageError) -> OuterStream {
        let c = try CommandStream(tool: tool, arguments: arguments, environment: environment)
        return OuterStream(stream: c, command: c)
    }
}

/// A gzip- or zstd-compressed archive file (IMAGES.md 1.6), decompressed from its start.
struct CompressedFileOpener: OuterStreamOpener {
    var path: String
    var maxDecompressedBytes: UInt64
    var label: String { path }

    func open() throws(ImageError) -> OuterStream {
        do {
            let f = try FileStream(path: path)
            let d = try DecompressingStream(f, limits: DecompressionLimits(maxDecompressedBytes: maxDecompressedBytes))
            return OuterStream(stream: d, command: nil)
        } catch {
            throw ImageError(.notFound, error.description)
        }
    }
}

/// The bytes of an image's files, read back from the layers when a rule asks (the tree keeps
/// metadata only). `ContentRef.source` indexes `origins`; `offset` is the member's data offset
/// in the decompressed layer tar.
///
/// - An uncompressed layer inside a file (a docker archive's `layer.tar`, an uncompressed OCI
///   blob) is mapped: the exact range, no copy, no decompression.
/// - A compressed layer is decompressed forward from its start to the member: one cursor per
///   layer, so reads at increasing offsets continue where the last stopped; a read behind the
///   cursor starts again from the blob's start.
/// - A layer of a streamed image (`docker save`, `podman save`: no seeking) is read by running
///   the save again and walking its output to the member: one run per file not read before.
///   The pass that built the tree kept the well-known small files (`/etc/passwd`, `/etc/group`,
///   `/etc/ld.so.cache`, `/etc/ld.so.conf`, `/etc/ld.so.conf.d/*`, `/etc/nsswitch.conf`, up to
///   1 MiB each), so most checks need no second run.
///
/// What was read is cached (rules read the same file several times): up to `cacheBytes`,
/// least recently used first out, the last read always kept. A file to be copied into memory
/// (compressed or streamed layers) must be at most `maxFileBytes`.
final class ImageContent: ContentSource, @unchecked Sendable {
    enum Origin: Sendable {
        /// A blob at `offset` of `file`, `size` bytes, compressed as its magic says; a gzip one
        /// with the access points its pass recorded.
        case range(ReadOnlyFile, offset: UInt64, size: UInt64, compression: Compression, name: String, index: GzipIndex? = nil)
        /// A member of the streamed outer archive, by its normalised path.
        case member(String, name: String)
    }

    private let origins: [Origin]
    private let opener: (any OuterStreamOpener)?
    private let captured: [ContentRef: ByteView]
    private let cacheBytes: Int
    private let maxFileBytes: Int
    private let maxDecompressedBytes: UInt64
    private let lock = Lock()
    // Guarded by `lock`.
    private var cache: [ContentRef: ByteView] = [:]
    private var cacheOrder: [ContentRef] = []
    private var cached = 0
    private var cursors: [UInt32: DecompressingStream] = [:]
    /// Runs of the outer stream made to read a file (for tests and the report).
    private(set) var reruns = 0
    /// Reads of a gzip layer resumed at an access point (for tests).
    private(set) var resumes = 0
    /// Reads of a compressed layer that decompressed it again from its start (for tests).
    private(set) var restarts = 0

    /// The sizes of the files of compressed and streamed layers: a prefix asked of one of at
    /// most `readWholeBytes` reads the whole file (rules look at the magic, then read it all:
    /// one pass instead of two).
    private let sizes: [ContentRef: UInt64]
    static let readWholeBytes = 16 << 20

    init(origins: [Origin], opener: (any OuterStreamOpener)?, captured: [ContentRef: ByteView], sizes: [ContentRef: UInt64],
         cacheBytes: Int, maxFileBytes: Int, maxDecompressedBytes: UInt64) {
        self.origins = origins
        self.sizes = sizes
        self.opener = opener
        self.captured = captured
        self.cacheBytes = cacheBytes
        self.maxFileBytes = maxFileBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    var rerunCount: Int { lock.locked { reruns } }
    var resumeCount: Int { lock.locked { resumes } }
    var restartCount: Int { lock.locked { restarts } }

    func read(_ ref: ContentRef, count: Int) throws(TreeError) -> ByteView {
        guard count > 0 else { return ByteView(copying: []) }
        let i = Int(ref.source)
        guard i >= 0, i < origins.count else { throw TreeError(errno: EIO, reason: "no such layer data") }
        if let v = captured[ref], v.count >= count { return prefix(v, count) }
        lock.lock()
        defer { lock.unlock() }
        if let v = cache[ref], v.count >= count {
            touch(ref)
            return prefix(v, count)
        }
        let view: ByteView
        // A small file is read whole, however little of it is asked.
        var want = count
        if let size = sizes[ref], size <= UInt64(Swift.min(ImageContent.readWholeBytes, maxFileBytes)), Int(size) > count { want = Int(size) }
        switch origins[i] {
        case .range(let file, let start, let size, let compression, let name, let index):
            if compression == .none {
                // A plain tar in a file: map the range itself.
                let (end, o) = ref.offset.addingReportingOverflow(UInt64(count))
                guard !o, end <= size else {
                    throw TreeError(errno: EIO, reason: "\(name): file data at offset \(ref.offset) runs past the layer's end")
                }
                return try map(file, at: start + ref.offset, count: count, name: name)
            }
            view = try readCompressed(ref, count: want, file: file, start: start, size: size, name: name, index: index)
        case .member(let path, let name):
            view = try readStreamed(ref, count: want, member: path, name: name)
        }
        remember(ref, view)
        return prefix(view, count)
    }

    private func prefix(_ v: ByteView, _ count: Int) -> ByteView {
        guard count < v.count, let p = try? v.slice(0, UInt64(count), field: "file") else { return v }
        return p
    }

    private func checkSize(_ count: Int, _ name: String) throws(TreeError) {
        guard count <= maxFileBytes else {
            throw TreeError(errno: EFBIG, reason: "\(name): the file has \(count) bytes, more than the cap of \(maxFileBytes) bytes read into memory from a compressed or streamed layer; unpack the image (umoci unpack, docker export) and check it with --root")
        }
    }

    private func readCompressed(_ ref: ContentRef, count: Int, file: ReadOnlyFile, start: UInt64, size: UInt64, name: String,
                                index: GzipIndex?) throws(TreeError) -> ByteView {
        try checkSize(count, name)
        do throws(ArchiveError) {
            var stream: DecompressingStream
            let cursor = cursors[ref.source].flatMap { $0.position <= ref.offset ? $0 : nil }
            let limits = DecompressionLimits(maxDecompressedBytes: maxDecompressedBytes)
            if let point = index?.point(atOrBefore: ref.offset), point.out > (cursor?.position ?? 0) {
                // The nearest access point, nearer than the cursor (or the start).
                let from = point.input - (point.bits > 0 ? 1 : 0)
                guard from <= size else { throw ArchiveError(location: name, offset: from, problem: "an access point past the layer's end") }
                stream = try DecompressingStream(resuming: point, from: FileRangeStream(file, offset: start + from, count: size - from, name: name),
                                                 limits: limits)
                resumes += 1
            } else if let cursor {
                stream = cursor
            } else {
                stream = try DecompressingStream(FileRangeStream(file, offset: start, count: size, name: name), limits: limits)
                restarts += 1
            }
            cursors[ref.source] = nil
            let v = try readAt(stream, offset: ref.offset, count: count, name: name)
            cursors[ref.source] = stream
            return v
        } catch {
            throw TreeError(errno: EIO, reason: error.description)
        }
    }

    private func readStreamed(_ ref: ContentRef, count: Int, member: String, name: String) throws(TreeError) -> ByteView {
        try checkSize(count, name)
        guard let opener else { throw TreeError(errno: EIO, reason: "\(name): no way to read the image again") }
        reruns += 1
        let outer: OuterStream
        do { outer = try opener.open() } catch { throw TreeError(errno: EIO, reason: error.message) }
        defer { outer.cancel() }
        do {
            let tar = TarReader(outer.stream)
            while let e = try tar.next() {
                guard (e.type == .regular || e.type == .regularA || e.type == .contiguous),
                      (try? tar.path(of: e)) == member else { continue }
                let dec = try DecompressingStream(tar.data(), limits: DecompressionLimits(maxDecompressedBytes: maxDecompressedBytes))
                return try readAt(dec, offset: ref.offset, count: count, name: name)
            }
        } catch {
            if let f = outer.command?.failureAfterError() { throw TreeError(errno: EIO, reason: f.message) }
            throw TreeError(errno: EIO, reason: error.description)
        }
        if let f = outer.command?.failure() { throw TreeError(errno: EIO, reason: f.message) }
        throw TreeError(errno: EIO, reason: "\(name): the member \(member) is no longer in \(opener.label) (did the image change?)")
    }

    /// Skips `stream` forward to `offset`, then reads `count` bytes into a new buffer.
    private func readAt(_ stream: DecompressingStream, offset: UInt64, count: Int, name: String) throws(ArchiveError) -> ByteView {
        if stream.position < offset {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
            defer { scratch.deallocate() }
            let want = offset - stream.position
            let got = try stream.skip(want, scratch: scratch)
            guard got == want else {
                throw ArchiveError(location: name, offset: stream.position, problem: "the layer ends before offset \(offset)")
            }
        }
        let heap = HeapBytes(count: count)
        let got = try stream.readFully(into: heap.bytes)
        guard got == count else {
            throw ArchiveError(location: name, offset: stream.position, problem: "the layer ends inside a file's data (offset \(offset), \(count) bytes)")
        }
        return ByteView(UnsafeRawBufferPointer(heap.bytes), fileOffset: 0, owner: heap)
    }

    private func map(_ file: ReadOnlyFile, at offset: UInt64, count: Int, name: String) throws(TreeError) -> ByteView {
        let page = UInt64(Swift.max(sysconf(Int32(_SC_PAGESIZE)), 4096))
        let aligned = offset - offset % page
        let delta = Int(offset - aligned)
        let length = delta + count
        guard let off = off_t(exactly: aligned) else { throw TreeError(errno: EFBIG, reason: "\(name): offset too large") }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, file.fd, off), p != MAP_FAILED else {
            throw TreeError(errno: errno, reason: "\(name): mmap failed: \(String(cString: strerror(errno)))")
        }
        let m = Mapping(base: p, length: length)
        return ByteView(UnsafeRawBufferPointer(start: p + delta, count: count), fileOffset: 0, owner: m)
    }

    private func touch(_ ref: ContentRef) {
        if let k = cacheOrder.firstIndex(of: ref) { cacheOrder.remove(at: k) }
        cacheOrder.append(ref)
    }

    private func remember(_ ref: ContentRef, _ v: ByteView) {
        if let old = cache[ref] { cached -= old.count }
        cache[ref] = v
        cached += v.count
        touch(ref)
        while cached > cacheBytes, cacheOrder.count > 1 {
            let out = cacheOrder.removeFirst()
            if let old = cache.removeValue(forKey: out) { cached -= old.count }
        }
    }
}

/// Bytes on the heap, freed with their owner.
final class HeapBytes {
    private let storage: UnsafeMutableRawBufferPointer
    let bytes: UnsafeMutableRawBufferPointer
    init(count: Int) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 1), alignment: 16)
        bytes = UnsafeMutableRawBufferPointer(rebasing: storage[0..<Swift.max(count, 0)])
    }
    deinit { storage.deallocate() }
}

/// A mapping, unmapped with its owner.
final class Mapping {
    let base: UnsafeMutableRawPointer
    let length: Int
    init(base: UnsafeMutableRawPointer, length: Int) {
        self.base = base
        self.length = length
    }
    deinit { munmap(base, length) }
}
