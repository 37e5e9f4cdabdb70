import ELFKit
import GoBinary
import Rules

/// What every renderer receives: the tool, the target, and the reports in input order.
public struct RunDocument: Sendable {
    public var toolVersion: String
    public var targetName: String
    public var platform: String
    public var reports: [FileReport]

    public init(toolVersion: String, targetName: String, platform: String, reports: [FileReport]) {
        self.toolVersion = toolVersion
        self.targetName = targetName
        self.platform = platform
        self.reports = reports
    }
}

public let toolName = "staticcheck-elf"
public let toolURI = "https://github.com/staticcheck-elf/staticcheck-elf"

/// The JSON contract of PRODUCT.md (`schemaVersion: 1`). Keys may be added, never renamed.
public enum JSONRenderer {
    public static func render(_ doc: RunDocument, includeVerdict: Bool = true) -> String {
        var top: [(String, JSON)] = [
            ("schemaVersion", .int(1)),
            ("tool", .object([("name", .string(toolName)), ("version", .string(doc.toolVersion))])),
        ]
        if includeVerdict {
            top.append(("target", .object([("name", .string(doc.targetName)), ("platform", .string(doc.platform))])))
        }
        top.append(("files", .array(doc.reports.map { file($0, includeVerdict: includeVerdict) })))
        return JSON.object(top).serialized() + "\n"
    }

    static func file(_ r: FileReport, includeVerdict: Bool) -> JSON {
        var fields: [(String, JSON)] = [("path", .string(r.path))]
        if includeVerdict {
            fields.append(("start", r.start.map(start) ?? .null))
        }
        fields.append(("facts", r.facts.map(facts) ?? .null))
        if includeVerdict {
            fields.append(("findings", .array(r.findings.map(finding))))
        }
        fields.append(("error", .str(r.error)))
        if let off = r.errorOffset { fields.append(("errorOffset", .uint(off))) }
        return .object(fields)
    }

    static func start(_ v: StartVerdict) -> JSON {
        .object([
            ("ok", .bool(v.ok)),
            ("stage", .str(v.stage?.rawValue)),
            ("errno", .str(v.errno)),
            ("message", .str(v.message)),
            ("reason", .string(v.reason)),
        ])
    }

    static func finding(_ f: Finding) -> JSON {
        .object([
            ("rule", .string(f.rule)),
            ("name", .string(f.name)),
            ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message)),
            ("fix", .string(f.fix)),
            ("why", .string(f.why)),
            ("command", .str(f.command)),
        ])
    }

    public static func facts(_ f: FileFacts) -> JSON {
        var o: [(String, JSON)] = [
            ("format", .string(f.format.rawValue)),
            ("class", f.bits.map { .int(Int64($0)) } ?? .null),
            ("endianness", .str(f.endianness?.rawValue)),
            ("machine", .str(f.machine ?? f.cpus.first)),
            ("type", .str(f.type?.description)),
            ("interpreter", .str(f.interpreter)),
            ("needed", .strings(f.needed)),
            ("soname", .str(f.soname)),
            ("rpath", .strings(f.rpath)),
            ("runpath", .strings(f.runpath)),
            ("staticPie", .bool(f.staticPie)),
            ("glibcVersionsRequired", .strings(f.glibcVersionsRequired)),
            ("debugBytes", .uint(f.debugBytes)),
            ("symtabBytes", .uint(f.symtabBytes)),
            ("fileBytes", .uint(f.fileBytes)),
            ("go", f.go.map(go) ?? .null),
            ("mode", .string(String(f.mode, radix: 8))),
            ("buildId", .str(f.buildID)),
        ]
        if !f.cpus.isEmpty { o.append(("cpus", .strings(f.cpus))) }
        if let sb = f.shebang {
            o.append(("shebang", .object([
                ("interpreter", .string(sb.interpreter)),
                ("argument", .str(sb.argument)),
                ("carriageReturn", .bool(sb.hasCarriageReturn)),
            ])))
        }
        return .object(o)
    }

    static func go(_ g: GoFacts) -> JSON {
        let bi = g.buildInfo
        var settings: [(String, JSON)] = []
        for s in bi?.settings ?? [] { settings.append((s.key, .string(s.value))) }
        func module(_ m: GoModule) -> JSON {
            var o: [(String, JSON)] = [("path", .string(m.path)), ("version", .string(m.version))]
            if let sum = m.sum { o.append(("sum", .string(sum))) }
            if let r = m.replace { o.append(("replace", module(r))) }
            return .object(o)
        }
        return .object([
            ("version", .str(bi?.goVersion)),
            ("path", .str(bi?.path)),
            ("main", bi?.main.map(module) ?? .null),
            ("settings", .object(settings)),
            ("deps", .array((bi?.deps ?? []).map(module))),
            ("packages", .strings(g.packages)),
            ("buildId", .str(g.goBuildID)),
            ("absoluteBuildPaths", .strings(g.absoluteBuildPaths)),
        ])
    }
}
