import Archive

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A blob (manifest.json, a config, a layer) as the store holding it finds it.
enum StoredBlob {
    /// `size` bytes at `offset` of a file: a file of a layout directory, or a member of a
    /// plain tar archive.
    case range(ReadOnlyFile, offset: UInt64, size: UInt64)
    /// Bytes kept in memory by a streamed pass (a JSON document, or a small member).
    case memory([UInt8])
    /// A layer the streamed pass has already read (its member path in `StreamedStore.scans`).
    case scanned(String)
}

/// Where an image's files are: a layout directory, a tar archive read by offsets, or what one
/// streamed pass over an archive kept. Paths are the archive's own (`manifest.json`,
/// `blobs/sha256/<hex>`, `<id>/layer.tar`).
protocol BlobStore {
    /// The archive or directory, for messages.
    var label: String { get }
    func exists(_ path: String) -> Bool
    /// The blob at `path`; `what` names it in errors (`manifest.json Layers[1]`).
    func find(_ path: String, what: String) throws(ImageError) -> StoredBlob
}

/// `path` made relative and clean; an error naming `what` when it climbs out of the archive
/// (`../x`; IMAGES.md 6.4) or is empty.
func archivePath(_ path: String, what: String) throws(ImageError) -> String {
    let p: String?
    do { p = try TarPath.normalize(path) } catch {
        throw ImageError(.invalid, "\(what) \(goQuote(path)) is outside the archive: \(error)")
    }
    guard let p else { throw ImageError(.invalid, "\(what) \(goQuote(path)) names the archive's top, not a file") }
    return p
}

/// An OCI layout directory: blobs are files.
struct DirectoryStore: BlobStore {
    let root: String
    var label: String { root }

    func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(root + "/" + path, &st) == 0
    }

    func find(_ path: String, what: String) throws(ImageError) -> StoredBlob {
        let p = try archivePath(path, what: what)
        let full = root + "/" + p
        let f: ReadOnlyFile
        do { f = try ReadOnlyFile(path: full) } catch {
            throw ImageError(.notFound, "\(what): \(p) is not in \(root): \(error.problem)")
        }
        guard let size = f.size else { throw ImageError(.invalid, "\(what): \(full) is not a regular file") }
        return .range(f, offset: 0, size: size)
    }
}

/// One member of an outer tar, as a listing keeps it.
enum OuterMember {
    case regular(offset: UInt64, size: UInt64)
    case symlink(String)
    case hardlink(String)
    case other
}

/// Follows the links of an outer tar inside the archive (moby's safePath: in scope; c/image
/// follows a symlink to a regular file): at most `ImageLimits.maxArchiveLinks` hops, never out
/// of the archive.
func resolveMember(_ path: String, what: String, label: String, lookup: (String) -> OuterMember?) throws(ImageError) -> (String, OuterMember) {
    var p = try archivePath(path, what: what)
    for _ in 0...ImageLimits.maxArchiveLinks {
        guard let m = lookup(p) else { throw ImageError(.notFound, "\(what): \(goQuote(p)) is not in \(label)") }
        switch m {
        case .regular:
            return (p, m)
        case .symlink(let target):
            let dir = p.split(separator: "/").dropLast().joined(separator: "/")
            let joined = target.hasPrefix("/") ? target : (dir.isEmpty ? target : dir + "/" + target)
            p = try archivePath(joined, what: "\(what) (\(p) → \(target))")
        case .hardlink(let target):
            p = try archivePath(target, what: "\(what) (\(p) hard link to \(target))")
        case .other:
            throw ImageError(.invalid, "\(what): \(goQuote(p)) in \(label) is not a regular file")
        }
    }
    throw ImageError(.invalid, "\(what): \(goQuote(path)) in \(label): more than \(ImageLimits.maxArchiveLinks) links to follow (the limit inside an archive)")
}

/// A plain tar archive file (oci-archive, docker-archive), listed once; members are read back
/// by offset (pread, mmap), never extracted.
struct TarFileStore: BlobStore {
    let file: ReadOnlyFile
    let members: [String: OuterMember]
    var label: String { file.path }

    /// Lists the archive (headers only: data is skipped by seeking).
    init(file: ReadOnlyFile) throws(ImageError) {
        self.file = file
        var out: [String: OuterMember] = [:]
        do {
            let tar = TarReader(FileStream(file))
            while let e = try tar.next() {
                guard let p = try? TarPath.normalize(e.name) else { continue }   // the top, or a name out of the archive
                switch e.type {
                case .regular, .regularA, .contiguous: out[p] = .regular(offset: e.dataOffset, size: e.size)
                case .symlink: out[p] = .symlink(e.linkName)
                case .hardLink: out[p] = .hardlink(e.linkName)
                default: out[p] = .other
                }
            }
        } catch {
            throw ImageError(.malformed, "\(file.path): \(error.problem)")
        }
        members = out
    }

    func exists(_ path: String) -> Bool { members[path] != nil }

    func find(_ path: String, what: String) throws(ImageError) -> StoredBlob {
        let (_, m) = try resolveMember(path, what: what, label: label) { members[$0] }
        guard case .regular(let offset, let size) = m else { throw ImageError(.invalid, "\(what): not a regular file") }
        return .range(file, offset: offset, size: size)
    }
}

/// What one streamed pass over an outer archive kept: JSON documents (≤ 4 MiB) in memory,
/// every other member already read as a layer (its entries and digests, or why it is not one),
/// and the links between members.
struct StreamedStore: BlobStore {
    var label: String
    var json: [String: [UInt8]] = [:]
    var scans: [String: Result<LayerScan, ArchiveError>] = [:]
    var links: [String: OuterMember] = [:]

    func exists(_ path: String) -> Bool { json[path] != nil || scans[path] != nil || links[path] != nil }

    func find(_ path: String, what: String) throws(ImageError) -> StoredBlob {
        let (p, _) = try resolveMember(path, what: what, label: label) { q in
            if json[q] != nil || scans[q] != nil { return .regular(offset: 0, size: 0) }
            return links[q]
        }
        if let b = json[p] { return .memory(b) }
        return .scanned(p)
    }
}

/// A member kept in memory by a streamed pass when it looks like JSON (its first byte not
/// blank is `{` or `[`): a manifest, an index or a config. Everything else is read as a layer.
func looksLikeJSON(_ b: [UInt8]) -> Bool {
    for c in b {
        switch c {
        case 0x20, 0x09, 0x0a, 0x0d: continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): return true
        default: return false
        }
    }
    return false
}
