import ELFKit
import Rules

/// SARIF 2.1.0 for code-scanning uploads: the rule table from the rules' own metadata, one
/// result per finding, and unreadable inputs as tool execution notifications.
public enum SARIFRenderer {
    public static func render(_ doc: RunDocument, rules: [RuleInfo]) -> String {
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var results: [JSON] = []
        var notifications: [JSON] = []
        for r in doc.reports {
            let location = JSON.object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(uri(r.path)))]))]))])
            for f in r.findings {
                var o: [(String, JSON)] = [("ruleId", .string(f.rule))]
                if let i = index[f.rule] { o.append(("ruleIndex", .int(Int64(i)))) }
                o += [
                    ("level", .string(level(f.severity))),
                    ("message", .object([("text", .string("\(f.message)\nFix: \(f.fix)"))])),
                    ("locations", .array([location])),
                    ("properties", .object([("why", .string(f.why)), ("fix", .string(f.fix))])),
                ]
                results.append(.object(o))
            }
            if let e = r.error {
                notifications.append(.object([
                    ("level", .string("error")),
                    ("message", .object([("text", .string(e))])),
                    ("locations", .array([location])),
                ]))
            }
        }
        let driver = JSON.object([
            ("name", .string(toolName)),
            ("version", .string(doc.toolVersion)),
            ("semanticVersion", .string(doc.toolVersion)),
            ("informationUri", .string(toolURI)),
            ("rules", .array(rules.map(rule))),
        ])
        let run = JSON.object([
            ("tool", .object([("driver", driver)])),
            ("invocations", .array([.object([
                ("executionSuccessful", .bool(notifications.isEmpty)),
                ("toolExecutionNotifications", .array(notifications)),
            ])])),
            ("results", .array(results)),
            ("properties", .object([("target", .string(doc.targetName)), ("platform", .string(doc.platform))])),
        ])
        return JSON.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ]).serialized() + "\n"
    }

    static func rule(_ i: RuleInfo) -> JSON {
        .object([
            ("id", .string(i.id)),
            ("name", .string(i.name)),
            ("shortDescription", .object([("text", .string(i.title))])),
            ("fullDescription", .object([("text", .string(i.summary))])),
            ("help", .object([
                ("text", .string("\(i.rationale)\nBefore: \(i.fixBefore)\nAfter: \(i.fixAfter)")),
                ("markdown", .string("\(i.rationale)\n\nBefore:\n```\n\(i.fixBefore)\n```\nAfter:\n```\n\(i.fixAfter)\n```")),
            ])),
            ("defaultConfiguration", .object([("level", .string(level(i.severity)))])),
            ("properties", .object([("tags", .strings(["containers", "elf"]))])),
        ])
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

/// GitHub Actions workflow commands: annotations on the files.
public enum GitHubRenderer {
    public static func render(_ doc: RunDocument) -> String {
        var out = ""
        for r in doc.reports {
            for f in r.findings {
                let cmd: String
                switch f.severity {
                case .error: cmd = "error"
                case .warning: cmd = "warning"
                case .info: cmd = "notice"
                }
                out += "::\(cmd) file=\(property(r.path)),title=\(property("\(f.rule) \(f.name)"))::\(data("\(f.message)\nfix: \(f.fix)"))\n"
            }
            if let e = r.error {
                out += "::error file=\(property(r.path)),title=\(property("cannot read"))::\(data(e))\n"
            }
        }
        return out
    }

    static func data(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}
