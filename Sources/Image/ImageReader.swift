import Archive
import ELFKit
import FileTree
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `ImageReader.open` reads an image: where to find `docker`/`podman`, and the bounds.
public struct ImageReaderOptions: Sendable {
    /// 64 GiB: the decompressed bytes of all layers of one image together (a pass reads each
    /// layer once). More stops the read with an error naming the cap: a decompression bomb
    /// (the 3 GiB of zeros in 109 KB of zstd in the hostile set) is read within it, in constant
    /// memory, and an image past it is refused.
    public static let defaultMaxDecompressedBytes: UInt64 = 64 << 30
    /// 32 MiB of file contents kept after they are read (the last file read is always kept).
    public static let defaultCacheBytes = 32 << 20
    /// 1 GiB: a file read back from a compressed or streamed layer is copied into memory, and
    /// a larger one is refused (EFBIG). Files of uncompressed layers in files are mapped, with
    /// no cap.
    public static let defaultMaxFileBytes = 1 << 30

    /// The environment `docker` and `podman` are looked up in (`PATH`) and run with; nil: this
    /// process's.
    public var environment: [String: String]?
    public var maxDecompressedBytes: UInt64
    public var cacheBytes: Int
    public var maxFileBytes: Int
    /// The distance between access points into a gzip layer (`GzipIndex`), before the image's
    /// index budget thins them.
    public var indexSpan: UInt64 = GzipIndex.defaultSpan

    public init(environment: [String: String]? = nil,
                maxDecompressedBytes: UInt64 = ImageReaderOptions.defaultMaxDecompressedBytes,
                cacheBytes: Int = ImageReaderOptions.defaultCacheBytes,
                maxFileBytes: Int = ImageReaderOptions.defaultMaxFileBytes) {
        self.environment = environment
        self.maxDecompressedBytes = maxDecompressedBytes
        self.cacheBytes = cacheBytes
        self.maxFileBytes = maxFileBytes
    }

    /// The process's environment (`environ`).
    static var processEnvironment: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// Opens container images without a daemon and without extracting them (IMAGES.md): the
/// manifest chosen, every blob's digest checked, the layers squashed into a `LayerTree` in one
/// pass, file contents read back on demand (`ImageContent`).
///
/// Forms: `docker save` ≤24 (manifest.json, `<id>/layer.tar` or `<hex>.tar`, links between
/// members followed inside the archive) and ≥25 (an OCI layout plus manifest.json; its
/// manifest.json order is used), OCI layout directories and archives (index.json, nested
/// indexes, the platform chosen, attestations skipped), a gzip/zstd-compressed archive file
/// (read as a stream), and `docker save` / `podman save` streamed from the program's stdout
/// (no temporary copy). Nothing is ever written to disk.
///
/// Digests: index, manifest and config blobs are checked against their descriptor (sha256 and
/// size) before they are parsed; a layer is hashed while it is read: the stored blob against
/// its descriptor (OCI) or its `blobs/sha256/<hex>` name, the decompressed tar against the
/// config's diff_id. The diff_ids must be as many as the layers.
///
/// Memory: the tree keeps metadata only (about 100 bytes a path); a layer is read through
/// fixed buffers (256 KiB, zlib's and zstd's windows), so opening a 1 GiB image peaks at about
/// 35 MiB of RSS. Contents are read back when a rule asks (`ImageContent`): mapped from an
/// uncompressed layer in a file, decompressed forward from a compressed one, or, for the
/// streamed transports, by running the save again (one run per file not read before; the
/// first pass keeps /etc/passwd, /etc/group, /etc/ld.so.cache, /etc/ld.so.conf(.d/*) and
/// /etc/nsswitch.conf, so most checks need no second run). Caps: `ImageReaderOptions`
/// (64 GiB decompressed per image, 1 GiB per file copied into memory), `ImageLimits` (4 MiB
/// manifests and configs, 1 MiB manifest.json), `TarLimits` (entries, names, meta-data).
///
/// A manifest named directly (a layout with one image for one platform, a docker archive) is
/// used whatever its platform: the verdict reads the config's (`OpenedImage.platform`).
public enum ImageReader {
    /// Opens `ref`; `platform` chooses in an index (nil: the host's, `Platform.host`).
    /// Errors name the reference, and the blob, layer and member where there is one.
    public static func open(_ ref: ImageReference, platform: ImagePlatform?,
                            options: ImageReaderOptions = .init()) throws(ImageError) -> OpenedImage {
        var o = Opening(ref: ref, options: options, platform: platform ?? ImagePlatform(Platform.host))
        do {
            return try o.run()
        } catch {
            throw ImageError(error.kind, "\(ref.text): \(error.message)")
        }
    }

    /// `ImageReference(parsing:)` then `open`.
    public static func open(_ text: String, platform: ImagePlatform?, options: ImageReaderOptions = .init()) throws(ImageError) -> OpenedImage {
        try open(try ImageReference(parsing: text), platform: platform, options: options)
    }
}

/// The state of one `open`: the tree being built, where each layer's bytes are, the files
/// kept, the decompressed bytes so far.
struct Opening {
    let ref: ImageReference
    let options: ImageReaderOptions
    let platform: ImagePlatform
    var builder = LayerTree.Builder()
    var origins: [ImageContent.Origin] = []
    var captured: [ContentRef: ByteView] = [:]
    /// File sizes of the layers read back by copying (compressed or streamed).
    var sizes: [ContentRef: UInt64] = [:]
    var decompressed: UInt64 = 0
    var opener: (any OuterStreamOpener)?
    /// What the access points into gzip layers may hold, for the whole image.
    let indexBudget = IndexBudget()
    /// The program the image starts, kept when a zstd layer's pass meets it (set once the
    /// config is read, before the layers).
    var start = StartCapture()

    init(ref: ImageReference, options: ImageReaderOptions, platform: ImagePlatform) {
        self.ref = ref
        self.options = options
        self.platform = platform
    }

    var environment: [String: String] { options.environment ?? ImageReaderOptions.processEnvironment }

    /// The parts of an OpenedImage the format readers find.
    struct Found {
        var transport: String
        var name: String?
        var manifestDigest: Digest?
        var configDigest: Digest
        var config: ImageConfig
        var layerDigests: [Digest]
    }

    mutating func run() throws(ImageError) -> OpenedImage {
        let found: Found
        switch ref.transport {
        case .dockerArchive(let path, let selector):
            found = try openArchiveFile(path, expect: "docker-archive", docker: selector, layout: .only)
        case .ociArchive(let path, let selector):
            found = try openArchiveFile(path, expect: "oci-archive", docker: .only, layout: selector)
        case .oci(let path, let selector):
            found = try readLayout(DirectoryStore(root: path), selector: selector, transport: "oci")
        case .dockerDaemon(let reference):
            var r = reference
            if let parsed = try? DockerReference(parsing: reference), parsed.tag == nil, parsed.digest == nil { r += ":latest" }
            found = try openStreamed(CommandOpener(tool: "docker", arguments: ["save", r], environment: environment),
                                     transport: "docker-daemon", docker: .only)
        case .podman(let reference):
            found = try openStreamed(CommandOpener(tool: "podman", arguments: ["save", "-q", "--format", "docker-archive", reference],
                                                   environment: environment),
                                     transport: "podman", docker: .only)
        case .path(let path):
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw ImageError(.notFound, "no such file or directory (not an image reference: the transports are \(ImageReference.transportNames.joined(separator: ", ")))")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                guard DirectoryStore(root: path).exists("index.json") else {
                    throw ImageError(.notFound, "a directory without index.json is not an OCI layout")
                }
                found = try readLayout(DirectoryStore(root: path), selector: .only, transport: "oci")
            } else {
                found = try openArchiveFile(path, expect: nil, docker: .only, layout: .only)
            }
        }
        let content = ImageContent(origins: origins, opener: opener, captured: captured, sizes: sizes, cacheBytes: options.cacheBytes,
                                   maxFileBytes: options.maxFileBytes, maxDecompressedBytes: options.maxDecompressedBytes)
        let tree = builder.tree(name: ref.text, content: content)
        return OpenedImage(reference: ref, transportName: found.transport, name: found.name, manifestDigest: found.manifestDigest,
                           configDigest: found.configDigest, config: found.config, layerDigests: found.layerDigests, tree: tree)
    }

    // MARK: Archive files

    /// A tar file: plain, it is listed and read by offsets; gzip or zstd (IMAGES.md 1.6), it is
    /// read as a stream. `expect` is the transport asked for (nil: sniffed: manifest.json makes
    /// a docker archive, else index.json an OCI archive).
    mutating func openArchiveFile(_ path: String, expect: String?, docker: ArchiveSelector, layout: LayoutSelector) throws(ImageError) -> Found {
        let file: ReadOnlyFile
        do { file = try ReadOnlyFile(path: path) } catch { throw ImageError(.notFound, error.problem) }
        guard file.size != nil else { throw ImageError(.invalid, "\(path) is not a regular file") }
        var magic = [UInt8](repeating: 0, count: 4)
        let n = magic.withUnsafeMutableBytes { b in b.baseAddress.map { pread(file.fd, $0, 4, 0) } ?? 0 }
        let compression = Compression.sniff(Array(magic.prefix(Swift.max(n, 0))))
        if compression != .none {
            let o = CompressedFileOpener(path: path, maxDecompressedBytes: options.maxDecompressedBytes)
            return try openStreamed(o, transport: expect, docker: docker, layout: layout)
        }
        let store = try TarFileStore(file: file)
        return try readArchive(store, transport: expect, docker: docker, layout: layout)
    }

    mutating func readArchive(_ store: some BlobStore, transport: String?, docker: ArchiveSelector, layout: LayoutSelector) throws(ImageError) -> Found {
        switch transport {
        case "docker-archive"?:
            return try readDockerArchive(store, selector: docker, transport: "docker-archive")
        case "oci-archive"?:
            return try readLayout(store, selector: layout, transport: "oci-archive")
        default:
            if store.exists("manifest.json") { return try readDockerArchive(store, selector: docker, transport: "docker-archive") }
            if store.exists("index.json") { return try readLayout(store, selector: layout, transport: "oci-archive") }
            throw ImageError(.notFound, "neither a docker archive (no manifest.json) nor an OCI archive (no index.json)")
        }
    }

    // MARK: Streams

    /// One pass over a stream that cannot seek: JSON members kept, every other member read as
    /// a layer as it passes (its order is known only when manifest.json, which `docker save`
    /// writes last, arrives), then the image resolved from what was kept.
    mutating func openStreamed(_ o: any OuterStreamOpener, transport: String?, docker: ArchiveSelector,
                               layout: LayoutSelector = .only) throws(ImageError) -> Found {
        opener = o
        var store = StreamedStore(label: o.label)
        let outer = try o.open()
        defer { outer.cancel() }
        let jsonCap = ImageLimits.maxManifestBytes
        do throws(ArchiveError) {
            let tar = TarReader(outer.stream)
            while let e = try tar.next() {
                guard let p = try? TarPath.normalize(e.name) else { continue }
                switch e.type {
                case .symlink: store.links[p] = .symlink(e.linkName)
                case .hardLink: store.links[p] = .hardlink(e.linkName)
                case .regular, .regularA, .contiguous:
                    if e.size <= UInt64(jsonCap) {
                        let data = try tar.readData(cap: jsonCap)
                        if looksLikeJSON(data) {
                            store.json[p] = data
                        } else {
                            scanMember(p, MemoryStream(data, name: p), into: &store)
                        }
                    } else {
                        scanMember(p, tar.data(), into: &store)
                    }
                default:
                    continue
                }
            }
        } catch {
            if let f = outer.command?.failureAfterError() { throw f }
            throw ImageError(.malformed, "\(o.label): \(error.problem)")
        }
        try outer.command?.finish()
        let t = transport ?? (store.exists("manifest.json") ? "docker-archive" : store.exists("index.json") ? "oci-archive" : nil)
        switch t {
        case "docker-archive"?: return try readDockerArchive(store, selector: docker, transport: transport ?? "docker-archive")
        case "docker-daemon"?, "podman"?: return try readDockerArchive(store, selector: docker, transport: transport ?? "docker-archive")
        case "oci-archive"?: return try readLayout(store, selector: layout, transport: "oci-archive")
        default: throw ImageError(.notFound, "neither a docker archive (no manifest.json) nor an OCI archive (no index.json)")
        }
    }

    mutating func scanMember(_ path: String, _ stream: any ByteStream, into store: inout StreamedStore) {
        let source = UInt32(truncatingIfNeeded: origins.count)
        origins.append(.member(path, name: path))
        let allowance = options.maxDecompressedBytes &- Swift.min(decompressed, options.maxDecompressedBytes)
        do {
            let scan = try scanLayer(stream, source: source, allowance: allowance, capture: true, captured: &captured)
            decompressed += scan.decompressedBytes
            store.scans[path] = .success(scan)
        } catch {
            store.scans[path] = .failure(error)
        }
    }

    // MARK: JSON blobs

    /// The bytes of a JSON blob, at most `cap`, checked against `descriptor` (size, sha256)
    /// when there is one.
    func readJSON(_ store: some BlobStore, _ path: String, what: String, cap: Int, descriptor: Descriptor? = nil) throws(ImageError) -> [UInt8] {
        let bytes: [UInt8]
        switch try store.find(path, what: what) {
        case .range(let file, let offset, let size):
            guard size <= UInt64(cap) else {
                throw ImageError(.unsupported, "\(what) (\(path)) has \(size) bytes, more than the cap of \(cap) bytes")
            }
            do { bytes = try FileRangeStream(file, offset: offset, count: size, name: path).readAll(cap: cap) } catch {
                throw ImageError(.malformed, "\(what) (\(path)): \(error.problem)")
            }
        case .memory(let b):
            guard b.count <= cap else { throw ImageError(.unsupported, "\(what) (\(path)) has \(b.count) bytes, more than the cap of \(cap) bytes") }
            bytes = b
        case .scanned:
            throw ImageError(.invalid, "\(what) (\(path)) is not a JSON document")
        }
        if let d = descriptor {
            if bytes.count != Int(clamping: d.size) {
                throw ImageError(.invalid, "\(what) (\(path)): size is \(bytes.count) bytes, the descriptor says \(d.size)")
            }
            let got = SHA256.hash(bytes)
            if got.hex != d.digest.hex {
                throw ImageError(.invalid, "\(what) (\(path)): sha256 is \(got), the descriptor says \(d.digest)")
            }
        }
        return bytes
    }

    func parse(_ bytes: [UInt8], _ what: String) throws(ImageError) -> JSONValue {
        do { return try JSONParser.parse(bytes, field: what) } catch { throw ImageError(.malformed, error.description) }
    }

    /// sha256 of `size` bytes at `offset` of `file`.
    static func digest(_ file: ReadOnlyFile, offset: UInt64, size: UInt64) throws(ArchiveError) -> SHA256Digest {
        let h = HashingStream(FileRangeStream(file, offset: offset, count: size))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { scratch.deallocate() }
        while try h.read(into: scratch) > 0 {}
        return h.digest
    }

    /// The digest a blob's name states: `blobs/sha256/<hex>`, `<hex>.json`, `<hex>.tar`, `<hex>/layer.tar` aside.
    static func nameDigest(_ path: String) -> Digest? {
        guard var base = path.split(separator: "/").last.map(String.init) else { return nil }
        for ext in [".json", ".tar"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        return Digest("sha256:" + base)
    }

    // MARK: Layers

    /// Reads layer `index` at `path` into the tree, checking its digests; returns the stored
    /// blob's digest.
    mutating func applyLayer(_ store: some BlobStore, _ path: String, index: Int, what: String,
                             descriptor: Descriptor?, diffID: Digest) throws(ImageError) -> Digest {
        let label = "layer \(index + 1) (\(path))"
        let scan: LayerScan
        var copied = true
        switch try store.find(path, what: what) {
        case .range(let file, let offset, let size):
            copied = false
            let source = UInt32(truncatingIfNeeded: origins.count)
            let allowance = options.maxDecompressedBytes &- Swift.min(decompressed, options.maxDecompressedBytes)
            let index = GzipIndex(span: options.indexSpan, budget: indexBudget)
            do {
                scan = try scanLayer(FileRangeStream(file, offset: offset, count: size, name: label), source: source,
                                     allowance: allowance, capture: true, captured: &captured, index: index, start: &start)
            } catch {
                // A blob that is not what its descriptor says is the first thing to report.
                if let d = descriptor, let got = try? Opening.digest(file, offset: offset, size: size), got.hex != d.digest.hex {
                    throw ImageError(.invalid, "\(label): sha256 is \(got), the descriptor says \(d.digest) (and it cannot be read: \(error.problem))")
                }
                throw ImageError(.malformed, "\(label): \(error.problem)")
            }
            decompressed += scan.decompressedBytes
            origins.append(.range(file, offset: offset, size: size, compression: scan.compression, name: label,
                                  index: scan.compression == .gzip ? index : nil))
        case .memory(let bytes):
            let source = UInt32(truncatingIfNeeded: origins.count)
            origins.append(.member(path, name: label))
            let allowance = options.maxDecompressedBytes &- Swift.min(decompressed, options.maxDecompressedBytes)
            do {
                scan = try scanLayer(MemoryStream(bytes, name: label), source: source, allowance: allowance, capture: true, captured: &captured)
            } catch {
                throw ImageError(.malformed, "\(label): \(error.problem)")
            }
            decompressed += scan.decompressedBytes
        case .scanned(let member):
            guard let streamed = store as? StreamedStore, let result = streamed.scans[member] else {
                throw ImageError(.notFound, "\(label): not read")
            }
            switch result {
            case .success(let s): scan = s
            case .failure(let e): throw ImageError(.malformed, "\(label): \(e.problem)")
            }
        }
        if let d = descriptor {
            if scan.storedSize != UInt64(clamping: d.size) {
                throw ImageError(.invalid, "\(label): size is \(scan.storedSize) bytes, the descriptor says \(d.size)")
            }
            if scan.storedDigest.hex != d.digest.hex {
                throw ImageError(.invalid, "\(label): sha256 is \(scan.storedDigest), the descriptor says \(d.digest)")
            }
        } else if let named = Opening.nameDigest(path), path.hasPrefix("blobs/sha256/"), named.hex != scan.storedDigest.hex {
            throw ImageError(.invalid, "\(label): sha256 is \(scan.storedDigest), its name says \(named)")
        }
        if scan.diffDigest.hex != diffID.hex {
            let which = scan.compression == .none ? "sha256" : "the decompressed (\(scan.compression.rawValue)) sha256"
            throw ImageError(.invalid, "\(label): \(which) is \(scan.diffDigest), the config's diff_id says \(diffID)")
        }
        // Files of a plain layer in a file are mapped; others are copied: note their sizes.
        if copied || scan.compression != .none {
            for e in scan.entries where e.kind == .file && captured[e.content] == nil { sizes[e.content] = e.size }
        }
        do { try builder.apply(layer: index, scan.entries) } catch {
            throw ImageError(.invalid, "\(label): member \(goQuote(error.path)): \(error.problem)")
        }
        // A digest of 64 hex digits by construction.
        return Digest(scan.storedDigest.description) ?? diffID
    }

    // MARK: docker save

    /// manifest.json's item, its config (sha256 against its name), its layers in order against
    /// the config's diff_ids (IMAGES.md 1.2, 1.3, 2.1, 2.7).
    mutating func readDockerArchive(_ store: some BlobStore, selector: ArchiveSelector, transport: String) throws(ImageError) -> Found {
        let mj = try readJSON(store, "manifest.json", what: "manifest.json", cap: ImageLimits.maxDockerManifestBytes)
        let items = try DockerManifestItem.parseList(mj)
        let k: Int
        let item: DockerManifestItem
        do { (k, item) = try ImageSelection.chooseItem(items, selector) } catch {
            if case .only = selector, items.count > 1 {
                let tags = items.enumerated().map { i, it in it.repoTags.isEmpty ? "@\(i) (untagged)" : it.repoTags.joined(separator: ", ") }
                throw ImageError(error.kind, "\(error.message): the archive holds \(tags.joined(separator: "; ")); name one (docker-archive:PATH:NAME:TAG or :@N)")
            }
            throw error
        }
        let itemName = "manifest.json[\(k)]"
        guard !item.config.isEmpty else { throw ImageError(.invalid, "\(itemName): no Config") }
        let configBytes = try readJSON(store, item.config, what: "\(itemName).Config", cap: ImageLimits.maxManifestBytes)
        let configHash = SHA256.hash(configBytes)
        if let named = Opening.nameDigest(item.config), named.hex != configHash.hex {
            throw ImageError(.invalid, "config (\(item.config)): sha256 is \(configHash), its name says \(named)")
        }
        let config = try ImageConfig(bytes: configBytes, document: "config \(item.config)")
        guard config.diffIDs.count == item.layers.count else {
            throw ImageError(.invalid, "layers length mismatch: manifest.json lists \(item.layers.count) layers, the config's rootfs.diff_ids \(config.diffIDs.count)")
        }
        start = StartCapture(config: config.config)
        var digests: [Digest] = []
        for (i, path) in item.layers.enumerated() {
            digests.append(try applyLayer(store, path, index: i, what: "\(itemName).Layers[\(i)]", descriptor: nil, diffID: config.diffIDs[i]))
        }
        var name = item.repoTags.first
        if case .tag(let want) = selector {
            name = item.repoTags.first { (try? DockerReference(parsing: $0))?.description == want.description } ?? name
        }
        guard let configDigest = Digest(configHash.description) else { throw ImageError(.invalid, "config: no digest") }
        return Found(transport: transport, name: name, manifestDigest: nil, configDigest: configDigest,
                     config: config, layerDigests: digests)
    }

    // MARK: OCI layouts

    func loadIndex(_ store: some BlobStore, _ d: Descriptor) throws(ImageError) -> ImageIndex {
        let what = "image index \(d.digest)"
        let bytes = try readJSON(store, d.digest.blobPath, what: what, cap: ImageLimits.maxManifestBytes, descriptor: d)
        switch try ManifestDocument(bytes: bytes, descriptorMediaType: d.mediaType, document: what) {
        case .index(let i): return i
        case .manifest: throw ImageError(.invalid, "\(what): a manifest where the descriptor says \(d.mediaType)")
        }
    }

    func loadManifest(_ store: some BlobStore, _ d: Descriptor) throws(ImageError) -> ManifestDocument {
        let what = "manifest \(d.digest)"
        let bytes = try readJSON(store, d.digest.blobPath, what: what, cap: ImageLimits.maxManifestBytes, descriptor: d)
        return try ManifestDocument(bytes: bytes, descriptorMediaType: d.mediaType, document: what)
    }

    func loadConfig(_ store: some BlobStore, _ d: Descriptor) throws(ImageError) -> ImageConfig {
        let what = "config \(d.digest)"
        let bytes = try readJSON(store, d.digest.blobPath, what: what, cap: ImageLimits.maxManifestBytes, descriptor: d)
        return try ImageConfig(bytes: bytes, document: what)
    }

    /// The platform's manifest in `index` (nested indexes followed, attestations skipped; a
    /// manifest without a platform asks its config).
    func choose(_ store: some BlobStore, in index: ImageIndex) throws(ImageError) -> Descriptor {
        try ImageSelection.chooseManifest(
            for: platform, in: index,
            loadIndex: { (d: Descriptor) throws(ImageError) -> ImageIndex in try loadIndex(store, d) },
            platformOf: { (d: Descriptor) throws(ImageError) -> ImagePlatform? in
                guard case .manifest(let m) = try loadManifest(store, d) else { return nil }
                return try loadConfig(store, m.config).platform
            })
    }

    /// index.json, the descriptor the selector names (with no selector and several manifests,
    /// the platform's), an index followed to the platform's manifest, then its config and layers
    /// (IMAGES.md 1.1, 2.2–2.7).
    mutating func readLayout(_ store: some BlobStore, selector: LayoutSelector, transport: String) throws(ImageError) -> Found {
        let top = try ImageIndex(json: try parse(try readJSON(store, "index.json", what: "index.json", cap: ImageLimits.maxManifestBytes), "index.json"),
                                 document: "index.json")
        var d: Descriptor
        var name: String?
        // No selector and several manifests: one image for several platforms (containerd's
        // exports, Docker ≥25 with the containerd store) is chosen by platform; several images
        // (more than one ref name) need a name, as c/image says.
        let refNames = Set(top.manifests.filter { !$0.isAttestation }.compactMap { $0.containerdName ?? $0.refName })
        if case .only = selector, top.manifests.count > 1, refNames.count <= 1 {
            d = try choose(store, in: top)
        } else if case .only = selector, top.manifests.count > 1 {
            throw ImageError(.notFound, "more than one image in oci, choose an image: the layout holds \(refNames.sorted().joined(separator: ", ")) (oci:PATH:NAME or :@N)")
        } else {
            (_, d) = try ImageSelection.chooseDescriptor(top, selector)
        }
        name = d.containerdName ?? d.refName
        var manifest: ImageManifest?
        for _ in 0...ImageLimits.maxIndexDepth {
            if MediaType.isIndex(d.mediaType) {
                d = try choose(store, in: try loadIndex(store, d))
                continue
            }
            switch try loadManifest(store, d) {
            case .manifest(let m): manifest = m
            case .index(let i): d = try choose(store, in: i); continue
            }
            break
        }
        guard let manifest else { throw ImageError(.unsupported, "image indexes nest deeper than \(ImageLimits.maxIndexDepth) levels") }
        let config = try loadConfig(store, manifest.config)
        guard config.diffIDs.count == manifest.layers.count else {
            throw ImageError(.invalid, "layers length mismatch: manifest \(d.digest) lists \(manifest.layers.count) layers, its config's rootfs.diff_ids \(config.diffIDs.count)")
        }
        start = StartCapture(config: config.config)
        var digests: [Digest] = []
        for (i, l) in manifest.layers.enumerated() {
            digests.append(try applyLayer(store, l.digest.blobPath, index: i, what: "manifest \(d.digest) layers[\(i)]",
                                          descriptor: l, diffID: config.diffIDs[i]))
        }
        return Found(transport: transport, name: name, manifestDigest: d.digest, configDigest: manifest.config.digest,
                     config: config, layerDigests: digests)
    }
}
