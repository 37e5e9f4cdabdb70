import Foundation
import FileTree
import Image

/// A member of a test layer, written short.
enum Item {
    case file(String, String, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0)
    case dir(String, mode: UInt32 = 0o755)
    case link(String, String)
    case hard(String, String)
    case other(String)
}

/// Layers built from items; each layer's file bytes go in its own blob.
func makeLayers(_ layers: [[Item]]) -> (layers: [[LayerEntry]], content: MemoryContentSource) {
    var blobs: [[UInt8]] = []
    var out: [[LayerEntry]] = []
    for (i, items) in layers.enumerated() {
        var blob: [UInt8] = []
        var entries: [LayerEntry] = []
        for item in items {
            switch item {
            case .file(let p, let text, let mode, let uid, let gid):
                let ref = ContentRef(source: UInt32(i), offset: UInt64(blob.count))
                blob += Array(text.utf8)
                entries.append(LayerEntry(path: p, kind: .file, mode: mode, uid: uid, gid: gid, size: UInt64(text.utf8.count), content: ref))
            case .dir(let p, let mode):
                entries.append(LayerEntry(path: p, kind: .directory, mode: mode))
            case .link(let p, let t):
                entries.append(LayerEntry(path: p, kind: .symlink, mode: 0o777, linkTarget: t))
            case .hard(let p, let t):
                entries.append(LayerEntry(path: p, kind: .hardlink, linkTarget: t))
            case .other(let p):
                entries.append(LayerEntry(path: p, kind: .other, mode: 0o600))
            }
        }
        blobs.append(blob)
        out.append(entries)
    }
    return (out, MemoryContentSource(blobs))
}

func tree(_ layers: [[Item]]) throws(LayerError) -> LayerTree {
    let (l, c) = makeLayers(layers)
    return try LayerTree(name: "test", layers: l, content: c)
}

/// `path kind` lines of the tree, sorted, the root left out: `d /etc`, `f /etc/passwd`, `l /lib`.
func listing(_ t: LayerTree) -> [String] {
    t.listing().filter { $0.path != "/" }.map { p in
        let k: String
        switch p.entry.kind {
        case .regular: k = "f"
        case .directory: k = "d"
        case .symlink: k = "l"
        case .other: k = "o"
        }
        return "\(k) \(p.path)"
    }
}

func text(_ t: some FileTree, _ path: String) throws -> String {
    String(decoding: try t.contents(path).view.bytes, as: UTF8.self)
}

/// What a table case expects: an index chosen, or an error's words.
enum Outcome: Equatable {
    case at(Int)
    case error(String)
}

/// A directory on the host (an unpacked rootfs) listed as the tests list a `LayerTree`: `d /x`,
/// `l /x -> target`, `o /x`, and `f /x ` followed by what `regular` says of the file at that
/// host path (its size, or its text).
func hostListing(_ root: String, regular: (String, [FileAttributeKey: Any]) throws -> String) throws -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for rel in (fm.enumerator(atPath: root)?.allObjects as? [String] ?? []) {
        let full = root + "/" + rel
        let attrs = try fm.attributesOfItem(atPath: full)
        switch attrs[.type] as? FileAttributeType {
        case .typeSymbolicLink?: out.append("l /\(rel) -> \(try fm.destinationOfSymbolicLink(atPath: full))")
        case .typeDirectory?: out.append("d /\(rel)")
        case .typeRegular?: out.append("f /\(rel) \(try regular(full, attrs))")
        default: out.append("o /\(rel)")
        }
    }
    return out
}
