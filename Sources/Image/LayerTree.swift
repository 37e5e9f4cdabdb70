import ELFKit
import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a path of the squashed tree came from, or what removed it (the answer to "why is
/// libc.so.6 not there").
public struct Provenance: Sendable, Hashable, CustomStringConvertible {
    public enum Cause: Sendable, Hashable {
        /// A `.wh.NAME` marker (its path) removed the path or a directory above it.
        case whiteout(marker: String)
        /// A `.wh..wh..opq` marker (its path) hid the lower contents of a directory above it.
        case opaque(marker: String)
        /// An entry of a later layer (its path) took the place of the path or of a directory above.
        case replaced(by: String)
    }

    public struct Removal: Sendable, Hashable {
        /// The layer whose marker or entry removed the path.
        public var layer: Int
        public var cause: Cause

        public init(layer: Int, cause: Cause) {
            self.layer = layer
            self.cause = cause
        }
    }

    /// The path in the tree (absolute), after the directories above it are resolved.
    public var path: String
    /// What the path is, or was when it was removed.
    public var kind: EntryKind
    /// The layer (0 = base) whose entry made it; for an implicit directory, the layer that
    /// needed it as a parent.
    public var layer: Int
    /// The last layer that changed it (a directory entry onto a directory keeps the children
    /// and changes the attributes).
    public var changedBy: Int
    /// A directory no entry named: made as the parent of another.
    public var implicit: Bool
    /// Nil when the path is in the tree.
    public var removal: Removal?

    /// In words, layers counted from 1 (the base), as a user counts a Dockerfile's layers.
    public var description: String {
        let what: String
        switch kind {
        case .regular: what = "a regular file"
        case .directory: what = implicit ? "a directory (implied by its contents)" : "a directory"
        case .symlink: what = "a symbolic link"
        case .other: what = "a special file"
        }
        guard let removal else { return "\(path) is \(what) from layer \(layer + 1)" }
        let how: String
        switch removal.cause {
        case .whiteout(let m): how = "whiteout \(m)"
        case .opaque(let m): how = "opaque directory marker \(m)"
        case .replaced(let p): how = p == path ? "replaced by a new entry" : "replaced by the entry \(p)"
        }
        return "\(path) was removed by layer \(removal.layer + 1) (\(how)); it was \(what) from layer \(layer + 1)"
    }
}

/// The file tree an image's layers make, squashed in memory (IMAGES.md §4): built by
/// `LayerTree.Builder` from parsed tar entries, base layer first; contents read back through
/// a `ContentSource`. Per path it keeps metadata only (a node of about 90 bytes and a
/// dictionary slot); see `Builder` for the application rules.
public struct LayerTree: FileTree {
    public let name: String
    let nodes: [Node]
    let index: [ChildKey: Int32]
    let links: [String]
    let removed: [String: Removed]
    let content: any ContentSource

    /// The number of paths in the tree, the root included.
    public var count: Int { nodes.reduce(0) { $0 + ($1.alive ? 1 : 0) } }

    /// The heap the tree holds, counted from its storage (nodes, the child index, names longer
    /// than a small string, link targets): what an image's metadata costs, whatever the
    /// process does beside it.
    public var storageBytes: Int {
        func heap(_ s: String) -> Int { s.utf8.count > 15 ? s.utf8.count + 32 : 0 }
        var n = nodes.capacity * MemoryLayout<Node>.stride
        n += index.capacity * (MemoryLayout<ChildKey>.stride + MemoryLayout<Int32>.stride + 1)
        for node in nodes { n += 2 * heap(node.name) }   // in the node and in its index key
        for l in links { n += MemoryLayout<String>.stride + heap(l) }
        return n
    }

    static func path(of i: Int32, in nodes: [Node]) -> String {
        var parts: [String] = []
        var c = i
        while c > 0, Int(c) < nodes.count {
            parts.append(nodes[Int(c)].name)
            c = nodes[Int(c)].parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    /// The tree of `layers` (base first), or the first error applying them.
    public init(name: String, layers: [[LayerEntry]], content: any ContentSource) throws(LayerError) {
        var b = Builder()
        for (i, l) in layers.enumerated() { try b.apply(layer: i, l) }
        self = b.tree(name: name, content: content)
    }

    init(name: String, nodes: [Node], index: [ChildKey: Int32], links: [String], removed: [String: Removed], content: any ContentSource) {
        self.name = name
        self.nodes = nodes
        self.index = index
        self.links = links
        self.removed = removed
        self.content = content
    }

    // MARK: FileTree

    public func resolve(_ path: String, followLast: Bool) throws(TreeError) -> String {
        try TreeResolver.resolve(path, in: self, followLast: followLast)
    }

    public func lstat(_ path: String) throws(TreeError) -> Entry {
        entry(nodes[Int(try find(path, followLast: false))])
    }

    public func stat(_ path: String) throws(TreeError) -> Entry {
        entry(nodes[Int(try find(path, followLast: true))])
    }

    public func readLink(_ path: String) throws(TreeError) -> String {
        let n = nodes[Int(try find(path, followLast: false))]
        guard n.kind == .symlink, n.link >= 0 else { throw TreeError(errno: EINVAL, reason: "not a symbolic link") }
        return links[Int(n.link)]
    }

    public func contents(_ path: String) throws(TreeError) -> FileBytes {
        let n = try regular(path)
        guard let count = Int(exactly: n.size) else { throw TreeError(errno: EFBIG, reason: "file too large") }
        return FileBytes(view: try content.read(n.content, count: count), mode: UInt32(n.mode))
    }

    public func prefix(_ path: String, count: Int) throws(TreeError) -> [UInt8] {
        let n = try regular(path)
        let want = Swift.max(0, Swift.min(count, Int(clamping: n.size)))
        return try content.read(n.content, count: want).bytes
    }

    public func children(_ path: String) throws(TreeError) -> [String] {
        let d = try find(path, followLast: true)
        guard nodes[Int(d)].kind == .directory else { throw .notDirectory }
        var out: [String] = []
        var c = nodes[Int(d)].firstChild
        while c >= 0 {
            out.append(nodes[Int(c)].name)
            c = nodes[Int(c)].next
        }
        return out
    }

    // MARK: Provenance and listing

    /// Where `path` came from, or which layer removed it and what it was; nil when no layer
    /// ever had it. Directories above the path are resolved inside the tree first, so
    /// `/lib/x` answers for `/usr/lib/x` when `/lib → usr/lib`.
    public func provenance(of path: String) -> Provenance? {
        if let i = try? find(path, followLast: false) {
            let n = nodes[Int(i)]
            return Provenance(path: self.path(of: i), kind: n.kind, layer: Int(n.layer), changedBy: Int(n.changed),
                              implicit: n.implicit, removal: nil)
        }
        // The deepest existing directory above, resolved; then the rest of the path under it.
        let comps = TreeResolver.normalize(path).split(separator: "/").map(String.init)
        var candidates: [String] = []
        var base = "/"
        var k = 0
        while k < comps.count {
            let prefix = "/" + comps[0...k].joined(separator: "/")
            guard let r = try? resolve(prefix, followLast: true), isDirectory(r) else { break }
            base = r
            k += 1
        }
        var p = base
        for c in comps[k...] {
            p = p == "/" ? "/" + c : p + "/" + c
            candidates.append(p)
        }
        candidates.append(TreeResolver.normalize(path))
        // The path itself first, then the directories above it that were removed.
        for c in candidates.reversed() {
            if let r = removed[c] {
                return Provenance(path: c, kind: r.kind, layer: Int(r.createdBy), changedBy: Int(r.createdBy),
                                  implicit: r.implicit, removal: .init(layer: Int(r.layer), cause: r.cause))
            }
        }
        return nil
    }

    /// Every path in the tree with its entry, sorted; the root is `/`.
    public func listing() -> [(path: String, entry: Entry)] {
        var out: [(String, Entry)] = []
        var stack: [(Int32, String)] = [(0, "/")]
        while let (i, p) = stack.popLast() {
            out.append((p, entry(nodes[Int(i)])))
            var c = nodes[Int(i)].firstChild
            while c >= 0 {
                let n = nodes[Int(c)]
                stack.append((c, p == "/" ? "/" + n.name : p + "/" + n.name))
                c = n.next
            }
        }
        return out.sorted { $0.0 < $1.0 }.map { (path: $0.0, entry: $0.1) }
    }

    /// Owner and group of the entry at a resolved path.
    public func owner(_ path: String) throws(TreeError) -> (uid: UInt32, gid: UInt32) {
        let n = nodes[Int(try find(path, followLast: false))]
        return (n.uid, n.gid)
    }

    // MARK: Lookup

    func entry(_ n: Node) -> Entry {
        Entry(kind: n.kind, mode: UInt32(n.mode), size: n.kind == .regular ? n.size : 0)
    }

    func regular(_ path: String) throws(TreeError) -> Node {
        let n = nodes[Int(try find(path, followLast: true))]
        switch n.kind {
        case .regular: return n
        case .directory: throw TreeError(errno: EISDIR, reason: "is a directory")
        default: throw .notRegular
        }
    }

    func path(of i: Int32) -> String { Self.path(of: i, in: nodes) }

    /// The node at `path` from the top: `..` stops at the top; a symlink before the last
    /// component is followed inside the tree (a resolved path has none), the last one only when
    /// `followLast`; more than `TreeResolver.maxLinks` links end with ELOOP.
    func find(_ path: String, followLast: Bool) throws(TreeError) -> Int32 {
        var hops = 0
        return try walk(Substring(path), from: 0, followLast: followLast, hops: &hops)
    }

    private func walk(_ path: Substring, from start: Int32, followLast: Bool, hops: inout Int) throws(TreeError) -> Int32 {
        var cur: Int32 = path.hasPrefix("/") ? 0 : start
        let comps = path.split(separator: "/", omittingEmptySubsequences: true)
        for (k, c) in comps.enumerated() {
            if c == "." { continue }
            if c == ".." { cur = Swift.max(0, nodes[Int(cur)].parent); continue }
            guard nodes[Int(cur)].kind == .directory else { throw .notDirectory }
            guard let child = index[ChildKey(parent: cur, name: String(c))] else { throw .notFound }
            let isLast = comps[(k + 1)...].allSatisfy { $0 == "." }
            let n = nodes[Int(child)]
            if n.kind == .symlink && (followLast || !isLast) {
                hops += 1
                if hops > TreeResolver.maxLinks { throw .loop }
                let target = n.link >= 0 ? links[Int(n.link)] : ""
                if target.isEmpty { throw .notFound }
                cur = try walk(Substring(target), from: cur, followLast: true, hops: &hops)
                continue
            }
            cur = child
        }
        return cur
    }
}

/// A directory's child by name: the one index of the tree.
struct ChildKey: Hashable, Sendable {
    var parent: Int32
    var name: String
}

/// One path of the tree. Siblings form a doubly linked list so that removing one is O(1).
struct Node: Sendable {
    var name: String
    var parent: Int32
    var firstChild: Int32 = -1
    var next: Int32 = -1
    var prev: Int32 = -1
    /// Index into `links` (a symlink's target), or -1.
    var link: Int32 = -1
    var kind: EntryKind
    var mode: UInt16
    var layer: UInt16
    var changed: UInt16
    var implicit: Bool
    var alive = true
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    var content: ContentRef
}

/// What was at a path that a layer removed.
struct Removed: Sendable {
    var kind: EntryKind
    var createdBy: UInt16
    var implicit: Bool
    var layer: UInt16
    var cause: Provenance.Cause
}
