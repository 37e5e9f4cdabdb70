import ELFKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands the command line's paths into the files to check: a file as given; a directory
/// walked in name order (symlinked directories are not followed, so cycles cannot trap us),
/// keeping ELF files, executable files, and skipping non-executable non-ELF files quietly.
public enum InputWalker {
    public enum Item: Equatable, Sendable {
        case file(String)
        /// A path that cannot be checked, with the reason (missing, permission, symlink loop).
        case unreadable(String, String)
    }

    /// One report per input: `body` for each file found, an error report for each path that
    /// cannot be read (so the other files are still checked, and the run exits 2).
    public static func reports(for paths: [String], _ body: (String) -> FileReport) -> [FileReport] {
        expand(paths).map { item in
            switch item {
            case .file(let p):
                return body(p)
            case .unreadable(let p, let why):
                var r = FileReport(path: p)
                r.error = why
                return r
            }
        }
    }

    public static func expand(_ paths: [String]) -> [Item] {
        var out: [Item] = []
        for p in paths { visit(p, explicit: true, into: &out) }
        return out
    }

    static func visit(_ path: String, explicit: Bool, into out: inout [Item]) {
        var st = stat()
        if lstat(path, &st) != 0 {
            out.append(.unreadable(path, describe(path, errno)))
            return
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFLNK {
            var target = stat()
            if stat(path, &target) != 0 {
                out.append(.unreadable(path, describe(path, errno)))
                return
            }
            // A symlink given on the command line is followed; one met in a walk is checked
            // only if it points to a file (never walked into, so no cycles).
            if (target.st_mode & S_IFMT) == S_IFDIR {
                if explicit { walk(path, into: &out) }
                return
            }
            st = target
        } else if type == S_IFDIR {
            walk(path, into: &out)
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            if explicit { out.append(.unreadable(path, "\(path): not a regular file")) }
            return
        }
        if explicit || st.st_mode & 0o111 != 0 || looksLikeELF(path) {
            out.append(.file(path))
        }
    }

    static func walk(_ dir: String, into out: inout [Item]) {
        guard let d = opendir(dir) else {
            out.append(.unreadable(dir, describe(dir, errno)))
            return
        }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(d)
        let base = dir.hasSuffix("/") ? dir : dir + "/"
        for name in names.sorted() { visit(base + name, explicit: false, into: &out) }
    }

    /// True when the file starts with the ELF magic (reads 4 bytes).
    static func looksLikeELF(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: [UInt8] = [0, 0, 0, 0]
        let n = magic.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4) }
        return n == 4 && magic == ELFFile.magic
    }

    static func describe(_ path: String, _ e: Int32) -> String {
        switch e {
        case ENOENT: return "\(path): no such file or directory"
        case EACCES: return "\(path): permission denied"
        case ELOOP: return "\(path): too many levels of symbolic links (a symlink cycle)"
        default: return InputError(path: path, errno: e).description
        }
    }
}
