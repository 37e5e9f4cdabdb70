// A Dockerfile resolved for one build (BuildKit dockerfile2llb/convert.go @73ed6825): the
// global ARGs with `--build-arg` overrides and the automatic platform ARGs, each stage's base
// (an image, an earlier stage, scratch), and the image config each stage ends with — ENV,
// WORKDIR, USER, SHELL, ENTRYPOINT/CMD as the argv the config holds — with its COPY/ADD
// operations (destinations resolved) and RUN commands, each with its lines. Nothing is built.

/// `os/architecture[/variant]`.
public struct DockerfilePlatform: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String = "linux", architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant.flatMap { $0.isEmpty ? nil : $0 }
    }

    public static let linuxAMD64 = DockerfilePlatform(architecture: "amd64")

    public var description: String {
        variant.map { "\(os)/\(architecture)/\($0)" } ?? "\(os)/\(architecture)"
    }

    /// `linux/arm64/v8`, `linux/amd64`, `arm64` (containerd's short forms, normalised).
    public static func parse(_ text: String) -> DockerfilePlatform? {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        let knownOS: Set<String> = ["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix", "android", "ios", "js", "wasip1", "plan9", "dragonfly"]
        if parts.count == 1 {
            if knownOS.contains(parts[0]) { return DockerfilePlatform(os: parts[0], architecture: "amd64") }
            let (a, v) = normaliseArch(parts[0], nil)
            return DockerfilePlatform(architecture: a, variant: v)
        }
        guard knownOS.contains(parts[0]) else { return nil }
        let (a, v) = normaliseArch(parts[1], parts.count == 3 ? parts[2] : nil)
        return DockerfilePlatform(os: parts[0], architecture: a, variant: v)
    }

    static func normaliseArch(_ arch: String, _ variant: String?) -> (String, String?) {
        switch arch {
        case "i386": return ("386", nil)
        case "x86_64", "x86-64", "amd64": return ("amd64", variant == "v1" ? nil : variant)
        case "aarch64", "arm64": return ("arm64", (variant == "8" || variant == "v8") ? nil : variant)
        case "armhf": return ("arm", "v7")
        case "armel": return ("arm", "v6")
        case "arm":
            switch variant {
            case nil, "7", "v7": return ("arm", "v7")
            case "5", "6", "8": return ("arm", "v" + (variant ?? ""))
            default: return ("arm", variant)
            }
        default: return (arch, variant)
        }
    }
}

/// What a base image's config says, when it is known (from a table, or a real image).
public struct BaseImageConfig: Equatable, Sendable {
    public var env: [EnvironmentVariable]
    public var workingDir: String?
    public var user: String?
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var shell: [String]?

    public init(env: [EnvironmentVariable] = [], workingDir: String? = nil, user: String? = nil,
                entrypoint: [String]? = nil, cmd: [String]? = nil, shell: [String]? = nil) {
        self.env = env
        self.workingDir = workingDir
        self.user = user
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.shell = shell
    }

    /// `emptyImage` in BuildKit's dockerfile2llb/image.go.
    public static let scratch = BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: defaultPath)], workingDir: "/")
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}

public struct EnvironmentVariable: Equatable, Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// What a stage starts from.
public enum StageBase: Equatable, Hashable, Sendable {
    /// The empty image.
    case scratch
    /// An image reference, ARGs expanded (`golang:1.22-alpine`, `gcr.io/distroless/static-debian12:nonroot`).
    case image(String)
    /// An earlier stage, by index.
    case stage(Int)
}

/// ENTRYPOINT or CMD as the image config ends up holding it.
public struct ImageCommand: Equatable, Sendable {
    /// The argv in the config: exec form as written, shell form wrapped in the SHELL
    /// (`["/bin/sh", "-c", "…"]`).
    public var argv: [String]
    /// Written in shell form (including an exec form that was not valid JSON).
    public var shellForm: Bool
    /// The instruction that set it; nil when it came from the base image's config.
    public var location: SourceRange?
    /// The stage whose instruction set it (nil: the base image).
    public var stageIndex: Int?
}

/// Where a COPY or ADD reads from.
public enum CopySource: Equatable, Hashable, Sendable {
    /// The build context (or a URL / git source for ADD).
    case context
    /// `--from=<stage name or index>`.
    case stage(Int)
    /// `--from=<image>`.
    case image(String)
}

/// A COPY or ADD with its values expanded and its destination resolved.
public struct CopyOperation: Equatable, Sendable {
    public var isAdd: Bool
    public var source: CopySource
    /// `--from` as written.
    public var from: String?
    public var sources: [String]
    public var inlineSources: [InlineSource]
    /// Absolute, relative destinations joined to the WORKDIR; a trailing `/` is kept.
    public var destination: String
    /// The destination as written (after expansion).
    public var writtenDestination: String
    /// `--chown` (nil: 0:0).
    public var chown: String?
    public var chmod: String?
    public var link: Bool
    public var parents: Bool
    public var excludes: [String]
    public var location: SourceRange

    /// The destination is a directory: it ends in `/` or there are several sources. Without
    /// either, a file source becomes the destination itself (unless the image already has a
    /// directory there, which the Dockerfile alone cannot tell).
    public var destinationIsDirectory: Bool {
        destination.hasSuffix("/") || destination.hasSuffix("/.") || sources.count + inlineSources.count > 1
    }

    /// Where a file source lands: `COPY a /x` → `/x`, `COPY a /x/` → `/x/a` (R "Destination").
    public func path(ofSource source: String) -> String {
        var base = Substring(source)
        while base.hasSuffix("/") { base = base.dropLast() }
        let name = base.split(separator: "/").last.map(String.init) ?? String(base)
        guard destinationIsDirectory else { return destination }
        var dir = destination
        if dir.hasSuffix("/.") { dir.removeLast() }
        if !dir.hasSuffix("/") { dir += "/" }
        return dir + name
    }
}

/// A RUN with the text that later checks read (`go build`, `adduser`, `apk add`).
public struct RunOperation: Equatable, Sendable {
    public var command: CommandArguments
    /// What runs: exec form as written, shell form wrapped in the SHELL.
    public var argv: [String]
    /// The command as one text: the arguments joined, then each heredoc body.
    public var text: String
    public var mounts: [String]
    public var location: SourceRange
}

/// One stage after a build's values are applied.
public struct ResolvedStage: Equatable, Sendable {
    public var index: Int
    public var name: String?
    public var location: SourceRange
    public var base: StageBase
    /// The base as written in FROM, before ARG expansion.
    public var writtenBase: String
    /// `--platform`, expanded.
    public var platform: String?
    /// The image at the bottom of the FROM chain (never `.stage`).
    public var rootBase: StageBase
    /// The root image's config was known (scratch, or given by the caller); if not, its ENV,
    /// WORKDIR, USER, SHELL and ENTRYPOINT/CMD are missing from what follows.
    public var baseConfigKnown: Bool
    /// The image config's Env (base first, then ENV instructions; ARGs are not in it).
    public var env: [EnvironmentVariable]
    /// Variables in scope at the end of the stage for expansion (Env and ARGs).
    public var scope: [String: String]
    /// ARG values declared in the stage (or inherited from its parent stage).
    public var args: [String: String]
    public var workdir: String
    public var user: String?
    public var userLocation: SourceRange?
    /// SHELL (nil: `/bin/sh -c`).
    public var shell: [String]?
    public var entrypoint: ImageCommand?
    public var cmd: ImageCommand?
    /// COPY and ADD of this stage (a parent stage's are in its own entry).
    public var copies: [CopyOperation]
    public var runs: [RunOperation]
    public var labels: [KeyValue]
    public var exposedPorts: [String]
    public var volumes: [String]
    public var stopSignal: String?
    public var healthcheck: HealthcheckInstruction?
    public var onbuild: [String]
    /// This stage's instructions as parsed (not expanded).
    public var instructions: [Instruction]

    /// The container's argv before PATH lookup: ENTRYPOINT then CMD.
    public var startArgv: [String] { (entrypoint?.argv ?? []) + (cmd?.argv ?? []) }

    /// The shell a shell form uses here.
    public var effectiveShell: [String] { shell ?? ["/bin/sh", "-c"] }
}

/// A Dockerfile resolved for one build.
public struct BuildPlan: Equatable, Sendable {
    public var file: String
    /// Every stage, in file order.
    public var stages: [ResolvedStage]
    /// The stage built: the last, or `--target`/`--stage`.
    public var targetIndex: Int
    public var platform: DockerfilePlatform
    /// The global ARGs (and automatic ones) as FROM lines saw them.
    public var globalArgs: [String: String]

    public var target: ResolvedStage { stages[targetIndex] }

    /// The stage and the stages it is built FROM, nearest first.
    public func chain(of index: Int) -> [ResolvedStage] {
        var out: [ResolvedStage] = []
        var i: Int? = index
        while let k = i, k >= 0, k < stages.count, !out.contains(where: { $0.index == k }) {
            out.append(stages[k])
            if case .stage(let p) = stages[k].base { i = p } else { i = nil }
        }
        return out
    }

    /// Every COPY/ADD that ends up in a stage's file system, its FROM ancestors' first.
    public func copies(reaching index: Int) -> [CopyOperation] {
        chain(of: index).reversed().flatMap(\.copies)
    }
}

extension Dockerfile {
    /// The stage names in file order (unnamed stages as `stage-N`, as BuildKit calls them).
    public var stageNames: [String] { stages.map { $0.name ?? "stage-\($0.index)" } }

    /// Resolves the Dockerfile for a build: `--build-arg`s, the target stage (`--target`,
    /// case-insensitive; nil: the last), the target platform (the build platform defaults to
    /// it), and what known base images' configs hold.
    public func resolve(buildArgs: [String: String] = [:], target: String? = nil,
                        platform: DockerfilePlatform = .linuxAMD64, buildPlatform: DockerfilePlatform? = nil,
                        baseConfig: (String) -> BaseImageConfig? = { _ in nil }) throws(DockerfileError) -> BuildPlan {
        var resolver = Resolver(file: self, buildArgs: buildArgs, platform: platform,
                                buildPlatform: buildPlatform ?? platform, target: target)
        return try resolver.run(baseConfig: baseConfig)
    }
}

private struct Resolver {
    let file: Dockerfile
    let buildArgs: [String: String]
    let platform: DockerfilePlatform
    let buildPlatform: DockerfilePlatform
    let target: String?
    var lex: ShellLex

    init(file: Dockerfile, buildArgs: [String: String], platform: DockerfilePlatform, buildPlatform: DockerfilePlatform, target: String?) {
        self.file = file
        self.buildArgs = buildArgs
        self.platform = platform
        self.buildPlatform = buildPlatform
        self.target = target
        self.lex = ShellLex(escape: file.escape)
    }

    func fail(_ message: String, _ at: SourceRange) -> DockerfileError {
        DockerfileError(file: file.name, line: at.startLine, column: at.column, endLine: at.endLine, message: message)
    }

    func expand(_ word: String, _ env: [String: String], _ at: SourceRange) throws(DockerfileError) -> String {
        do {
            return try lex.processWord(word, env)
        } catch {
            throw fail(error.message, at)
        }
    }

    mutating func run(baseConfig: (String) -> BaseImageConfig?) throws(DockerfileError) -> BuildPlan {
        guard !file.stages.isEmpty else {
            throw DockerfileError(file: file.name, line: 1, message: "dockerfile contains no stages to build")
        }
        // Target stage (resolveTarget).
        let targetIndex: Int
        if let target, !target.isEmpty {
            guard let i = file.stages.firstIndex(where: { $0.name == target.lowercased() }) else {
                let names = file.stages.compactMap(\.name)
                var message = "target stage \(goQuote(target)) could not be found"
                if let s = suggestion(target, names, caseSensitive: true) { message += " (did you mean \(s)?)" }
                message += names.isEmpty ? "; the stages have no names" : "; stages: " + names.joined(separator: ", ")
                throw DockerfileError(file: file.name, line: file.stages[0].location.startLine, column: 1, message: message)
            }
            targetIndex = i
        } else {
            targetIndex = file.stages.count - 1
        }

        // defaultArgs (platform.go) then buildMetaArgs.
        var global: [String: String] = [
            "BUILDPLATFORM": buildPlatform.description, "BUILDOS": buildPlatform.os, "BUILDOSVERSION": "",
            "BUILDARCH": buildPlatform.architecture, "BUILDVARIANT": buildPlatform.variant ?? "",
            "TARGETPLATFORM": platform.description, "TARGETOS": platform.os, "TARGETOSVERSION": "",
            "TARGETARCH": platform.architecture, "TARGETVARIANT": platform.variant ?? "",
            "TARGETSTAGE": file.stages[targetIndex].name ?? "default",
        ]
        for key in Array(global.keys) { if let v = buildArgs[key] { global[key] = v } }
        for instruction in file.globalArgs {
            guard case .arg(let decls) = instruction.kind else { continue }
            for d in decls {
                if let v = buildArgs[d.key] {
                    global[d.key] = v
                } else if let def = d.defaultValue {
                    global[d.key] = try expand(def, global, instruction.location)
                }
            }
        }

        // Stage names for FROM <stage> (only earlier ones) and --from (any).
        var namesSoFar: [String: Int] = [:]
        var allNames: [String: Int] = [:]
        for s in file.stages { if let n = s.name { allNames[n] = s.index } }

        var resolved: [ResolvedStage] = []
        for stage in file.stages {
            let baseName = try expand(stage.baseName, global, stage.location)
            guard !baseName.isEmpty else { throw fail("base name (\(stage.baseName)) should not be blank", stage.location) }
            var platformValue: String?
            if let p = stage.platform {
                let v: String
                do {
                    v = try lex.processWord(p, global)
                } catch {
                    throw fail("failed to process arguments for platform \(p): \(error.message)", stage.location)
                }
                guard !v.isEmpty else { throw fail("empty platform value from expression \(p)", stage.location) }
                guard DockerfilePlatform.parse(v) != nil else { throw fail("failed to parse platform \(p): \(goQuote(v)): unknown operating system or architecture", stage.location) }
                platformValue = v
            }
            let base: StageBase
            if let parent = namesSoFar[baseName] {
                base = .stage(parent)
            } else if baseName == "scratch" {
                base = .scratch
            } else {
                base = .image(baseName)
            }
            if let n = stage.name { namesSoFar[n] = stage.index }

            var state: ResolvedStage
            switch base {
            case .stage(let p):
                state = resolved[p]
                state.copies = []
                state.runs = []
                state.onbuild = []
            case .scratch, .image:
                let config: BaseImageConfig?
                if case .image(let ref) = base { config = baseConfig(ref) } else { config = .scratch }
                var env: [EnvironmentVariable] = []
                for e in config?.env ?? [] { addEnv(&env, e.name, e.value) }
                var scope: [String: String] = [:]
                for e in env { scope[e.name] = e.value }
                let wd = normalizePath(parent: "/", config?.workingDir ?? "", keepSlash: false)
                state = ResolvedStage(
                    index: stage.index, name: stage.name, location: stage.location, base: base, writtenBase: stage.baseName,
                    platform: platformValue, rootBase: base, baseConfigKnown: config != nil, env: env, scope: scope, args: [:],
                    workdir: wd, user: config?.user.flatMap { $0.isEmpty ? nil : $0 }, userLocation: nil,
                    shell: config?.shell.flatMap { $0.isEmpty ? nil : $0 },
                    entrypoint: config?.entrypoint.map { ImageCommand(argv: $0, shellForm: false, location: nil, stageIndex: nil) },
                    cmd: config?.cmd.map { ImageCommand(argv: $0, shellForm: false, location: nil, stageIndex: nil) },
                    copies: [], runs: [], labels: [], exposedPorts: [], volumes: [], stopSignal: nil, healthcheck: nil,
                    onbuild: [], instructions: [])
            }
            state.index = stage.index
            state.name = stage.name
            state.location = stage.location
            state.base = base
            state.writtenBase = stage.baseName
            state.platform = platformValue ?? state.platform
            state.instructions = stage.instructions
            try dispatch(&state, stage, global: global, allNames: allNames)
            resolved.append(state)
        }
        return BuildPlan(file: file.name, stages: resolved, targetIndex: targetIndex, platform: platform, globalArgs: global)
    }

    func dispatch(_ d: inout ResolvedStage, _ stage: BuildStage, global: [String: String], allNames: [String: Int]) throws(DockerfileError) {
        var cmdSetHere = false
        for ins in stage.instructions {
            let at = ins.location
            switch ins.kind {
            case .arg(let decls):
                for a in decls {
                    var value: String?
                    if let v = buildArgs[a.key] {
                        value = v
                    } else if let def = a.defaultValue {
                        value = try expand(def, d.scope, at)
                    } else if let g = global[a.key] {
                        value = g
                    }
                    if let value {
                        d.scope[a.key] = value
                        d.args[a.key] = value
                    }
                }
            case .env(let pairs):
                var expanded: [(String, String)] = []
                for p in pairs {
                    expanded.append((try expand(p.key, d.scope, at), try expand(p.value, d.scope, at)))
                }
                for (k, v) in expanded {
                    d.scope[k] = v
                    addEnv(&d.env, k, v)
                }
            case .label(let pairs):
                for p in pairs {
                    d.labels.append(KeyValue(key: try expand(p.key, d.scope, at), value: try expand(p.value, d.scope, at), legacy: p.legacy))
                }
            case .workdir(let path):
                let p = try expand(path, d.scope, at)
                d.workdir = normalizePath(parent: d.workdir, p, keepSlash: false)
            case .user(let user):
                d.user = try expand(user, d.scope, at)
                d.userLocation = at
            case .shell(let shell):
                d.shell = shell
            case .cmd(let line):
                cmdSetHere = true
                let argv = line.prependShell ? d.effectiveShell + [line.arguments.joined(separator: " ")] : line.arguments
                d.cmd = ImageCommand(argv: argv, shellForm: line.prependShell, location: at, stageIndex: d.index)
            case .entrypoint(let line):
                let args = line.arguments
                if line.prependShell {
                    d.entrypoint = ImageCommand(argv: d.effectiveShell + [args.joined(separator: " ")], shellForm: true, location: at, stageIndex: d.index)
                } else {
                    d.entrypoint = args.isEmpty ? nil : ImageCommand(argv: args, shellForm: false, location: at, stageIndex: d.index)
                }
                // dispatchEntrypoint: an ENTRYPOINT drops the CMD unless this stage set one.
                if !cmdSetHere { d.cmd = nil }
            case .run(let run):
                let argv = run.command.prependShell ? d.effectiveShell + [run.command.arguments.joined(separator: " ")] : run.command.arguments
                var text = run.command.arguments.joined(separator: " ")
                for h in run.command.heredocs { text += "\n" + h.effectiveContent }
                d.runs.append(RunOperation(command: run.command, argv: argv, text: text, mounts: run.mounts, location: at))
            case .copy(let c):
                var source = CopySource.context
                if let from = c.from {
                    let plain = (try? lex.processWord(from, [:])) ?? ""
                    guard plain == from else {
                        throw fail("variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround", at)
                    }
                    if let n = goAtoi(from) {
                        guard n >= 0 && n < file.stages.count else { throw fail("invalid stage index \(n)", at) }
                        source = .stage(n)
                    } else if let n = allNames[from.lowercased()] {
                        source = .stage(n)
                    } else {
                        source = .image(from)
                    }
                    if source == .stage(d.index) {
                        throw fail("circular dependency detected on stage: \(d.name ?? "stage-\(d.index)")", at)
                    }
                }
                var sources: [String] = []
                for s in c.sources { sources.append(try expand(s, d.scope, at)) }
                var inline = c.inlineSources
                for i in inline.indices where inline[i].expand {
                    var raw = ShellLex(escape: "\\")
                    raw.skipProcessQuotes = true
                    do {
                        inline[i].data = try raw.processWord(inline[i].data, d.scope)
                    } catch {
                        throw fail(error.message, at)
                    }
                }
                let dest = try expand(c.destination, d.scope, at)
                let chown = try c.chown.map { (x: String) throws(DockerfileError) -> String in try expand(x, d.scope, at) }
                let chmod = try c.chmod.map { (x: String) throws(DockerfileError) -> String in try expand(x, d.scope, at) }
                if let chmod, !isValidChmod(chmod) {
                    throw fail("invalid chmod parameter: '\(chmod)'. it should be octal string and between 0 and 07777", at)
                }
                d.copies.append(CopyOperation(
                    isAdd: c.isAdd, source: source, from: c.from, sources: sources, inlineSources: inline,
                    destination: relativeToWorkdir(d.workdir, dest), writtenDestination: dest,
                    chown: chown.flatMap { $0.isEmpty ? nil : $0 }, chmod: chmod, link: c.link, parents: c.parents,
                    excludes: c.excludes, location: at))
            case .expose(let ports):
                for p in ports {
                    do {
                        d.exposedPorts += try lex.processWords(p, d.scope)
                    } catch {
                        throw fail(error.message, at)
                    }
                }
            case .volume(let volumes):
                for v in volumes {
                    let e = try expand(v, d.scope, at)
                    guard !e.isEmpty else { throw fail("VOLUME specified can not be an empty string", at) }
                    d.volumes.append(e)
                }
            case .stopSignal(let s):
                d.stopSignal = try expand(s, d.scope, at)
            case .healthcheck(let h):
                d.healthcheck = h
            case .onbuild(let expression):
                d.onbuild.append(expression)
            case .maintainer:
                break
            }
        }
    }
}

/// `addEnv`: replaces a variable of the same name in place, else appends.
func addEnv(_ env: inout [EnvironmentVariable], _ key: String, _ value: String) {
    if let i = env.firstIndex(where: { $0.name == key }) {
        env[i].value = value
    } else {
        env.append(EnvironmentVariable(name: key, value: value))
    }
}

/// Go's strconv.Atoi (an optional sign, decimal digits).
func goAtoi(_ s: String) -> Int? {
    var digits = Substring(s)
    if digits.hasPrefix("+") || digits.hasPrefix("-") { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
    return Int(s.hasPrefix("+") ? String(s.dropFirst()) : s)
}

/// An octal mode up to 07777, or a symbolic one (`u+x`, `a=rwx,g-w`).
func isValidChmod(_ s: String) -> Bool {
    if s.allSatisfy({ $0 >= "0" && $0 <= "9" }) {
        guard s.allSatisfy({ $0 <= "7" }), let v = Int(s, radix: 8) else { return false }
        return v <= 0o7777
    }
    for clause in s.split(separator: ",", omittingEmptySubsequences: false) {
        var c = clause[...]
        c = c.drop { "ugoa".contains($0) }
        guard let op = c.first, "+-=".contains(op) else { return false }
        while let op = c.first, "+-=".contains(op) {
            c = c.dropFirst()
            let perms = c.prefix { "rwxXstugo".contains($0) }
            c = c.dropFirst(perms.count)
        }
        guard c.isEmpty else { return false }
    }
    return true
}

/// Go's path.Clean.
func cleanPath(_ p: String) -> String {
    if p.isEmpty { return "." }
    let rooted = p.hasPrefix("/")
    var out: [Substring] = []
    for part in p.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == ".." {
            if let last = out.last, last != ".." {
                out.removeLast()
            } else if !rooted {
                out.append(part)
            }
            continue
        }
        out.append(part)
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
}

/// util/system NormalizePath (Linux): a relative path joins the parent and is cleaned; an
/// absolute one is kept as written; `keepSlash` keeps a trailing `/` or `/.`.
func normalizePath(parent: String, _ newPath: String, keepSlash: Bool) -> String {
    var parent = parent.isEmpty ? "/" : parent
    if !parent.hasPrefix("/") { parent = cleanPath("/" + parent) }
    var p = newPath.isEmpty ? parent : newPath
    if !p.hasPrefix("/") { p = cleanPath(parent + "/" + p) }
    if keepSlash {
        if newPath.hasSuffix("/") && !p.hasSuffix("/") {
            p += "/"
        } else if newPath.hasSuffix("/.") {
            if p != "/" { p += "/" }
            p += "."
        }
    }
    return p
}

/// convert.go `pathRelativeToWorkingDir`.
func relativeToWorkdir(_ workdir: String, _ p: String) -> String {
    if p.hasPrefix("/") { return normalizePath(parent: "/", p, keepSlash: true) }
    return normalizePath(parent: workdir, (p == "." || p.isEmpty) ? "./" : p, keepSlash: true)
}
