import ELFKit

/// A path to check: as the user gave it (or as found in a walk), and where it is in its tree.
public struct InputPath: Sendable, Hashable {
    /// The path shown in output: as given on the command line, or as found when walking.
    public var display: String
    /// The path inside the tree it is read from.
    public var treePath: String

    public init(display: String, treePath: String) {
        self.display = display
        self.treePath = treePath
    }

    /// A host path as typed: shown and read as is.
    public init(_ hostPath: String) {
        self.init(display: hostPath, treePath: hostPath)
    }

    func child(_ name: String) -> InputPath {
        InputPath(display: Self.join(display, name), treePath: Self.join(treePath, name))
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }
}

/// Expands the paths to check into files, in any tree: a file as given; a directory walked in
/// name order (symlinked directories are not followed, so cycles cannot trap us), keeping ELF
/// files, executable files, and skipping non-executable non-ELF files quietly.
public enum InputWalker {
    public enum Item: Equatable, Sendable {
        case file(InputPath)
        /// A path that cannot be checked, with the reason (missing, permission, symlink loop).
        case unreadable(InputPath, String)
    }

    /// What a walk left out, by reason (`-v` says it).
    public struct Skips: Sendable, Hashable {
        /// Regular files that are neither ELF nor executable.
        public var notProgram = 0
        /// FIFOs, sockets, devices met in a walk.
        public var special = 0
        /// Symbolic links to directories met in a walk (never followed).
        public var linkedDirectories = 0
        public init() {}
        public var total: Int { notProgram + special + linkedDirectories }
    }

    public static func expand(_ paths: [InputPath], in tree: some FileTree) -> [Item] {
        var skips = Skips()
        return expand(paths, in: tree, skips: &skips)
    }

    public static func expand(_ paths: [InputPath], in tree: some FileTree, skips: inout Skips) -> [Item] {
        var out: [Item] = []
        for p in paths { visit(p, explicit: true, in: tree, into: &out, skips: &skips) }
        return out
    }

    /// Host paths as typed, on the host.
    public static func expand(_ paths: [String]) -> [Item] {
        expand(paths.map(InputPath.init), in: HostTree.host)
    }

    static func visit(_ path: InputPath, explicit: Bool, in tree: some FileTree, into out: inout [Item], skips: inout Skips) {
        var entry: Entry
        do {
            entry = try tree.lstat(tree.resolve(path.treePath, followLast: false))
        } catch {
            out.append(.unreadable(path, error.message(for: path.display)))
            return
        }
        if entry.kind == .symlink {
            do {
                entry = try tree.stat(path.treePath)
            } catch {
                out.append(.unreadable(path, error.message(for: path.display)))
                return
            }
            // A symlink given explicitly is followed; one met in a walk is checked only if it
            // points to a file (never walked into, so no cycles).
            if entry.kind == .directory {
                if explicit { walk(path, in: tree, into: &out, skips: &skips) } else { skips.linkedDirectories += 1 }
                return
            }
        } else if entry.kind == .directory {
            walk(path, in: tree, into: &out, skips: &skips)
            return
        }
        guard entry.kind == .regular else {
            if explicit { out.append(.unreadable(path, TreeError.notRegular.message(for: path.display))) } else { skips.special += 1 }
            return
        }
        if explicit || entry.mode & 0o111 != 0 || looksLikeELF(path.treePath, in: tree) {
            out.append(.file(path))
        } else {
            skips.notProgram += 1
        }
    }

    static func walk(_ dir: InputPath, in tree: some FileTree, into out: inout [Item], skips: inout Skips) {
        let names: [String]
        do {
            names = try tree.children(dir.treePath)
        } catch {
            out.append(.unreadable(dir, error.message(for: dir.display)))
            return
        }
        for name in names.sorted() { visit(dir.child(name), explicit: false, in: tree, into: &out, skips: &skips) }
    }

    /// True when the file starts with the ELF magic (reads 4 bytes).
    static func looksLikeELF(_ path: String, in tree: some FileTree) -> Bool {
        (try? tree.prefix(path, count: 4)) == ELFFile.magic
    }
}
