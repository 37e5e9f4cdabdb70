import CSHA256
import Dispatch

/// A SHA-256 digest: 32 bytes, shown as 64 lowercase hex digits.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The digest from 32 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// The digest from exactly 64 lowercase hex digits (as OCI digests spell it, IMAGES.md 1.1);
    /// nil for anything else, so a digest can be used as a path only after this check.
    public init?(hex: String) {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var high: UInt8?
        var count = 0
        for c in hex.utf8 {
            count += 1
            guard count <= 64 else { return nil }
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        guard count == 64 else { return nil }
        bytes = out
    }

    /// 64 lowercase hex digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        s.reserveCapacity(64)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// `sha256:` and the hex digits, as OCI descriptors write it.
    public var description: String { "sha256:" + hex }
}

/// SHA-256 (FIPS 180-4) over bytes given in pieces. The C target CSHA256 does the work: a
/// portable implementation, or SHA-NI when the processor has it (chosen once by cpuid).
///
/// Measured on this project's 2-core machine (a 1 GiB file, read in 256 KiB pieces, -O2):
/// SHA-NI 1.30–1.54 GB/s, portable C 250 MB/s, `sha256sum` (coreutils 9.1) 350 MB/s, and
/// swift-crypto 3.12.3 (BoringSSL, which also uses SHA-NI) 1.40–1.46 GB/s. swift-crypto would
/// add 71 s to a clean release build on 2 cores for no speed: hence the C target.
public struct SHA256: Sendable {
    private var context = csha256_ctx()

    public init() {
        csha256_init(&context)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        csha256_update(&context, base, bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything given so far (the hash can go on being updated).
    public func finalize() -> SHA256Digest {
        var copy = context
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { b in
            if let base = b.baseAddress { csha256_final(&copy, base) }
        }
        // 32 bytes by construction.
        return SHA256Digest(unchecked: out)
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// True when the SHA-NI implementation is in use.
    public static var isAccelerated: Bool { csha256_accelerated() != 0 }

    /// Chooses the implementation (false: the portable one): for tests and measurements.
    public static func setAccelerated(_ on: Bool) { csha256_set_accelerated(on ? 1 : 0) }
}

extension SHA256Digest {
    fileprivate init(unchecked bytes: [UInt8]) { self.bytes = bytes }
}

/// A stream that hashes every byte that passes through it, read or skipped: a blob is verified
/// by reading it through one (to its end) and calling `verify`.
public final class HashingStream: ByteStream {
    public let source: any ByteStream
    private var hasher = SHA256()
    private let background: BackgroundSHA256?
    /// Bytes hashed so far.
    public private(set) var position: UInt64 = 0
    public var name: String { source.name }

    /// With `background`, the hashing runs on another thread while this one reads on (a
    /// layer's pass decompresses on one core and hashes on the other).
    public init(_ source: any ByteStream, background: Bool = false) {
        self.source = source
        self.background = background ? BackgroundSHA256() : nil
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let n = try source.read(into: buffer)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        if let background { background.update(bytes) } else { hasher.update(bytes) }
        position += UInt64(n)
        return n
    }

    // Skipping must read: every byte is hashed.
    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        try skipByReading(count, scratch: scratch)
    }

    /// The digest of the bytes so far.
    public var digest: SHA256Digest { background?.finalize() ?? hasher.finalize() }

    /// Reads the rest of the stream (into a 64 KiB buffer, the bytes discarded), then checks
    /// the digest, and the byte count when `size` is given: a mismatch is an error naming the
    /// blob (`blob`, or the stream's name) and both values.
    public func verify(expected: SHA256Digest, size: UInt64? = nil, blob: String? = nil) throws(ArchiveError) {
        let scratch = RawBuffer(count: 64 << 10)
        while try read(into: scratch.bytes) > 0 {}
        let what = blob ?? name
        if let size, size != position {
            throw ArchiveError(location: what, offset: position,
                               problem: "size mismatch: the descriptor says \(size) bytes, the blob has \(position)")
        }
        let got = digest
        guard got == expected else {
            throw ArchiveError(location: what, problem: "digest mismatch: expected \(expected), got \(got)")
        }
    }
}

/// SHA-256 on a thread of its own: `update` copies the bytes into the next of a few fixed
/// buffers and queues them; the hashing thread takes them in order. At most `slots` chunks wait,
/// so memory is fixed (`slots` × `chunk`) and a slow hash holds the reader back instead of
/// piling up. Used by one thread (the reader); `finalize` waits for the queue.
final class BackgroundSHA256: @unchecked Sendable {
    static let slots = 4
    static let chunk = 256 << 10

    private let queue = DispatchQueue(label: "staticcheck-elf.sha256")
    private let free = DispatchSemaphore(value: BackgroundSHA256.slots)
    private let buffers: UnsafeMutableRawBufferPointer
    // The reader's next buffer. Chunks are hashed in the order they were queued, so when a
    // slot is free, the oldest buffer — this one — is free.
    private var next = 0
    // Only on `queue`.
    private var hasher = SHA256()

    init() {
        buffers = .allocate(byteCount: BackgroundSHA256.slots * BackgroundSHA256.chunk, alignment: 64)
    }

    // Each queued chunk holds this object, so the last one has run (and given its slot back)
    // before the buffers go; deinit may run on the hashing thread itself.
    deinit { buffers.deallocate() }

    func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = Swift.min(BackgroundSHA256.chunk, bytes.count - offset)
            free.wait()
            let start = next * BackgroundSHA256.chunk
            next = (next + 1) % BackgroundSHA256.slots
            UnsafeMutableRawBufferPointer(rebasing: buffers[start..<(start + n)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
            queue.async {
                self.hasher.update(UnsafeRawBufferPointer(rebasing: self.buffers[start..<(start + n)]))
                self.free.signal()
            }
        }
    }

    func finalize() -> SHA256Digest {
        queue.sync { hasher.finalize() }
    }
}

