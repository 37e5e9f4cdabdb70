import ELFKit

/// Why an image cannot be read or chosen: the kind, and the words printed (the wording of
/// the tool that would have failed, where there is one: c/image, moby, runc).
public struct ImageError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The bytes are not JSON (the `FormatError` has the offset).
        case malformed
        /// JSON of the wrong shape or with a bad value (a digest that is not `sha256:` + 64 hex).
        case invalid
        /// The reference, tag, index or platform asked for is not in the image.
        case notFound
        /// Something the reader does not handle (a nesting too deep, a cycle).
        case unsupported
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ document: String, _ field: String, _ problem: String) -> ImageError {
        ImageError(.invalid, "\(document): \(field): \(problem)")
    }
}

/// Media types of the manifests, indexes and configs an image holds (IS media-types.md;
/// Docker's distribution/manifest).
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayout = "application/vnd.oci.layout.header.v1+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"

    /// An index or manifest list: its `manifests` are followed (IMAGES.md 2.3).
    public static func isIndex(_ t: String) -> Bool { t == ociIndex || t == dockerManifestList }
    /// An image manifest (config + layers).
    public static func isManifest(_ t: String) -> Bool { t == ociManifest || t == dockerManifest }
}

/// A content digest: `sha256:` and 64 lowercase hex digits, checked before it ever names a
/// file (`blobs/sha256/<hex>`; IS descriptor.md §Digests, image-layout.md §Content).
public struct Digest: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The 64 lowercase hex digits.
    public let hex: String

    public init?(_ s: String) {
        let u = Array(s.utf8)
        guard u.count == 71, s.hasPrefix("sha256:") else { return nil }
        for b in u[7...] where !((0x30...0x39).contains(b) || (0x61...0x66).contains(b)) { return nil }
        hex = String(decoding: u[7...], as: UTF8.self)
    }

    public var description: String { "sha256:" + hex }
    /// Where an OCI layout keeps the blob.
    public var blobPath: String { "blobs/sha256/" + hex }

    public static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }

    /// Why `s` is not a digest we accept, in words.
    static func problem(_ s: String) -> String {
        if let colon = s.firstIndex(of: ":"), s[..<colon] != "sha256" {
            return "unsupported digest algorithm \(goQuote(String(s[..<colon]))) (only sha256)"
        }
        return "\(goQuote(s)) is not sha256: followed by 64 lowercase hex digits"
    }
}

/// An image's platform as a descriptor or config states it: os, architecture, variant
/// (IS image-index.md §platform). Unknown values are kept as written.
public struct ImagePlatform: Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?
    public var osVersion: String?
    public var osFeatures: [String]

    public init(os: String, architecture: String, variant: String? = nil, osVersion: String? = nil, osFeatures: [String] = []) {
        self.os = os
        self.architecture = architecture
        self.variant = variant.flatMap { $0.isEmpty ? nil : $0 }
        self.osVersion = osVersion
        self.osFeatures = osFeatures
    }

    /// `linux/arm/v7`, `linux/amd64`; a bare `amd64` means linux. Nil for more than three parts
    /// or an empty one.
    public init?(parsing s: String) {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        switch parts.count {
        case 1: self.init(os: "linux", architecture: parts[0])
        case 2: self.init(os: parts[0], architecture: parts[1])
        case 3: self.init(os: parts[0], architecture: parts[1], variant: parts[2])
        default: return nil
        }
    }

    /// `os/architecture[/variant]` as written.
    public var description: String { os + "/" + architecture + (variant.map { "/" + $0 } ?? "") }

    /// Both sides of a comparison go through this (containerd platforms `normalizeOS`,
    /// `normalizeArch`, database.go): lower case; x86_64/x86-64 → amd64 (v1 → none);
    /// aarch64 → arm64, arm64 `8`/`v8` → none; armhf → arm/v7; armel → arm/v6; arm with no
    /// variant or `7` → v7, `5`/`6`/`8` → `v5`/`v6`/`v8`; i386 → 386; macos → darwin.
    public var normalized: ImagePlatform {
        var os = self.os.lowercased()
        if os == "macos" { os = "darwin" }
        var arch = architecture.lowercased()
        var variant = (self.variant ?? "").lowercased()
        switch arch {
        case "i386":
            arch = "386"; variant = ""
        case "x86_64", "x86-64", "amd64":
            arch = "amd64"
            if variant == "v1" { variant = "" }
        case "aarch64", "arm64":
            arch = "arm64"
            if variant == "8" || variant == "v8" { variant = "" }
        case "armhf":
            arch = "arm"; variant = "v7"
        case "armel":
            arch = "arm"; variant = "v6"
        case "arm":
            switch variant {
            case "", "7": variant = "v7"
            case "5", "6", "8": variant = "v" + variant
            default: break
            }
        default: break
        }
        return ImagePlatform(os: os, architecture: arch, variant: variant, osVersion: osVersion, osFeatures: osFeatures)
    }

    /// True when both normalise to the same os, architecture and variant (IMAGES.md 2.4).
    public func matches(_ other: ImagePlatform) -> Bool {
        let a = normalized, b = other.normalized
        return a.os == b.os && a.architecture == b.architecture && a.variant == b.variant
    }
}

/// A content descriptor (IS descriptor.md): what a blob is, its digest and size, and for a
/// manifest in an index, its platform and annotations.
public struct Descriptor: Sendable, Hashable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var platform: ImagePlatform?
    public var annotations: [String: String]
    public var artifactType: String?
    public var urls: [String]

    public init(mediaType: String, digest: Digest, size: Int64, platform: ImagePlatform? = nil,
                annotations: [String: String] = [:], artifactType: String? = nil, urls: [String] = []) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.platform = platform
        self.annotations = annotations
        self.artifactType = artifactType
        self.urls = urls
    }

    /// BuildKit's attestation manifest (`vnd.docker.reference.type: attestation-manifest`,
    /// platform `unknown/unknown`): never an image to run (IMAGES.md 2.5;
    /// moby/buildkit docs/attestations/attestation-storage.md).
    public var isAttestation: Bool {
        annotations["vnd.docker.reference.type"] == "attestation-manifest"
            || (platform?.os == "unknown" && platform?.architecture == "unknown")
    }

    /// `org.opencontainers.image.ref.name` (a tag, or a full name in other writers).
    public var refName: String? { annotations["org.opencontainers.image.ref.name"] }
    /// `io.containerd.image.name` (a full reference, written by containerd and Docker ≥25).
    public var containerdName: String? { annotations["io.containerd.image.name"] }
}

/// An image index or Docker manifest list (IS image-index.md).
public struct ImageIndex: Sendable, Hashable {
    public var schemaVersion: Int64
    public var mediaType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]
}

/// An image manifest, OCI or Docker schema 2 (IS manifest.md).
public struct ImageManifest: Sendable, Hashable {
    public var schemaVersion: Int64
    public var mediaType: String?
    public var config: Descriptor
    /// Base layer first.
    public var layers: [Descriptor]
    public var annotations: [String: String]
}

/// What a blob turned out to be.
public enum ManifestDocument: Sendable, Hashable {
    case index(ImageIndex)
    case manifest(ImageManifest)
}

/// One item of a `docker save` `manifest.json` (moby image/tarexport; IMAGES.md 1.2, 1.3).
public struct DockerManifestItem: Sendable, Hashable {
    /// The config's path in the archive (`<hex>.json`, or `blobs/sha256/<hex>`).
    public var config: String
    public var repoTags: [String]
    /// Layer paths in the archive, base first.
    public var layers: [String]
    public var parent: String?
    /// Foreign layers' descriptors by diff ID.
    public var layerSources: [String: Descriptor]
}

/// The container part of an image config (IS config.md §config). Absent fields are empty.
public struct ContainerConfig: Sendable, Hashable {
    public var entrypoint: [String] = []
    public var cmd: [String] = []
    public var env: [String] = []
    public var workingDir: String = ""
    public var user: String = ""
    /// Docker's `Shell` (the SHELL instruction), when the config has it.
    public var shell: [String] = []
    public var labels: [String: String] = [:]

    public init(entrypoint: [String] = [], cmd: [String] = [], env: [String] = [], workingDir: String = "",
                user: String = "", shell: [String] = [], labels: [String: String] = [:]) {
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.env = env
        self.workingDir = workingDir
        self.user = user
        self.shell = shell
        self.labels = labels
    }
}

/// An image config (IS config.md): its platform, the layers' diff IDs, how it starts.
public struct ImageConfig: Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var variant: String?
    /// `rootfs.diff_ids`: one per layer, base first (IMAGES.md 2.7).
    public var diffIDs: [Digest]
    /// Nil when the config has no `config` member.
    public var config: ContainerConfig?

    public var platform: ImagePlatform { ImagePlatform(os: os, architecture: architecture, variant: variant) }
}

/// Go's `%q` of a string, for messages that quote as c/image does: `"a\"b"`.
func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                let h = String(u.value, radix: 16)
                out += "\\x" + (h.count < 2 ? "0" + h : h)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
func goQuote(_ list: [String]) -> String {
    "[" + list.map { goQuote($0) }.joined(separator: " ") + "]"
}
