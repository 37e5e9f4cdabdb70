/// The one question every check asks of a target: what does the image hold? Built-in profiles
/// answer from data (`TargetProfile`); a real root or image can answer from its files.
public protocol TargetRoot: Sendable {
    /// The name shown in output (`scratch`, `distroless-static`, `rootfs:/path`).
    var name: String { get }
    /// True when a regular file exists at this absolute path, symlinks resolved inside the target.
    func fileExists(_ path: String) -> Bool
    /// True when a directory exists at this absolute path, symlinks resolved inside the target.
    func directoryExists(_ path: String) -> Bool
    /// The C library the target provides, if any.
    var libc: Libc? { get }
    /// Where the dynamic loader looks for DT_NEEDED libraries after RPATH/RUNPATH
    /// (the ld.so.cache contents and default directories).
    var librarySearchPath: [String] { get }
}

public struct Libc: Hashable, Sendable {
    public enum Kind: String, Sendable { case glibc, musl }
    public var kind: Kind
    /// `2.36` for glibc; nil when unknown.
    public var version: String?
    public init(_ kind: Kind, _ version: String?) {
        self.kind = kind
        self.version = version
    }
}

extension TargetRoot {
    /// The first existing file among `paths`.
    public func firstExistingFile(_ paths: [String]) -> String? { paths.first(where: fileExists) }

    /// The first directory among `dirs` holding `file`.
    public func find(library file: String, in dirs: [String]) -> String? {
        for d in dirs {
            let p = d.hasSuffix("/") ? d + file : d + "/" + file
            if fileExists(p) { return p }
        }
        return nil
    }
}
