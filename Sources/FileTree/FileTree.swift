import ELFKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a tree entry is, as `lstat` tells it.
public enum EntryKind: Sendable, Hashable {
    case regular, directory, symlink, other
}

/// One entry of a tree, without following a final symlink.
public struct Entry: Sendable, Hashable {
    public var kind: EntryKind
    /// Permission bits (`st_mode & 0o7777`).
    public var mode: UInt32
    /// Bytes of a regular file (0 when the tree holds paths only).
    public var size: UInt64

    public init(kind: EntryKind, mode: UInt32, size: UInt64) {
        self.kind = kind
        self.mode = mode
        self.size = size
    }
}

/// Why a path of a tree could not be looked up or read: an errno-like code and the words for
/// it. The message names the path the user gave, which only the caller knows.
public struct TreeError: Error, Sendable, Hashable {
    /// The errno value this corresponds to (`ENOENT`, `ENOTDIR`, `ELOOP`, `EACCES`, `EISDIR`, …).
    public var errno: Int32
    public var reason: String

    public init(errno: Int32, reason: String) {
        self.errno = errno
        self.reason = reason
    }

    /// `PATH: reason`, as every input error prints.
    public func message(for path: String) -> String { "\(path): \(reason)" }

    public static let notFound = TreeError(errno: ENOENT, reason: "no such file or directory")
    public static let notDirectory = TreeError(errno: ENOTDIR, reason: "not a directory")
    public static let loop = TreeError(errno: ELOOP, reason: "too many levels of symbolic links (a symlink cycle)")
    public static let notRegular = TreeError(errno: EINVAL, reason: "not a regular file")
    public static let pathsOnly = TreeError(errno: ENOTSUP, reason: "the target holds paths only, not file contents")
}

/// A file's bytes and permission bits, read from a tree. The view keeps its storage alive.
public struct FileBytes: Sendable {
    public var view: ByteView
    /// Permission bits (`st_mode & 0o7777`).
    public var mode: UInt32

    public init(view: ByteView, mode: UInt32) {
        self.view = view
        self.mode = mode
    }
}

/// Where files come from: inputs and targets alike. A directory on the host, a built-in profile
/// (paths only) and an image's squashed layers are implementations; rules only ever see a tree.
///
/// Paths are the tree's own: absolute from its top for a rooted tree (`/lib/libc.so.6`), as the
/// user spelled them for the host. The primitives `lstat`, `readLink`, `contents` and `children`
/// take a *resolved* path: no symlink before its last component (`resolve` makes one). The
/// resolved queries in the extension below follow symlinks the way the kernel does inside the
/// tree: absolute links count from the tree's top, `..` stops there, a loop ends with ELOOP.
public protocol FileTree: Sendable {
    /// The name shown in output (`scratch`, `rootfs:/srv/root`, the host).
    var name: String { get }
    /// The entry at a resolved path, not following a final symlink.
    func lstat(_ path: String) throws(TreeError) -> Entry
    /// The target of the symlink at a resolved path, as stored.
    func readLink(_ path: String) throws(TreeError) -> String
    /// The bytes of the regular file at `path` (symlinks followed).
    func contents(_ path: String) throws(TreeError) -> FileBytes
    /// The first `count` bytes (fewer when the file is shorter) of the file at `path`, symlinks
    /// followed: enough to sniff a format without reading the file.
    func prefix(_ path: String, count: Int) throws(TreeError) -> [UInt8]
    /// The bytes of the file at `path` when it starts with `magic`, else nil: a walk's test and
    /// read in one (the host opens the file once).
    func contents(_ path: String, ifStartsWith magic: [UInt8]) throws(TreeError) -> FileBytes?
    /// The names in the directory at `path` (symlinks followed), without `.` and `..`, unsorted.
    func children(_ path: String) throws(TreeError) -> [String]
    /// `path` with every symlink resolved inside the tree (the final one only if `followLast`).
    func resolve(_ path: String, followLast: Bool) throws(TreeError) -> String
    /// The entry at `path`, symlinks followed inside the tree.
    func stat(_ path: String) throws(TreeError) -> Entry
}

extension FileTree {
    public func prefix(_ path: String, count: Int) throws(TreeError) -> [UInt8] {
        let bytes = try contents(path)
        return bytes.view.withUnsafeBytes { Array($0.prefix(count)) }
    }

    public func contents(_ path: String, ifStartsWith magic: [UInt8]) throws(TreeError) -> FileBytes? {
        guard try prefix(path, count: magic.count) == magic else { return nil }
        return try contents(path)
    }

    public func stat(_ path: String) throws(TreeError) -> Entry {
        try lstat(resolve(path, followLast: true))
    }

    /// True when a regular file is at `path`, symlinks followed inside the tree.
    public func isRegularFile(_ path: String) -> Bool {
        (try? stat(path))?.kind == .regular
    }

    /// True when a directory is at `path`, symlinks followed inside the tree.
    public func isDirectory(_ path: String) -> Bool {
        (try? stat(path))?.kind == .directory
    }
}

/// Path resolution inside a rooted tree, as the kernel does it inside a chroot
/// (fs/namei.c): component by component, absolute symlinks restart at the tree's top, `..`
/// never climbs above it, and more than `maxLinks` symlinks (MAXSYMLINKS, 40) end with ELOOP.
/// Only the tree's `lstat` and `readLink` are used, so nothing outside the tree is reached.
public enum TreeResolver {
    public static let maxLinks = 40

    public static func resolve(_ path: String, in tree: some FileTree, followLast: Bool) throws(TreeError) -> String {
        var done: [Substring] = []              // resolved components, no symlinks among them
        var pending: [Substring] = components(path).reversed()   // a stack: last element next
        var links = 0
        while let c = pending.popLast() {
            if c == "." { continue }
            if c == ".." {
                _ = done.popLast()
                continue
            }
            let isLast = pending.allSatisfy { $0 == "." }
            let candidate = join(done + [c])
            let e = try tree.lstat(candidate)
            if e.kind == .symlink && (followLast || !isLast) {
                links += 1
                if links > maxLinks { throw .loop }
                let target = try tree.readLink(candidate)
                if target.isEmpty { throw .notFound }
                if target.hasPrefix("/") { done = [] }
                pending += components(target).reversed()
                continue
            }
            if !isLast && e.kind != .directory { throw .notDirectory }
            done.append(c)
        }
        return join(done)
    }

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func join(_ parts: [Substring]) -> String {
        parts.isEmpty ? "/" : "/" + parts.map(String.init).joined(separator: "/")
    }

    /// `path` made absolute from the tree's top with `.`, `..` and repeated slashes folded
    /// lexically (no symlinks read): how an image or profile path is normalised.
    public static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for c in components(path) {
            if c == "." { continue }
            if c == ".." { _ = out.popLast(); continue }
            out.append(c)
        }
        return join(out)
    }

    /// `path` relative to the directory `base` (both normalised): "" for `base` itself, nil
    /// for a path outside it.
    public static func relative(_ path: String, to base: String) -> String? {
        if path == base { return "" }
        let prefix = base == "/" ? "/" : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// The directory holding a normalised path; "/" for "/".
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
