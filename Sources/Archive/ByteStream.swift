import ELFKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only source of bytes: a file, a range of one, bytes in memory, or another stream
/// transformed (decompressed, hashed, one tar member's data). Single-owner and not thread-safe.
///
/// Streams own no buffer of the caller's size: the caller lends the buffer it reads into, so a
/// chain of streams holds a fixed amount of memory however long the stream is.
public protocol ByteStream: AnyObject {
    /// The name used in error messages (`layer blobs/sha256/ab…`).
    var name: String { get }
    /// Bytes read or skipped so far.
    var position: UInt64 { get }
    /// Reads up to `buffer.count` bytes into `buffer`; returns how many. Returns 0 only at the
    /// end of the stream (or when `buffer` is empty).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int
    /// Skips up to `count` bytes; returns how many were skipped, fewer only at the end of the
    /// stream. `scratch` is a buffer the caller lends to streams that must read to skip
    /// (the default does); seekable files skip without reading. Never allocates.
    func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64
}

extension ByteStream {
    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        try skipByReading(count, scratch: scratch)
    }

    /// Skips by reading into `scratch` and discarding.
    public func skipByReading(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        guard !scratch.isEmpty else {
            throw ArchiveError(location: name, offset: position, problem: "skip needs a scratch buffer")
        }
        var done: UInt64 = 0
        while done < count {
            let want = Int(Swift.min(UInt64(scratch.count), count - done))
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]))
            if n == 0 { break }
            done += UInt64(n)
        }
        return done
    }

    /// Reads until `buffer` is full or the stream ends; returns how many bytes were read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads the rest of the stream, at most `cap` bytes: more is an error naming the cap
    /// (for manifests and configs, which have small caps).
    public func readAll(cap: Int) throws(ArchiveError) -> [UInt8] {
        var out: [UInt8] = []
        let chunk = RawBuffer(count: Swift.min(Swift.max(cap, 0) &+ 1, 64 << 10))
        while true {
            let n = try read(into: chunk.bytes)
            if n == 0 { return out }
            guard out.count + n <= cap else {
                throw ArchiveError(location: name, offset: position,
                                   problem: "more than the cap of \(cap) bytes")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk.bytes[0..<n]))
        }
    }
}

/// A file opened read-only, closed when the last reference goes. Shared by the streams that
/// read it (a docker save tar is read once to list it, then again by range).
public final class ReadOnlyFile: @unchecked Sendable {
    public let fd: Int32
    /// The path it was opened with, for messages.
    public let path: String
    /// Its size when it is a regular file (nil for a pipe or a device).
    public let size: UInt64?

    /// Opens `path` read-only (O_CLOEXEC).
    public init(path: String) throws(ArchiveError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ArchiveError(location: path, problem: "cannot open: \(errnoWords(errno))")
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            size = UInt64(clamping: st.st_size)
        } else {
            size = nil
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }
}

/// A file read from its current offset to its end with read(2) into the caller's buffer: no
/// mapping, so scanning a 1 GiB file keeps the resident set small. Skips seek on a regular file.
public final class FileStream: ByteStream {
    public let file: ReadOnlyFile
    public let name: String
    public private(set) var position: UInt64 = 0

    public init(_ file: ReadOnlyFile, name: String? = nil) {
        self.file = file
        self.name = name ?? file.path
    }

    /// Opens `path` and reads it from the start.
    public convenience init(path: String, name: String? = nil) throws(ArchiveError) {
        self.init(try ReadOnlyFile(path: path), name: name)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let n = posixRead(file.fd, base, buffer.count)
            if n >= 0 {
                position += UInt64(n)
                return n
            }
            if errno == EINTR { continue }
            throw ArchiveError(location: name, offset: position, problem: "read failed at offset \(position): \(errnoWords(errno))")
        }
    }

    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        guard let size = file.size else { return try skipByReading(count, scratch: scratch) }
        let here = lseek(file.fd, 0, SEEK_CUR)
        guard here >= 0 else { return try skipByReading(count, scratch: scratch) }
        let left = size > UInt64(here) ? size - UInt64(here) : 0
        let step = Swift.min(count, left)
        guard let delta = off_t(exactly: step), lseek(file.fd, delta, SEEK_CUR) >= 0 else {
            throw ArchiveError(location: name, offset: position, problem: "seek failed at offset \(position): \(errnoWords(errno))")
        }
        position += step
        return step
    }
}

/// `count` bytes of a file from `offset`, read with pread(2): a member's data found by an
/// earlier listing, read again without reading what comes before it.
public final class FileRangeStream: ByteStream {
    public let file: ReadOnlyFile
    public let name: String
    /// Where the range starts in the file.
    public let start: UInt64
    /// The range's length.
    public let count: UInt64
    /// Bytes of the range read or skipped so far.
    public private(set) var position: UInt64 = 0

    public init(_ file: ReadOnlyFile, offset: UInt64, count: UInt64, name: String? = nil) {
        self.file = file
        self.start = offset
        self.count = count
        self.name = name ?? file.path
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let base = buffer.baseAddress, position < count else { return 0 }
        let want = Int(Swift.min(UInt64(buffer.count), count - position))
        let (at, overflow) = start.addingReportingOverflow(position)
        guard !overflow, let off = off_t(exactly: at) else {
            throw ArchiveError(location: name, offset: position, problem: "range offset \(start)+\(position) is too large")
        }
        while true {
            let n = pread(file.fd, base, want, off)
            if n > 0 {
                position += UInt64(n)
                return n
            }
            if n == 0 {
                throw ArchiveError(location: name, offset: position,
                                   problem: "the file ends at offset \(at), inside the range of \(count) bytes at offset \(start)")
            }
            if errno == EINTR { continue }
            throw ArchiveError(location: name, offset: position, problem: "read failed at offset \(at): \(errnoWords(errno))")
        }
    }

    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        let step = Swift.min(count, self.count - position)
        position += step
        return step
    }
}

/// Bytes in memory: a ByteView (a mapping kept alive by the view) or an array.
public final class MemoryStream: ByteStream {
    public let view: ByteView
    public let name: String
    public private(set) var position: UInt64 = 0
    private let length: UInt64

    public init(_ view: ByteView, name: String) {
        self.view = view
        self.name = name
        length = UInt64(view.count)
    }

    public init(_ bytes: [UInt8], name: String) {
        view = ByteView(copying: bytes)
        self.name = name
        length = UInt64(view.count)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let n = Int(Swift.min(UInt64(buffer.count), length - position))
        guard n > 0, let dst = buffer.baseAddress else { return 0 }
        let start = Int(position)
        view.withUnsafeBytes { src in
            if let s = src.baseAddress { dst.copyMemory(from: s + start, byteCount: n) }
        }
        position += UInt64(n)
        return n
    }

    public func skip(_ count: UInt64, scratch: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> UInt64 {
        let step = Swift.min(count, length - position)
        position += step
        return step
    }
}

/// read(2), named apart from the `read(into:)` methods that call it.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
