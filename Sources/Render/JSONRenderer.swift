import ELFKit
import GoBinary
import Loader
import Rules

/// The JSON contract of the README's JSON section (`schemaVersion: 1`). Keys may be added, never
/// renamed.
public enum JSONRenderer {
    public static func render(_ doc: RunDocument, includeVerdict: Bool = true) -> String {
        var out: [UInt8] = []
        write(doc, includeVerdict: includeVerdict) { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `list-rules --format json`: every rule's metadata and its docs page.
    public static func rules(_ infos: [RuleInfo]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schemaVersion", 1)
        w.key("rules")
        w.beginArray()
        for i in infos {
            w.beginObject()
            w.field("id", i.id)
            w.field("name", i.name)
            w.field("severity", i.severity.rawValue)
            w.field("title", i.title)
            w.field("summary", i.summary)
            w.field("rationale", i.rationale)
            w.field("fixBefore", i.fixBefore)
            w.field("fixAfter", i.fixAfter)
            w.field("helpUri", SARIFRenderer.helpURI(i))
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endLine()
        return w.string
    }

    /// Streams the document to `sink` in pieces of about 64 KiB, so that checking thousands of
    /// files never holds (or copies while growing) the whole output.
    public static func write(_ doc: RunDocument, includeVerdict: Bool = true, to sink: (UnsafeRawBufferPointer) -> Void) {
        var w = JSONWriter()
        w.beginObject()
        w.field("schemaVersion", 1)
        w.key("tool")
        w.beginObject()
        w.field("name", toolName)
        w.field("version", doc.toolVersion)
        w.endObject()
        if includeVerdict {
            w.key("target")
            w.beginObject()
            w.field("name", doc.targetName)
            w.field("platform", doc.platform)
            if let image = doc.image {
                w.field("reference", image.reference)
                w.field("transport", image.transport)
                w.field("image", image.name)
                w.field("digest", image.digest)
                w.field("configDigest", image.configDigest)
                w.field("layers", image.layers)
                w.field("entrypoint", strings: image.argv)
                w.field("user", image.user)
                w.field("workingDir", image.workingDir)
            } else if let d = doc.dockerfile {
                w.field("dockerfile", d.file)
                w.field("stage", d.stage)
                w.field("base", d.base)
                w.field("baseKnown", d.baseKnown)
                w.field("baseLine", d.baseLine)
                w.field("entrypoint", strings: d.argv)
                w.field("user", d.user)
                w.field("workingDir", d.workingDir)
                w.field("assumptions", strings: d.notes)
            } else if let root = doc.targetRoot {
                w.field("root", root)
            }
            if doc.targetRoot != nil {
                w.key("libc")
                if let l = doc.targetLibc {
                    w.beginObject()
                    w.field("kind", l.kind.rawValue)
                    w.field("version", l.version)
                    w.endObject()
                } else {
                    w.null()
                }
            }
            w.endObject()
        }
        w.key("files")
        w.beginArray()
        for r in doc.reports {
            file(r, includeVerdict: includeVerdict, imagePath: doc.targetRoot != nil, into: &w)
            if w.bytes.count >= 1 << 16 { w.drain(to: sink) }
        }
        w.endArray()
        w.endObject()
        w.endLine()
        w.drain(to: sink)
    }

    static func file(_ r: FileReport, includeVerdict: Bool, imagePath: Bool, into w: inout JSONWriter) {
        w.beginObject()
        w.field("path", r.path)
        if imagePath { w.field("imagePath", r.imagePath) }
        if includeVerdict {
            w.key("start")
            if let v = r.start { start(v, into: &w) } else { w.null() }
        }
        w.key("facts")
        if let f = r.facts { facts(f, into: &w) } else { w.null() }
        if includeVerdict {
            w.key("findings")
            w.beginArray()
            for f in r.findings { finding(f, into: &w) }
            w.endArray()
            // The one build line for every finding a build change resolves (only when there are two
            // or more different lines to combine).
            if let all = CombinedFix.make(r.findings, go: r.facts?.go) {
                w.key("fixAll")
                w.beginObject()
                w.field("rules", strings: all.rules)
                w.field("command", all.command)
                if let c = all.caveat { w.field("caveat", c) }
                w.endObject()
            }
            if !r.suppressed.isEmpty {
                w.key("suppressed")
                w.beginArray()
                for sf in r.suppressed {
                    finding(sf.finding, reason: sf.reason, by: sf.by, into: &w)
                }
                w.endArray()
            }
        }
        w.field("error", r.error)
        if let off = r.errorOffset { w.field("errorOffset", off) }
        if !r.damage.isEmpty {
            // Damage where neither the kernel nor the loader reads: not an error, still told.
            w.key("damage")
            w.beginArray()
            for d in r.damage {
                w.beginObject()
                w.field("offset", d.offset)
                w.field("message", d.description)
                w.endObject()
            }
            w.endArray()
        }
        if let l = r.load { w.key("loader"); loader(l, into: &w) }
        if includeVerdict, let s = r.startsOn { w.field("startsOn", strings: s) }
        if !r.provenance.isEmpty { w.field("provenance", strings: r.provenance) }
        w.endObject()
    }

    /// What ld.so does in the target: each object it maps, with the path it found (or the
    /// directories it searched in vain) and the versions it needs; the versions it finds missing.
    static func loader(_ l: LoadResult, into w: inout JSONWriter) {
        w.beginObject()
        w.field("flavor", l.flavor.rawValue)
        w.key("objects")
        w.beginArray()
        for o in l.objects.dropFirst() {
            w.beginObject()
            w.field("name", o.name)
            w.field("path", o.path)
            w.field("neededBy", o.neededBy)
            w.key("versionsNeeded")
            w.beginObject()
            for n in o.versionNeeds { w.field(n.file, strings: n.versions) }
            w.endObject()
            w.endObject()
        }
        for m in l.missing {
            w.beginObject()
            w.field("name", m.name)
            w.key("path")
            w.null()
            w.field("neededBy", m.neededBy)
            w.field("searched", strings: m.searched)
            if let wrong = m.wrongClass { w.field("wrongClass", wrong) }
            w.endObject()
        }
        w.endArray()
        w.key("versionsNeeded")
        w.beginObject()
        for n in l.objects.first?.versionNeeds ?? [] { w.field(n.file, strings: n.versions) }
        w.endObject()
        w.key("missingVersions")
        w.beginArray()
        for v in l.missingVersions {
            w.beginObject()
            w.field("version", v.version)
            w.field("library", v.library)
            w.field("requiredBy", v.requiredBy)
            w.field("weak", v.weak)
            w.endObject()
        }
        w.endArray()
        // null: not every object's contents are known (a profile), so binding was not checked.
        w.key("undefinedSymbols")
        if let u = l.undefinedSymbols {
            w.beginArray()
            for s in u {
                w.beginObject()
                w.field("name", s.name)
                w.field("version", s.version)
                w.field("versionFile", s.versionFile)
                w.field("requiredBy", s.requiredBy)
                w.field("atStart", s.atStart)
                w.endObject()
            }
            w.endArray()
        } else {
            w.null()
        }
        w.endObject()
    }

    static func start(_ v: StartVerdict, into w: inout JSONWriter) {
        w.beginObject()
        if v.known { w.field("ok", v.ok) } else { w.key("ok"); w.null() }
        w.field("stage", v.stage?.rawValue)
        w.field("errno", v.errno)
        w.field("message", v.message)
        w.field("reason", v.reason)
        w.endObject()
    }

    static func finding(_ f: Finding, reason: String? = nil, by: String? = nil, into w: inout JSONWriter) {
        w.beginObject()
        if let reason {
            w.field("reason", reason)
            w.field("ignoredBy", by)
        }
        w.field("rule", f.rule)
        w.field("name", f.name)
        w.field("severity", f.severity.rawValue)
        w.field("message", f.message)
        w.field("fix", f.fix)
        w.field("why", f.why)
        w.field("command", f.command)
        if let l = f.location {
            w.key("location")
            w.beginObject()
            w.field("file", l.file)
            w.field("line", l.line)
            w.field("endLine", l.endLine)
            w.field("edit", l.edit?.rawValue)
            w.field("text", l.text)
            w.endObject()
        }
        w.endObject()
    }

    public static func facts(_ f: FileFacts, into w: inout JSONWriter) {
        w.beginObject()
        w.field("format", f.format.rawValue)
        // The ELF keys are printed for every format (null, empty or 0 without an ELF header),
        // `machine` naming the first CPU of a Mach-O or PE file.
        let e = f.elf
        let cpus = f.foreign?.cpus ?? []
        w.key("class")
        if let b = e?.bits { w.int(b) } else { w.null() }
        w.field("endianness", e?.endianness.rawValue)
        w.field("machine", e?.machine ?? cpus.first)
        w.field("type", e?.type.description)
        w.field("interpreter", e?.interpreter)
        w.field("needed", strings: e?.needed ?? [])
        w.field("soname", e?.soname)
        w.field("rpath", strings: e?.rpath ?? [])
        w.field("runpath", strings: e?.runpath ?? [])
        w.field("staticPie", e?.staticPie ?? false)
        w.field("sharedLibrary", e?.sharedLibrary ?? false)
        w.field("debugInfoFile", e?.debugInfoFile ?? false)
        w.field("glibcVersionsRequired", strings: e?.glibcVersionsRequired ?? [])
        w.field("debugBytes", e?.debugBytes ?? 0)
        w.field("symtabBytes", e?.symtabBytes ?? 0)
        w.field("fileBytes", f.fileBytes)
        w.key("go")
        if let g = f.go { go(g, into: &w) } else { w.null() }
        w.field("mode", String(f.mode, radix: 8))
        w.field("buildId", e?.buildID)
        w.field("os", e?.os?.name)
        if !cpus.isEmpty { w.field("cpus", strings: cpus) }
        if let sb = f.script?.shebang {
            w.key("shebang")
            w.beginObject()
            w.field("interpreter", sb.interpreter)
            w.field("argument", sb.argument)
            w.field("carriageReturn", sb.hasCarriageReturn)
            w.endObject()
        }
        w.endObject()
    }

    static func module(_ m: GoModule, into w: inout JSONWriter) {
        w.beginObject()
        w.field("path", m.path)
        w.field("version", m.version)
        if let sum = m.sum { w.field("sum", sum) }
        if let r = m.replace {
            w.key("replace")
            module(r, into: &w)
        }
        w.endObject()
    }

    static func go(_ g: GoFacts, into w: inout JSONWriter) {
        let bi = g.buildInfo
        w.beginObject()
        w.field("version", bi?.goVersion)
        w.field("path", bi?.path)
        w.key("main")
        if let m = bi?.main { module(m, into: &w) } else { w.null() }
        w.key("settings")
        w.beginObject()
        for s in bi?.settings ?? [] { w.field(s.key, s.value) }
        w.endObject()
        w.key("deps")
        w.beginArray()
        for d in bi?.deps ?? [] { module(d, into: &w) }
        w.endArray()
        w.field("packages", strings: g.packages)
        w.field("buildId", g.goBuildID)
        w.field("absoluteBuildPaths", strings: g.absoluteBuildPaths)
        w.endObject()
    }
}
