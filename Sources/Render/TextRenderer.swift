import ELFKit
import GoBinary
import Rules

/// Output for people: per file, the verdict first (what `docker run` will print), then each
/// finding with its why and its fix.
public struct TextRenderer {
    public var color: Bool
    /// `--quiet`: only the files that fail are printed (an error, a verdict of not starting or
    /// unknown, or a finding at or above this severity); the summary still counts them all.
    /// Nil: every file.
    public var quiet: QuietThreshold?

    public init(color: Bool, quiet: QuietThreshold? = nil) {
        self.color = color
        self.quiet = quiet
    }

    /// What makes a file worth printing under `--quiet`: the `--fail-on` severity (nil for
    /// `never`: only files that do not start or cannot be read).
    public struct QuietThreshold: Sendable, Hashable {
        public var severity: Severity?
        public init(severity: Severity?) { self.severity = severity }
    }

    /// Whether `r` fails: it cannot be read, will not (or cannot be said to) start, or has a
    /// finding at or above the threshold.
    public static func fails(_ r: FileReport, at threshold: Severity?) -> Bool {
        if r.error != nil { return true }
        if let v = r.start, !v.ok { return true }
        guard let threshold else { return false }
        return r.findings.contains { $0.severity >= threshold }
    }

    enum Style: String {
        case red = "31", yellow = "33", green = "32", cyan = "36", bold = "1", dim = "2"
    }

    func paint(_ s: String, _ st: Style) -> String { color ? "\u{1B}[\(st.rawValue)m\(s)\u{1B}[0m" : s }

    func severityStyle(_ s: Severity) -> Style {
        switch s {
        case .error: return .red
        case .warning: return .yellow
        case .info: return .cyan
        }
    }

    public func render(_ doc: RunDocument) -> String {
        var out = doc.image.map(imageHeader) ?? doc.dockerfile.map(dockerfileHeader) ?? ""
        for r in doc.reports where quiet.map({ TextRenderer.fails(r, at: $0.severity) }) ?? true { out += report(r, doc) }
        if doc.reports.count > 2 { out += table(doc) }
        out += TextRenderer.summary(doc) + "\n"
        return out
    }

    /// The run in one line: `3 files checked against scratch (linux/amd64): 1 will not start,
    /// 2 errors, 1 warning` (text output's last line, and the GitHub format's).
    public static func summary(_ doc: RunDocument) -> String {
        var notStarting = 0, errors = 0, malformed = 0, unknown = 0
        var counts: [Severity: Int] = [:]
        for r in doc.reports {
            if let v = r.start, !v.ok { if v.known { notStarting += 1 } else { unknown += 1 } }
            // Read and reported despite damage (facts given), or not read at all.
            if r.error != nil { if r.facts != nil { malformed += 1 } else { errors += 1 } }
            for f in r.findings { counts[f.severity, default: 0] += 1 }
        }
        let n = doc.reports.count
        var summary = "\(n) file\(n == 1 ? "" : "s") checked against \(visible(doc.targetName)) (\(doc.platform))"
        if notStarting > 0 { summary += ": \(notStarting) will not start" }
        let parts = Severity.allCases.reversed().compactMap { s in counts[s].map { "\($0) \(s.rawValue)\($0 == 1 ? "" : "s")" } }
        if !parts.isEmpty { summary += (notStarting > 0 ? ", " : ": ") + parts.joined(separator: ", ") }
        if unknown > 0 { summary += "; \(unknown) cannot be judged" }
        if malformed > 0 { summary += "; \(malformed) malformed" }
        if errors > 0 { summary += "; \(errors) could not be read" }
        if notStarting == 0 && parts.isEmpty && errors == 0 && malformed == 0 && unknown == 0 { summary += ": no findings" }
        return summary
    }

    func report(_ r: FileReport, _ doc: RunDocument) -> String {
        var out = ""
        let where_ = "\(visible(doc.targetName)) (\(doc.platform))"
        if let v = r.start {
            if !v.known {
                out += "\(paint(visible(r.path), .bold)): \(paint("cannot be judged", .yellow)) on \(where_)\n"
                out += "  because \(visible(v.reason))\n"
            } else if v.ok {
                out += "\(paint(visible(r.path), .bold)): \(paint("starts", .green)) on \(where_): \(visible(v.reason))\n"
                for p in r.provenance { out += "  \(paint(doc.dockerfile == nil ? "layers:" : "from:", .dim)) \(visible(p))\n" }
            } else {
                out += "\(paint(visible(r.path), .bold)): \(paint("will not start", .red)) on \(where_)\n"
                if let m = v.message { out += "  docker run: \(paint(visible(m), .bold))\n" }
                out += "  because \(visible(v.reason))\n"
                for p in r.provenance { out += "  \(paint(doc.dockerfile == nil ? "layers:" : "from:", .dim)) \(visible(p))\n" }
                if let alts = r.startsOn {
                    out += alts.isEmpty ? "  starts on none of the built-in targets\n"
                                        : "  starts on \(alts.joined(separator: ", ")) (smallest: \(alts[0]))\n"
                }
            }
        } else {
            out += "\(paint(visible(r.path), .bold)): \(paint("cannot be checked", .red))\n"
        }
        if let e = r.error { out += "  \(paint("error:", .red)) \(visible(e))\n" }
        // A `go build` line already shown for an earlier finding is named, not repeated.
        var shown: [String: Finding] = [:]
        for f in r.findings {
            let at = f.location.map { "\(visible($0.file)):\($0.line): " } ?? ""
            out += "\n  \(at)\(paint(f.severity.rawValue, severityStyle(f.severity))) \(paint(f.rule, .bold)) \(f.name): \(visible(f.message))\n"
            out += "    \(paint("why:", .dim)) \(visible(f.why))\n"
            if let c = f.command, let first = shown[c] {
                let rest = TextRenderer.remainder(of: f.fix, after: first.fix, command: c)
                out += "    \(paint("fix:", .green)) the same line as \(first.rule) above\(rest.isEmpty ? "" : " (\(visible(rest)))")\n"
            } else {
                out += "    \(paint("fix:", .green)) \(visible(f.fix))\n"
                if let c = f.command { shown[c] = f }
            }
            if let l = f.location, let text = l.text, let edit = l.edit {
                let how = edit == .replace ? (l.endLine == l.line ? "line \(l.line) becomes" : "lines \(l.line)-\(l.endLine) become")
                                           : "after line \(l.endLine), add"
                out += "    \(paint("\(visible(l.file)):", .green)) \(how): \(visible(text))\n"
            }
        }
        if let all = CombinedFix.make(r.findings, go: r.facts?.go) {
            out += "\n  \(paint("fix all", .green)) (\(all.rules.joined(separator: ", "))): \(visible(all.command))\(all.caveat.map { "   # \($0)" } ?? "")\n"
        }
        if let d = doc.dockerfile, r.findings.contains(where: { $0.location?.edit != nil }) {
            out += "\n  \(paint("fix all", .green)) in \(visible(d.file)): staticcheck-elf --dockerfile \(visible(d.file)) --diff \(visible(r.path)) | patch -p1   # the edits above, as one patch\n"
        }
        for sf in r.suppressed {
            out += "\n  \(paint("ignored", .dim)) \(sf.finding.rule) \(sf.finding.name) by \(visible(sf.by)): \(visible(sf.reason))\n"
        }
        return out + "\n"
    }

    /// What a fix says beyond the line already shown: the text after the earlier fix it
    /// extends, or after the command, without the separators.
    static func remainder(of fix: String, after earlier: String, command: String) -> String {
        var rest: Substring
        if fix.hasPrefix(earlier) { rest = fix.dropFirst(earlier.count) }
        else if let r = fix.firstRange(of: command) { rest = fix[r.upperBound...] }
        else { return fix }
        while let c = rest.first, c == " " || c == "#" || c == ";" { rest = rest.dropFirst() }
        return String(rest)
    }

    /// Many files: how many of each verdict, the worst first, with the files named.
    func table(_ doc: RunDocument) -> String {
        var rows: [(label: String, files: [String])] = [
            ("cannot be read", []), ("will not start", []), ("cannot be judged", []),
            ("starts, with errors", []), ("starts, with warnings", []), ("starts, infos only", []), ("starts, clean", []),
        ]
        for r in doc.reports {
            let row: Int
            if r.error != nil && r.facts == nil { row = 0 }
            else if let v = r.start, !v.ok { row = v.known ? 1 : 2 }
            else if r.findings.contains(where: { $0.severity == .error }) || r.error != nil { row = 3 }
            else if r.findings.contains(where: { $0.severity == .warning }) { row = 4 }
            else if !r.findings.isEmpty { row = 5 }
            else { row = 6 }
            rows[row].files.append(visible(r.path))
        }
        let width = rows.map(\.label.count).max() ?? 0
        var out = "\(paint("verdict", .bold))\(String(repeating: " ", count: width - 7))  files\n"
        for (label, files) in rows where !files.isEmpty {
            let names = files.count <= 5 ? files.joined(separator: ", ") : files.prefix(5).joined(separator: ", ") + " and \(files.count - 5) more"
            let count = String(files.count)
            out += "\(label.padding(width))  \(String(repeating: " ", count: max(0, 5 - count.count)))\(count)  \(names)\n"
        }
        return out + "\n"
    }

    /// The Dockerfile stage a run checked: which one, on which base, how it starts.
    func dockerfileHeader(_ d: DockerfileSummary) -> String {
        var out = "\(paint("dockerfile", .bold)) \(visible(d.file)), stage \(visible(d.stage)), "
        out += "FROM \(visible(d.base)) (line \(d.baseLine))\(d.baseKnown ? "" : ": a base image this tool does not know")\n"
        let argv = visible("[" + d.argv.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        out += "  runs \(argv) as user \(d.user.isEmpty ? "root (no USER)" : visible(d.user)) in \(d.workingDir.isEmpty ? "/" : visible(d.workingDir))\n"
        for n in d.notes { out += "  \(paint("assumed:", .dim)) \(visible(n))\n" }
        return out + "\n"
    }

    /// The image a run checked: which one, and how it starts.
    func imageHeader(_ i: ImageSummary) -> String {
        var out = "\(paint("image", .bold)) \(visible(i.name ?? i.reference))\(i.name != nil && i.name != i.reference ? " (\(visible(i.reference)))" : "")\n"
        var id = [String]()
        if let d = i.digest { id.append("manifest \(d)") }
        id.append("config \(i.configDigest)")
        out += "  \(id.joined(separator: ", "))\n"
        out += "  \(i.transport), \(i.platform), \(i.layers) layer\(i.layers == 1 ? "" : "s")\n"
        let argv = visible("[" + i.argv.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        out += "  runs \(argv) as user \(i.user.isEmpty ? "root (no USER)" : visible(i.user)) in \(i.workingDir.isEmpty ? "/" : visible(i.workingDir))\n\n"
        return out
    }

    /// `inspect`: the facts alone.
    public func renderFacts(_ reports: [FileReport]) -> String {
        var out = ""
        for r in reports {
            out += paint(visible(r.path), .bold) + "\n"
            if let e = r.error { out += "  \(paint("error:", .red)) \(visible(e))\n" }
            for d in r.damage { out += "  \(paint("damage:", .yellow)) \(visible(d.description)) (not read by the kernel or the loader)\n" }
            guard let f = r.facts else { out += "\n"; continue }
            var rows: [(String, String)] = [("format", f.format.rawValue)]
            if f.format == .elf {
                // Without a readable header the rows still print, as "?" and 0.
                let e = f.elf
                rows.append(("class", e.map { "ELF\($0.bits)" } ?? "?"))
                rows.append(("byte order", e?.endianness.rawValue ?? "?"))
                rows.append(("machine", e?.machine ?? "?"))
                rows.append(("type", (e?.type.description ?? "?") + (e?.staticPie == true ? " (static PIE)" : e?.pieFlag == true ? " (PIE)" : "")))
                rows.append(("interpreter", e?.interpreter ?? {
                    switch e?.type {
                    case .rel?: return "none (a relocatable object)"
                    case .core?: return "none (a core dump)"
                    case .dyn? where e?.sharedLibrary == true || e?.entry == 0: return "none (a shared library)"
                    default: return "none (static)"
                    }
                }()))
                if let e {
                    if !e.needed.isEmpty { rows.append(("needed", e.neededList + (e.neededUnique.count < e.needed.count ? " (\(e.needed.count) DT_NEEDED entries)" : ""))) }
                    if let s = e.soname { rows.append(("soname", s)) }
                    if !e.rpath.isEmpty { rows.append(("rpath", e.rpath.joined(separator: ":"))) }
                    if !e.runpath.isEmpty { rows.append(("runpath", e.runpath.joined(separator: ":"))) }
                    if !e.glibcVersionsRequired.isEmpty { rows.append(("glibc versions", e.glibcVersionsRequired.joined(separator: " "))) }
                }
                let debugSections = e?.debugSections.count ?? 0
                rows.append(("debug info", "\(e?.debugBytes ?? 0) bytes\(debugSections == 0 ? "" : " in \(debugSections) sections")"))
                rows.append(("symbol table", "\(e?.symtabBytes ?? 0) bytes"))
                if let b = e?.buildID { rows.append(("build id", b)) }
                if let os = e?.os, !os.isLinux { rows.append(("os", "\(os.name) (\(os.evidence))")) }
            }
            if let cpus = f.foreign?.cpus, !cpus.isEmpty { rows.append(("cpu", cpus.joined(separator: ", "))) }
            if let sb = f.script?.shebang {
                rows.append(("#! interpreter", sb.interpreter.replacingAll("\r", with: "\\r") + (sb.argument.map { " \($0)" } ?? "")))
            }
            rows.append(("size", "\(f.fileBytes) bytes"))
            rows.append(("mode", String(f.mode, radix: 8)))
            if let g = f.go {
                if let bi = g.buildInfo {
                    rows.append(("go version", bi.goVersion))
                    if let p = bi.path { rows.append(("go path", p)) }
                    for s in bi.settings { rows.append(("go build", "\(s.key)=\(s.value)")) }
                    for d in bi.deps { rows.append(("go dep", "\(d.path) \(d.version)" + (d.replace.map { " => \($0.path) \($0.version)" } ?? ""))) }
                }
                rows.append(("go packages", "\(g.packages.count): " + g.packages.prefix(12).joined(separator: " ") + (g.packages.count > 12 ? " …" : "")))
            }
            // With a target (`inspect --root`): what ld.so maps there.
            if let l = r.load {
                rows.append(("loader", l.flavor.rawValue))
                for o in l.objects.dropFirst() { rows.append(("loads", "\(o.name) → \(o.path)")) }
                for m in l.missing {
                    rows.append(("not found", "\(m.name) (needed by \(m.neededBy); searched \(m.searched.joined(separator: ":")))"))
                }
                for v in l.missingVersions { rows.append(("missing version", "\(v.version) in \(v.library) (required by \(v.requiredBy))")) }
                for u in l.undefinedSymbols ?? [] {
                    rows.append(("undefined", "\(u.displayName) (\(u.atStart ? "bound at start" : "bound at first call"))"))
                }
            }
            let width = rows.map(\.0.count).max() ?? 0
            for (k, v) in rows {
                out += "  " + paint(k + String(repeating: " ", count: width - k.count), .dim) + "  " + visible(v) + "\n"
            }
            out += "\n"
        }
        return out
    }

    /// `explain RULE`.
    public func explain(_ info: RuleInfo) -> String {
        var out = "\(paint(info.id, .bold)) \(info.name): \(info.title)\n\n"
        out += "\(info.summary)\n\n\(info.rationale)\n\n"
        out += "Severity: \(info.severity.rawValue)\n"
        out += "Docs: \(SARIFRenderer.helpURI(info))\n\n"
        func indented(_ s: String) -> String { s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") }
        out += "Before:\n\(indented(info.fixBefore))\nAfter:\n\(indented(info.fixAfter))\n"
        if !info.examples.isEmpty {
            out += "\nExamples (from TestBinaries and the test images, run by the test suite):\n"
            for e in info.examples {
                out += "    \(e.fires ? "fires " : "silent") \(TextRenderer.subject(e, quote: { $0 })): \(e.note)\n"
            }
        }
        return out
    }

    /// What a rule example runs on: `go/server-cgo1 on alpine`, or (`-` on `image:NAME`) the
    /// test image's own ENTRYPOINT/CMD; names passed through `quote`.
    static func subject(_ e: RuleExample, quote: (String) -> String) -> String {
        if e.binary == "-" && e.target.hasPrefix("image:") { return "the image \(quote(String(e.target.dropFirst(6))))" }
        return quote(e.binary) + (e.target == "scratch" ? "" : " on \(quote(e.target))")
    }

    /// Text for a Markdown table cell: `|` escaped, one line.
    func cell(_ s: String) -> String { s.replacingAll("|", with: "\\|").replacingAll("\n", with: " ") }

    /// `list-rules --format markdown`: the README's rule table.
    public func markdownRuleTable(_ infos: [RuleInfo]) -> String {
        var out = "| ID | name | severity | what it catches | fix it suggests |\n|---|---|---|---|---|\n"
        for i in infos {
            out += "| \(i.id) | \(i.name) | \(i.severity.rawValue) | \(cell(i.summary)) | `\(cell(i.fixAfter))` |\n"
        }
        return out
    }

    /// `list-rules`: ID, name, severity and summary, and under each its docs page.
    public func listRules(_ infos: [RuleInfo]) -> String {
        let w = infos.map(\.name.count).max() ?? 0
        return infos.map { "\($0.id)  \($0.name)\(String(repeating: " ", count: w - $0.name.count))  \($0.severity.rawValue.padding(7))  \($0.summary)\n       \(SARIFRenderer.helpURI($0))" }
            .joined(separator: "\n") + "\n"
    }

    /// `list-rules --format docs`: docs/rules.md, a section a rule with the text `explain`
    /// prints, under headings whose anchors SARIF's `helpUri` and `list-rules` link to.
    public func rulesDocument(_ infos: [RuleInfo]) -> String {
        var out = "# Rules\n\n"
        out += "<!-- Generated by `staticcheck-elf list-rules --format docs` (`make docs`) from the rules' own metadata; a test fails when this file drifts from it. -->\n\n"
        out += "Every rule \(toolName) has, with the text `staticcheck-elf explain RULE` prints. Severities are the defaults: start failures are errors, what the program needs once started is a warning, size and hygiene are infos.\n\n"
        out += "| ID | name | severity | what it catches |\n|---|---|---|---|\n"
        for i in infos { out += "| [\(i.id)](#\(SARIFRenderer.anchor(i))) | \(i.name) | \(i.severity.rawValue) | \(cell(i.summary)) |\n" }
        for i in infos {
            out += "\n## \(i.id) \(i.name)\n\n"
            out += "**\(i.title).** Severity: \(i.severity.rawValue).\n\n\(i.summary)\n\n\(i.rationale)\n\n"
            out += "Before:\n\n```\n\(i.fixBefore)\n```\n\nAfter:\n\n```\n\(i.fixAfter)\n```\n"
            if !i.examples.isEmpty {
                out += "\nExamples (from TestBinaries and the test images, run by the test suite):\n\n"
                for e in i.examples {
                    out += "- \(e.fires ? "fires on" : "silent on") \(TextRenderer.subject(e, quote: { "`\($0)`" })): \(cell(e.note))\n"
                }
            }
        }
        return out
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
