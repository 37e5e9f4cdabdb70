import FileTree
import Image
import Render
import Rules
import Targets

/// A run against a container image (`--image REF`): the image read in memory, its layers as
/// the target's tree, and either its own command (no PATH) or each PATH checked inside it.
enum ImageRun {
    static func check(_ config: RunConfiguration, reference text: String) throws(TargetResolver.Failure) -> RunDocument {
        let image: OpenedImage
        do {
            let reference = try ImageReference(parsing: text)
            image = try ImageReader.open(reference, platform: config.requestedPlatform.map(ImagePlatform.init))
        } catch {
            // The reader names the reference first; the failure names it once.
            let m = error.message
            throw .image(text, m.hasPrefix(text + ": ") ? String(m.dropFirst(text.count + 2)) : m)
        }
        let (target, facts) = Analyzer.imageTarget(image, requested: config.requestedPlatform, isEntrypoint: config.paths.isEmpty)
        let platform = target.platform
        let name = target.name
        var analyzer = Analyzer(target: target, platform: platform, enabledRules: config.enabledRules, severities: config.severitiesByID)
        analyzer.compareWithProfiles()
        var reports: [FileReport] = []
        if config.paths.isEmpty {
            reports.append(analyzer.checkImageStart(facts, in: image.tree))
        } else {
            for path in config.paths {
                if path.hasPrefix("/") {
                    // A path of the image: that file (a directory is walked inside the image).
                    reports += Runner.reports(for: [InputPath(display: path, treePath: path)], in: image.tree, imagePath: { TreeResolver.normalize($0.treePath) }) {
                        analyzer.check($0, imagePath: $1, in: image.tree, image: facts)
                    }
                } else {
                    // A host file, placed in the image where --at says or its path suggests.
                    let place: (InputPath) -> String = { config.at ?? TargetResolver.derivedImagePath($0.display) }
                    reports += Runner.reports(for: [InputPath(path)], in: HostTree.host, imagePath: place) {
                        analyzer.check($0, imagePath: $1, in: HostTree.host, image: facts)
                    }
                }
            }
        }
        for i in reports.indices { reports[i].provenance = provenance(reports[i], facts: facts, tree: image.tree) }

        var doc = RunDocument(toolVersion: toolVersion, targetName: name, platform: platform.description, targetRoot: "/", reports: reports)
        doc.targetLibc = target.libc
        let c = image.config.config
        doc.image = ImageSummary(reference: text, transport: image.transportName, name: image.displayName,
                                 digest: image.manifestDigest.map { "sha256:" + $0.hex }, configDigest: "sha256:" + image.configDigest.hex,
                                 platform: image.platform.description, layers: image.layerCount,
                                 argv: (c?.entrypoint ?? []) + (c?.cmd ?? []), user: c?.user ?? "", workingDir: c?.workingDir ?? "")
        switch image.reference.transport {
        case .dockerArchive(let path, _), .ociArchive(let path, _), .oci(let path, _), .path(let path): doc.image?.hostPath = path
        case .dockerDaemon, .podman: break
        }
        return doc
    }

    /// Where the facts behind a report came from in the layers: the program itself, and the
    /// path whose absence is the verdict (the interpreter, a library, the program, passwd).
    static func provenance(_ r: FileReport, facts: ImageStartFacts, tree: LayerTree) -> [String] {
        var out: [String] = []
        func note(_ path: String, absent: String? = nil) {
            if let p = tree.provenance(of: path) {
                var line = p.description
                if p.removal == nil, p.kind == .symlink, let target = try? tree.readLink(path) {
                    let resolved = try? tree.resolve(path, followLast: true)
                    line += " → \(target)" + (resolved.map { tree.isRegularFile($0) ? " (\($0))" : ", which the image does not have" } ?? ", which the image does not have")
                }
                if !out.contains(line) { out.append(line) }
            } else if let absent, !out.contains(absent) {
                out.append(absent)
            }
        }
        if r.facts != nil { note(r.imagePath) }
        switch r.start?.cause {
        case .missingInterpreter(let interp)?:
            note(interp, absent: "no layer has \(interp)")
        case .missingLibrary(let lib)?:
            let searched = r.load?.missing.first?.searched ?? []
            let before = out.count
            for dir in searched { note(dir.hasSuffix("/") ? dir + lib : dir + "/" + lib) }
            if out.count == before { out.append("no layer has \(lib) in \(searched.joined(separator: ":"))") }
        case .programNotFound(let name)?, .shellMissing(let name)?:
            if name.contains("/") {
                let cwd = facts.start?.workingDir ?? "/"
                note(name.hasPrefix("/") ? name : TreeResolver.normalize(cwd + "/" + name), absent: "no layer has \(name)")
            }
        case .userNotFound?:
            note("/etc/passwd", absent: "no layer has /etc/passwd")
        default:
            break
        }
        return out
    }
}
