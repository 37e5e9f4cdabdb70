import Targets

// Choosing what to read in an archive or layout: the manifest.json item (docker-archive),
// the index.json descriptor (oci, oci-archive), then the platform in an index. The error
// words are c/image's where it has them (IMAGES.md 2.1, 2.2), ours otherwise (2.4).

/// A Docker reference as distribution/reference's `ParseNormalizedNamed` reads it:
/// `alpine` → `docker.io/library/alpine`, `index.docker.io/x/y` → `docker.io/x/y`.
public struct DockerReference: Sendable, Hashable, CustomStringConvertible {
    public var domain: String
    public var path: String
    public var tag: String?
    public var digest: String?

    public static let defaultDomain = "docker.io"

    /// `domain/path[:tag][@digest]`, the normalised form c/image compares.
    public var description: String {
        domain + "/" + path + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// The name without tag or digest.
    public var name: String { domain + "/" + path }

    /// This reference with `:latest` when it has neither tag nor digest (`reference.TagNameOnly`).
    public var withDefaultTag: DockerReference {
        var r = self
        if r.tag == nil && r.digest == nil { r.tag = "latest" }
        return r
    }

    public init(domain: String, path: String, tag: String? = nil, digest: String? = nil) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// Parses and normalises `s`; the errors are distribution/reference's words.
    public init(parsing s: String) throws(ImageError) {
        func bad(_ why: String = "invalid reference format") -> ImageError { ImageError(.invalid, why) }
        if s.isEmpty { throw bad("repository name must have at least one component") }
        var rest = Substring(s)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard Digest(d) != nil else { throw bad("invalid reference format") }
            digest = d
            rest = rest[..<at]
        }
        var tag: String?
        // A tag follows the last ':' after the last '/' (a ':' before it is a registry port).
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let t = String(rest[rest.index(after: colon)...])
            guard DockerReference.isTag(t) else { throw bad() }
            tag = t
            rest = rest[..<colon]
        }
        let name = String(rest)
        if name.utf8.count == 64 && name.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw bad("invalid repository name (\(name)), cannot specify 64-byte hexadecimal strings")
        }
        var domain = DockerReference.defaultDomain
        var remainder = name
        if let slash = name.firstIndex(of: "/") {
            let first = String(name[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                domain = first
                remainder = String(name[name.index(after: slash)...])
            }
        }
        if domain == "index.docker.io" { domain = DockerReference.defaultDomain }
        if domain == DockerReference.defaultDomain && !remainder.contains("/") { remainder = "library/" + remainder }
        if remainder.lowercased() != remainder {
            throw bad("invalid reference format: repository name (\(remainder)) must be lowercase")
        }
        guard DockerReference.isDomain(domain), !remainder.isEmpty,
              remainder.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(DockerReference.isPathComponent)
        else { throw bad() }
        if (domain + "/" + remainder).utf8.count > 255 { throw bad("repository name must not be more than 255 characters") }
        self.init(domain: domain, path: remainder, tag: tag, digest: digest)
    }

    /// `[\w][\w.-]{0,127}`
    static func isTag(_ t: String) -> Bool {
        let u = Array(t.utf8)
        guard (1...128).contains(u.count) else { return false }
        func word(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F }
        return word(u[0]) && u.dropFirst().allSatisfy { word($0) || $0 == 0x2E || $0 == 0x2D }
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
    static func isPathComponent<S: StringProtocol>(_ c: S) -> Bool {
        let u = Array(c.utf8)
        func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) }
        var i = 0
        var needAlnum = true
        while i < u.count {
            if alnum(u[i]) { needAlnum = false; i += 1; continue }
            if needAlnum { return false }
            // a separator run: '.', '_', '__', or dashes
            if u[i] == 0x2E { i += 1 } else if u[i] == 0x5F { i += 1; if i < u.count && u[i] == 0x5F { i += 1 } } else if u[i] == 0x2D { while i < u.count && u[i] == 0x2D { i += 1 } } else { return false }
            needAlnum = true
        }
        return !u.isEmpty && !needAlnum
    }

    /// Host names (`[A-Za-z0-9-]` labels joined by `.`), an optional `:port`, or `[IPv6]`.
    static func isDomain(_ d: String) -> Bool {
        var host = Substring(d)
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber) else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("[") { return host.hasSuffix("]") && host.count > 2 }
        return !host.isEmpty && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let u = Array(label.utf8)
            func an(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
            guard let f = u.first, let l = u.last, an(f), an(l) else { return false }
            return u.allSatisfy { an($0) || $0 == 0x2D }
        }
    }
}

/// What follows the path in `docker-archive:PATH[:REF]` (IMAGES.md 1.7).
public enum ArchiveSelector: Sendable, Hashable {
    /// No reference: the archive must hold exactly one image.
    case only
    /// `NAME[:TAG]`, normalised, `:latest` added.
    case tag(DockerReference)
    /// `@N`, a 0-based index into manifest.json.
    case index(Int)

    /// Parses the reference part of a docker-archive name; nil or empty is `.only`.
    public init(parsing s: String?) throws(ImageError) {
        guard let s, !s.isEmpty else { self = .only; return }
        if s.hasPrefix("@") {
            let n = String(s.dropFirst())
            guard let i = Int(n) else { throw ImageError(.invalid, "Invalid source index \(s)") }
            guard i >= 0 else { throw ImageError(.invalid, "Invalid source index @\(i): must not be negative") }
            self = .index(i)
            return
        }
        let r = try DockerReference(parsing: s)
        if r.digest != nil { throw ImageError(.invalid, "docker-archive doesn't support digest references: \(goQuote(s))") }
        self = .tag(r.withDefaultTag)
    }
}

/// What follows the path in `oci:PATH[:REF]` / `oci-archive:PATH[:REF]`.
public enum LayoutSelector: Sendable, Hashable {
    case only
    /// A reference name, matched against `org.opencontainers.image.ref.name`.
    case name(String)
    /// `@N`, a 0-based index into index.json's manifests.
    case index(Int)

    public init(parsing s: String?) {
        guard let s, !s.isEmpty else { self = .only; return }
        if s.hasPrefix("@"), let i = Int(s.dropFirst()), i >= 0 { self = .index(i); return }
        self = .name(s)
    }
}

public enum ImageSelection {
    /// The manifest.json item a docker-archive selector names, and its index (c/image
    /// docker/internal/tarfile/reader.go `ChooseManifestItem`; RepoTags normalised, so
    /// `alpine:latest` ≡ `docker.io/library/alpine:latest`).
    public static func chooseItem(_ items: [DockerManifestItem], _ selector: ArchiveSelector) throws(ImageError) -> (Int, DockerManifestItem) {
        switch selector {
        case .only:
            guard items.count == 1, let first = items.first else {
                throw ImageError(.notFound, "Unexpected tar manifest.json: expected 1 item, got \(items.count)")
            }
            return (0, first)
        case .index(let i):
            guard i < items.count else {
                throw ImageError(.notFound, "Invalid source index @\(i), only \(items.count) manifest items available")
            }
            return (i, items[i])
        case .tag(let ref):
            let want = ref.description
            for (i, item) in items.enumerated() {
                for tag in item.repoTags {
                    let parsed: DockerReference
                    do { parsed = try DockerReference(parsing: tag) } catch {
                        throw ImageError(.invalid, "Invalid tag \(goQuote(tag)) in manifest.json item @\(i): \(error.message)")
                    }
                    if parsed.description == want { return (i, item) }
                }
            }
            throw ImageError(.notFound, "Tag \(goQuote(want)) not found")
        }
    }

    static func isImageType(_ t: String) -> Bool { MediaType.isIndex(t) || MediaType.isManifest(t) }

    /// The index.json descriptor a layout selector names (c/image oci/layout/oci_transport.go
    /// `getManifestDescriptor`). A name is matched against `org.opencontainers.image.ref.name`
    /// first, as c/image does; when nothing matches, against `io.containerd.image.name` (the
    /// full reference Docker ≥25 and containerd write), then the name's tag against
    /// `ref.name` (Docker ≥25 writes the tag only there; IMAGES.md 1.3, 2.2).
    public static func chooseDescriptor(_ index: ImageIndex, _ selector: LayoutSelector) throws(ImageError) -> (Int, Descriptor) {
        let ms = index.manifests
        switch selector {
        case .only:
            guard ms.count == 1, let first = ms.first else {
                throw ImageError(.notFound, "more than one image in oci, choose an image")
            }
            return (0, first)
        case .index(let i):
            guard i < ms.count else {
                throw ImageError(.notFound, "index \(i) is too large, only \(ms.count) entries available")
            }
            return (i, ms[i])
        case .name(let name):
            var unsupported: [String] = []
            for (i, d) in ms.enumerated() where d.refName == name {
                if isImageType(d.mediaType) { return (i, d) }
                unsupported.append(d.mediaType)
            }
            if !unsupported.isEmpty {
                throw ImageError(.notFound, "reference \(goQuote(name)) matches unsupported manifest MIME types \(goQuote(unsupported))")
            }
            if let ref = try? DockerReference(parsing: name) {
                let full = ref.withDefaultTag.description
                for (i, d) in ms.enumerated() where isImageType(d.mediaType) {
                    if let cn = d.containerdName, let r = try? DockerReference(parsing: cn), r.withDefaultTag.description == full { return (i, d) }
                }
                if let tag = ref.withDefaultTag.tag, tag != name {
                    for (i, d) in ms.enumerated() where isImageType(d.mediaType) && d.refName == tag {
                        // Only when the descriptor says nothing else of its name.
                        if let cn = d.containerdName, let r = try? DockerReference(parsing: cn), r.name != ref.name { continue }
                        return (i, d)
                    }
                }
            }
            throw ImageError(.notFound, "no descriptor found for reference \(goQuote(name))")
        }
    }

    /// The image manifest for `platform` in `index`: nested indexes followed in order
    /// (`loadIndex` reads one; depth ≤ `ImageLimits.maxIndexDepth`, a cycle is an error),
    /// attestations never candidates, both sides normalised, the first exact os/arch/variant
    /// match wins (IMAGES.md 2.3–2.5). A manifest without a platform is asked of
    /// `platformOf` (its config's platform, as containerd does), when given.
    public static func chooseManifest(
        for platform: ImagePlatform, in index: ImageIndex,
        loadIndex: (Descriptor) throws(ImageError) -> ImageIndex,
        platformOf: ((Descriptor) throws(ImageError) -> ImagePlatform?)? = nil
    ) throws(ImageError) -> Descriptor {
        var seen: [String] = []
        var visiting: Set<Digest> = []
        if let d = try search(index, platform, depth: 0, visiting: &visiting, seen: &seen, loadIndex, platformOf) { return d }
        let holds = seen.isEmpty ? "no image manifests" : seen.joined(separator: ", ")
        throw ImageError(.notFound, "no image for platform \(platform) in the image index; it holds \(holds)")
    }

    static func search(
        _ index: ImageIndex, _ want: ImagePlatform, depth: Int, visiting: inout Set<Digest>, seen: inout [String],
        _ loadIndex: (Descriptor) throws(ImageError) -> ImageIndex,
        _ platformOf: ((Descriptor) throws(ImageError) -> ImagePlatform?)?
    ) throws(ImageError) -> Descriptor? {
        for d in index.manifests where !d.isAttestation {
            if MediaType.isIndex(d.mediaType) {
                guard depth < ImageLimits.maxIndexDepth else {
                    throw ImageError(.unsupported, "image indexes nest deeper than \(ImageLimits.maxIndexDepth) levels at \(d.digest)")
                }
                guard visiting.insert(d.digest).inserted else {
                    throw ImageError(.unsupported, "image index \(d.digest) contains itself")
                }
                let inner = try loadIndex(d)
                if let hit = try search(inner, want, depth: depth + 1, visiting: &visiting, seen: &seen, loadIndex, platformOf) { return hit }
                visiting.remove(d.digest)
            } else if MediaType.isManifest(d.mediaType) {
                var p = d.platform
                if p == nil, let platformOf { p = try platformOf(d) }
                guard let p else { continue }
                if p.os == "unknown" && p.architecture == "unknown" { continue }
                let name = p.description
                if !seen.contains(name) { seen.append(name) }
                if p.matches(want) { return d }
            }
        }
        return nil
    }
}

extension ImagePlatform {
    /// The image platform of a target platform (`Platform.host`, `--platform linux/arm/v7`).
    public init(_ p: Platform) {
        self.init(os: p.os, architecture: p.architecture, variant: p.variant)
    }

    /// The target platform this image platform runs on, normalised (`linux/aarch64` →
    /// `linux/arm64`); nil for an os other than linux or an architecture the project does
    /// not know.
    public var targetPlatform: Platform? {
        let n = normalized
        guard n.os == "linux" else { return nil }
        // arm keeps its variant (v7 is what Platform.host says); others drop an empty one.
        return Platform(parsing: n.description)
    }
}
