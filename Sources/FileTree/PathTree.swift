#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tree that holds paths and nothing else: which files and directories exist, no bytes, no
/// symlinks. What a built-in profile knows of an image.
public struct PathTree: FileTree {
    public let name: String
    public let files: Set<String>
    public let directories: Set<String>

    /// `files` and `directories` are absolute; every parent directory of a file exists too.
    public init(name: String, files: Set<String>, directories: Set<String>) {
        self.name = name
        self.files = files
        var dirs = directories
        // Parents by the bytes of each path (a `/` is ASCII: its byte index is a String index);
        // a parent met before had its own parents added then.
        var added: Set<String> = []
        for f in files {
            let u = f.utf8
            var end = u.endIndex
            while let slash = u[u.startIndex..<end].lastIndex(of: UInt8(ascii: "/")), slash != u.startIndex {
                let parent = String(Substring(u[u.startIndex..<slash]))
                if !added.insert(parent).inserted { break }
                dirs.insert(parent)
                end = slash
            }
        }
        self.directories = dirs
    }

    public func resolve(_ path: String, followLast: Bool) throws(TreeError) -> String {
        // No symlinks: a path without `.`, `..` or `//` is its own resolution (the parents of
        // every file exist); anything else takes the component walk.
        if PathTree.isPlainAbsolute(path) { return path }
        return try TreeResolver.resolve(path, in: self, followLast: followLast)
    }

    /// Absolute, with no `/.` and no `//`: one pass over the bytes (the loader asks this for
    /// every directory and library name it tries, for every built-in profile).
    static func isPlainAbsolute(_ path: String) -> Bool {
        var previousSlash = false
        var first = true
        for b in path.utf8 {
            if first {
                guard b == UInt8(ascii: "/") else { return false }
                first = false
                previousSlash = true
                continue
            }
            if previousSlash && (b == UInt8(ascii: "/") || b == UInt8(ascii: ".")) { return false }
            previousSlash = b == UInt8(ascii: "/")
        }
        return !first
    }

    public func lstat(_ path: String) throws(TreeError) -> Entry {
        if files.contains(path) { return Entry(kind: .regular, mode: 0o755, size: 0) }
        if path == "/" || directories.contains(path) { return Entry(kind: .directory, mode: 0o755, size: 0) }
        throw .notFound
    }

    public func readLink(_ path: String) throws(TreeError) -> String {
        _ = try lstat(path)
        throw TreeError(errno: EINVAL, reason: "not a symbolic link")
    }

    public func contents(_ path: String) throws(TreeError) -> FileBytes {
        _ = try lstat(path)
        throw .pathsOnly
    }

    public func prefix(_ path: String, count: Int) throws(TreeError) -> [UInt8] {
        _ = try lstat(path)
        throw .pathsOnly
    }

    public func children(_ path: String) throws(TreeError) -> [String] {
        guard try lstat(path).kind == .directory else { throw .notDirectory }
        let base = path == "/" ? "/" : path + "/"
        var out: Set<String> = []
        for p in files.union(directories) where p.hasPrefix(base) && p.count > base.count {
            let rest = p.dropFirst(base.count)
            out.insert(String(rest.prefix { $0 != "/" }))
        }
        return Array(out)
    }
}
