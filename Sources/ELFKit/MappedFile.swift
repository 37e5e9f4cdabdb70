#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a path could not be read at all (as opposed to a file whose bytes are malformed).
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var reason: String

    public init(path: String, errno: Int32, reason: String) {
        self.path = path
        self.errno = errno
        self.reason = reason
    }

    public init(path: String, errno e: Int32) {
        self.init(path: path, errno: e, reason: String(cString: strerror(e)))
    }

    public var description: String { "\(path): \(reason)" }
}

/// A file's bytes in memory, read-only. A large file is mapped: nothing is read until a page is
/// touched, so looking at the headers of a 100 MB binary reads a few pages, not 100 MB. A small
/// one (up to `readLimit`) is read with one `read`: for most shared libraries and programs that
/// is cheaper than a mapping's page faults and its `munmap`.
public final class MappedFile {
    public let path: String
    /// The mode bits from `fstat` (permission and type bits).
    public let mode: UInt32
    public let size: Int
    private let address: UnsafeMutableRawPointer?
    private let mapped: Bool

    /// Files up to this many bytes are read instead of mapped (two thirds of the ELF files on
    /// a Debian system). A fixed cap: no allocation is sized by a file beyond it.
    public static let readLimit = 64 * 1024

    /// Opens and maps (or reads) `path`. Throws `InputError` for a missing path, a directory, a
    /// path that cannot be read, or a file that cannot be mapped.
    public convenience init(path: String) throws(InputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(path: path, errno: errno) }
        try self.init(descriptor: fd, path: path)
    }

    /// Maps (or reads) the file open on `fd`, which it closes; `path` names it in errors.
    public init(descriptor fd: Int32, path: String) throws(InputError) {
        self.path = path
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw InputError(path: path, errno: errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw InputError(path: path, errno: EISDIR) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(path: path, errno: EINVAL, reason: "not a regular file")
        }
        mode = UInt32(st.st_mode)
        guard let n = Int(exactly: st.st_size), n >= 0 else {
            throw InputError(path: path, errno: EFBIG, reason: "file size \(st.st_size) is out of range")
        }
        if n == 0 {
            size = 0
            address = nil
            mapped = false
            return
        }
        if n <= MappedFile.readLimit {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 16)
            var got = 0
            while got < n {
                let r = read(fd, buffer + got, n - got)
                if r > 0 {
                    got += r
                } else if r == 0 {
                    break   // the file got shorter since fstat: what is there
                } else if errno != EINTR {
                    let e = errno
                    buffer.deallocate()
                    throw InputError(path: path, errno: e)
                }
            }
            size = got
            address = buffer
            mapped = false
            return
        }
        let p = mmap(nil, n, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw InputError(path: path, errno: errno) }
        size = n
        address = p
        mapped = true
    }

    deinit {
        guard let address else { return }
        if mapped {
            munmap(address, size)
        } else {
            address.deallocate()
        }
    }

    /// A window over the whole file.
    public var view: ByteView {
        ByteView(UnsafeRawBufferPointer(start: address.map { UnsafeRawPointer($0) }, count: address == nil ? 0 : size),
                 fileOffset: 0, owner: self)
    }

    /// True when any of the execute bits (user, group, other) is set.
    public var isExecutable: Bool { mode & 0o111 != 0 }
}
