import FileTree

extension LayerTree {
    /// Applies layers in order, base first, as moby's go-archive `UnpackLayer` (diff.go) and the
    /// image spec (layer.md) say (IMAGES.md §4):
    ///
    /// - Whiteouts act on the lower layers only (layer.md §Whiteouts: "files that are present in
    ///   the same layer as a whiteout file can only be hidden by whiteout files in subsequent
    ///   layers"), so every marker of a layer is applied before any of its entries, wherever it
    ///   sits in the tar. `d/.wh.X` removes `d/X` and its subtree; `d/.wh..wh..opq` removes all
    ///   children of `d` (a symlink `d` is left alone, as `filepath.WalkDir` does not descend a
    ///   link); other `.wh..wh.*` names are skipped; top-level `.wh..wh.plnk/` files are kept
    ///   aside as hard-link targets (AUFS). Markers never appear in the tree.
    /// - An entry on an existing path: a directory onto a directory changes the attributes only;
    ///   anything else removes what was there (a directory with its subtree) and takes its place.
    ///   Later duplicates win (moby applies sequentially).
    /// - The directories above an entry are resolved inside the tree, chroot-style (a symlink
    ///   `lib → usr/lib` puts `lib/x` at `usr/lib/x`; absolute links from the top; `..` stops at
    ///   the top; at most 255 links, securejoin's limit); missing ones are created (0755, root),
    ///   as moby's `MkdirAll` of the parent does, for markers too. A parent that is not a
    ///   directory, or a dangling link, is an error (moby fails there).
    /// - A hard link names a member seen before, root-relative (`/x` accepted, kaniko writes it),
    ///   inside the root, not a directory; missing or escaping is an error naming it. The link
    ///   takes the target's content and attributes at the time it is linked: a later
    ///   replacement of the target does not change it. A link to a symlink is a symlink.
    public struct Builder {
        var nodes: [Node]
        var index: [ChildKey: Int32] = [:]
        var links: [String] = []
        var removed: [String: Removed] = [:]
        var layer: UInt16 = 0

        /// How many links one path may go through while applying (filepath-securejoin).
        public static let maxLinks = 255
        /// Layers of one image: each path records the layer it came from in 16 bits. Far above
        /// what a runtime mounts (overlayfs stacks at most 128 lower layers).
        public static let maxLayers = 1 << 16

        public init() {
            nodes = [Node(name: "", parent: -1, kind: .directory, mode: 0o755, layer: 0, changed: 0, implicit: true,
                          uid: 0, gid: 0, size: 0, content: .none)]
        }

        /// The tree built so far.
        public func tree(name: String, content: any ContentSource) -> LayerTree {
            LayerTree(name: name, nodes: nodes, index: index, links: links, removed: removed, content: content)
        }

        static let whiteoutPrefix = ".wh."
        static let metaPrefix = ".wh..wh."
        static let opaque = ".wh..wh..opq"
        static let plinkDir = ".wh..wh.plnk"

        /// Applies one layer's entries, in tar order. `index` is the layer's position (0 = base),
        /// recorded as each path's provenance; layers must come in increasing order.
        public mutating func apply(layer index: Int, _ entries: some Sequence<LayerEntry>) throws(LayerError) {
            guard index < Builder.maxLayers, let l = UInt16(exactly: index) else {
                throw LayerError(layer: index, path: "", problem: "more than \(Builder.maxLayers) layers (the limit of one image)")
            }
            layer = l
            var body: [LayerEntry] = []
            var plink: [String: LayerEntry] = [:]
            // Pass 1: markers, against the lower layers.
            for var e in entries {
                let clean = try LayerTree.Builder.clean(e.path, layer: index)
                guard let clean else { continue }       // the root itself
                e.path = clean
                let (dir, base) = LayerTree.Builder.split(clean)
                if clean.hasPrefix(LayerTree.Builder.metaPrefix) && clean != LayerTree.Builder.opaque {
                    // AUFS metadata at the top: hard-link targets in .wh..wh.plnk, else nothing.
                    if clean.hasPrefix(LayerTree.Builder.plinkDir + "/") && e.kind == .file {
                        plink[base] = e
                    }
                    continue
                }
                guard base.hasPrefix(LayerTree.Builder.whiteoutPrefix) else { body.append(e); continue }
                if base == LayerTree.Builder.opaque {
                    // The directory itself is looked up, not followed: a symlink there is left
                    // alone (moby walks it with filepath.WalkDir, which does not descend a link).
                    let (grand, name) = LayerTree.Builder.split(String(dir))
                    let gp = try parentDir(grand, entry: clean)
                    if name.isEmpty {
                        clearChildren(of: gp, marker: "/" + clean)
                    } else if let d = lookup(gp, name) {
                        clearChildren(of: d, marker: "/" + clean)
                    } else {
                        _ = create(name, under: gp, kind: .directory, mode: 0o755, uid: 0, gid: 0, size: 0, content: .none, link: -1, implicit: true)
                    }
                    continue
                }
                let parent = try parentDir(dir, entry: clean)
                if base.hasPrefix(LayerTree.Builder.metaPrefix) {
                    continue
                } else {
                    let name = String(base.dropFirst(LayerTree.Builder.whiteoutPrefix.count))
                    if name.isEmpty || name == "." || name == ".." { continue }
                    if let victim = self.index[ChildKey(parent: parent, name: name)] {
                        remove(victim, cause: .whiteout(marker: "/" + clean))
                    }
                }
            }
            // Pass 2: the entries, in order.
            for e in body {
                try add(e, plink: plink)
            }
        }

        /// The path made relative and clean (`/a//b/./c` → `a/b/c`); nil for the root; an error
        /// for a path that climbs out, or holds a NUL.
        static func clean(_ path: String, layer: Int) throws(LayerError) -> String? {
            if path.utf8.contains(0) { throw LayerError(layer: layer, path: path, problem: "NUL byte in the name") }
            var out: [Substring] = []
            for c in path.split(separator: "/", omittingEmptySubsequences: true) {
                if c == "." { continue }
                if c == ".." {
                    if out.popLast() == nil { throw LayerError(layer: layer, path: path, problem: "the name climbs out of the root") }
                    continue
                }
                out.append(c)
            }
            return out.isEmpty ? nil : out.joined(separator: "/")
        }

        static func split(_ path: String) -> (dir: Substring, base: String) {
            guard let slash = path.lastIndex(of: "/") else { return ("", path) }
            return (path[..<slash], String(path[path.index(after: slash)...]))
        }

        // MARK: Nodes

        mutating func lookup(_ parent: Int32, _ name: String) -> Int32? { index[ChildKey(parent: parent, name: name)] }

        mutating func attach(_ i: Int32, under parent: Int32) {
            let head = nodes[Int(parent)].firstChild
            nodes[Int(i)].next = head
            nodes[Int(i)].prev = -1
            if head >= 0 { nodes[Int(head)].prev = i }
            nodes[Int(parent)].firstChild = i
        }

        mutating func create(_ name: String, under parent: Int32, kind: EntryKind, mode: UInt32, uid: UInt32, gid: UInt32,
                             size: UInt64, content: ContentRef, link: Int32, implicit: Bool) -> Int32 {
            let i = Int32(nodes.count)
            nodes.append(Node(name: name, parent: parent, link: link, kind: kind, mode: UInt16(truncatingIfNeeded: mode & 0o7777),
                              layer: layer, changed: layer, implicit: implicit, uid: uid, gid: gid, size: size, content: content))
            index[ChildKey(parent: parent, name: name)] = i
            attach(i, under: parent)
            return i
        }

        func path(of i: Int32) -> String { LayerTree.path(of: i, in: nodes) }

        /// Removes `i` and its subtree, recording each path as removed by this layer.
        mutating func remove(_ i: Int32, cause: Provenance.Cause) {
            let n = nodes[Int(i)]
            // Unlink from the parent's list.
            if n.prev >= 0 { nodes[Int(n.prev)].next = n.next } else { nodes[Int(n.parent)].firstChild = n.next }
            if n.next >= 0 { nodes[Int(n.next)].prev = n.prev }
            var stack: [(Int32, String)] = [(i, path(of: i))]
            while let (j, p) = stack.popLast() {
                let m = nodes[Int(j)]
                nodes[Int(j)].alive = false
                index[ChildKey(parent: m.parent, name: m.name)] = nil
                removed[p] = Removed(kind: m.kind, createdBy: m.layer, implicit: m.implicit, layer: layer, cause: cause)
                var c = m.firstChild
                while c >= 0 {
                    stack.append((c, p + "/" + nodes[Int(c)].name))
                    c = nodes[Int(c)].next
                }
                nodes[Int(j)].firstChild = -1
            }
        }

        /// Opaque: every child of `dir` goes; the directory stays.
        mutating func clearChildren(of dir: Int32, marker: String) {
            guard nodes[Int(dir)].kind == .directory else { return }
            while nodes[Int(dir)].firstChild >= 0 {
                remove(nodes[Int(dir)].firstChild, cause: .opaque(marker: marker))
            }
        }

        // MARK: Resolution while applying

        /// The directory node for the directory part of an entry's path: symlinks followed inside
        /// the tree, missing directories created. `entry` names the member in errors.
        mutating func parentDir(_ dir: Substring, entry: String) throws(LayerError) -> Int32 {
            var hops = 0
            var cur: Int32 = 0
            for c in dir.split(separator: "/") {
                let name = String(c)
                guard let child = lookup(cur, name) else {
                    cur = create(name, under: cur, kind: .directory, mode: 0o755, uid: 0, gid: 0, size: 0, content: .none, link: -1, implicit: true)
                    continue
                }
                cur = try follow(child, hops: &hops, entry: entry)
                guard nodes[Int(cur)].kind == .directory else {
                    throw LayerError(layer: Int(layer), path: entry, problem: "\(path(of: child)) is not a directory")
                }
            }
            return cur
        }

        /// `i`, or where the symlink `i` leads (no directories created inside a link's target).
        mutating func follow(_ i: Int32, hops: inout Int, entry: String) throws(LayerError) -> Int32 {
            guard nodes[Int(i)].kind == .symlink else { return i }
            hops += 1
            guard hops <= Builder.maxLinks else {
                throw LayerError(layer: Int(layer), path: entry, problem: "more than \(Builder.maxLinks) symbolic links above it")
            }
            let target = nodes[Int(i)].link >= 0 ? links[Int(nodes[Int(i)].link)] : ""
            var cur: Int32 = target.hasPrefix("/") ? 0 : nodes[Int(i)].parent
            for c in target.split(separator: "/") {
                if c == "." { continue }
                if c == ".." { cur = Swift.max(0, nodes[Int(cur)].parent); continue }
                guard nodes[Int(cur)].kind == .directory, let child = lookup(cur, String(c)) else {
                    throw LayerError(layer: Int(layer), path: entry, problem: "\(path(of: i)) → \(target) does not lead to a directory")
                }
                cur = try follow(child, hops: &hops, entry: entry)
            }
            return cur
        }

        // MARK: Entries

        mutating func add(_ e: LayerEntry, plink: [String: LayerEntry]) throws(LayerError) {
            let (dir, base) = Builder.split(e.path)
            let parent = try parentDir(dir, entry: e.path)
            let existing = lookup(parent, base)
            if let existing, e.kind == .directory, nodes[Int(existing)].kind == .directory {
                nodes[Int(existing)].mode = UInt16(truncatingIfNeeded: e.mode & 0o7777)
                nodes[Int(existing)].uid = e.uid
                nodes[Int(existing)].gid = e.gid
                nodes[Int(existing)].changed = layer
                nodes[Int(existing)].implicit = false
                return
            }
            if let existing { remove(existing, cause: .replaced(by: "/" + e.path)) }
            switch e.kind {
            case .directory:
                _ = create(base, under: parent, kind: .directory, mode: e.mode, uid: e.uid, gid: e.gid, size: 0, content: .none, link: -1, implicit: false)
            case .file:
                _ = create(base, under: parent, kind: .regular, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, content: e.content, link: -1, implicit: false)
            case .other:
                _ = create(base, under: parent, kind: .other, mode: e.mode, uid: e.uid, gid: e.gid, size: 0, content: .none, link: -1, implicit: false)
            case .symlink:
                links.append(e.linkTarget)
                _ = create(base, under: parent, kind: .symlink, mode: e.mode, uid: e.uid, gid: e.gid, size: 0, content: .none,
                           link: Int32(links.count - 1), implicit: false)
            case .hardlink:
                let target = try hardLinkTarget(e, plink: plink)
                _ = create(base, under: parent, kind: target.kind, mode: UInt32(target.mode), uid: target.uid, gid: target.gid,
                           size: target.size, content: target.content, link: target.link, implicit: false)
            }
        }

        /// The node (or AUFS plink file) a hard link names (go-archive archive.go
        /// `createTarFile` TypeLink; IMAGES.md 4.2, 4.5).
        mutating func hardLinkTarget(_ e: LayerEntry, plink: [String: LayerEntry]) throws(LayerError) -> Node {
            let l = Int(layer)
            let cleaned: String?
            do { cleaned = try Builder.clean(e.linkTarget, layer: l) } catch {
                throw LayerError(layer: l, path: e.path, problem: "hard link target \(e.linkTarget) is outside the root")
            }
            guard let target = cleaned else {
                throw LayerError(layer: l, path: e.path, problem: "hard link to the root directory")
            }
            if target.hasPrefix(Builder.plinkDir + "/") {
                guard let f = plink[Builder.split(target).base] else {
                    throw LayerError(layer: l, path: e.path, problem: "invalid aufs hardlink \(e.linkTarget)")
                }
                return Node(name: "", parent: -1, kind: .regular, mode: UInt16(truncatingIfNeeded: f.mode & 0o7777), layer: layer,
                            changed: layer, implicit: false, uid: f.uid, gid: f.gid, size: f.size, content: f.content)
            }
            let (dir, base) = Builder.split(target)
            var hops = 0
            var cur: Int32 = 0
            for c in dir.split(separator: "/") {
                guard nodes[Int(cur)].kind == .directory, let child = lookup(cur, String(c)) else {
                    throw LayerError(layer: l, path: e.path, problem: "hard link target \(e.linkTarget) does not exist")
                }
                guard let next = try? follow(child, hops: &hops, entry: e.path) else {
                    throw LayerError(layer: l, path: e.path, problem: "hard link target \(e.linkTarget) does not exist")
                }
                cur = next
            }
            guard nodes[Int(cur)].kind == .directory, let t = lookup(cur, base) else {
                throw LayerError(layer: l, path: e.path, problem: "hard link target \(e.linkTarget) does not exist")
            }
            guard nodes[Int(t)].kind != .directory else {
                throw LayerError(layer: l, path: e.path, problem: "hard link target \(e.linkTarget) is a directory")
            }
            return nodes[Int(t)]
        }
    }
}
