import Dockerfile
import ELFKit
import FileTree
import Image
import Targets

/// One stage's file system as far as its Dockerfile tells: the base image's files (from the
/// base-image table), what each COPY/ADD puts in, and what RUN lines are known to add
/// (`adduser`/`useradd`, `apk add`/`apt-get install` of ca-certificates and tzdata, `mkdir`,
/// `go build -o`). A file whose bytes are not known is a path only; a host file given on the
/// command line is placed where its COPY puts it, with its bytes.
struct StageFiles {
    enum Content: Hashable {
        case none
        case bytes([UInt8])
        /// A host file (the binary given as PATH).
        case host(String)
        /// The stage's own account lists, rendered when the tree is built.
        case passwd, group
    }

    struct Node {
        var directory: Bool
        var mode: UInt32
        var content: Content
        /// The instruction that put it there (`FROM alpine:3.20`, `COPY --from=build`), its line.
        var origin: String
        var line: Int
        /// For a file copied from another stage: that stage and the path there.
        var copiedFrom: (stage: Int, path: String)?
    }

    var nodes: [String: Node] = [:]
    var users: [Account] = []
    var groups: [Account] = []
    /// The image the files start from (`scratch` included), through FROM <stage> chains.
    var base: String = "scratch"
    var baseLine: Int = 1
    /// The base-image table's facts for it; nil for scratch and for an image it does not know.
    var facts: BaseImageFacts?
    /// False for an image the table does not know: nothing about its files is claimed.
    var baseKnown = true
    /// What the Dockerfile alone cannot tell, as sentences.
    var notes: [String] = []

    func has(_ path: String) -> Bool { path == "/" || nodes[path] != nil }

    /// The files under (and at) a directory.
    func subtree(_ dir: String) -> [(String, Node)] {
        let prefix = dir == "/" ? "/" : dir + "/"
        return nodes.filter { $0.key == dir || $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The most paths one stage's model holds: COPYs of whole stages into each other can
    /// otherwise double it per stage. A real stage's model holds its base image's known paths
    /// and what its COPY/ADD/RUN lines add: hundreds.
    static let maxNodes = 20_000
    /// The most paths all COPYs of one build copy between stages, together: fifty stages that
    /// each COPY the one before whole twice stop here instead of doing 50 × 20,000 copies.
    static let maxCopiedNodes = 100_000

    static let cutNote = "the stage's files were cut at \(StageFiles.maxNodes) paths (COPYs of whole stages into each other); later ones are not known"
    static let budgetNote = "COPYs between stages were cut after \(StageFiles.maxCopiedNodes) copied paths in all (stages COPYing each other whole); later ones are not known"

    mutating func note(_ n: String) {
        if !notes.contains(n) { notes.append(n) }
    }

    mutating func add(_ path: String, _ node: Node) {
        let p = TreeResolver.normalize(path)
        guard p != "/" else { return }
        guard nodes.count < StageFiles.maxNodes || nodes[p] != nil else {
            note(StageFiles.cutNote)
            return
        }
        nodes[p] = node
    }

    static func render(_ accounts: [Account], passwd: Bool) -> [UInt8] {
        var s = ""
        for a in accounts {
            if passwd {
                s += "\(a.name):x:\(a.id):\(a.gid ?? a.id)::\(a.home ?? "/"):\(a.shell ?? "/sbin/nologin")\n"
            } else {
                s += "\(a.name):x:\(a.id):\n"
            }
        }
        return Array(s.utf8)
    }

    static func parseAccounts(_ bytes: [UInt8], passwd: Bool) -> [Account] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 3, let id = Int(f[2]) else { return nil }
            if passwd {
                return Account(String(f[0]), id, gid: f.count > 3 ? Int(f[3]) : nil, home: f.count > 5 ? String(f[5]) : nil,
                               shell: f.count > 6 ? String(f[6]) : nil)
            }
            return Account(String(f[0]), id)
        }
    }
}

/// Builds each stage's files on demand, earlier stages first (a stage can only name earlier ones).
struct StageBuilder {
    let plan: BuildPlan
    let platform: Platform
    /// Host files to place: path in the final stage → host path.
    let placements: [String: String]
    private var memo: [Int: StageFiles] = [:]
    private var building: Set<Int> = []
    /// Paths still to copy between stages in this build (`StageFiles.maxCopiedNodes`).
    private let budget = CopyBudget(StageFiles.maxCopiedNodes)

    final class CopyBudget {
        var left: Int
        init(_ n: Int) { left = n }
    }

    init(plan: BuildPlan, platform: Platform, placements: [String: String]) {
        self.plan = plan
        self.platform = platform
        self.placements = placements
    }

    /// The files of an image named in FROM or `COPY --from=<image>`.
    func imageFiles(_ reference: String, line: Int) -> StageFiles {
        var s = StageFiles()
        s.base = reference
        s.baseLine = line
        if reference == "scratch" { return s }
        guard let facts = BaseImages.facts(for: reference) else {
            s.baseKnown = false
            return s
        }
        s.facts = facts
        let profile = TargetProfile(base: facts, name: reference, platform: platform)
        let origin = "FROM \(reference)"
        for d in profile.directories {
            s.add(d, .init(directory: true, mode: d == "/tmp" ? 0o1777 : 0o755, content: .none, origin: origin, line: line))
        }
        for f in profile.files {
            let content: StageFiles.Content = f == "/etc/passwd" ? .passwd : f == "/etc/group" ? .group : .none
            let exec = f.contains("/bin/") || f.contains("/sbin/") || f.contains(".so") || f.hasPrefix("/busybox/")
            s.add(f, .init(directory: false, mode: exec ? 0o755 : 0o644, content: content, origin: origin, line: line))
        }
        s.users = facts.users
        s.groups = facts.groups
        return s
    }

    mutating func files(of index: Int) -> StageFiles {
        if let s = memo[index] { return s }
        guard index >= 0, index < plan.stages.count, !building.contains(index) else { return StageFiles() }
        building.insert(index)
        defer { building.remove(index) }
        let stage = plan.stages[index]
        var s: StageFiles
        switch stage.base {
        case .scratch: s = imageFiles("scratch", line: stage.location.startLine)
        case .image(let ref): s = imageFiles(ref, line: stage.location.startLine)
        case .stage(let p): s = files(of: p)
        }
        // COPY/ADD and RUN in file order.
        enum Step { case copy(CopyOperation), run(RunOperation) }
        var steps: [(Int, Step)] = stage.copies.map { ($0.location.startLine, .copy($0)) } + stage.runs.map { ($0.location.startLine, .run($0)) }
        steps.sort { $0.0 < $1.0 }
        for (_, step) in steps {
            switch step {
            case .copy(let op): apply(op, to: &s, stage: stage, final: index == plan.targetIndex)
            case .run(let op): RunEffects.apply(op, to: &s, workdir: stage.workdir)
            }
        }
        memo[index] = s
        return s
    }

    private mutating func apply(_ op: CopyOperation, to s: inout StageFiles, stage: ResolvedStage, final: Bool) {
        let line = op.location.startLine
        let verb = op.isAdd ? "ADD" : "COPY"
        let mode = op.chmod.flatMap { UInt32($0, radix: 8) }
        var from: StageFiles?
        var fromIndex: Int?
        var fromName = ""
        switch op.source {
        case .context: break
        case .stage(let i):
            from = files(of: i)
            fromIndex = i
            fromName = plan.stages[i].name ?? "stage-\(i)"
        case .image(let ref):
            from = imageFiles(ref, line: line)
            fromName = ref
        }
        let origin = op.from.map { "\(verb) --from=\($0)" } ?? verb
        for inline in op.inlineSources {
            s.add(op.path(ofSource: inline.path), .init(directory: false, mode: mode ?? 0o644, content: .bytes(Array(inline.data.utf8)),
                                                       origin: origin, line: line))
        }
        for src in op.sources {
            guard let from else {
                // The build context (or a URL): what it holds is the user's; a file given on the
                // command line is placed by the mapping, everything else is a path.
                if src == "." || src.hasSuffix("/") || src.hasSuffix("/.") {
                    s.add(op.destination, .init(directory: true, mode: 0o755, content: .none, origin: origin, line: line))
                    if final { s.notes.append("\(verb) \(src) at line \(line) copies the build context into \(op.destination): its files are not known here") }
                    continue
                }
                let dest = op.path(ofSource: src)
                let name = dest.split(separator: "/").last.map(String.init) ?? dest
                let dataFile = [".go", ".mod", ".sum", ".txt", ".json", ".yaml", ".yml", ".toml", ".conf", ".crt", ".pem", ".html", ".md", ".sh"]
                    .contains { name.hasSuffix($0) }
                s.add(dest, .init(directory: false, mode: mode ?? (dataFile ? 0o644 : 0o755), content: .none, origin: origin, line: line))
                continue
            }
            // A stage copied from that was itself cut is not known whole here either.
            for n in from.notes where n == StageFiles.cutNote || n == StageFiles.budgetNote { s.note(n) }
            let path = TreeResolver.normalize("/" + src)
            if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
                let pattern = String(path.split(separator: "/").last ?? "")
                let hits = from.nodes.keys.filter { k in
                    let parent = String(k[..<(k.lastIndex(of: "/") ?? k.startIndex)])
                    return (parent.isEmpty ? "/" : parent) == (dir.isEmpty ? "/" : dir) && Glob.matches(pattern, String(k.split(separator: "/").last ?? ""))
                }.sorted()
                for h in hits { copy(h, from: from, index: fromIndex, op: op, origin: origin, mode: mode, into: &s, multiple: true) }
                if hits.isEmpty, from.baseKnown { s.notes.append("\(path) in \(fromName) (\(verb) at line \(line)) is assumed to match what the build makes") }
                continue
            }
            if from.has(path) {
                copy(path, from: from, index: fromIndex, op: op, origin: origin, mode: mode, into: &s, multiple: false)
            } else {
                // Made by the build (a RUN the Dockerfile alone cannot read), or not there.
                let dest = op.path(ofSource: src)
                var node = StageFiles.Node(directory: false, mode: mode ?? 0o755, content: .none, origin: origin, line: line)
                if let fromIndex { node.copiedFrom = (fromIndex, path) }
                s.add(dest, node)
                if final && placements[dest] == nil {
                    s.notes.append("\(path) from \(fromName) (\(verb) at line \(line)) is taken to be a file the build makes, at \(dest)")
                }
            }
        }
    }

    private func copy(_ path: String, from: StageFiles, index: Int?, op: CopyOperation, origin: String, mode: UInt32?,
                      into s: inout StageFiles, multiple: Bool) {
        guard let node = path == "/" ? StageFiles.Node(directory: true, mode: 0o755, content: .none, origin: "", line: 0) : from.nodes[path] else { return }
        let line = op.location.startLine
        if node.directory {
            // A directory's contents go into the destination (`COPY --from=x /usr/share/zoneinfo /usr/share/zoneinfo`).
            var dest = op.destination
            if dest.hasSuffix("/.") { dest.removeLast(2) }
            // Before listing the subtree: once the budget is spent, a COPY costs nothing.
            guard budget.left > 0 else { s.note(StageFiles.budgetNote); return }
            for (p, n) in from.subtree(path) {
                guard s.nodes.count < StageFiles.maxNodes else { s.note(StageFiles.cutNote); break }
                guard budget.left > 0 else { s.note(StageFiles.budgetNote); break }
                budget.left -= 1
                let rel = p == path ? "" : String(p.dropFirst(path == "/" ? 1 : path.count + 1))
                var copy = n
                copy.origin = origin
                copy.line = line
                if let mode, !n.directory { copy.mode = mode }
                resolveAccounts(&copy, from: from, into: &s, at: rel.isEmpty ? dest : dest + "/" + rel)
                s.add(rel.isEmpty ? dest : dest + "/" + rel, copy)
            }
            return
        }
        let dest = multiple ? { () -> String in
            var d = op.destination
            if !d.hasSuffix("/") { d += "/" }
            return d + (path.split(separator: "/").last.map(String.init) ?? "")
        }() : op.path(ofSource: path)
        var copy = node
        copy.origin = origin
        copy.line = line
        if let index { copy.copiedFrom = (index, path) }
        if let mode { copy.mode = mode }
        resolveAccounts(&copy, from: from, into: &s, at: dest)
        s.add(dest, copy)
    }

    /// A passwd or group file copied from another stage brings that stage's entries.
    private func resolveAccounts(_ node: inout StageFiles.Node, from: StageFiles, into s: inout StageFiles, at dest: String) {
        let p = TreeResolver.normalize(dest)
        switch node.content {
        case .passwd:
            if p == "/etc/passwd" { s.users = from.users } else { node.content = .bytes(StageFiles.render(from.users, passwd: true)) }
        case .group:
            if p == "/etc/group" { s.groups = from.groups } else { node.content = .bytes(StageFiles.render(from.groups, passwd: false)) }
        case .bytes(let b) where p == "/etc/passwd":
            s.users = StageFiles.parseAccounts(b, passwd: true)
            node.content = .passwd
        case .bytes(let b) where p == "/etc/group":
            s.groups = StageFiles.parseAccounts(b, passwd: false)
            node.content = .group
        default:
            break
        }
    }
}

/// What RUN lines are known to add to a stage's files.
enum RunEffects {
    static func apply(_ op: RunOperation, to s: inout StageFiles, workdir: String) {
        let line = op.location.startLine
        for command in commands(op.text) {
            var words = command
            // Leading assignments (`CGO_ENABLED=0 go build`) and sudo.
            while let w = words.first, w == "sudo" || (w.first.map { $0.isLetter || $0 == "_" } == true && w.contains("=")) { words.removeFirst() }
            guard let tool = words.first.map({ String($0.split(separator: "/").last ?? "") }) else { continue }
            let args = Array(words.dropFirst())
            switch tool {
            case "adduser", "useradd": addUser(args, tool: tool, to: &s)
            case "addgroup", "groupadd": addGroup(args, to: &s)
            case "apk", "apt-get", "apt", "microdnf", "dnf", "yum":
                let verbs: Set<String> = ["add", "install"]
                guard args.contains(where: { verbs.contains($0) }) else { continue }
                let packages = Set(args.filter { !$0.hasPrefix("-") })
                let origin = "RUN \(tool) \(args.first { verbs.contains($0) } ?? "install")"
                if packages.contains("ca-certificates") || packages.contains("ca-certificates-bundle") {
                    s.add("/etc/ssl/certs", .init(directory: true, mode: 0o755, content: .none, origin: origin, line: line))
                    s.add("/etc/ssl/certs/ca-certificates.crt", .init(directory: false, mode: 0o644, content: .none, origin: origin, line: line))
                }
                if packages.contains("tzdata") {
                    for d in zoneinfoDirectories { s.add(d, .init(directory: true, mode: 0o755, content: .none, origin: origin, line: line)) }
                    for f in zoneinfoFiles { s.add(f, .init(directory: false, mode: 0o644, content: .none, origin: origin, line: line)) }
                }
            case "mkdir":
                for a in args where !a.hasPrefix("-") {
                    let p = a.hasPrefix("/") ? a : workdir + "/" + a
                    s.add(p, .init(directory: true, mode: p == "/tmp" ? 0o1777 : 0o755, content: .none, origin: "RUN mkdir", line: line))
                }
            case "go":
                guard args.first == "build" else { continue }
                if let out = goBuildOutput(Array(args.dropFirst()), workdir: workdir) {
                    s.add(out, .init(directory: false, mode: 0o755, content: .none, origin: "RUN go build", line: line))
                    s.notes.append("line \(line) builds \(out) (RUN go build): its bytes are the binary you give")
                }
            default:
                if command.contains(">>") || command.contains(">"), command.contains("/etc/passwd") {
                    let entries = command.flatMap { $0.split(separator: "\n") }.map(String.init).filter { $0.split(separator: ":", omittingEmptySubsequences: false).count >= 7 }
                    s.users += entries.flatMap { StageFiles.parseAccounts(Array($0.utf8), passwd: true) }
                }
            }
        }
    }

    /// The simple commands of a shell text, each as words with quotes removed: split at `&&`,
    /// `||`, `;`, `|` and newlines (a heuristic reading, not a shell).
    static func commands(_ text: String) -> [[String]] {
        var out: [[String]] = []
        var words: [String] = []
        var word = ""
        var quote: Character?
        var hasWord = false
        func endWord() {
            if hasWord { words.append(word) }
            word = ""
            hasWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty { out.append(words) }
            words = []
        }
        var chars = Array(text)
        var i = 0
        // Line continuations are gone already; a backslash-newline left in a heredoc joins too.
        chars.removeAll { $0 == "\r" }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
                i += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                hasWord = true
            case " ", "\t":
                endWord()
            case "\n", ";":
                endCommand()
            case "&", "|":
                endCommand()
                if i + 1 < chars.count, chars[i + 1] == c { i += 1 }
            case "\\":
                if i + 1 < chars.count, chars[i + 1] == "\n" { i += 1 } else if i + 1 < chars.count { word.append(chars[i + 1]); hasWord = true; i += 1 }
            default:
                word.append(c)
                hasWord = true
            }
            i += 1
        }
        endCommand()
        return out
    }

    static let userValueOptions: Set<String> = [
        "-h", "-g", "-s", "-G", "-u", "-k", "-d", "-c", "-e", "-f", "-K", "-b", "-p", "-Z", "-R", "-P",
        "--uid", "--gid", "--home", "--shell", "--gecos", "--ingroup", "--comment", "--home-dir", "--groups", "--key",
        "--password", "--expiredate", "--inactive", "--base-dir", "--skel", "--root", "--prefix", "--selinux-user",
        "--firstuid", "--lastuid", "--firstgid", "--lastgid", "--conf", "--add_extra_groups",
    ]

    static func addUser(_ args: [String], tool: String, to s: inout StageFiles) {
        var name: String?
        var uid: Int?
        var primaryGroup: String?
        var home: String?
        var shell: String?
        var system = false
        var ownGroup = true
        var i = 0
        while i < args.count {
            let a = args[i]
            var option = a
            var value: String?
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                option = String(a[..<eq])
                value = String(a[a.index(after: eq)...])
            }
            if option.hasPrefix("-") {
                if userValueOptions.contains(option) {
                    if value == nil, i + 1 < args.count { value = args[i + 1]; i += 1 }
                    switch option {
                    case "-u", "--uid": uid = value.flatMap { Int($0) }
                    case "-h", "--home", "-d", "--home-dir": home = value
                    case "-s", "--shell": shell = value
                    case "--ingroup": primaryGroup = value; ownGroup = false
                    case "-G" where tool == "adduser": primaryGroup = value; ownGroup = false
                    case "-g" where tool == "useradd": primaryGroup = value; ownGroup = false
                    default: break
                    }
                } else if option == "-S" || option == "-r" || option == "--system" {
                    system = true
                } else if option == "-N" || option == "--no-user-group" {
                    ownGroup = false
                }
            } else if name == nil {
                name = a
            } else if tool == "adduser", primaryGroup == nil {
                // Debian `adduser USER GROUP` adds an existing user to a group.
                return
            }
            i += 1
        }
        guard let name, !name.isEmpty, !s.users.contains(where: { $0.name == name }) else { return }
        let taken = Set(s.users.map(\.id))
        let id = uid ?? (system ? (100...999).first { !taken.contains($0) } ?? 999 : (1000...60000).first { !taken.contains($0) } ?? 1000)
        var gid = id
        if let g = primaryGroup {
            gid = s.groups.first { $0.name == g }?.id ?? Int(g) ?? id
        } else if ownGroup && !s.groups.contains(where: { $0.name == name }) {
            let takenG = Set(s.groups.map(\.id))
            gid = takenG.contains(id) ? ((1000...60000).first { !takenG.contains($0) } ?? id) : id
            s.groups.append(Account(name, gid))
        } else if let g = s.groups.first(where: { $0.name == name }) {
            gid = g.id
        }
        s.users.append(Account(name, id, gid: gid, home: home ?? "/home/\(name)", shell: shell ?? "/bin/sh"))
    }

    static func addGroup(_ args: [String], to s: inout StageFiles) {
        var name: String?
        var gid: Int?
        var i = 0
        var words: [String] = []
        while i < args.count {
            let a = args[i]
            if a == "-g" || a == "--gid" { gid = i + 1 < args.count ? Int(args[i + 1]) : nil; i += 2; continue }
            if !a.hasPrefix("-") { words.append(a) }
            i += 1
        }
        // `addgroup USER GROUP` (busybox, Debian) adds a user to a group: no new group.
        guard words.count == 1 else { return }
        name = words[0]
        guard let name, !s.groups.contains(where: { $0.name == name }) else { return }
        let taken = Set(s.groups.map(\.id))
        s.groups.append(Account(name, gid ?? (1000...60000).first { !taken.contains($0) } ?? 1000))
    }

    /// Where `go build` writes: `-o PATH` (a directory when it ends in `/`), else the first
    /// `.go` file's name without `.go`, else the working directory's name.
    static func goBuildOutput(_ args: [String], workdir: String) -> String? {
        var out: String?
        var files: [String] = []
        var packages: [String] = []
        var i = 0
        let valueFlags: Set<String> = ["-o", "-ldflags", "-gcflags", "-tags", "-mod", "-p", "-pkgdir", "-installsuffix", "-buildmode",
                                       "-asmflags", "-gccgoflags", "-compiler", "-modfile", "-overlay", "-pgo", "-toolexec", "-buildvcs"]
        while i < args.count {
            let a = args[i]
            if a == "-o", i + 1 < args.count { out = args[i + 1]; i += 2; continue }
            if a.hasPrefix("-o=") { out = String(a.dropFirst(3)); i += 1; continue }
            if valueFlags.contains(a) { i += 2; continue }
            if a.hasPrefix("-") { i += 1; continue }
            if a.hasSuffix(".go") { files.append(a) } else { packages.append(a) }
            i += 1
        }
        func absolute(_ p: String) -> String { TreeResolver.normalize(p.hasPrefix("/") ? p : workdir + "/" + p) }
        if let out {
            if out.hasSuffix("/") {
                let name = packages.first.flatMap { $0 == "." ? nil : $0.split(separator: "/").last.map(String.init) }
                    ?? workdir.split(separator: "/").last.map(String.init) ?? "main"
                return absolute(out + name)
            }
            return absolute(out)
        }
        if let f = files.first { return absolute(String((f.split(separator: "/").last ?? "").dropLast(3))) }
        if let p = packages.first, p != "." && !p.hasPrefix("./...") {
            return absolute(String(p.split(separator: "/").last ?? ""))
        }
        return workdir.split(separator: "/").last.map { absolute(String($0)) }
    }
}

/// `fnmatch` without flags, for COPY sources (`*`, `?`, `[...]`): the iterative matcher that
/// remembers only the last `*`, so a hostile pattern costs O(pattern × name), never exponential.
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var i = 0, j = 0
        var star = -1, mark = 0
        while j < n.count {
            if i < p.count, p[i] == "*" {
                star = i
                mark = j
                i += 1
            } else if i < p.count, let next = single(p, i, n[j]) {
                i = next
                j += 1
            } else if star >= 0 {
                i = star + 1
                mark += 1
                j = mark
            } else {
                return false
            }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }

    /// The pattern position after matching one character at `i` (`?`, a class, a literal), or nil.
    static func single(_ p: [Character], _ i: Int, _ c: Character) -> Int? {
        switch p[i] {
        case "?":
            return i + 1
        case "[":
            guard let close = p[(i + 1)...].firstIndex(of: "]"), close > i + 1 else { return c == "[" ? i + 1 : nil }
            var set = Array(p[(i + 1)..<close])
            let negate = set.first == "!" || set.first == "^"
            if negate { set.removeFirst() }
            var hit = false
            var k = 0
            while k < set.count {
                if k + 2 < set.count, set[k + 1] == "-" {
                    if set[k] <= c && c <= set[k + 2] { hit = true }
                    k += 3
                } else {
                    if set[k] == c { hit = true }
                    k += 1
                }
            }
            return hit != negate ? close + 1 : nil
        default:
            return p[i] == c ? i + 1 : nil
        }
    }
}

/// The bytes of a stage tree's files: rendered account lists, inline COPY data, host files.
struct StageContent: ContentSource {
    let blobs: [[UInt8]]
    let hostFiles: [String]

    func read(_ ref: ContentRef, count: Int) throws(TreeError) -> ByteView {
        let i = Int(ref.offset)
        switch ref.source {
        case 0:
            guard i < blobs.count else { throw .pathsOnly }
            return ByteView(copying: Array(blobs[i].prefix(count)))
        case 1:
            guard i < hostFiles.count else { throw .pathsOnly }
            let v = try HostTree.host.contents(hostFiles[i]).view
            guard count < v.count else { return v }
            do { return try v.slice(0, UInt64(count), field: "prefix") } catch { return v }
        default:
            throw .pathsOnly
        }
    }
}

extension StageFiles {
    /// The stage as a file tree: paths with modes, and bytes where they are known.
    func tree(name: String) -> LayerTree? {
        var blobs: [[UInt8]] = []
        var hosts: [String] = []
        var entries: [LayerEntry] = []
        for (path, n) in nodes.sorted(by: { $0.key < $1.key }) {
            let rel = String(path.dropFirst())
            if n.directory {
                entries.append(LayerEntry(path: rel, kind: .directory, mode: n.mode))
                continue
            }
            var ref = ContentRef.none
            var size: UInt64 = 0
            switch n.content {
            case .none: break
            case .bytes(let b):
                ref = ContentRef(source: 0, offset: UInt64(blobs.count)); blobs.append(b); size = UInt64(b.count)
            case .passwd, .group:
                let b = StageFiles.render(n.content == .passwd ? users : groups, passwd: n.content == .passwd)
                ref = ContentRef(source: 0, offset: UInt64(blobs.count)); blobs.append(b); size = UInt64(b.count)
            case .host(let p):
                guard let e = try? HostTree.host.stat(p) else { break }
                ref = ContentRef(source: 1, offset: UInt64(hosts.count)); hosts.append(p); size = e.size
            }
            entries.append(LayerEntry(path: rel, kind: .file, mode: n.mode, size: size, content: ref))
        }
        return try? LayerTree(name: name, layers: [entries], content: StageContent(blobs: blobs, hostFiles: hosts))
    }
}
