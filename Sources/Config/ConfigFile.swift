import Rules
import Runner
import Targets
import Yams

/// `.staticcheck-elf.yml`: the defaults of a repository (target, platform, fail-on, rules on
/// and off) and its reasoned ignores, read with Yams and checked key by key, each problem with
/// its file, line and column.
public struct ConfigFile: Sendable, Hashable {
    /// The file as found (absolute, or as given to `--config`).
    public var path: String
    /// One of target, root, image or dockerfile.
    public var target: TargetSpec?
    public var platform: String?
    public var failOn: FailOn?
    public var enable: [String] = []
    public var disable: [String] = []
    public var ignores: [IgnoreRule] = []

    public init(path: String) { self.path = path }

    /// The largest config file read (a repository's settings, never megabytes).
    public static let maxBytes = 1 << 20
    /// The most YAML nodes one file may hold, counted as they are visited (aliases included:
    /// a "billion laughs" file stops here instead of running for ever).
    public static let maxNodes = 100_000

    /// The keys at the top of the file, as the JSON Schema in docs/ lists them.
    public static let keys = ["target", "root", "image", "dockerfile", "platform", "fail-on", "enable", "disable", "ignore"]
    static let ignoreKeys = ["rule", "paths", "targets", "reason"]

    /// Reads `text` (the contents of `path`); every problem found, or the file.
    public static func parse(_ text: String, path: String) -> Result<ConfigFile, ConfigProblems> {
        var p = ConfigProblems()
        guard text.utf8.count <= maxBytes else {
            p.add(path, 1, 1, "the file is \(text.utf8.count) bytes; a config file holds at most \(maxBytes)")
            return .failure(p)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let YamlError.scanner(context, problem, mark, _), let YamlError.parser(context, problem, mark, _),
                let YamlError.composer(context, problem, mark, _) {
            p.add(path, mark.line, mark.column, "not valid YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
            return .failure(p)
        } catch {
            p.add(path, 1, 1, "not valid YAML: \(error)")
            return .failure(p)
        }
        var file = ConfigFile(path: path)
        guard let root else { return .success(file) }  // an empty file: no settings
        var budget = maxNodes
        guard case .mapping(let top) = root else {
            p.add(path, root, "the file must be a mapping of keys (target, fail-on, ignore, …)")
            return .failure(p)
        }
        var targetKey: String?
        for (k, v) in top {
            guard spend(&budget, path, k, &p) else { break }
            guard let key = k.string else { p.add(path, k, "a key must be a string"); continue }
            switch key {
            case "target", "root", "image", "dockerfile":
                guard let s = scalar(v, path, key, &p) else { continue }
                if let first = targetKey {
                    p.add(path, k, "\(key) and \(first) both name the target; keep one")
                    continue
                }
                targetKey = key
                switch key {
                case "target":
                    if TargetProfile.isKnown(s) { file.target = .profile(s) } else { p.add(path, v, TargetResolver.Failure.unknownProfile(s).description) }
                case "root": file.target = .root(s)
                case "image": file.target = .image(s)
                default: file.target = .dockerfile(s)
                }
            case "platform":
                guard let s = scalar(v, path, key, &p) else { continue }
                if Platform(parsing: s) == nil { p.add(path, v, "unknown platform \(s); use linux/ARCH, e.g. linux/amd64 or linux/arm64") } else { file.platform = s }
            case "fail-on":
                guard let s = scalar(v, path, key, &p) else { continue }
                if let f = FailOn(rawValue: s) { file.failOn = f } else { p.add(path, v, "fail-on is one of \(FailOn.allCases.map(\.rawValue).joined(separator: ", ")), not \(s)") }
            case "enable", "disable":
                let rules = list(v, path, key, &budget, &p).compactMap { (node, s) -> String? in
                    guard let id = RuleRegistry.info(s)?.id else { p.add(path, node, "unknown rule \(s); `staticcheck-elf list-rules` shows them"); return nil }
                    return id
                }
                if key == "enable" { file.enable += rules } else { file.disable += rules }
            case "ignore":
                guard case .sequence(let items) = v else { p.add(path, v, "ignore is a list of {rule, paths, targets, reason}"); continue }
                for item in items {
                    guard spend(&budget, path, item, &p) else { break }
                    if let rule = ignore(item, path, &budget, &p) { file.ignores.append(rule) }
                }
            default:
                p.add(path, k, "unknown key \(key); the keys are \(keys.joined(separator: ", "))")
            }
        }
        return p.isEmpty ? .success(file) : .failure(p)
    }

    static func ignore(_ node: Node, _ path: String, _ budget: inout Int, _ p: inout ConfigProblems) -> IgnoreRule? {
        guard case .mapping(let m) = node else { p.add(path, node, "an ignore is a mapping: {rule: SE300, paths: [dist/worker], reason: …}"); return nil }
        var rule: String?, reason: String?
        var paths: [String] = [], targets: [String] = []
        let before = p.count
        for (k, v) in m {
            guard spend(&budget, path, k, &p) else { return nil }
            switch k.string ?? "" {
            case "rule":
                guard let s = scalar(v, path, "rule", &p) else { continue }
                if let id = RuleRegistry.info(s)?.id { rule = id } else { p.add(path, v, "unknown rule \(s); `staticcheck-elf list-rules` shows them") }
            case "paths": paths = list(v, path, "paths", &budget, &p).map(\.1)
            case "targets": targets = list(v, path, "targets", &budget, &p).map(\.1)
            case "reason":
                guard let s = scalar(v, path, "reason", &p) else { continue }
                reason = s.trimmingSpaces
            default:
                p.add(path, k, "unknown key \(k.string ?? "") in an ignore; the keys are \(ignoreKeys.joined(separator: ", "))")
            }
        }
        if rule == nil && p.count == before { p.add(path, node, "an ignore needs a rule (rule: SE300)") }
        if (reason ?? "").isEmpty { p.add(path, node, "an ignore needs a reason (reason: why this finding does not apply)") }
        guard let rule, let reason, !reason.isEmpty, p.count == before else { return nil }
        let mark = node.mark
        return IgnoreRule(rule: rule, paths: paths, targets: targets, reason: reason,
                          source: "\(path):\(mark?.line ?? 0):\(mark?.column ?? 0)")
    }

    static func scalar(_ node: Node, _ path: String, _ key: String, _ p: inout ConfigProblems) -> String? {
        guard case .scalar(let s) = node else { p.add(path, node, "\(key) takes one value"); return nil }
        return s.string
    }

    /// A list of strings (a single string counts as a list of one).
    static func list(_ node: Node, _ path: String, _ key: String, _ budget: inout Int, _ p: inout ConfigProblems) -> [(Node, String)] {
        switch node {
        case .scalar(let s): return [(node, s.string)]
        case .sequence(let items):
            var out: [(Node, String)] = []
            for item in items {
                guard spend(&budget, path, item, &p) else { break }
                guard case .scalar(let s) = item else { p.add(path, item, "\(key) is a list of strings"); continue }
                out.append((item, s.string))
            }
            return out
        default:
            p.add(path, node, "\(key) is a list of strings")
            return []
        }
    }

    static func spend(_ budget: inout Int, _ path: String, _ node: Node, _ p: inout ConfigProblems) -> Bool {
        budget -= 1
        if budget == 0 { p.add(path, node, "more than \(maxNodes) values (aliases repeat them): not a config file") }
        return budget > 0
    }
}

/// What is wrong with a config file: `FILE:LINE:COLUMN: message` lines.
public struct ConfigProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public var messages: [String] = []

    var count: Int { messages.count }
    var isEmpty: Bool { messages.isEmpty }

    mutating func add(_ file: String, _ line: Int, _ column: Int, _ message: String) {
        messages.append("\(file):\(line):\(column): \(message)")
    }

    mutating func add(_ file: String, _ node: Node, _ message: String) {
        add(file, node.mark?.line ?? 0, node.mark?.column ?? 0, message)
    }

    public var description: String { messages.joined(separator: "\n") }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
