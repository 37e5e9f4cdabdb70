import CZlib
import CZstd

/// How a stream is compressed, told by its first bytes (IMAGES.md 3.2, as moby's
/// DecompressStream does): `1f 8b` gzip (RFC 1952 §2.3.1), `28 b5 2f fd` zstd (RFC 8878
/// §3.1.1), anything else plain (a tar). The media type is not trusted for this.
public enum Compression: String, Sendable, Hashable {
    case none, gzip, zstd

    /// The compression the first bytes of a stream show.
    public static func sniff(_ prefix: UnsafeRawBufferPointer) -> Compression {
        if prefix.count >= 2, prefix[0] == 0x1f, prefix[1] == 0x8b { return .gzip }
        if prefix.count >= 4, prefix[0] == 0x28, prefix[1] == 0xb5, prefix[2] == 0x2f, prefix[3] == 0xfd { return .zstd }
        return .none
    }

    public static func sniff(_ prefix: [UInt8]) -> Compression {
        prefix.withUnsafeBytes { sniff($0) }
    }
}

/// The bounds on decompression. Memory does not depend on the data: two buffers of
/// `bufferSize` (the input here, the output the caller's), zlib's 32 KiB window, and zstd's
/// window, which a frame declares and which is refused above 2^`maxZstdWindowLog` bytes.
public struct DecompressionLimits: Sendable, Hashable {
    /// 64 GiB: more than any real layer, little enough that a bomb stops.
    public static let defaultMaxDecompressedBytes: UInt64 = 64 << 30
    /// libzstd's own default limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT): a 128 MiB window at most.
    public static let defaultMaxZstdWindowLog: Int32 = 27

    /// Decompressed bytes allowed in all (plain streams count too); more is an error.
    public var maxDecompressedBytes: UInt64
    /// Frames that need a larger window than 2^this bytes are refused.
    public var maxZstdWindowLog: Int32
    /// The size of the compressed-input buffer.
    public var bufferSize: Int

    public init(maxDecompressedBytes: UInt64 = DecompressionLimits.defaultMaxDecompressedBytes,
                maxZstdWindowLog: Int32 = DecompressionLimits.defaultMaxZstdWindowLog,
                bufferSize: Int = 256 << 10) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxZstdWindowLog = maxZstdWindowLog
        self.bufferSize = Swift.min(Swift.max(bufferSize, 16), 1 << 30)
    }
}

/// A stream decompressed as its magic says: gzip (zlib's inflate; concatenated members, as
/// pigz and `cat a.gz b.gz` make, are one stream), zstd (ZSTD_decompressStream; concatenated
/// frames too), or plain, passed through. Output goes straight into the caller's buffer.
///
/// A stream that ends inside a member or frame, corrupt data, and bytes after the last gzip
/// member that are not another member are errors naming the compressed offset; more than
/// `limits.maxDecompressedBytes` of output is an error naming the cap.
public final class DecompressingStream: ByteStream {
    public let source: any ByteStream
    public let compression: Compression
    public let limits: DecompressionLimits
    /// Decompressed bytes produced so far.
    public private(set) var position: UInt64 = 0
    public var name: String { source.name }

    /// Offset in the compressed stream of the next byte the decoder has not consumed.
    public var compressedPosition: UInt64 {
        let buffered = UInt64(inEnd - inStart)
        return source.position >= buffered ? source.position - buffered : 0
    }

    private let input: RawBuffer
    private var inStart = 0
    private var inEnd = 0
    private var sourceEnded = false
    private let zlib: ZlibInflater?
    private let zstd: ZstdDecoder?
    // gzip: the last member ended (a new one may follow). zstd: the last frame ended.
    private var atBoundary = false
    // zstd: the last call filled the output, so the decoder may hold more to flush.
    private var outputWasFull = false
    // gzip: access points recorded while reading (stops inflate at each block boundary).
    private let index: GzipIndex?
    // gzip resumed inside a member (raw deflate): the member's 8-byte trailer (CRC-32, size)
    // still to pass over when its deflate data ends. Not checked: the blob was checked whole
    // (its digest) by the pass that made the index.
    private var raw = false
    private var trailerLeft = 0

    /// Reads the first bytes of `source` to tell its compression. With `index`, a gzip stream
    /// records access points into it as it is read (`GzipIndex`).
    public init(_ source: any ByteStream, limits: DecompressionLimits = .init(), index: GzipIndex? = nil) throws(ArchiveError) {
        self.source = source
        self.limits = limits
        self.index = index
        input = RawBuffer(count: limits.bufferSize)
        // Sniff: at least four bytes, or all there is.
        var have = 0
        while have < 4 {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input.bytes[have...]))
            if n == 0 { sourceEnded = true; break }
            have += n
        }
        inEnd = have
        compression = Compression.sniff(UnsafeRawBufferPointer(rebasing: input.bytes[0..<have]))
        switch compression {
        case .none:
            zlib = nil
            zstd = nil
        case .gzip:
            zlib = try ZlibInflater(name: source.name)
            zstd = nil
        case .zstd:
            zlib = nil
            zstd = try ZstdDecoder(name: source.name, maxWindowLog: limits.maxZstdWindowLog)
            atBoundary = true
        }
    }

    /// A gzip stream resumed at an access point of its index: `source` starts at the point's
    /// `input` (one byte before it when the point has bits), and `position` starts at its `out`.
    /// The limits count from the stream's start, as if it had been read from there.
    public init(resuming point: GzipIndex.Point, from source: any ByteStream, limits: DecompressionLimits = .init()) throws(ArchiveError) {
        self.source = source
        self.limits = limits
        index = nil
        input = RawBuffer(count: limits.bufferSize)
        compression = .gzip
        zstd = nil
        position = point.out
        let z = try ZlibInflater(name: source.name, raw: true)
        zlib = z
        raw = true
        if point.bits > 0 {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input.bytes[0..<1]))
            guard n == 1 else {
                throw ArchiveError(location: source.name, offset: point.input, problem: "the stream ends at an access point")
            }
            let byte = Int32(input.bytes[0])
            guard inflatePrime(z.stream, point.bits, byte >> (8 - point.bits)) == Z_OK else {
                throw ArchiveError(location: source.name, offset: point.input, problem: "cannot resume inflate at an access point")
            }
        }
        if !point.window.isEmpty {
            let ret = point.window.withUnsafeBufferPointer { w in
                inflateSetDictionary(z.stream, w.baseAddress, UInt32(w.count))
            }
            guard ret == Z_OK else {
                throw ArchiveError(location: source.name, offset: point.input, problem: "cannot set the window of an access point")
            }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard !buffer.isEmpty else { return 0 }
        // Ask for one byte more than the cap allows, so that going past it is seen.
        let allowance = limits.maxDecompressedBytes &- Swift.min(position, limits.maxDecompressedBytes)
        let want = allowance >= UInt64(buffer.count) ? buffer.count : Int(allowance) + 1
        let out = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])
        let n: Int
        switch compression {
        case .none: n = try readPlain(out)
        case .gzip: n = try readGzip(out)
        case .zstd: n = try readZstd(out)
        }
        position += UInt64(n)
        if position > limits.maxDecompressedBytes {
            throw ArchiveError(location: name, offset: position,
                               problem: "decompressed size exceeds the cap of \(limits.maxDecompressedBytes) bytes (a decompression bomb?)")
        }
        return n
    }

    /// A plain stream skips by its source (a seek on a plain file); a compressed one must
    /// decompress what it skips, into `scratch`.
    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        guard compression == .none else { return try skipByReading(count, scratch: scratch) }
        let allowance = limits.maxDecompressedBytes &- Swift.min(position, limits.maxDecompressedBytes)
        let fromBuffer = Int(Swift.min(count, UInt64(inEnd - inStart)))
        inStart += fromBuffer
        var done = UInt64(fromBuffer)
        if done < count, !sourceEnded {
            // One byte past the cap, so that going past it is seen.
            let room = allowance > done ? allowance - done : 0
            done += try source.skip(Swift.min(count - done, room == .max ? room : room + 1), scratch: scratch)
        }
        position += done
        if position > limits.maxDecompressedBytes {
            throw ArchiveError(location: name, offset: position,
                               problem: "decompressed size exceeds the cap of \(limits.maxDecompressedBytes) bytes (a decompression bomb?)")
        }
        return done
    }

    // Moves unread input to the front and reads more after it; sets sourceEnded at the end.
    private func refill() throws(ArchiveError) {
        if inStart == inEnd {
            inStart = 0
            inEnd = 0
        } else if inStart > 0, let base = input.bytes.baseAddress {
            (base).copyMemory(from: base + inStart, byteCount: inEnd - inStart)
            inEnd -= inStart
            inStart = 0
        }
        guard inEnd < input.count else { return }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input.bytes[inEnd...]))
        if n == 0 { sourceEnded = true }
        inEnd += n
    }

    private func readPlain(_ out: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        if inStart < inEnd, let dst = out.baseAddress, let src = input.bytes.baseAddress {
            let n = Swift.min(out.count, inEnd - inStart)
            dst.copyMemory(from: src + inStart, byteCount: n)
            inStart += n
            return n
        }
        if sourceEnded { return 0 }
        return try source.read(into: out)
    }

    private func readGzip(_ out: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let z = zlib?.stream, let inBase = input.bytes.baseAddress, let outBase = out.baseAddress else { return 0 }
        let outCount = Swift.min(out.count, Int(UInt32.max))
        while true {
            if atBoundary, trailerLeft > 0 {
                // A resumed member's trailer, passed over.
                if inStart == inEnd {
                    if sourceEnded {
                        throw ArchiveError(location: name, offset: compressedPosition,
                                           problem: "truncated gzip stream: it ends at compressed offset \(compressedPosition), inside a member's trailer")
                    }
                    try refill()
                    continue
                }
                let n = Swift.min(trailerLeft, inEnd - inStart)
                inStart += n
                trailerLeft -= n
                continue
            }
            if atBoundary {
                // After a member: the end, another member (`1f 8b`), or trailing garbage.
                if inEnd - inStart < 2, !sourceEnded {
                    try refill()
                    continue
                }
                if inStart == inEnd { return 0 }
                guard inEnd - inStart >= 2, input.bytes[inStart] == 0x1f, input.bytes[inStart + 1] == 0x8b else {
                    throw ArchiveError(location: name, offset: compressedPosition,
                                       problem: "data after the last gzip member at compressed offset \(compressedPosition) is not another gzip member")
                }
                if raw {
                    guard czlib_inflate_reset_gzip(z) == Z_OK else { throw zlibError("cannot reset the inflater", z) }
                    raw = false
                } else {
                    guard inflateReset(z) == Z_OK else { throw zlibError("cannot reset the inflater", z) }
                }
                atBoundary = false
            }
            let avail = inEnd - inStart
            z.pointee.next_in = (inBase + inStart).assumingMemoryBound(to: Bytef.self)
            z.pointee.avail_in = UInt32(avail)
            z.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
            z.pointee.avail_out = UInt32(outCount)
            let ret = inflate(z, index == nil ? Z_NO_FLUSH : Z_BLOCK)
            let consumed = avail - Int(z.pointee.avail_in)
            inStart += consumed
            let produced = outCount - Int(z.pointee.avail_out)
            z.pointee.next_in = nil
            z.pointee.next_out = nil
            // At a block boundary that is not the end of the member's last block: a point.
            if let index, ret == Z_OK, z.pointee.data_type & 128 != 0, z.pointee.data_type & 64 == 0 {
                let out = position + UInt64(produced)
                if index.wants(out) { index.add(accessPoint(z, out: out)) }
            }
            switch ret {
            case Z_STREAM_END:
                atBoundary = true
                if raw { trailerLeft = 8 }
                if produced > 0 { return produced }
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
                if consumed == 0 {
                    if sourceEnded {
                        throw ArchiveError(location: name, offset: compressedPosition,
                                           problem: "truncated gzip stream: it ends at compressed offset \(compressedPosition), inside a member")
                    }
                    try refill()
                }
            default:
                throw zlibError("corrupt gzip stream at compressed offset \(compressedPosition)", z)
            }
        }
    }

    /// The access point at the inflater's current block boundary.
    private func accessPoint(_ z: UnsafeMutablePointer<z_stream>, out: UInt64) -> GzipIndex.Point {
        var window = [UInt8](repeating: 0, count: 32 << 10)
        var length: UInt32 = 0
        let ret = window.withUnsafeMutableBufferPointer { inflateGetDictionary(z, $0.baseAddress, &length) }
        window.removeLast(ret == Z_OK ? window.count - Int(Swift.min(length, UInt32(window.count))) : window.count)
        return GzipIndex.Point(out: out, input: compressedPosition, bits: z.pointee.data_type & 7, window: window)
    }

    private func zlibError(_ what: String, _ z: UnsafeMutablePointer<z_stream>) -> ArchiveError {
        let detail = z.pointee.msg.map { ": " + String(cString: $0) } ?? ""
        return ArchiveError(location: name, offset: compressedPosition, problem: what + detail)
    }

    private func readZstd(_ out: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let d = zstd?.context, let inBase = input.bytes.baseAddress, let outBase = out.baseAddress else { return 0 }
        while true {
            if inStart == inEnd, !outputWasFull {
                if !sourceEnded {
                    try refill()
                    continue
                }
                if atBoundary { return 0 }
                throw ArchiveError(location: name, offset: compressedPosition,
                                   problem: "truncated zstd stream: it ends at compressed offset \(compressedPosition), inside a frame")
            }
            var inb = ZSTD_inBuffer(src: UnsafeRawPointer(inBase + inStart), size: inEnd - inStart, pos: 0)
            var outb = ZSTD_outBuffer(dst: outBase, size: out.count, pos: 0)
            let ret = ZSTD_decompressStream(d, &outb, &inb)
            inStart += inb.pos
            if ZSTD_isError(ret) != 0 {
                var words = ZSTD_getErrorName(ret).map { String(cString: $0) } ?? "error \(ret)"
                if ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge {
                    words += " (the frame's window is larger than the cap of 2^\(limits.maxZstdWindowLog) bytes)"
                }
                throw ArchiveError(location: name, offset: compressedPosition,
                                   problem: "corrupt zstd stream at compressed offset \(compressedPosition): \(words)")
            }
            // A call with no input and no output (a flush that found nothing) tells nothing new.
            if inb.pos > 0 || outb.pos > 0 { atBoundary = ret == 0 }
            outputWasFull = outb.pos == outb.size
            if outb.pos > 0 { return outb.pos }
        }
    }
}

/// zlib's inflate state, at a fixed address, ended with its owner.
private final class ZlibInflater {
    let stream: UnsafeMutablePointer<z_stream>

    init(name: String, raw: Bool = false) throws(ArchiveError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let ret = raw ? czlib_inflate_init_raw(stream) : czlib_inflate_init_gzip(stream)
        guard ret == Z_OK else {
            stream.deallocate()
            throw ArchiveError(location: name, problem: "cannot start zlib's inflate (error \(ret))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }
}

/// A zstd decompression context, freed with its owner.
private final class ZstdDecoder {
    let context: OpaquePointer

    init(name: String, maxWindowLog: Int32) throws(ArchiveError) {
        guard let d = ZSTD_createDCtx() else {
            throw ArchiveError(location: name, problem: "cannot create a zstd decompression context")
        }
        let ret = ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, maxWindowLog)
        guard ZSTD_isError(ret) == 0 else {
            ZSTD_freeDCtx(d)
            throw ArchiveError(location: name, problem: "zstd refuses a window limit of 2^\(maxWindowLog) bytes")
        }
        context = d
    }

    deinit { ZSTD_freeDCtx(context) }
}
