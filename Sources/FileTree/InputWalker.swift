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
        /// A file met in a walk, not executable, not yet known to be ELF: checked only if it
        /// starts with the ELF magic, which the checker tests when it opens it (one open, on
        /// the checking threads). Only a walk that defers the test makes these.
        case candidate(InputPath)
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

    /// The most entries (files, directories, links, skipped ones too) one walk of a given path
    /// visits, the path itself included. A real tree to check holds thousands; past this the walk stops, and the path is
    /// an error (exit 2) instead of a run that lists for hours: check a narrower directory.
    public static let maxEntries = 1_000_000

    public static func expand(_ paths: [InputPath], in tree: some FileTree, skips: inout Skips) -> [Item] {
        expand(paths, in: tree, skips: &skips, maxEntries: maxEntries)
    }

    /// `maxEntries` for tests, which lower it. With `deferringELFTest`, a walk's non-executable
    /// files come as `.candidate` instead of being opened here to read their magic.
    public static func expand(_ paths: [InputPath], in tree: some FileTree, skips: inout Skips, maxEntries: Int = maxEntries,
                              deferringELFTest: Bool = false) -> [Item] {
        var out: [Item] = []
        for p in paths {
            var walk = Walk(out: [], skips: Skips(), budget: maxEntries, deferELFTest: deferringELFTest)
            visit(p, explicit: true, in: tree, into: &walk)
            if walk.budget < 0 {
                // The files found before the cap are left out too: a partial walk would
                // report a verdict for a directory that was not all looked at.
                out.append(.unreadable(p, tooMany(p.display, maxEntries)))
                continue
            }
            out += walk.out
            skips.notProgram += walk.skips.notProgram
            skips.special += walk.skips.special
            skips.linkedDirectories += walk.skips.linkedDirectories
        }
        return out
    }

    /// What a walk stopped at `maxEntries` says.
    public static func tooMany(_ path: String, _ maxEntries: Int) -> String {
        "\(path): more than \(maxEntries) files and directories to walk (the limit of one directory walk); check a narrower directory"
    }

    /// One given path's walk: what it found, what it skipped, and how many entries it may
    /// still visit (below zero: the cap was hit, and the walk stops).
    struct Walk {
        var out: [Item]
        var skips: Skips
        var budget: Int
        var deferELFTest = false
    }

    /// Host paths as typed, on the host.
    public static func expand(_ paths: [String]) -> [Item] {
        expand(paths.map(InputPath.init), in: HostTree.host)
    }

    static func visit(_ path: InputPath, explicit: Bool, in tree: some FileTree, into w: inout Walk) {
        w.budget -= 1
        guard w.budget >= 0 else { return }
        var entry: Entry
        do {
            entry = try tree.lstat(tree.resolve(path.treePath, followLast: false))
        } catch {
            w.out.append(.unreadable(path, error.message(for: path.display)))
            return
        }
        if entry.kind == .symlink {
            do {
                entry = try tree.stat(path.treePath)
            } catch {
                w.out.append(.unreadable(path, error.message(for: path.display)))
                return
            }
            // A symlink given explicitly is followed; one met in a walk is checked only if it
            // points to a file (never walked into, so no cycles).
            if entry.kind == .directory {
                if explicit { walk(path, in: tree, into: &w) } else { w.skips.linkedDirectories += 1 }
                return
            }
        } else if entry.kind == .directory {
            walk(path, in: tree, into: &w)
            return
        }
        guard entry.kind == .regular else {
            if explicit { w.out.append(.unreadable(path, TreeError.notRegular.message(for: path.display))) } else { w.skips.special += 1 }
            return
        }
        if explicit || entry.mode & 0o111 != 0 {
            w.out.append(.file(path))
        } else if w.deferELFTest {
            w.out.append(.candidate(path))
        } else if looksLikeELF(path.treePath, in: tree) {
            w.out.append(.file(path))
        } else {
            w.skips.notProgram += 1
        }
    }

    static func walk(_ dir: InputPath, in tree: some FileTree, into w: inout Walk) {
        let names: [String]
        do {
            names = try tree.children(dir.treePath)
        } catch {
            w.out.append(.unreadable(dir, error.message(for: dir.display)))
            return
        }
        // A directory holding more than the walk may still visit stops it before the sort.
        guard names.count <= w.budget else { w.budget = -1; return }
        for name in names.sorted() {
            guard w.budget >= 0 else { return }
            visit(dir.child(name), explicit: false, in: tree, into: &w)
        }
    }

    /// True when the file starts with the ELF magic (reads 4 bytes).
    static func looksLikeELF(_ path: String, in tree: some FileTree) -> Bool {
        (try? tree.prefix(path, count: 4)) == ELFFile.magic
    }
}
