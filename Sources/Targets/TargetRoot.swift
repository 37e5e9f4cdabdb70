import FileTree

/// What every check asks of a target, answered from its file tree: does a file or directory
/// exist (symlinks resolved inside the target), which C library it has, where the loader looks.
/// Built by `TargetResolver` from a `TargetSpec`; rules never ask where the tree came from.
public struct TargetRoot: Sendable {
    /// The name shown in output (`scratch`, `distroless-static`, `rootfs:/path`).
    public var name: String
    /// The target's files.
    public var tree: any FileTree
    /// The C library the target provides, if any.
    public var libc: Libc?
    /// Where the dynamic loader looks for DT_NEEDED libraries after RPATH/RUNPATH
    /// (the ld.so.cache contents and default directories).
    public var librarySearchPath: [String]
    /// The environment a program starts with in the target (an image's `Env`); empty when the
    /// target says nothing.
    public var environment: [String: String]
    /// The platform the target is for: a root's own (from its loader or libc), else the host's
    /// or the one asked for.
    public var platform: Platform = .host
    /// The host directory at the top of a root target (`--root`), nil for a profile.
    public var hostRoot: String?

    public init(name: String, tree: any FileTree, libc: Libc?, librarySearchPath: [String], environment: [String: String] = [:]) {
        self.name = name
        self.tree = tree
        self.libc = libc
        self.librarySearchPath = librarySearchPath
        self.environment = environment
    }

    /// True when a regular file exists at this absolute path, symlinks resolved inside the target.
    public func fileExists(_ path: String) -> Bool { tree.isRegularFile(path) }

    /// True when a directory exists at this absolute path, symlinks resolved inside the target.
    public func directoryExists(_ path: String) -> Bool { tree.isDirectory(path) }

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

/// What the user named as the target. Image and Dockerfile specs join this list as they land.
public enum TargetSpec: Sendable, Hashable {
    /// A built-in profile by name (`scratch`, `distroless-static`, …).
    case profile(String)
    /// An unpacked root file system on the host (`--root DIR`).
    case root(String)
    /// A container image (`--image REF`): read by the Image module, which the runner calls.
    case image(String)
    /// A Dockerfile's built stage (`--dockerfile FILE`, `-` for standard input): the runner builds it.
    case dockerfile(String)
}

/// The one place a target spec becomes a target.
public enum TargetResolver {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unknownProfile(String)
        case notADirectory(String, String)
        /// An image that cannot be opened: the reference and why.
        case image(String, String)
        /// A Dockerfile that cannot be read or parsed: the file and why (with line and column).
        case dockerfile(String, String)

        public var description: String {
            switch self {
            case .unknownProfile(let n): return "unknown target \(n); choose one of \(TargetProfile.names.joined(separator: ", ")), or a known base image such as debian:bookworm-slim, gcr.io/distroless/base-debian11, alpine:3.18, ubuntu:22.04"
            case .notADirectory(let d, let why): return "--root \(d): \(why)"
            case .image(let ref, let why): return "--image \(ref): \(why)"
            case .dockerfile(let file, let why): return file.isEmpty ? why : "--dockerfile \(file): \(why)"
            }
        }
    }

    /// The target of `spec` on `platform` (nil: the target's own platform, else the host's).
    public static func resolve(_ spec: TargetSpec, platform: Platform?) throws(Failure) -> TargetRoot {
        switch spec {
        case .profile(let name):
            guard let p = TargetProfile.named(name, platform: platform ?? .host) else { throw .unknownProfile(name) }
            var t = TargetRoot(profile: p)
            t.platform = platform ?? .host
            return t
        case .root(let dir):
            return try RootInspector.target(dir, platform: platform)
        case .image(let ref):
            // Images are opened by the runner (Image module), which sits above this one.
            throw .image(ref, "an image target is resolved by the runner")
        case .dockerfile(let file):
            throw .dockerfile(file, "a Dockerfile target is resolved by the runner")
        }
    }

    /// Where a host file lands in the target when nothing says (no `--at`): the path as typed,
    /// made absolute, as runc prints it. `./main` → `/main`, `dist/main` → `/dist/main`; a path
    /// that climbs out of the build context says nothing of its place, so it is named by its
    /// file name (`../out/main` → `/main`).
    public static func derivedImagePath(_ hostPath: String) -> String {
        if hostPath.hasPrefix("/") { return hostPath }
        var p = Substring(hostPath)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        if p.split(separator: "/").contains("..") { return "/" + (p.split(separator: "/").last ?? p) }
        return "/" + p
    }
}

extension TargetRoot {
    /// A built-in profile as a target: its paths as a tree, its libc and search path as data.
    public init(profile p: TargetProfile) {
        self.init(name: p.name, tree: PathTree(name: p.name, files: p.files, directories: p.directories),
                  libc: p.libc, librarySearchPath: p.librarySearchPath)
    }
}

extension TargetRoot {
    /// The built-in profile `name` on `platform` as a target, or nil for an unknown name.
    public static func profile(_ name: String, platform: Platform) -> TargetRoot? {
        TargetProfile.named(name, platform: platform).map(TargetRoot.init(profile:))
    }
}
