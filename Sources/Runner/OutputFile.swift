#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `-o FILE` the output goes to: created or truncated (mode 0644 less the umask), written
/// as the output comes, closed at the end. The only file the tool ever writes.
final class OutputFile {
    private var fd: Int32
    /// The first write error, if any (the exit status is then 2).
    private(set) var problem: String?

    private init(fd: Int32) { self.fd = fd }

    static func create(_ path: String) -> Result<OutputFile, OutputFileError> {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(OutputFileError(message: String(cString: strerror(errno)))) }
        return .success(OutputFile(fd: fd))
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard problem == nil else { return }
        if let e = writeAll(fd, bytes) { problem = String(cString: strerror(e)) }
    }

    func close() {
        guard fd >= 0 else { return }
        if systemClose(fd) != 0 && problem == nil { problem = String(cString: strerror(errno)) }
        fd = -1
    }
}

/// Why `-o FILE` could not be opened (strerror's words).
struct OutputFileError: Error {
    var message: String
}

/// Writes every byte to `fd`, retrying after a signal or a short write; the errno of any
/// other failure (nil when all was written). Standard output, standard error and `-o FILE`.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    guard var p = bytes.baseAddress else { return nil }
    var left = bytes.count
    while left > 0 {
        let n = write(fd, p, left)
        if n > 0 {
            p += n
            left -= n
        } else if n < 0 && errno == EINTR {
            continue
        } else {
            return n < 0 ? errno : EIO
        }
    }
    return nil
}
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
