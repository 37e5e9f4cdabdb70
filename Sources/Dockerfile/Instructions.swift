// Typed instructions from the syntax nodes, as BuildKit's instructions package makes them
// (moby/buildkit frontend/dockerfile/instructions/parse.go, bflag.go @73ed6825): flags checked
// per instruction, argument counts, FROM's stage name, the shell/exec form. Nothing is expanded
// here; that is the plan's work (Plan.swift), done with the values of a given build.

/// Where an instruction is: its first and last line (1-based) and the column of its first word.
public struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var startLine: Int
    public var endLine: Int
    public var column: Int

    public init(startLine: Int, endLine: Int, column: Int = 1) {
        self.startLine = startLine
        self.endLine = endLine
        self.column = column
    }

    public var description: String {
        startLine == endLine ? "line \(startLine)" : "lines \(startLine)-\(endLine)"
    }
}

/// `KEY=value` of ENV and LABEL; `legacy` for `ENV KEY value`.
public struct KeyValue: Equatable, Sendable {
    public var key: String
    public var value: String
    public var legacy: Bool
}

/// `ARG name[=default]`.
public struct ArgDeclaration: Equatable, Sendable {
    public var key: String
    public var defaultValue: String?
}

/// RUN, CMD and ENTRYPOINT's command: exec form (`["a","b"]`) or shell form (one string, run
/// by the stage's SHELL, default `/bin/sh -c`).
public struct CommandArguments: Equatable, Sendable {
    public var arguments: [String]
    /// Shell form: the arguments are one string for the shell.
    public var prependShell: Bool
    /// The heredocs written after it (RUN only).
    public var heredocs: [Heredoc]
}

/// A heredoc used as a COPY/ADD source (`COPY <<EOF /file`).
public struct InlineSource: Equatable, Sendable {
    public var path: String
    public var data: String
    public var expand: Bool
}

/// COPY and ADD.
public struct CopyInstruction: Equatable, Sendable {
    public var isAdd: Bool
    /// `--from` as written (COPY only).
    public var from: String?
    public var chown: String?
    public var chmod: String?
    public var link: Bool
    public var parents: Bool
    public var excludes: [String]
    /// ADD only.
    public var keepGitDir: Bool?
    public var checksum: String?
    public var unpack: Bool?
    public var sources: [String]
    public var inlineSources: [InlineSource]
    public var destination: String
}

/// `RUN [--mount=…] [--network=…] [--security=…] [--device=…] command`.
public struct RunInstruction: Equatable, Sendable {
    public var command: CommandArguments
    public var mounts: [String]
    public var network: String?
    public var security: String?
    public var devices: [String]
}

/// HEALTHCHECK: `test` as the image config holds it (`["NONE"]`, `["CMD", …]`, `["CMD-SHELL", "…"]`).
public struct HealthcheckInstruction: Equatable, Sendable {
    public var test: [String]
    public var interval: String?
    public var timeout: String?
    public var startPeriod: String?
    public var startInterval: String?
    public var retries: Int?
}

public enum InstructionKind: Equatable, Sendable {
    case arg([ArgDeclaration])
    case env([KeyValue])
    case label([KeyValue])
    case run(RunInstruction)
    case cmd(CommandArguments)
    case entrypoint(CommandArguments)
    case shell([String])
    case workdir(String)
    case user(String)
    case copy(CopyInstruction)
    case expose([String])
    case volume([String])
    case stopSignal(String)
    case healthcheck(HealthcheckInstruction)
    /// The trigger instruction's text (kept, not executed).
    case onbuild(String)
    case maintainer(String)
}

/// One instruction inside a stage (or a global ARG).
public struct Instruction: Equatable, Sendable {
    public var kind: InstructionKind
    /// The instruction word in upper case (`COPY`, `ADD`).
    public var name: String
    public var location: SourceRange
    /// The logical line as written, continuations joined.
    public var original: String
    public var flags: [String]
}

/// `FROM [--platform=P] IMAGE [AS name]` and the instructions up to the next FROM.
public struct BuildStage: Equatable, Sendable {
    public var index: Int
    /// The image as written (may hold `$ARG`s).
    public var baseName: String
    /// Lower-cased, or nil for an unnamed stage.
    public var name: String?
    /// `--platform` as written.
    public var platform: String?
    public var location: SourceRange
    public var original: String
    public var instructions: [Instruction]
    public var comments: [String]
}

struct InstructionParser {
    let file: String

    func fail(_ message: String, _ node: SyntaxNode) -> DockerfileError {
        DockerfileError(file: file, line: node.startLine, column: node.column, endLine: node.endLine, message: message)
    }

    enum Parsed {
        case from(BuildStage)
        case instruction(Instruction)
    }

    func parse(_ node: SyntaxNode) throws(DockerfileError) -> Parsed {
        do {
            return try parseOrThrow(node)
        } catch {
            throw fail(error.message, node)
        }
    }

    static let allInstructionNames = [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]

    private func parseOrThrow(_ node: SyntaxNode) throws(LocalError) -> Parsed {
        let args = node.instructionArgs
        var flags = Flags(node.flags)
        let location = SourceRange(startLine: node.startLine, endLine: node.endLine, column: node.column)
        func make(_ kind: InstructionKind) -> Parsed {
            .instruction(Instruction(kind: kind, name: node.command.uppercased(), location: location, original: node.original, flags: node.flags))
        }
        switch node.command.lowercased() {
        case "from":
            let stageName: String?
            if args.count == 3 && args[1].lowercased() == "as" {
                let n = args[2].lowercased()
                guard isValidStageName(n) else {
                    throw LocalError(message: "invalid name for build stage: \(goQuote(args[2])), name can't start with a number or contain symbols")
                }
                stageName = n
            } else if args.count != 1 {
                throw LocalError(message: "FROM requires either one or three arguments")
            } else {
                stageName = nil
            }
            flags.string("platform")
            try flags.parse()
            return .from(BuildStage(index: 0, baseName: args[0], name: stageName, platform: flags.nonEmpty("platform"), location: location,
                               original: trimSpace(node.original), instructions: [], comments: node.comments))
        case "env", "label":
            let isEnv = node.command.lowercased() == "env"
            try flags.parse()
            let cmd = isEnv ? "ENV" : "LABEL"
            guard !args.isEmpty else { throw LocalError(message: "\(cmd) requires at least one argument") }
            guard args.count % 3 == 0 else { throw LocalError(message: "Bad input to \(cmd), too many arguments") }
            var pairs: [KeyValue] = []
            var j = 0
            while j < args.count {
                guard !args[j].isEmpty else { throw LocalError(message: "\(cmd) names can not be blank") }
                pairs.append(KeyValue(key: args[j], value: args[j + 1], legacy: args[j + 2].isEmpty))
                j += 3
            }
            return make(isEnv ? .env(pairs) : .label(pairs))
        case "maintainer":
            guard args.count == 1 else { throw LocalError(message: "MAINTAINER requires exactly one argument") }
            try flags.parse()
            return make(.maintainer(args[0]))
        case "add", "copy":
            let isAdd = node.command.lowercased() == "add"
            let cmd = isAdd ? "ADD" : "COPY"
            guard args.count >= 2 else {
                throw LocalError(message: "\(cmd) requires at least two arguments, but only one was provided. Destination could not be determined")
            }
            flags.string("chown")
            flags.string("chmod")
            flags.bool("link")
            flags.strings("exclude")
            if isAdd {
                flags.bool("keep-git-dir")
                flags.string("checksum")
                flags.bool("unpack")
            } else {
                flags.string("from")
                flags.bool("parents")
            }
            try flags.parse()
            let dest = args[args.count - 1]
            if (try? parseHeredocWord(dest)) ?? nil != nil {
                throw LocalError(message: "\(cmd) cannot accept a heredoc as a destination")
            }
            var lookup: [String: Heredoc] = [:]
            for h in node.heredocs { lookup[h.name] = h }
            var paths: [String] = []
            var inline: [InlineSource] = []
            for src in args.dropLast() {
                if let doc = (try? parseHeredocWord(src)) ?? nil {
                    var body = lookup[doc.name]?.content ?? ""
                    if doc.chomp {
                        body = Heredoc(name: doc.name, fileDescriptor: 0, expand: true, chomp: true, content: body).effectiveContent
                    }
                    inline.append(InlineSource(path: doc.name, data: body, expand: doc.expand))
                } else {
                    paths.append(src)
                }
            }
            return make(.copy(CopyInstruction(
                isAdd: isAdd, from: flags.nonEmpty("from"), chown: flags.nonEmpty("chown"), chmod: flags.nonEmpty("chmod"),
                link: flags.isTrue("link"), parents: flags.isTrue("parents"), excludes: flags.values("exclude"),
                keepGitDir: flags.given("keep-git-dir"), checksum: flags.nonEmpty("checksum"), unpack: flags.given("unpack"),
                sources: paths, inlineSources: inline, destination: dest)))
        case "onbuild":
            guard !args.isEmpty else { throw LocalError(message: "ONBUILD requires at least one argument") }
            try flags.parse()
            let trigger = trimSpace(args[0]).uppercased()
            switch trigger {
            case "ONBUILD": throw LocalError(message: "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
            case "MAINTAINER", "FROM": throw LocalError(message: "\(trigger) isn't allowed as an ONBUILD trigger")
            default: break
            }
            var expression = stripOnbuildPrefix(node.original)
            for h in node.heredocs { expression += "\n" + h.content + h.name }
            return make(.onbuild(expression))
        case "workdir":
            guard args.count == 1 else { throw LocalError(message: "WORKDIR requires exactly one argument") }
            try flags.parse()
            return make(.workdir(args[0]))
        case "run":
            flags.strings("mount")
            flags.string("network")
            flags.string("security")
            flags.strings("device")
            try flags.parse()
            let line = CommandArguments(arguments: jsonArgs(args, node.isJSON), prependShell: !node.isJSON, heredocs: node.heredocs)
            return make(.run(RunInstruction(command: line, mounts: flags.values("mount"), network: flags.nonEmpty("network"),
                                            security: flags.nonEmpty("security"), devices: flags.values("device"))))
        case "cmd", "entrypoint":
            try flags.parse()
            let line = CommandArguments(arguments: jsonArgs(args, node.isJSON), prependShell: !node.isJSON, heredocs: node.heredocs)
            return make(node.command.lowercased() == "cmd" ? .cmd(line) : .entrypoint(line))
        case "healthcheck":
            guard !args.isEmpty else { throw LocalError(message: "HEALTHCHECK requires at least one argument") }
            let type = args[0].uppercased()
            let rest = Array(args.dropFirst())
            if type == "NONE" {
                guard rest.isEmpty else { throw LocalError(message: "HEALTHCHECK NONE takes no arguments") }
                return make(.healthcheck(HealthcheckInstruction(test: ["NONE"])))
            }
            for name in ["interval", "timeout", "start-period", "start-interval", "retries"] { flags.string(name) }
            try flags.parse()
            guard type == "CMD" else { throw LocalError(message: "Unknown type \(goQuote(type)) in HEALTHCHECK (try CMD)") }
            let cmd = jsonArgs(rest, node.isJSON)
            guard !cmd.isEmpty else { throw LocalError(message: "Missing command after HEALTHCHECK CMD") }
            var h = HealthcheckInstruction(test: [node.isJSON ? "CMD" : "CMD-SHELL"] + cmd)
            for (name, keyPath) in [("interval", \HealthcheckInstruction.interval), ("timeout", \.timeout),
                                    ("start-period", \.startPeriod), ("start-interval", \.startInterval)] {
                guard let v = flags.nonEmpty(name) else { continue }
                let seconds = try parseGoDuration(v)
                if seconds != 0 && seconds < 0.001 {
                    throw LocalError(message: "Interval \(goQuote(name)) cannot be less than 1ms")
                }
                h[keyPath: keyPath] = v
            }
            if let r = flags.nonEmpty("retries") {
                guard let n = Int32(r) else { throw LocalError(message: "strconv.ParseInt: parsing \(goQuote(r)): invalid syntax") }
                guard n >= 0 else { throw LocalError(message: "--retries cannot be negative (\(n))") }
                h.retries = Int(n)
            }
            return make(.healthcheck(h))
        case "expose":
            guard !args.isEmpty else { throw LocalError(message: "EXPOSE requires at least one argument") }
            try flags.parse()
            return make(.expose(args.sorted()))
        case "user":
            guard args.count == 1 else { throw LocalError(message: "USER requires exactly one argument") }
            try flags.parse()
            return make(.user(args[0]))
        case "volume":
            guard !args.isEmpty else { throw LocalError(message: "VOLUME requires at least one argument") }
            try flags.parse()
            var volumes: [String] = []
            for v in args {
                let t = trimSpace(v)
                guard !t.isEmpty else { throw LocalError(message: "VOLUME specified can not be an empty string") }
                volumes.append(t)
            }
            return make(.volume(volumes))
        case "stopsignal":
            guard args.count == 1 else { throw LocalError(message: "STOPSIGNAL requires exactly one argument") }
            return make(.stopSignal(args[0]))
        case "arg":
            guard !args.isEmpty else { throw LocalError(message: "ARG requires at least one argument") }
            var decls: [ArgDeclaration] = []
            for a in args {
                if let eq = a.firstIndex(of: "=") {
                    guard eq != a.startIndex else { throw LocalError(message: "ARG names can not be blank") }
                    decls.append(ArgDeclaration(key: String(a[..<eq]), defaultValue: String(a[a.index(after: eq)...])))
                } else {
                    decls.append(ArgDeclaration(key: a, defaultValue: nil))
                }
            }
            return make(.arg(decls))
        case "shell":
            try flags.parse()
            let shell = jsonArgs(args, node.isJSON)
            guard !shell.isEmpty else { throw LocalError(message: "SHELL requires at least one argument") }
            guard node.isJSON else {
                throw LocalError(message: "SHELL requires the arguments to be in JSON form")
            }
            return make(.shell(shell))
        default:
            var message = "unknown instruction: \(node.command)"
            if let s = suggestion(node.command, Self.allInstructionNames) { message += " (did you mean \(s)?)" }
            throw LocalError(message: message)
        }
    }

    /// support.go `handleJSONArgs`: a shell form is one string.
    func jsonArgs(_ args: [String], _ json: Bool) -> [String] {
        if args.isEmpty { return [] }
        return json ? args : [args.joined(separator: " ")]
    }

    func stripOnbuildPrefix(_ s: String) -> String {
        // (?i)^\s*ONBUILD\s*
        var v = s.unicodeScalars[...]
        v = v.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        let word = String(String.UnicodeScalarView(v.prefix(7)))
        guard word.lowercased() == "onbuild" else { return s }
        v = v.dropFirst(7).drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        return String(String.UnicodeScalarView(v))
    }
}

/// `^[a-z][a-z0-9-_.]*$`
func isValidStageName(_ s: String) -> Bool {
    guard let f = s.unicodeScalars.first, f >= "a" && f <= "z" else { return false }
    return s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" || $0 == "." }
}

/// BuildKit's util/suggest: the closest option at a Levenshtein distance under 3 (in the
/// value's case when case-insensitive).
func suggestion(_ value: String, _ options: [String], caseSensitive: Bool = false) -> String? {
    let v = caseSensitive ? value : value.lowercased()
    var best: String?
    var minimum = 3
    for option in options {
        let o = caseSensitive ? option : option.lowercased()
        if o == v { return nil }
        let d = levenshtein(Array(v.unicodeScalars), Array(o.unicodeScalars))
        if d < minimum {
            minimum = d
            best = caseSensitive || value == value.lowercased() ? o : (value == value.uppercased() ? o.uppercased() : option)
        }
    }
    return best
}

func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// Go's time.ParseDuration, in seconds.
func parseGoDuration(_ s: String) throws(LocalError) -> Double {
    let bad = LocalError(message: "time: invalid duration \(goQuote(s))")
    var c = Array(s.unicodeScalars)[...]
    var sign = 1.0
    if let f = c.first, f == "-" || f == "+" {
        if f == "-" { sign = -1 }
        c = c.dropFirst()
    }
    if String(String.UnicodeScalarView(c)) == "0" { return 0 }
    guard !c.isEmpty else { throw bad }
    var total = 0.0
    while !c.isEmpty {
        var number = ""
        while let d = c.first, (d >= "0" && d <= "9") || d == "." {
            number.unicodeScalars.append(d)
            c = c.dropFirst()
        }
        guard !number.isEmpty, number != ".", let value = Double(number.hasPrefix(".") ? "0" + number : number) else { throw bad }
        var unit = ""
        while let u = c.first, !((u >= "0" && u <= "9") || u == ".") {
            unit.unicodeScalars.append(u)
            c = c.dropFirst()
        }
        let scale: Double
        switch unit {
        case "ns": scale = 1e-9
        case "us", "µs", "μs": scale = 1e-6
        case "ms": scale = 1e-3
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "": throw LocalError(message: "time: missing unit in duration \(goQuote(s))")
        default: throw LocalError(message: "time: unknown unit \(goQuote(unit)) in duration \(goQuote(s))")
        }
        total += value * scale
    }
    return sign * total
}

/// bflag.go: `--name=value` flags declared per instruction, checked in one pass.
struct Flags {
    enum Kind { case bool, string, strings }
    struct Flag {
        var name: String
        var kind: Kind
        var value: String?
        var values: [String] = []
    }
    let args: [String]
    var declared: [String: Flag] = [:]
    var used: Set<String> = []

    init(_ args: [String]) { self.args = args }

    mutating func bool(_ name: String) { declared[name] = Flag(name: name, kind: .bool, value: "false") }
    mutating func string(_ name: String) { declared[name] = Flag(name: name, kind: .string, value: nil) }
    mutating func strings(_ name: String) { declared[name] = Flag(name: name, kind: .strings) }

    /// A string flag's value (nil when not given).
    func value(_ name: String) -> String? { declared[name]?.value }
    func isTrue(_ name: String) -> Bool { declared[name]?.value == "true" }
    func values(_ name: String) -> [String] { declared[name]?.values ?? [] }
    /// A bool flag given on the line: its value, else nil.
    func given(_ name: String) -> Bool? { used.contains(name) ? isTrue(name) : nil }
    /// A string flag, nil when absent or empty.
    func nonEmpty(_ name: String) -> String? { value(name).flatMap { $0.isEmpty ? nil : $0 } }

    mutating func parse() throws(LocalError) {
        for a in args {
            if a == "--" { return }
            guard a.hasPrefix("--") else { throw LocalError(message: "arg should start with -- : \(a)") }
            let flagName: String
            let value: String
            let hasValue: Bool
            if let eq = a.firstIndex(of: "=") {
                flagName = String(a[..<eq])
                value = String(a[a.index(after: eq)...])
                hasValue = true
            } else {
                flagName = a
                value = ""
                hasValue = false
            }
            let name = String(flagName.dropFirst(2))
            guard var flag = declared[name] else {
                var message = "unknown flag: \(flagName)"
                if let s = suggestion(name, declared.keys.sorted(), caseSensitive: true) { message += " (did you mean \(s)?)" }
                throw LocalError(message: message)
            }
            if used.contains(name) && flag.kind != .strings {
                throw LocalError(message: "duplicate flag specified: \(flagName)")
            }
            used.insert(name)
            switch flag.kind {
            case .bool:
                if hasValue && value.isEmpty { throw LocalError(message: "missing a value on flag: \(flagName)") }
                switch value.lowercased() {
                case "true", "": flag.value = "true"
                case "false": flag.value = "false"
                default: throw LocalError(message: "expecting boolean value for flag \(flagName), not: \(value)")
                }
            case .string:
                guard hasValue else { throw LocalError(message: "missing a value on flag: \(flagName)") }
                flag.value = value
            case .strings:
                guard hasValue else { throw LocalError(message: "missing a value on flag: \(flagName)") }
                flag.values.append(value)
            }
            declared[name] = flag
        }
    }
}
