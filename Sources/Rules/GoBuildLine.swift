import GoBinary

/// The `go build` line that rebuilds a binary with a change, derived from what the binary
/// recorded about its own build: its GOOS/GOARCH, `-tags`, `-ldflags` (with its `-X` flags),
/// `-trimpath`, `-buildmode` and main package. Only what must change changes.
public struct GoBuildLine: Sendable, Hashable {
    public var env: [(String, String)] = []
    public var trimpath = false
    public var buildmode: String?
    public var tags: [String] = []
    public var ldflags: String?
    /// The recorded -ldflags are unknown (a -trimpath build does not record them).
    public var ldflagsUnknown = false
    public var package: String = "."

    public static func == (a: GoBuildLine, b: GoBuildLine) -> Bool { a.rendered == b.rendered }
    public func hash(into h: inout Hasher) { h.combine(rendered) }

    /// The line as recorded in the binary's build info (nil when there is none).
    public init?(_ go: GoFacts?) {
        guard let info = go?.buildInfo else { return nil }
        func s(_ k: String) -> String? { info.setting(k) }
        for key in ["CGO_ENABLED", "GOOS", "GOARCH"] + GoBuildLine.archVariables + ["GOEXPERIMENT"] {
            guard let v = s(key) else { continue }
            // Defaults add noise to the line: keep only what differs from the default.
            if GoBuildLine.archDefaults[key] == v { continue }
            env.append((key, v))
        }
        trimpath = s("-trimpath") == "true"
        if let m = s("-buildmode"), m != "exe" { buildmode = m }
        if let t = s("-tags"), !t.isEmpty { tags = t.split(separator: ",").map(String.init) }
        ldflags = s("-ldflags")
        ldflagsUnknown = trimpath && ldflags == nil
        package = GoBuildLine.relativePackage(info.path, module: info.main?.path)
    }

    /// `./cmd/server` for example.com/app/cmd/server in module example.com/app.
    public static func relativePackage(_ path: String?, module: String?) -> String {
        guard let path, path != "command-line-arguments" else { return "." }
        guard let module, !module.isEmpty else { return path }
        if path == module { return "." }
        // Byte-wise: import paths are ASCII in practice, and Character-wise prefix and
        // dropFirst would load the grapheme-breaking tables for nothing.
        let p = path.utf8, m = module.utf8
        guard p.count > m.count, p.starts(with: m) else { return path }
        let rest = p.dropFirst(m.count)
        guard rest.first == UInt8(ascii: "/") else { return path }
        return "./" + String(decoding: Array(rest.dropFirst()), as: UTF8.self)
    }

    /// Variables that refine one GOARCH; they mean nothing (or something else) for another.
    static let archVariables = ["GOARM", "GO386", "GOAMD64", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64"]
    static let archDefaults = ["GOAMD64": "v1", "GOARM64": "v8.0", "GO386": "sse2", "GOMIPS": "hardfloat",
                               "GOMIPS64": "hardfloat", "GOPPC64": "power8", "GORISCV64": "rva20u64"]

    public mutating func setEnv(_ key: String, _ value: String) {
        // A new architecture drops the old one's refinements (GOARM64=v8.0 is not for amd64).
        if key == "GOARCH", env.first(where: { $0.0 == "GOARCH" })?.1 != value {
            env.removeAll { GoBuildLine.archVariables.contains($0.0) }
        }
        if let i = env.firstIndex(where: { $0.0 == key }) { env[i].1 = value } else {
            // CGO_ENABLED, GOOS, GOARCH first, in that order.
            let order = ["CGO_ENABLED", "GOOS", "GOARCH"]
            let rank = order.firstIndex(of: key) ?? order.count
            let at = env.firstIndex { (order.firstIndex(of: $0.0) ?? order.count) > rank } ?? env.count
            env.insert((key, value), at: at)
        }
    }

    public mutating func removeEnv(_ key: String) { env.removeAll { $0.0 == key } }

    public mutating func addTags(_ new: [String]) {
        for t in new where !tags.contains(t) { tags.append(t) }
    }

    /// Adds linker flags (each a word like `-s`), keeping existing ones and their order.
    public mutating func addLdflags(_ words: [String]) {
        var current = ldflags.map { GoBuildLine.splitFlags($0) } ?? []
        for w in words where !current.contains(w) { current.append(w) }
        ldflags = current.joined(separator: " ")
    }

    /// Splits a -ldflags value into words, keeping quoted groups (`-extldflags "-static"`).
    static func splitFlags(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quote: Character?
        for ch in s {
            if let q = quote {
                cur.append(ch)
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                cur.append(ch)
            } else if ch.isWhitespace {
                // Tabs and newlines too: a recorded -ldflags may span lines (Debian's dockerd).
                if !cur.isEmpty { out.append(cur); cur = "" }
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// A line to build with no recorded settings (`go build PACKAGE`).
    public init(package: String = ".") {
        self.package = package
    }

    /// The shell line: recorded values with their whitespace collapsed (a recorded -ldflags
    /// may hold tabs and newlines), each word quoted so that a POSIX shell reads it back as
    /// this one word (`-ldflags="-s -w"` in the usual case, single quotes when the value holds
    /// a quote, `$`, a backquote or a backslash).
    public var rendered: String {
        var words = env.map { "\($0.0)=" + GoBuildLine.shellWord($0.1) }
        words.append("go build")
        if trimpath { words.append("-trimpath") }
        if let buildmode { words.append("-buildmode=" + GoBuildLine.shellWord(buildmode)) }
        if !tags.isEmpty { words.append("-tags=" + GoBuildLine.shellWord(tags.joined(separator: ","))) }
        if let ldflags {
            let flags = GoBuildLine.splitFlags(ldflags).joined(separator: " ")
            if !flags.isEmpty {
                let plain = !flags.contains { "\"$`\\!".contains($0) || ($0.isASCII && $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true) }
                words.append("-ldflags=" + (plain ? "\"\(flags)\"" : GoBuildLine.singleQuoted(flags)))
            }
        }
        words.append(GoBuildLine.shellWord(package))
        return words.joined(separator: " ")
    }

    /// `s` as one shell word: as it is when every character is one no shell treats specially,
    /// else single-quoted.
    static func shellWord(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.allSatisfy { u in
            u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u) || "_@%+=:,./-".unicodeScalars.contains(u))
        }
        return safe ? s : singleQuoted(s)
    }

    /// `'…'`, with each `'` written as `'\''`.
    static func singleQuoted(_ s: String) -> String {
        var out = "'"
        for ch in s { if ch == "'" { out += "'\\''" } else { out.append(ch) } }
        return out + "'"
    }

    /// A caveat to print with the line, when the recorded settings are incomplete.
    public var caveat: String? {
        ldflagsUnknown ? "this binary was built with -trimpath, which does not record -ldflags: add your own -ldflags (such as -X flags) to this line" : nil
    }

    /// The rendered line with its caveat, if any.
    public var withCaveat: String {
        caveat.map { "\(rendered)   # \($0)" } ?? rendered
    }
}

extension GoBuildLine {
    /// What a line changes relative to `base`: the variables set or dropped, -trimpath, the
    /// build mode, tags and linker flags added.
    public struct Change: Sendable, Hashable {
        var set: [String] = []
        var values: [String: String] = [:]
        var removed: [String] = []
        var trimpath = false
        var buildmode: String??
        var tags: [String] = []
        var ldflags: [String] = []
    }

    public func changes(from base: GoBuildLine) -> Change {
        var c = Change()
        for (k, v) in env where !base.env.contains(where: { $0.0 == k && $0.1 == v }) {
            c.set.append(k)
            c.values[k] = v
        }
        c.removed = base.env.map(\.0).filter { k in !env.contains { $0.0 == k } }
        c.trimpath = trimpath && !base.trimpath
        if buildmode != base.buildmode { c.buildmode = .some(buildmode) }
        c.tags = tags.filter { !base.tags.contains($0) }
        let baseWords = base.ldflags.map(GoBuildLine.splitFlags) ?? []
        c.ldflags = (ldflags.map(GoBuildLine.splitFlags) ?? []).filter { !baseWords.contains($0) }
        return c
    }

    public mutating func apply(_ c: Change) {
        for k in c.removed { removeEnv(k) }
        for k in c.set { if let v = c.values[k] { setEnv(k, v) } }
        if c.trimpath { trimpath = true }
        if let m = c.buildmode { buildmode = m }
        addTags(c.tags)
        if !c.ldflags.isEmpty { addLdflags(c.ldflags) }
    }
}

/// The one `go build` line that resolves every finding of a file a build change resolves
/// (SE101/SE200 static, SE400/SE401 -s -w, SE402 -trimpath, SE301 tzdata, …): each finding's
/// line is taken as a change to the binary's recorded build, and the changes are applied
/// together, so the binary's own -X flags and tags stay.
public struct CombinedFix: Sendable, Hashable {
    /// The rules it resolves, in the order of the findings.
    public var rules: [String]
    public var command: String
    /// Said with the line when the recorded settings are incomplete (-trimpath builds).
    public var caveat: String?

    /// Nil unless two or more findings offer lines that are not all the same.
    public static func make(_ findings: [Finding], go: GoFacts?) -> CombinedFix? {
        let lines = findings.compactMap { f in f.build.map { (f.rule, $0) } }
        guard lines.count >= 2, Set(lines.map(\.1.rendered)).count >= 2, var line = GoBuildLine(go) else { return nil }
        let base = line
        for (_, l) in lines { line.apply(l.changes(from: base)) }
        return CombinedFix(rules: lines.map(\.0), command: line.rendered, caveat: line.caveat)
    }
}
