import Archive
import ELFKit
import Rules

/// SARIF 2.1.0 for code-scanning uploads: the rule table from the rules' own metadata (with a
/// help page each), one result per finding with a fingerprint that is the same on every run
/// and machine, artifact URIs relative to the repository, and unreadable inputs as tool
/// execution notifications.
public enum SARIFRenderer {
    /// The most results one run holds: GitHub's ingestion limit per run (more are left out,
    /// and the invocation says how many).
    public static let maxResults = 25_000

    /// Where each rule is documented: `docs/rules.md`, one section a rule.
    public static func helpURI(_ r: RuleInfo) -> String { "\(toolURI)/blob/main/docs/rules.md#\(anchor(r))" }

    /// The anchor of a rule's section in docs/rules.md (GitHub's heading slug of `SE101 missing-interpreter`).
    public static func anchor(_ r: RuleInfo) -> String { "\(r.id.lowercased())-\(r.name)" }

    public static func render(_ doc: RunDocument, rules: [RuleInfo], context: SARIFContext? = nil) -> String {
        let ctx = context ?? SARIFContext(workingDirectory: "/", root: "/", target: "\(doc.targetName) \(doc.platform)")
        var w = JSONWriter()
        w.beginObject()
        w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        w.field("version", "2.1.0")
        w.key("runs")
        w.beginArray()
        w.beginObject()

        w.key("tool")
        w.beginObject()
        w.key("driver")
        w.beginObject()
        w.field("name", toolName)
        w.field("version", doc.toolVersion)
        w.field("semanticVersion", doc.toolVersion)
        w.field("informationUri", toolURI)
        w.key("rules")
        w.beginArray()
        for r in rules { rule(r, into: &w) }
        w.endArray()
        w.endObject()
        w.endObject()

        w.key("automationDetails")
        w.beginObject()
        w.field("id", ctx.automationID)
        message(&w, "description", "\(toolName) against \(ctx.target)")
        w.endObject()
        w.key("originalUriBaseIds")
        w.beginObject()
        // No URI: the root's absolute path is the checking machine's, not the repository's.
        w.key("%SRCROOT%")
        w.beginObject()
        message(&w, "description", "the repository root (--sarif-root)")
        w.endObject()
        w.endObject()

        let failed = doc.reports.filter { $0.error != nil }
        var results: [(FileReport, Finding, SuppressedFinding?)] = []
        for r in doc.reports {
            for f in r.findings { results.append((r, f, nil)) }
            for s in r.suppressed { results.append((r, s.finding, s)) }
        }
        let dropped = max(0, results.count - maxResults)
        if dropped > 0 { results = Array(results.prefix(maxResults)) }
        w.key("invocations")
        w.beginArray()
        w.beginObject()
        w.field("executionSuccessful", failed.isEmpty)
        w.key("toolExecutionNotifications")
        w.beginArray()
        for r in failed {
            w.beginObject()
            w.field("level", "error")
            message(&w, "message", r.error.map(visible))
            location(artifact(r, doc, ctx), into: &w)
            w.endObject()
        }
        if dropped > 0 {
            w.beginObject()
            w.field("level", "warning")
            message(&w, "message", "\(dropped) results left out: a run holds at most \(maxResults) (code scanning's limit); check fewer files per run")
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()

        w.key("results")
        w.beginArray()
        do {
            for (r, f, suppressed) in results {
                let file = artifact(r, doc, ctx)
                w.beginObject()
                w.field("ruleId", f.rule)
                if let i = rules.firstIndex(where: { $0.id == f.rule }) { w.field("ruleIndex", i) }
                w.field("level", level(f.severity))
                var text = visible(f.message) + "\nFix: " + visible(f.fix)
                if let l = f.location, let edit = l.edit, let t = l.text {
                    text += "\n\(visible(l.file)): " + (edit == .replace ? "line \(l.line) becomes: " : "after line \(l.endLine), add: ") + visible(t)
                }
                if let image = doc.image, r.path.hasPrefix("/") {
                    text += "\nImage: \(visible(image.name ?? image.reference)) (\(image.digest ?? image.configDigest)), file \(visible(r.path))"
                }
                message(&w, "message", text)
                if let l = f.location {
                    // The Dockerfile line first, the binary as a related location.
                    location(uriReference(l.file, ctx), region: (l.line, l.endLine), into: &w)
                    w.key("relatedLocations")
                    w.beginArray()
                    w.beginObject()
                    w.field("id", 1)
                    physical(file, region: nil, into: &w)
                    message(&w, "message", "the file checked")
                    w.endObject()
                    w.endArray()
                } else {
                    location(file, into: &w)
                }
                w.key("partialFingerprints")
                w.beginObject()
                w.field("staticcheckElf/v1", fingerprint(f, report: r, doc: doc, ctx))
                w.endObject()
                if let suppressed {
                    // Shown as dismissed by code scanning, with the reason written in the Dockerfile.
                    w.key("suppressions")
                    w.beginArray()
                    w.beginObject()
                    w.field("kind", "inSource")
                    w.field("justification", suppressed.reason)
                    w.endObject()
                    w.endArray()
                }
                w.key("properties")
                w.beginObject()
                w.field("why", f.why)
                w.field("fix", f.fix)
                if let c = f.command { w.field("command", c) }
                w.endObject()
                w.endObject()
            }
        }
        w.endArray()

        w.key("properties")
        w.beginObject()
        w.field("target", doc.targetName)
        w.field("platform", doc.platform)
        w.endObject()

        w.endObject()
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    /// A SARIF message object: `"key": {"text": …}`.
    static func message(_ w: inout JSONWriter, _ key: String, _ text: String?) {
        w.key(key)
        w.beginObject()
        w.field("text", text)
        w.endObject()
    }

    /// Where a result points: a URI (relative to `%SRCROOT%` when `baseID` is set) and, for a
    /// file inside an image, the image and the path there as a logical location.
    struct Artifact {
        var uri: String
        var baseID: String? = nil
        var logical: String? = nil
    }

    /// A host path as a URI reference: relative to the SARIF root when inside it (never an
    /// absolute path of the machine that ran the check), else an absolute `file://` URI.
    static func uriReference(_ path: String, _ ctx: SARIFContext) -> Artifact {
        if let rel = ctx.relative(path), !rel.isEmpty { return Artifact(uri: encode(rel), baseID: "%SRCROOT%") }
        return Artifact(uri: "file://" + encode(ctx.absolute(path)))
    }

    /// The artifact of a report: the host file checked, or for a file of an image (an absolute
    /// PATH with `--image`, or the image's own command) the image archive or layout on the host
    /// where there is one, with `image@digest:/path` as its logical location. An image
    /// reference never becomes a URI (`docker-daemon:app:1` is no path).
    static func artifact(_ r: FileReport, _ doc: RunDocument, _ ctx: SARIFContext) -> Artifact {
        guard let image = doc.image, r.path.hasPrefix("/") else { return uriReference(r.path, ctx) }
        let name = "\(image.name ?? image.reference)@\(image.digest ?? image.configDigest):\(r.path)"
        var a = image.hostPath.map { uriReference($0, ctx) } ?? Artifact(uri: encode(String(r.path.dropFirst())), baseID: "%SRCROOT%")
        a.logical = name
        return a
    }

    /// The fingerprint of a result: the rule, the target, the file (relative to the SARIF
    /// root, or its place in an image) and what the finding is about (`Finding.evidence`),
    /// hashed. The same on every run and machine for the same problem, so code scanning keeps
    /// one alert; message wording and sizes are left out on purpose.
    static func fingerprint(_ f: Finding, report r: FileReport, doc: RunDocument, _ ctx: SARIFContext) -> String {
        let inImage = doc.image != nil && r.path.hasPrefix("/")
        let file = inImage ? "image:" + r.path : ctx.stable(r.path)
        let parts = [f.rule, ctx.target, file] + f.evidence
        let digest = SHA256.hash(Array(parts.joined(separator: "\u{0}").utf8))
        return String(digest.hex.prefix(32))
    }

    static func location(_ a: Artifact, region: (Int, Int)? = nil, into w: inout JSONWriter) {
        w.key("locations")
        w.beginArray()
        w.beginObject()
        physical(a, region: region, into: &w)
        if let logical = a.logical {
            w.key("logicalLocations")
            w.beginArray()
            w.beginObject()
            w.field("fullyQualifiedName", logical)
            w.field("kind", "object")
            w.endObject()
            w.endArray()
        }
        w.endObject()
        w.endArray()
    }

    static func physical(_ a: Artifact, region: (Int, Int)?, into w: inout JSONWriter) {
        w.key("physicalLocation")
        w.beginObject()
        w.key("artifactLocation")
        w.beginObject()
        w.field("uri", a.uri)
        if let b = a.baseID { w.field("uriBaseId", b) }
        w.endObject()
        if let (start, end) = region {
            w.key("region")
            w.beginObject()
            w.field("startLine", start)
            w.field("endLine", end)
            w.endObject()
        }
        w.endObject()
    }

    static func rule(_ i: RuleInfo, into w: inout JSONWriter) {
        w.beginObject()
        w.field("id", i.id)
        w.field("name", i.name)
        message(&w, "shortDescription", i.title)
        message(&w, "fullDescription", i.summary)
        w.field("helpUri", helpURI(i))
        w.key("help")
        w.beginObject()
        w.field("text", "\(i.rationale)\nBefore: \(i.fixBefore)\nAfter: \(i.fixAfter)")
        w.field("markdown", "\(i.rationale)\n\nBefore:\n```\n\(i.fixBefore)\n```\nAfter:\n```\n\(i.fixAfter)\n```")
        w.endObject()
        w.key("defaultConfiguration")
        w.beginObject()
        w.field("level", level(i.severity))
        w.endObject()
        w.key("properties")
        w.beginObject()
        w.field("tags", strings: ["containers", "elf"])
        // Start failures are what execve and ld.so do (the oracle tests); runtime needs are
        // what the linked packages will look for; sizes are measured.
        w.field("precision", i.severity == .warning ? "high" : "very-high")
        w.endObject()
        w.endObject()
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// A path percent-encoded for a URI (what RFC 3986 allows in a path stays as it is).
    /// A colon is encoded too: in a relative reference's first segment it would read as a scheme.
    static func encode(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/!$&'()*+,;=@".contains(c)) {
                out.append(c)
            } else {
                let h = String(b, radix: 16, uppercase: true)
                out += "%" + (h.count == 1 ? "0" : "") + h
            }
        }
        return out
    }
}
