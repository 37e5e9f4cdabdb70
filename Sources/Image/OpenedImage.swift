import FileTree

/// Where an image is, as the user names it (`--image REF`, skopeo's transport names;
/// IMAGES.md 1.7). A bare path is sniffed: a directory with `index.json` is an OCI layout; a
/// file is read as a tar and is a docker archive when it holds `manifest.json`, else an OCI
/// archive.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: Sendable, Hashable {
        /// `docker-archive:FILE[:NAME:TAG|:@N]`: `docker save` ≤24 (legacy) or ≥25 (OCI layout
        /// plus manifest.json).
        case dockerArchive(path: String, selector: ArchiveSelector)
        /// `oci-archive:FILE[:REF|:@N]`.
        case ociArchive(path: String, selector: LayoutSelector)
        /// `oci:DIR[:REF|:@N]`.
        case oci(path: String, selector: LayoutSelector)
        /// `docker-daemon:NAME:TAG`: `docker save NAME:TAG` streamed into the reader.
        case dockerDaemon(reference: String)
        /// `podman:NAME`: `podman save NAME` streamed into the reader.
        case podman(reference: String)
        /// A path with no transport: sniffed when opened.
        case path(String)
    }

    public var transport: Transport
    /// As typed.
    public var text: String

    public init(transport: Transport, text: String) {
        self.transport = transport
        self.text = text
    }

    public var description: String { text }
}

/// An image opened for checking: which image it is, its config, and its layers squashed into
/// a tree whose file contents are read back from the blobs on demand (never extracted).
public struct OpenedImage: Sendable {
    /// The reference as the user typed it.
    public var reference: ImageReference
    /// The transport's name as skopeo spells it (`docker-archive`, `oci`, `oci-archive`,
    /// `docker-daemon`, `podman`), after sniffing.
    public var transportName: String
    /// The image's name when the archive or layout records one (`app:latest`, a RepoTag or
    /// an `org.opencontainers.image.ref.name`), else nil.
    public var name: String?
    /// The manifest's digest, when the image has a manifest blob (legacy docker archives have
    /// none).
    public var manifestDigest: Digest?
    /// The config blob's digest (Docker's image ID).
    public var configDigest: Digest
    /// The config: platform, diff IDs, entrypoint, env, user.
    public var config: ImageConfig
    /// The layers' digests as stored, base first (compressed blob digests, or diff IDs for
    /// uncompressed layers).
    public var layerDigests: [Digest]
    /// The squashed tree (IMAGES.md §4).
    public var tree: LayerTree

    public init(reference: ImageReference, transportName: String, name: String?, manifestDigest: Digest?,
                configDigest: Digest, config: ImageConfig, layerDigests: [Digest], tree: LayerTree) {
        self.reference = reference
        self.transportName = transportName
        self.name = name
        self.manifestDigest = manifestDigest
        self.configDigest = configDigest
        self.config = config
        self.layerDigests = layerDigests
        self.tree = tree
    }

    /// The platform of the verdict: the config's.
    public var platform: ImagePlatform { config.platform }
    public var layerCount: Int { layerDigests.count }
}

extension OpenedImage {
    /// The name output shows: the recorded name when it is a full one (`app:latest`,
    /// `docker.io/library/alpine:3.19`); a layout's bare tag (`latest`, all that an
    /// `org.opencontainers.image.ref.name` often holds) joined to the layout's directory or
    /// archive name (`app:latest`); else that name alone, or the reference for a daemon.
    public var displayName: String {
        if let n = name, n.contains(":") || n.contains("/") { return n }
        let path: String?
        switch reference.transport {
        case .dockerArchive(let p, _), .ociArchive(let p, _), .oci(let p, _), .path(let p): path = p
        case .dockerDaemon(let r), .podman(let r): return name ?? r
        }
        guard let path else { return name ?? reference.text }
        var base = Substring(path.split(separator: "/").last ?? Substring(path))
        for ext in [".tar.gz", ".tgz", ".tar.zst", ".tar"] where base.hasSuffix(ext) && base.count > ext.count {
            base = base.dropLast(ext.count)
            break
        }
        if base.isEmpty { return name ?? reference.text }
        return name.map { "\(base):\($0)" } ?? String(base)
    }
}
