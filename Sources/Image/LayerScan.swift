import Archive
import ELFKit
import FileTree

/// What one pass over a layer blob found: its entries (metadata only, contents referred to by
/// offset in the decompressed tar), the digests of the blob as stored and decompressed, and how
/// it is compressed (told by its magic, never by its media type; IMAGES.md 3.2).
struct LayerScan: Sendable {
    var entries: [LayerEntry]
    /// sha256 and length of the blob as stored (a descriptor's digest and size).
    var storedDigest: SHA256Digest
    var storedSize: UInt64
    /// sha256 of the decompressed tar (the config's diff_id); the stored digest when plain.
    var diffDigest: SHA256Digest
    var compression: Compression
    /// Decompressed bytes the pass read.
    var decompressedBytes: UInt64
}

/// The small files read by most rules (users, groups, the loader's cache and configuration,
/// NSS), kept in memory when a pass meets them, so that reading them back needs no second pass
/// over a compressed or streamed layer.
enum WellKnownFiles {
    /// Files larger than this are not captured (read back on demand instead).
    static let maxBytes = 1 << 20

    static func wanted(_ path: String) -> Bool {
        switch path {
        case "etc/passwd", "etc/group", "etc/ld.so.cache", "etc/ld.so.conf", "etc/nsswitch.conf": return true
        default:
            let prefix = "etc/ld.so.conf.d/"
            return path.hasPrefix(prefix) && path.utf8.count > prefix.utf8.count && !path.dropFirst(prefix.count).contains("/")
        }
    }
}

/// The program an image starts, kept when a zstd layer's pass meets it: a zstd frame cannot be
/// resumed in its middle (gzip layers have access points, plain ones are mapped), so reading it
/// back would decompress its layer again up to it. Its candidate paths come from the config,
/// read before the layers (`ContainerStart.programCandidates`).
struct StartCapture {
    /// Bytes the captured programs of one image may hold together; a larger one is read back.
    static let maxBytes = 24 << 20
    /// Tar paths (no leading `/`).
    var paths: Set<String> = []
    var left = StartCapture.maxBytes

    init() {}

    init(config: ContainerConfig?) {
        paths = Set(ContainerStart.programCandidates(config).map { String($0.dropFirst()) }.filter { !$0.isEmpty })
    }
}

/// Reads a layer blob to its end: each member mapped to a `LayerEntry` whose content is
/// `ContentRef(source:, offset: the member's data offset in the decompressed tar)`, every byte
/// hashed (stored and decompressed), nothing kept but metadata and, when `capture` is set, the
/// well-known small files (into `captured`). `allowance` caps the decompressed bytes. With
/// `index`, a gzip layer's access points are recorded (files are read back from the nearest).
func scanLayer(_ blob: any ByteStream, source: UInt32, allowance: UInt64, capture: Bool,
               captured: inout [ContentRef: ByteView], index: GzipIndex? = nil,
               start: UnsafeMutablePointer<StartCapture>? = nil) throws(ArchiveError) -> LayerScan {
    // Both digests are computed on other threads while this one decompresses and reads the tar.
    let raw = HashingStream(blob, background: true)
    let dec = try DecompressingStream(raw, limits: DecompressionLimits(maxDecompressedBytes: allowance), index: index)
    let plainHash: HashingStream? = dec.compression == .none ? nil : HashingStream(dec, background: true)
    let inner: any ByteStream = plainHash ?? dec
    var limits = TarLimits()
    limits.endAtTruncatedPadding = true   // as Go's archive/tar, which moby, containerd and umoci use
    let tar = TarReader(inner, limits: limits)
    var entries: [LayerEntry] = []
    while let e = try tar.next() {
        guard let path = try tar.path(of: e) else { continue }
        let mode = UInt32(truncatingIfNeeded: e.mode & 0o7777)
        let uid = UInt32(clamping: e.uid)
        let gid = UInt32(clamping: e.gid)
        switch e.type {
        case .regular, .regularA, .contiguous:
            let ref = ContentRef(source: source, offset: e.dataOffset)
            if capture, e.size <= UInt64(WellKnownFiles.maxBytes), WellKnownFiles.wanted(path) {
                captured[ref] = ByteView(copying: try tar.readData(cap: WellKnownFiles.maxBytes))
            } else if let start, dec.compression == .zstd, start.pointee.paths.contains(path), e.size <= UInt64(start.pointee.left) {
                start.pointee.left -= Int(e.size)
                captured[ref] = ByteView(copying: try tar.readData(cap: Int(e.size)))
            }
            entries.append(LayerEntry(path: path, kind: .file, mode: mode, uid: uid, gid: gid, size: e.size, content: ref))
        case .directory:
            entries.append(LayerEntry(path: path, kind: .directory, mode: mode, uid: uid, gid: gid))
        case .symlink:
            entries.append(LayerEntry(path: path, kind: .symlink, mode: mode, uid: uid, gid: gid, linkTarget: e.linkName))
        case .hardLink:
            entries.append(LayerEntry(path: path, kind: .hardlink, mode: mode, uid: uid, gid: gid, linkTarget: e.linkName))
        default:
            // Devices, FIFOs and types we do not know: recorded, never read (IMAGES.md 4.6).
            entries.append(LayerEntry(path: path, kind: .other, mode: mode, uid: uid, gid: gid))
        }
    }
    // Whatever follows the end of the archive is part of the blob: hash it too.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    defer { scratch.deallocate() }
    while try inner.read(into: scratch) > 0 {}
    while try raw.read(into: scratch) > 0 {}
    return LayerScan(entries: entries, storedDigest: raw.digest, storedSize: raw.position,
                     diffDigest: plainHash?.digest ?? raw.digest, compression: dec.compression,
                     decompressedBytes: dec.position)
}
