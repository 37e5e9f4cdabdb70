import FileTree
import Render
import Rules
import Targets

/// An ignore from the config file: a rule, for some paths and targets (all when empty), with
/// the reason it does not apply. Findings it covers move to `suppressed` with the reason (JSON
/// `suppressed`, SARIF `suppressions`) and no longer count for the exit status.
public struct IgnoreRule: Sendable, Hashable {
    /// A rule ID (`SE300`).
    public var rule: String
    /// Globs: a pattern with no `/` matches the file's name in any directory; any other is
    /// matched against the path relative to `base` (`**` spans directories) or, for a file of
    /// an image, its path there.
    public var paths: [String]
    /// Globs matched against the target: a profile name, the root, image or Dockerfile as
    /// given, or the name the report shows.
    public var targets: [String]
    public var reason: String
    /// `FILE:LINE:COLUMN` of the ignore in its config file.
    public var source: String
    /// The directory `paths` are relative to (the config file's), absolute.
    public var base: String = "/"

    public init(rule: String, paths: [String], targets: [String], reason: String, source: String, base: String = "/") {
        self.rule = rule
        self.paths = paths
        self.targets = targets
        self.reason = reason
        self.source = source
        self.base = base
    }
}

enum ConfigIgnores {
    /// Moves every finding an ignore covers to `suppressed`; the ignores that covered nothing.
    static func apply(_ ignores: [IgnoreRule], to doc: inout RunDocument, config: RunConfiguration) -> [IgnoreRule] {
        guard !ignores.isEmpty else { return [] }
        let cwd = HostTree.workingDirectory()
        var targetNames = [doc.targetName]
        switch config.target {
        case .profile(let n), .root(let n), .image(let n), .dockerfile(let n): targetNames.append(n)
        }
        var used = Set<Int>()
        for i in doc.reports.indices {
            let r = doc.reports[i]
            let host = TreeResolver.normalize(r.path.hasPrefix("/") ? r.path : cwd + "/" + r.path)
            var kept: [Finding] = []
            for f in r.findings {
                let k = ignores.indices.first { k in
                    let g = ignores[k]
                    guard g.rule == f.rule else { return false }
                    if !g.targets.isEmpty && !g.targets.contains(where: { t in targetNames.contains { Glob.matches(t, $0) } }) { return false }
                    if g.paths.isEmpty { return true }
                    let candidates = [TreeResolver.relative(host, to: g.base), r.imagePath].compactMap { $0 }
                    return g.paths.contains { p in candidates.contains { PathGlob.matches(p, $0) } }
                }
                if let k {
                    used.insert(k)
                    doc.reports[i].suppressed.append(SuppressedFinding(finding: f, reason: ignores[k].reason, by: ignores[k].source))
                } else {
                    kept.append(f)
                }
            }
            doc.reports[i].findings = kept
        }
        return ignores.indices.filter { !used.contains($0) }.map { ignores[$0] }
    }
}

/// Path globs: `*`, `?` and `[...]` within a name, `**` for any number of directories; a
/// pattern with no `/` matches the last name of the path.
public enum PathGlob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        var pattern = Substring(pattern)
        while pattern.hasPrefix("./") { pattern = pattern.dropFirst(2) }
        let names = path.split(separator: "/").map(String.init)
        if !pattern.contains("/") { return names.last.map { Glob.matches(String(pattern), $0) } ?? false }
        if pattern.hasPrefix("/") { pattern = pattern.dropFirst() }
        var parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // `dist/` means the directory and everything under it.
        if pattern.hasSuffix("/") { parts.append("**") }
        return match(parts[...], names[...])
    }

    /// Iterative over `**` (the last one remembered, as in Glob): O(parts × names).
    static func match(_ parts: ArraySlice<String>, _ names: ArraySlice<String>) -> Bool {
        var pi = parts.startIndex, ni = names.startIndex
        var star: (Int, Int)?
        while ni < names.endIndex {
            if pi < parts.endIndex, parts[pi] == "**" {
                star = (pi, ni)
                pi += 1
            } else if pi < parts.endIndex, Glob.matches(parts[pi], names[ni]) {
                pi += 1
                ni += 1
            } else if let (sp, sn) = star {
                pi = sp + 1
                ni = sn + 1
                star = (sp, sn + 1)
            } else {
                return false
            }
        }
        while pi < parts.endIndex, parts[pi] == "**" { pi += 1 }
        return pi == parts.endIndex
    }
}
