import ELFKit
import Rules

/// SARIF 2.1.0 for code-scanning uploads: the rule table from the rules' own metadata, one
/// result per finding, and unreadable inputs as tool execution notifications.
public enum SARIFRenderer {
    public static func render(_ doc: RunDocument, rules: [RuleInfo]) -> String {
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

        let failed = doc.reports.filter { $0.error != nil }
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
            location(r.path, into: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()

        w.key("results")
        w.beginArray()
        for r in doc.reports {
            let all: [(Finding, SuppressedFinding?)] = r.findings.map { ($0, nil) } + r.suppressed.map { ($0.finding, $0) }
            for (f, suppressed) in all {
                w.beginObject()
                w.field("ruleId", f.rule)
                if let i = rules.firstIndex(where: { $0.id == f.rule }) { w.field("ruleIndex", i) }
                w.field("level", level(f.severity))
                var text = visible(f.message) + "\nFix: " + visible(f.fix)
                if let l = f.location, let edit = l.edit, let t = l.text {
                    text += "\n\(visible(l.file)): " + (edit == .replace ? "line \(l.line) becomes: " : "after line \(l.endLine), add: ") + visible(t)
                }
                message(&w, "message", text)
                if let l = f.location {
                    // The Dockerfile line first, the binary as a related location.
                    location(l.file, region: (l.line, l.endLine), into: &w)
                    w.key("relatedLocations")
                    w.beginArray()
                    w.beginObject()
                    w.field("id", 1)
                    physical(r.path, region: nil, into: &w)
                    message(&w, "message", "the file checked")
                    w.endObject()
                    w.endArray()
                } else {
                    location(r.path, into: &w)
                }
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

    static func location(_ path: String, region: (Int, Int)? = nil, into w: inout JSONWriter) {
        w.key("locations")
        w.beginArray()
        w.beginObject()
        physical(path, region: region, into: &w)
        w.endObject()
        w.endArray()
    }

    static func physical(_ path: String, region: (Int, Int)?, into w: inout JSONWriter) {
        w.key("physicalLocation")
        w.beginObject()
        w.key("artifactLocation")
        w.beginObject()
        w.field("uri", uri(path))
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

    /// A relative URI reference for a path (`./dist/main` → `dist/main`), percent-encoding what
    /// a URI cannot hold.
    static func uri(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        var out = p.hasPrefix("/") ? "file://" : ""
        for b in p.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/!$&'()*+,;=:@".contains(c)) {
                out.append(c)
            } else {
                let h = String(b, radix: 16, uppercase: true)
                out += "%" + (h.count == 1 ? "0" : "") + h
            }
        }
        return out
    }
}
