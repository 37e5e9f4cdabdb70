import Rules
import Targets

/// How findings and facts are written.
public enum OutputFormat: String, CaseIterable, Sendable, Hashable {
    case text, json, sarif, github
}

/// The lowest severity that makes the exit status 1.
public enum FailOn: String, CaseIterable, Sendable, Hashable {
    case error, warning, info, never
}

/// When text is coloured (`--color`): `auto` decides from the environment and the terminal.
public enum ColorMode: String, CaseIterable, Sendable, Hashable {
    case auto, always, never

    /// Whether to colour, in this order: `always` or `never` as asked; then no colour when
    /// NO_COLOR is set and not empty (no-color.org) or TERM is `dumb`; then colour only when
    /// standard output is a terminal.
    public func useColor(noColor: String?, term: String?, isTerminal: Bool) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor, !noColor.isEmpty { return false }
            if term == "dumb" { return false }
            return isTerminal
        }
    }
}

/// Everything a `check` run needs, whoever produced it: the command line today, a config file
/// next. The CLI maps argv to this value and nothing more.
public struct RunConfiguration: Sendable, Hashable {
    public var target: TargetSpec = .profile("scratch")
    /// `linux/ARCH` as typed; nil for the host's.
    public var platform: String?
    public var format: OutputFormat = .text
    public var failOn: FailOn = .error
    /// Rule IDs or names to turn off (each value may list several, comma-separated).
    public var disable: [String] = []
    /// Rule IDs or names turned on again after `disable`.
    public var enable: [String] = []
    /// Severities in place of the rules' defaults, by rule ID or name.
    public var severities: [String: Severity] = [:]
    /// Files or directories, on the host (inside a `--root` directory: that file of the root;
    /// with `--image`, an absolute path is a path of the image, a relative one a host file).
    /// Empty with `--image`: the image's own ENTRYPOINT/CMD is checked.
    public var paths: [String] = []
    /// Where a host file that is not inside the target will be (`--at /app/main`); else derived
    /// from its path.
    public var at: String?
    /// `--color`: when text output is coloured.
    public var colorMode = ColorMode.auto
    /// Colour in text output: `colorMode` decided by the caller, which knows the terminal.
    public var color = false
    /// `-v`: say on standard error what directory walks skipped, and why.
    public var verbose = false
    /// Threads that check files (nil: one per core). The output is the same for any number.
    public var workers: Int?
    /// `--build-arg K=V` for a Dockerfile target (a bare `K` takes the environment's value, as docker build does).
    public var buildArgs: [String: String] = [:]
    /// `--stage NAME`: the Dockerfile stage built (docker build's `--target`); nil: the last.
    public var stage: String?
    /// `--diff`: print the Dockerfile edits the findings offer as a unified diff, not the report.
    public var diff = false
    /// `--quiet`: text output prints only the files that fail (the summary counts them all).
    public var quiet = false
    /// `--config FILE`: the config file to read instead of searching for one.
    public var configFile: String?
    /// The options the command line gave (`target`, `platform`, `fail-on`): a config file's
    /// value for them is not used (flags beat the file for single values; lists combine).
    public var given: Set<String> = []
    /// The config file in use, for `-v` (set when one was read).
    public var configUsed: String?
    /// The config file's ignores, applied to the findings after the run.
    public var ignores: [IgnoreRule] = []
    /// `-o FILE`: the output goes to this file (created or replaced) instead of standard output.
    public var output: String?
    /// `--sarif-root DIR`: SARIF artifact URIs are relative to it (else the repository root that
    /// holds the working directory, else the working directory).
    public var sarifRoot: String?

    public init() {}

    /// What is wrong with this configuration (a usage error, exit 64), or nil.
    public var problem: String? {
        var isImage = false
        var isDockerfile = false
        if case .image = target { isImage = true }
        if case .dockerfile = target { isImage = true; isDockerfile = true }
        if paths.isEmpty && !isImage { return "give at least one file or directory to check, e.g. `staticcheck-elf ./main`" }
        if !isDockerfile && (stage != nil || !buildArgs.isEmpty || diff) { return "--stage, --build-arg and --diff go with --dockerfile" }
        if diff && format != .text { return "--diff prints a unified diff; leave out --format" }
        if sarifRoot != nil && format != .sarif { return "--sarif-root goes with --format sarif" }
        if quiet && format != .text { return "--quiet goes with text output; the other formats hold every file" }
        if let output, output.isEmpty { return "-o needs a file name" }
        if let platform, Platform(parsing: platform) == nil {
            return "unknown platform \(platform); use linux/ARCH with ARCH one of amd64, 386, arm64, arm, riscv64, s390x, ppc64, ppc64le, mips, mipsle, mips64, mips64le, loong64"
        }
        if case .profile(let name) = target, !TargetProfile.isKnown(name) {
            return TargetResolver.Failure.unknownProfile(name).description
        }
        if let at {
            if !at.hasPrefix("/") { return "--at \(at): give the absolute path the file will have in the target, e.g. --at /app/main" }
            if paths.count != 1 { return "--at names the place of one file; give exactly one PATH with it" }
        }
        for id in (disable + enable).flatMap(RunConfiguration.ruleNames) + severities.keys.map({ Substring($0) })
        where RuleRegistry.info(id.trimmingSpaces) == nil {
            return "unknown rule \(id.trimmingSpaces); `staticcheck-elf list-rules` shows them"
        }
        return nil
    }

    /// The platform asked for, if any (else the target's own, else the host's).
    public var requestedPlatform: Platform? {
        platform.flatMap(Platform.init(parsing:))
    }

    /// The rules this run applies, in registry order.
    public var enabledRules: [any Rule.Type] {
        guard !disable.isEmpty else { return RuleRegistry.all }
        let off = RunConfiguration.ruleIDs(disable).subtracting(RunConfiguration.ruleIDs(enable))
        return RuleRegistry.all.filter { !off.contains($0.info.id) }
    }

    /// `severities` keyed by rule ID.
    public var severitiesByID: [String: Severity] {
        var out: [String: Severity] = [:]
        for (k, v) in severities { if let id = RuleRegistry.info(k)?.id { out[id] = v } }
        return out
    }

    static func ruleNames(_ value: String) -> [Substring] { value.split(separator: ",") }

    static func ruleIDs(_ values: [String]) -> Set<String> {
        Set(values.flatMap(ruleNames).compactMap { RuleRegistry.info($0.trimmingSpaces)?.id })
    }
}

/// What `inspect` needs.
public struct InspectConfiguration: Sendable, Hashable {
    /// `text` or `json`.
    public var format: OutputFormat = .text
    /// Also compare the ELF reader with libelf.
    public var crossCheck = false
    public var paths: [String] = []
    /// `--color`: when text output is coloured.
    public var colorMode = ColorMode.auto
    /// Colour in text output: `colorMode` decided by the caller, which knows the terminal.
    public var color = false
    /// A root to resolve the libraries in (`inspect --root DIR`): the facts then say what ld.so
    /// would map there.
    public var root: String?

    public init() {}

    public var problem: String? {
        if paths.isEmpty { return "give at least one file or directory to inspect" }
        if format == .sarif || format == .github { return "inspect prints text or json" }
        return nil
    }
}

/// The exit status of a run: 2 when an input could not be read or parsed, else 1 when a
/// finding is at or above `failOn`, else 0. (64, a usage error, is the CLI's.)
public struct ExitPolicy: Sendable, Hashable {
    public var failOn: FailOn

    public init(failOn: FailOn) { self.failOn = failOn }

    public func status(_ reports: [FileReport]) -> Int32 {
        if reports.contains(where: { $0.error != nil }) { return 2 }
        let threshold: Severity
        switch failOn {
        case .never: return 0
        case .error: threshold = .error
        case .warning: threshold = .warning
        case .info: threshold = .info
        }
        return reports.contains { $0.findings.contains { $0.severity >= threshold } } ? 1 : 0
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
