import ArgumentParser
import Config
import Render
import Rules
import Runner
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputFormat: ExpressibleByArgument {}
extension FailOn: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}

/// The exit statuses (`ExitPolicy`, and 64 for a usage error), in the help of the command and
/// of `check`, and so in the man page.
let exitCodes = """
    EXIT CODES:
      0   no finding at or above --fail-on (default: error)
      1   a finding at or above --fail-on
      2   an input could not be read or parsed (the other inputs are still checked)
      64  usage error: an unknown option, value, target, platform or rule
    """

/// The command line: argv to a configuration, then the run in the Runner library.
public struct StaticCheckELF: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "staticcheck-elf",
        abstract: "Will this binary start in a FROM scratch container, what will it need, and what to change.",
        discussion: "Reads ELF executables (Go binaries first) without running them.\n\n" + exitCodes,
        version: toolVersion,
        subcommands: [Check.self, Inspect.self, Explain.self, ListRules.self],
        defaultSubcommand: Check.self)

    public init() {}
}

/// Standard output and standard error of this process, written with write(2) as they come:
/// no stdio buffer (whose globals Swift 6 cannot share safely), so output and diagnostics reach
/// a shared terminal or log in the order they were made.
public var processOutput: RunOutput {
    RunOutput(
        write: { bytes in _ = writeAll(STDOUT_FILENO, bytes) },
        warn: { s in
            var line = s.hasSuffix("\n") ? s : s + "\n"
            line.withUTF8 { _ = writeAll(STDERR_FILENO, UnsafeRawBufferPointer($0)) }
        })
}

/// `mode` decided for this process: its NO_COLOR and TERM, and whether standard output is a terminal.
func useColor(_ mode: ColorMode) -> Bool {
    mode.useColor(noColor: getenv("NO_COLOR").map { String(cString: $0) },
                  term: getenv("TERM").map { String(cString: $0) },
                  isTerminal: isatty(STDOUT_FILENO) != 0)
}

/// The help text for `--color`, the same on every command.
let colorHelp = ArgumentHelp("Colour in text output; auto: on a terminal, unless NO_COLOR is set (no-color.org) or TERM is dumb.")

/// Runs a check and flushes standard output: the process's exit status.
public func runCheck(_ config: RunConfiguration) -> Int32 {
    var config = config
    config.color = useColor(config.colorMode)
    // The config file: a problem in it is a usage error, said with its line and column.
    if let problems = ConfigLoader.load(into: &config) {
        for m in problems.messages { processOutput.warn("staticcheck-elf: \(m)") }
        return 64
    }
    if let problem = config.problem {
        processOutput.warn("staticcheck-elf: \(config.configUsed ?? "config"): \(problem)")
        return 64
    }
    return Runner.run(config, to: processOutput)
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check files (default): the start verdict, the findings, the fixes.",
        discussion: exitCodes)

    @Option(help: "The image the files will run in: \(TargetProfile.names.joined(separator: ", ")) (default: scratch).")
    var target: String?

    @Option(help: "The target is this directory: an unpacked root file system. A PATH inside it is that file of the root.")
    var root: String?

    @Option(help: "The target is this container image: docker-archive:FILE[:NAME:TAG], oci-archive:FILE[:REF], oci:DIR[:REF], docker-daemon:NAME:TAG, podman:NAME, or a bare path. With no PATH, its ENTRYPOINT/CMD is checked; an absolute PATH is a file of the image.")
    var image: String?

    @Option(help: "The target is the final stage of this Dockerfile (- for standard input), its base image's known contents and what its COPY, ADD and RUN lines add. PATH is placed where the COPY that takes it puts it.")
    var dockerfile: String?

    @Option(name: .customLong("build-arg"), help: "A Dockerfile build argument, K=V (or K, from the environment), as docker build takes it.")
    var buildArg: [String] = []

    @Option(help: "The Dockerfile stage to check instead of the last (docker build --target).")
    var stage: String?

    @Flag(help: "With --dockerfile: print the fixes as a unified diff of the Dockerfile (for patch -p1 or git apply) instead of the report.")
    var diff = false

    @Option(help: "Where a PATH outside the target will live in it (absolute), e.g. --at /app/main.")
    var at: String?

    @Option(help: "The platform the image runs on (default: the host's), e.g. linux/amd64, linux/arm64.")
    var platform: String?

    @Option(help: "Output format: text, json, sarif, github.")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit code 1: error, warning, info, never (default: error).")
    var failOn: FailOn?

    @Option(help: "The config file to use (default: STATICCHECK_ELF_CONFIG, else .staticcheck-elf.yml in this directory or a parent up to the repository root, else $XDG_CONFIG_HOME/staticcheck-elf/config.yml).")
    var config: String?

    @Option(name: [.short, .customLong("output")], help: "Write the output to this file (created or replaced) instead of standard output.")
    var output: String?

    @Option(name: .customLong("sarif-root"), help: "With --format sarif: artifact URIs are relative to this directory (default: the git repository holding the working directory, else the working directory).")
    var sarifRoot: String?

    @Option(help: colorHelp)
    var color: ColorMode = .auto

    @Option(parsing: .singleValue, help: "Rules to turn off (RULE[,RULE]).")
    var disable: [String] = []

    @Option(parsing: .singleValue, help: "Rules to turn on again after --disable (RULE[,RULE]).")
    var enable: [String] = []

    @Flag(name: [.short, .long], help: "Say on standard error what directory walks skipped, and why.")
    var verbose = false

    @Flag(name: [.short, .long], help: "Text output: print only the files that fail (an error, not starting, or a finding at or above --fail-on); the summary counts every file.")
    var quiet = false

    @Argument(help: "Files or directories (directories are walked); none with --image: the image's own command.")
    var paths: [String] = []

    /// The run this command line asks for.
    var configuration: RunConfiguration {
        var c = RunConfiguration()
        c.verbose = verbose
        c.target = dockerfile.map(TargetSpec.dockerfile) ?? FastParse.target(profile: target, root: root, image: image)
        c.buildArgs = FastParse.buildArgs(buildArg)
        c.stage = stage
        c.diff = diff
        c.at = at
        c.platform = platform
        c.format = format
        c.failOn = failOn ?? .error
        c.colorMode = color
        c.configFile = config
        c.quiet = quiet
        if target != nil || root != nil || image != nil || dockerfile != nil { c.given.insert("target") }
        if platform != nil { c.given.insert("platform") }
        if failOn != nil { c.given.insert("fail-on") }
        c.disable = disable
        c.enable = enable
        c.paths = paths
        c.output = output
        c.sarifRoot = sarifRoot
        return c
    }

    func validate() throws {
        if [target, root, image, dockerfile].compactMap({ $0 }).count > 1 { throw ValidationError(FastParse.bothTargets) }
        if let problem = configuration.problem { throw ValidationError(problem) }
    }

    func run() throws {
        throw ExitCode(runCheck(configuration))
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the facts of files, no verdict.")

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .customLong("cross-check"), help: "Also compare the ELF reader with libelf (needs libelf.so.1 installed).")
    var crossCheck = false

    @Option(help: "Also say what the dynamic loader would map for each file in this root directory.")
    var root: String?

    @Option(help: colorHelp)
    var color: ColorMode = .auto

    @Argument(help: "Files or directories.")
    var paths: [String] = []

    var configuration: InspectConfiguration {
        var c = InspectConfiguration()
        c.format = format
        c.crossCheck = crossCheck
        c.root = root
        c.colorMode = color
        c.paths = paths
        return c
    }

    func validate() throws {
        if let problem = configuration.problem { throw ValidationError(problem) }
    }

    func run() throws {
        var c = configuration
        c.color = useColor(c.colorMode)
        throw ExitCode(Runner.inspect(c, to: processOutput))
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule (like `staticcheck -explain`).")

    @Argument(help: "A rule ID (SE101) or name (missing-interpreter).")
    var rule: String

    @Option(help: colorHelp)
    var color: ColorMode = .auto

    @Option(help: "The config file whose effect on the rule to show (default: the one a check here would use).")
    var config: String?

    func run() throws {
        guard let info = RuleRegistry.info(rule) else {
            throw ValidationError("unknown rule \(rule); `staticcheck-elf list-rules` shows them")
        }
        processOutput.write(TextRenderer(color: useColor(color)).explain(info))
        // The rule's state under the config file a check here would read.
        var c = RunConfiguration()
        c.configFile = config
        if let problems = ConfigLoader.load(into: &c) {
            for m in problems.messages { processOutput.warn("staticcheck-elf: \(m)") }
            throw ExitCode(64)
        }
        guard let used = c.configUsed else { return }
        let on = c.enabledRules.contains { $0.info.id == info.id }
        var out = "\nUnder \(used): \(on ? "enabled" : "disabled")\(c.failOn != .error ? ", fail-on \(c.failOn.rawValue)" : "")\n"
        for g in c.ignores where g.rule == info.id {
            let scope = (g.paths.isEmpty ? "every file" : g.paths.joined(separator: ", ")) + (g.targets.isEmpty ? "" : " on \(g.targets.joined(separator: ", "))")
            out += "    ignored for \(scope): \(g.reason) (\(g.source))\n"
        }
        processOutput.write(out)
    }
}

struct ListRules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-rules", abstract: "List every rule.")

    enum ListFormat: String, ExpressibleByArgument { case text, markdown, json, docs }

    @Option(help: "text; markdown (the README's rule table); json; or docs (docs/rules.md, every rule's documentation).")
    var format: ListFormat = .text

    func run() throws {
        let r = TextRenderer(color: false)
        switch format {
        case .text: processOutput.write(r.listRules(RuleRegistry.infos))
        case .markdown: processOutput.write(r.markdownRuleTable(RuleRegistry.infos))
        case .docs: processOutput.write(r.rulesDocument(RuleRegistry.infos))
        case .json: processOutput.write(JSONRenderer.rules(RuleRegistry.infos))
        }
    }
}

/// The whole command line: the common invocation through the fast parser, the rest through
/// swift-argument-parser. Never returns.
public func runCommandLine(_ arguments: [String]) -> Never {
    if let config = FastParse.check(arguments), config.problem == nil {
        exit(runCheck(config))
    }
    StaticCheckELF.main(arguments)
    exit(0)
}
