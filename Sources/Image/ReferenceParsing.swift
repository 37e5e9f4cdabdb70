extension ImageReference {
    /// The transports a reference may name, as skopeo spells them (containers-transports(5)).
    public static let transportNames = ["docker-archive", "oci-archive", "oci", "docker-daemon", "podman"]

    /// Parses `--image REF` (IMAGES.md 1.7): `docker-archive:FILE[:NAME:TAG|:@N]`,
    /// `oci-archive:FILE[:REF|:@N]`, `oci:DIR[:REF|:@N]`, `docker-daemon:NAME:TAG`,
    /// `podman:NAME`; anything else is a path, sniffed when opened. The path ends at the first
    /// `:` after the transport (c/image's rule: a path with a colon needs the bare form).
    /// Errors name the reference.
    public init(parsing text: String) throws(ImageError) {
        func fail(_ why: String) -> ImageError { ImageError(.invalid, "\(text): \(why)") }
        guard !text.isEmpty else { throw ImageError(.invalid, "empty image reference") }
        guard let colon = text.firstIndex(of: ":"),
              case let scheme = String(text[..<colon]), ImageReference.transportNames.contains(scheme)
        else {
            self.init(transport: .path(text), text: text)
            return
        }
        let rest = String(text[text.index(after: colon)...])
        // FILE[:REF]: the path ends at the first ':'.
        var path = rest
        var selector: String?
        if let c = rest.firstIndex(of: ":") {
            path = String(rest[..<c])
            selector = String(rest[rest.index(after: c)...])
        }
        switch scheme {
        case "docker-archive", "oci-archive", "oci":
            guard !path.isEmpty else { throw fail("no path after \(scheme):") }
            if scheme == "docker-archive" {
                let s: ArchiveSelector
                do { s = try ArchiveSelector(parsing: selector) } catch { throw fail(error.message) }
                self.init(transport: .dockerArchive(path: path, selector: s), text: text)
            } else if scheme == "oci-archive" {
                self.init(transport: .ociArchive(path: path, selector: LayoutSelector(parsing: selector)), text: text)
            } else {
                self.init(transport: .oci(path: path, selector: LayoutSelector(parsing: selector)), text: text)
            }
        case "docker-daemon":
            guard !rest.isEmpty else { throw fail("no image name after docker-daemon:") }
            // docker-daemon:NAME:TAG or NAME@DIGEST; a name alone gets :latest, as c/image does.
            do { _ = try DockerReference(parsing: rest) } catch { throw fail(error.message) }
            self.init(transport: .dockerDaemon(reference: rest), text: text)
        default:   // podman
            guard !rest.isEmpty else { throw fail("no image name after podman:") }
            guard !rest.hasPrefix("-") else { throw fail("an image name cannot start with '-'") }
            self.init(transport: .podman(reference: rest), text: text)
        }
    }

    /// The transport's name as skopeo spells it; nil for a bare path not yet sniffed.
    public var transportName: String? {
        switch transport {
        case .dockerArchive: "docker-archive"
        case .ociArchive: "oci-archive"
        case .oci: "oci"
        case .dockerDaemon: "docker-daemon"
        case .podman: "podman"
        case .path: nil
        }
    }
}
