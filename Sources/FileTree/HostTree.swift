import ELFKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory tree on the host.
///
/// `HostTree.host` is the host itself: paths are host paths as the user typed them (relative
/// to the working directory or absolute) and the host kernel resolves them. `HostTree(root:)` is
/// a directory seen as the top of a file system (an unpacked root): its paths are absolute from
/// that top, resolved by `TreeResolver` inside it, and every host call is made on the root plus a
/// path with no symlink in it, opened with `O_NOFOLLOW`, so nothing outside the root is read.
public struct HostTree: FileTree {
    /// The host directory at the tree's top, without a trailing slash; nil for the host itself.
    public let root: String?
    public let name: String

    /// The host's own file system.
    public static let host = HostTree(hostRoot: nil, name: "the host")

    /// The directory `root` as the top of a tree.
    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.init(hostRoot: r == "/" ? "" : r, name: "rootfs:\(root)")
    }

    private init(hostRoot: String?, name: String) {
        self.root = hostRoot
        self.name = name
    }

    /// Where the host path `hostPath` (as typed: relative to the working directory, or
    /// absolute) is in this rooted tree, or nil when it lies outside the root (or for the host).
    /// Compared lexically and through the real paths of the root and of the path's directory,
    /// so `./rootfs/app/main` and a symlinked root both land inside.
    public func treePath(ofHostPath hostPath: String) -> String? {
        guard let root else { return nil }
        let top = root.isEmpty ? "/" : root
        func absolute(_ p: String) -> String {
            if p.hasPrefix("/") { return TreeResolver.normalize(p) }
            return TreeResolver.normalize(HostTree.workingDirectory() + "/" + p)
        }
        func inside(_ p: String, _ r: String) -> String? {
            if r == "/" { return p }
            if p == r { return "/" }
            return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count)) : nil
        }
        let p = absolute(hostPath)
        if let t = inside(p, absolute(top)) { return t }
        // Through real paths: the directory holding the path (the path itself may be a link
        // that means something else inside the root).
        let slash = p.lastIndex(of: "/") ?? p.startIndex
        let dir = slash == p.startIndex ? "/" : String(p[..<slash])
        let name = String(p[p.index(after: slash)...])
        guard let realRoot = HostTree.realPath(absolute(top)), let realDir = HostTree.realPath(dir),
              let t = inside(realDir, realRoot) else { return nil }
        return t == "/" ? "/" + name : t + "/" + name
    }

    public static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(cString: buffer)
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// The host path for a tree path.
    @inline(__always)
    func hostPath(_ path: String) -> String {
        guard let root else { return path }
        return root + TreeResolver.normalize(path)
    }

    public func resolve(_ path: String, followLast: Bool) throws(TreeError) -> String {
        // The host's kernel resolves host paths itself.
        guard root != nil else { return path }
        return try TreeResolver.resolve(path, in: self, followLast: followLast)
    }

    public func lstat(_ path: String) throws(TreeError) -> Entry {
        var st = CStat()
        guard sysLstat(hostPath(path), &st) == 0 else { throw HostTree.error(errno) }
        return HostTree.entry(st)
    }

    /// `stat` through the host kernel for the host tree (one call), resolved inside for a root.
    public func stat(_ path: String) throws(TreeError) -> Entry {
        guard root == nil else { return try lstat(resolve(path, followLast: true)) }
        var st = CStat()
        guard sysStat(path, &st) == 0 else { throw HostTree.error(errno) }
        return HostTree.entry(st)
    }

    public func readLink(_ path: String) throws(TreeError) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress.map { readlink(hostPath(path), $0, Int(PATH_MAX)) } ?? -1
        }
        guard n >= 0 else { throw HostTree.error(errno) }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// Opens `path` for reading: symlinks followed by the host kernel for the host; for a root,
    /// resolved inside it first and opened without following a link.
    func open(_ path: String) throws(TreeError) -> Int32 {
        let target: String
        var flags = O_RDONLY | O_CLOEXEC
        if root != nil {
            target = hostPath(try resolve(path, followLast: true))
            flags |= O_NOFOLLOW
        } else {
            target = path
        }
        let fd = sysOpen(target, flags)
        // Opening says what the system says (strerror), as the input errors always did.
        guard fd >= 0 else { throw TreeError(errno: errno, reason: String(cString: strerror(errno))) }
        return fd
    }

    public func contents(_ path: String) throws(TreeError) -> FileBytes {
        try Self.bytes(of: try open(path), path: path)
    }

    /// The file open on `fd` mapped (or read), which closes it.
    static func bytes(of fd: Int32, path: String) throws(TreeError) -> FileBytes {
        do {
            let file = try MappedFile(descriptor: fd, path: path)
            return FileBytes(view: file.view, mode: file.mode & 0o7777)
        } catch {
            throw TreeError(errno: error.errno, reason: error.reason)
        }
    }

    /// One open: the magic is read with pread, then the same descriptor is mapped (or read).
    public func contents(_ path: String, ifStartsWith magic: [UInt8]) throws(TreeError) -> FileBytes? {
        let fd = try open(path)
        var head = [UInt8](repeating: 0, count: magic.count)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n == magic.count, head == magic else {
            close(fd)
            return nil
        }
        return try Self.bytes(of: fd, path: path)
    }

    public func prefix(_ path: String, count: Int) throws(TreeError) -> [UInt8] {
        let fd = try open(path)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: max(0, count))
        let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw TreeError(errno: errno, reason: String(cString: strerror(errno))) }
        out.removeLast(out.count - n)
        return out
    }

    public func children(_ path: String) throws(TreeError) -> [String] {
        let dir = root == nil ? path : hostPath(try resolve(path, followLast: true))
        guard let d = opendir(dir) else { throw HostTree.error(errno) }
        defer { closedir(d) }
        var names: [String] = []
        // d_name is read in place, at most to the end of its record (d_reclen): copying the
        // declared char[256] reads past a short last record of glibc's buffer (AddressSanitizer
        // caught it in a directory walk).
        guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return [] }
        while let e = readdir(d) {
            let room = max(0, Int(e.pointee.d_reclen) - offset)
            let start = UnsafeRawPointer(e).advanced(by: offset).assumingMemoryBound(to: CChar.self)
            let length = strnlen(start, room)
            let name = String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    fileprivate static func entry(_ st: CStat) -> Entry {
        let kind: EntryKind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        return Entry(kind: kind, mode: UInt32(st.st_mode & 0o7777), size: UInt64(max(0, st.st_size)))
    }

    /// The error for an errno, worded as the input errors always were.
    static func error(_ e: Int32) -> TreeError {
        switch e {
        case ENOENT: return .notFound
        case EACCES: return TreeError(errno: EACCES, reason: "permission denied")
        case ELOOP: return .loop
        default: return TreeError(errno: e, reason: String(cString: strerror(e)))
        }
    }
}

// The C calls, under names that the tree's own methods do not shadow.
private typealias CStat = stat
private func sysLstat(_ p: String, _ st: inout CStat) -> Int32 { lstat(p, &st) }
private func sysStat(_ p: String, _ st: inout CStat) -> Int32 { stat(p, &st) }
private func sysOpen(_ p: String, _ flags: Int32) -> Int32 { open(p, flags) }
