import ELFKit

/// Caps on what is read before parsing (c/image internal/iolimits; IMAGES.md 2.6).
public enum ImageLimits {
    /// A manifest, index or config blob.
    public static let maxManifestBytes = 4 << 20
    /// `manifest.json` and `repositories` of a docker archive.
    public static let maxDockerManifestBytes = 1 << 20
    /// How deep indexes may nest inside indexes before we stop.
    public static let maxIndexDepth = 8
    /// How many links (symlinks, hard links) of an archive's own members are followed to
    /// reach a blob or a layer (`<id>/layer.tar` links of legacy `docker save`: one).
    public static let maxArchiveLinks = 16
}

/// Reads JSON into the model the way Go's `encoding/json` fills the structs of
/// image-spec and moby: struct fields match case-insensitively (`JSONValue.field`), `null`
/// leaves a field empty, a value of the wrong type is an error naming the field.
struct Decoding {
    let document: String

    func fail(_ path: String, _ problem: String) -> ImageError { .invalid(document, path, problem) }

    func present(_ v: JSONValue?) -> JSONValue? {
        guard let v, !v.isNull else { return nil }
        return v
    }

    func object(_ v: JSONValue?, _ path: String) throws(ImageError) -> JSONValue? {
        guard let v = present(v) else { return nil }
        guard case .object = v else { throw fail(path, "expected an object, found \(v.kindName)") }
        return v
    }

    func string(_ v: JSONValue?, _ path: String) throws(ImageError) -> String? {
        guard let v = present(v) else { return nil }
        guard let s = v.string else { throw fail(path, "expected a string, found \(v.kindName)") }
        return s
    }

    func int64(_ v: JSONValue?, _ path: String) throws(ImageError) -> Int64? {
        guard let v = present(v) else { return nil }
        guard case .number(let n) = v else { throw fail(path, "expected a number, found \(v.kindName)") }
        guard let i = Int64(n) else { throw fail(path, "\(n) is not an integer that fits in 64 bits") }
        return i
    }

    func strings(_ v: JSONValue?, _ path: String) throws(ImageError) -> [String]? {
        guard let v = present(v) else { return nil }
        guard let a = v.array else { throw fail(path, "expected an array of strings, found \(v.kindName)") }
        var out: [String] = []
        for (i, e) in a.enumerated() {
            // A null element is Go's zero value, an empty string.
            if e.isNull { out.append(""); continue }
            guard let s = e.string else { throw fail("\(path)[\(i)]", "expected a string, found \(e.kindName)") }
            out.append(s)
        }
        return out
    }

    /// moby's `strslice.StrSlice`: an array of strings, or one string meaning a one-element list
    /// (api/types/strslice). Entrypoint, Cmd and Shell in a Docker config are this type.
    func strSlice(_ v: JSONValue?, _ path: String) throws(ImageError) -> [String]? {
        if let s = present(v)?.string { return [s] }
        return try strings(v, path)
    }

    func stringMap(_ v: JSONValue?, _ path: String) throws(ImageError) -> [String: String] {
        guard let o = try object(v, path), let members = o.members else { return [:] }
        var out: [String: String] = [:]
        for (k, e) in members {
            if e.isNull { out[k] = ""; continue }
            guard let s = e.string else { throw fail("\(path).\(k)", "expected a string, found \(e.kindName)") }
            out[k] = s    // later duplicates win, as in a Go map
        }
        return out
    }

    func array(_ v: JSONValue?, _ path: String) throws(ImageError) -> [JSONValue] {
        guard let v = present(v) else { return [] }
        guard let a = v.array else { throw fail(path, "expected an array, found \(v.kindName)") }
        return a
    }

    func digest(_ v: JSONValue?, _ path: String) throws(ImageError) -> Digest {
        guard let s = try string(v, path) else { throw fail(path, "missing digest") }
        guard let d = Digest(s) else { throw fail(path, Digest.problem(s)) }
        return d
    }

    func platform(_ v: JSONValue?, _ path: String) throws(ImageError) -> ImagePlatform? {
        guard let o = try object(v, path) else { return nil }
        return ImagePlatform(os: try string(o.field("os"), path + ".os") ?? "",
                             architecture: try string(o.field("architecture"), path + ".architecture") ?? "",
                             variant: try string(o.field("variant"), path + ".variant"),
                             osVersion: try string(o.field("os.version"), path + ".os.version"),
                             osFeatures: try strings(o.field("os.features"), path + ".os.features") ?? [])
    }

    func descriptor(_ v: JSONValue?, _ path: String) throws(ImageError) -> Descriptor {
        guard let o = try object(v, path) else { throw fail(path, "missing descriptor") }
        let size = try int64(o.field("size"), path + ".size") ?? 0
        guard size >= 0 else { throw fail(path + ".size", "negative size \(size)") }
        return Descriptor(mediaType: try string(o.field("mediaType"), path + ".mediaType") ?? "",
                          digest: try digest(o.field("digest"), path + ".digest"),
                          size: size,
                          platform: try platform(o.field("platform"), path + ".platform"),
                          annotations: try stringMap(o.field("annotations"), path + ".annotations"),
                          artifactType: try string(o.field("artifactType"), path + ".artifactType"),
                          urls: try strings(o.field("urls"), path + ".urls") ?? [])
    }
}

extension ImageIndex {
    /// An index (`index.json`, an index blob, a Docker manifest list).
    public init(json: JSONValue, document: String = "index") throws(ImageError) {
        let d = Decoding(document: document)
        guard let o = try d.object(json, "(top)") else { throw d.fail("(top)", "expected an object, found null") }
        schemaVersion = try d.int64(o.field("schemaVersion"), "schemaVersion") ?? 0
        mediaType = try d.string(o.field("mediaType"), "mediaType")
        var list: [Descriptor] = []
        for (i, m) in try d.array(o.field("manifests"), "manifests").enumerated() {
            list.append(try d.descriptor(m, "manifests[\(i)]"))
        }
        manifests = list
        annotations = try d.stringMap(o.field("annotations"), "annotations")
    }
}

extension ImageManifest {
    public init(json: JSONValue, document: String = "manifest") throws(ImageError) {
        let d = Decoding(document: document)
        guard let o = try d.object(json, "(top)") else { throw d.fail("(top)", "expected an object, found null") }
        schemaVersion = try d.int64(o.field("schemaVersion"), "schemaVersion") ?? 0
        mediaType = try d.string(o.field("mediaType"), "mediaType")
        config = try d.descriptor(o.field("config"), "config")
        var list: [Descriptor] = []
        for (i, l) in try d.array(o.field("layers"), "layers").enumerated() {
            list.append(try d.descriptor(l, "layers[\(i)]"))
        }
        layers = list
        annotations = try d.stringMap(o.field("annotations"), "annotations")
    }
}

extension ManifestDocument {
    /// A manifest or index blob. The descriptor's media type decides; when it names neither
    /// (empty or unknown), the blob's own `mediaType`, then its shape (`manifests` → index,
    /// `config` → manifest).
    public init(bytes: [UInt8], descriptorMediaType: String, document: String = "manifest") throws(ImageError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, field: document) } catch { throw ImageError(.malformed, error.description) }
        var type = descriptorMediaType
        if !MediaType.isIndex(type) && !MediaType.isManifest(type) {
            type = json.field("mediaType")?.string ?? ""
        }
        if MediaType.isIndex(type) {
            self = .index(try ImageIndex(json: json, document: document))
        } else if MediaType.isManifest(type) {
            self = .manifest(try ImageManifest(json: json, document: document))
        } else if json.field("manifests") != nil {
            self = .index(try ImageIndex(json: json, document: document))
        } else if json.field("config") != nil {
            self = .manifest(try ImageManifest(json: json, document: document))
        } else {
            throw ImageError(.unsupported, "\(document): neither an image index nor an image manifest (media type \(goQuote(type)))")
        }
    }
}

extension DockerManifestItem {
    /// The items of a `docker save` `manifest.json` (a JSON array).
    public static func parseList(_ bytes: [UInt8], document: String = "manifest.json") throws(ImageError) -> [DockerManifestItem] {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, field: document) } catch { throw ImageError(.malformed, error.description) }
        let d = Decoding(document: document)
        guard !json.isNull else { return [] }
        guard let items = json.array else { throw d.fail("(top)", "expected an array, found \(json.kindName)") }
        var out: [DockerManifestItem] = []
        for (i, v) in items.enumerated() {
            let p = "[\(i)]"
            guard let o = try d.object(v, p) else { throw d.fail(p, "expected an object, found null") }
            var sources: [String: Descriptor] = [:]
            if let s = try d.object(o.field("LayerSources"), p + ".LayerSources"), let members = s.members {
                for (k, e) in members { sources[k] = try d.descriptor(e, p + ".LayerSources." + k) }
            }
            out.append(DockerManifestItem(config: try d.string(o.field("Config"), p + ".Config") ?? "",
                                          repoTags: try d.strings(o.field("RepoTags"), p + ".RepoTags") ?? [],
                                          layers: try d.strings(o.field("Layers"), p + ".Layers") ?? [],
                                          parent: try d.string(o.field("Parent"), p + ".Parent"),
                                          layerSources: sources))
        }
        return out
    }
}

/// A docker archive's `repositories`: `{"name": {"tag": "<v1 id>"}}` (moby tarexport).
public struct DockerRepositories: Sendable, Hashable {
    public var entries: [String: [String: String]]

    public init(bytes: [UInt8], document: String = "repositories") throws(ImageError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, field: document) } catch { throw ImageError(.malformed, error.description) }
        let d = Decoding(document: document)
        var out: [String: [String: String]] = [:]
        if let o = try d.object(json, "(top)"), let members = o.members {
            for (name, tags) in members { out[name] = try d.stringMap(tags, name) }
        }
        entries = out
    }
}

extension ImageConfig {
    public init(bytes: [UInt8], document: String = "config") throws(ImageError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, field: document) } catch { throw ImageError(.malformed, error.description) }
        try self.init(json: json, document: document)
    }

    public init(json: JSONValue, document: String = "config") throws(ImageError) {
        let d = Decoding(document: document)
        guard let o = try d.object(json, "(top)") else { throw d.fail("(top)", "expected an object, found null") }
        architecture = try d.string(o.field("architecture"), "architecture") ?? ""
        os = try d.string(o.field("os"), "os") ?? ""
        variant = try d.string(o.field("variant"), "variant").flatMap { $0.isEmpty ? nil : $0 }
        var ids: [Digest] = []
        if let rootfs = try d.object(o.field("rootfs"), "rootfs") {
            for (i, v) in try d.array(rootfs.field("diff_ids"), "rootfs.diff_ids").enumerated() {
                ids.append(try d.digest(v, "rootfs.diff_ids[\(i)]"))
            }
        }
        diffIDs = ids
        if let c = try d.object(o.field("config"), "config") {
            config = ContainerConfig(
                entrypoint: try d.strSlice(c.field("Entrypoint"), "config.Entrypoint") ?? [],
                cmd: try d.strSlice(c.field("Cmd"), "config.Cmd") ?? [],
                env: try d.strings(c.field("Env"), "config.Env") ?? [],
                workingDir: try d.string(c.field("WorkingDir"), "config.WorkingDir") ?? "",
                user: try d.string(c.field("User"), "config.User") ?? "",
                shell: try d.strSlice(c.field("Shell"), "config.Shell") ?? [],
                labels: try d.stringMap(c.field("Labels"), "config.Labels"))
        } else {
            config = nil
        }
    }
}
