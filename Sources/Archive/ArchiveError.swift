#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem reading an archive or a compressed stream: where (the name of the stream the caller
/// gave, such as `layer blobs/sha256/…` or `image.tar`), the byte offset when one is known, and
/// what is wrong. The problem's words name the offset and say which stream it counts in
/// (`compressed offset 1234`, `offset 1536 of the tar stream`), since a layer has two.
public struct ArchiveError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stream, as named by whoever opened it (`layer blobs/sha256/ab…`).
    public var location: String
    /// Byte offset into that stream (compressed or decompressed, as the problem says), if known.
    public var offset: UInt64?
    /// What is wrong, in words.
    public var problem: String

    public init(location: String, offset: UInt64? = nil, problem: String) {
        self.location = location
        self.offset = offset
        self.problem = problem
    }

    /// `LOCATION: PROBLEM`.
    public var description: String { "\(location): \(problem)" }
}

/// The words for an errno value (`strerror`).
func errnoWords(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "errno \(code)" }
    return String(cString: s)
}
