import Dockerfile
import Rules

/// hadolint's inline ignores, for this tool: `# staticcheck-elf ignore=SE300[,SE301] -- reason`
/// on the line(s) just before an instruction silences those rules for the findings at that
/// instruction; `# staticcheck-elf global ignore=SE400 -- reason` anywhere for the whole file.
/// The reason is required. A missing reason, an unknown rule and an ignore that matched nothing
/// are reported (standard error), with the line.
struct InlineIgnores {
    struct Ignore {
        var line: Int
        var rules: [String]
        var reason: String?
        var global: Bool
        /// The instruction it applies to (first line … last line); nil for a global one.
        var range: ClosedRange<Int>?
        var used = false
    }

    var ignores: [Ignore] = []
    var problems: [String] = []
    let file: String

    init(lines: [String], instructions: [SourceRange], file: String) {
        self.file = file
        let starts = instructions.sorted { $0.startLine < $1.startLine }
        for (i, raw) in lines.enumerated() {
            let text = raw.drop { $0 == " " || $0 == "\t" }
            guard text.hasPrefix("#") else { continue }
            var rest = text.dropFirst().drop { $0 == " " || $0 == "\t" }
            guard rest.hasPrefix("staticcheck-elf") else { continue }
            rest = rest.dropFirst("staticcheck-elf".count).drop { $0 == " " }
            var global = false
            if rest.hasPrefix("global") { global = true; rest = rest.dropFirst("global".count).drop { $0 == " " } }
            let line = i + 1
            guard rest.hasPrefix("ignore=") else {
                problems.append("\(file):\(line): not an ignore comment: write `# staticcheck-elf ignore=SE300 -- reason`")
                continue
            }
            rest = rest.dropFirst("ignore=".count)
            let ids = rest.prefix { $0 != " " && $0 != "\t" }
            var reason: String?
            if let dash = rest.firstRange(of: "--") {
                let r = rest[dash.upperBound...].trimmingCharacters
                reason = r.isEmpty ? nil : r
            }
            var rules: [String] = []
            for id in ids.split(separator: ",") {
                if let info = RuleRegistry.info(String(id)) { rules.append(info.id) } else {
                    problems.append("\(file):\(line): unknown rule \(id) in an ignore comment; `staticcheck-elf list-rules` shows them")
                }
            }
            if reason == nil {
                problems.append("\(file):\(line): the ignore of \(ids) has no reason: write `# staticcheck-elf ignore=\(ids) -- why it is fine here`")
            }
            let next = starts.first { $0.startLine > line }
            ignores.append(Ignore(line: line, rules: rules, reason: reason, global: global,
                                  range: global ? nil : next.map { $0.startLine...$0.endLine }))
        }
    }

    /// Moves the findings an ignore (with its reason) covers to `suppressed`.
    mutating func apply(_ r: inout FileReport) {
        var kept: [Finding] = []
        for f in r.findings {
            guard let l = f.location, let k = ignores.firstIndex(where: { ig in
                ig.reason != nil && ig.rules.contains(f.rule) && (ig.global || ig.range?.contains(l.line) == true)
            }) else { kept.append(f); continue }
            ignores[k].used = true
            r.suppressed.append(SuppressedFinding(finding: f, reason: ignores[k].reason ?? "", by: "\(file):\(ignores[k].line)"))
        }
        r.findings = kept
    }

    /// The problems, with the ignores that matched nothing.
    var report: [String] {
        problems + ignores.filter { !$0.used && $0.reason != nil && !$0.rules.isEmpty }.map {
            "\(file):\($0.line): the ignore of \($0.rules.joined(separator: ",")) matched no finding; remove it"
        }
    }
}

extension Substring {
    var trimmingCharacters: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
