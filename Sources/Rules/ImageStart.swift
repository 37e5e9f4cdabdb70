import ELFKit
import FileTree
import Image
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the container runtime does before the program's execve, for an image's own start
/// (`--image` with no PATH) or for a file checked inside an image (`--image REF PATH`): the
/// USER lookup, the chdir to WorkingDir, `exec.LookPath`, and for a shell-form command the
/// word the shell runs first.
public struct ImageStartFacts: Sendable {
    /// How runc would start the image's command; nil when the config cannot start at all.
    public var start: ContainerStart?
    /// Why the config cannot start (`no command specified`, a bad Env entry), in the words of
    /// the tool that refuses it.
    public var startError: String?
    /// True when the checked file is the image's own command (no PATH given): the lookup and
    /// shell-form facts then speak of it. False for a PATH checked inside the image, where
    /// only the user and the environment apply.
    public var isEntrypoint: Bool
    /// For a shell-form command whose shell is found: the lookup of the command's first word
    /// (nil when it is a builtin, quoted or expanded, and for exec form).
    public var shellCommand: ProgramLookup?

    public init(start: ContainerStart?, startError: String? = nil, isEntrypoint: Bool, shellCommand: ProgramLookup? = nil) {
        self.start = start
        self.startError = startError
        self.isEntrypoint = isEntrypoint
        self.shellCommand = shellCommand
    }

    /// The USER that has no entry, with the runtime's message.
    public var userFailure: (spec: String, message: String)? {
        guard let s = start, case .failed(let m) = s.user else { return nil }
        return (s.userSpec, m)
    }
}

extension StartPredictor {
    /// The runtime's failure before execve, in the order it happens (moby resolves USER when
    /// it creates the container; runc then enters the working directory and runs
    /// `exec.LookPath(argv[0])`; LOADER.md R1–R6), or nil when the runtime gets as far as execve.
    public static func runtimeFailure(_ f: ImageStartFacts) -> StartVerdict? {
        guard let s = f.start else {
            let m = f.startError ?? "no command specified"
            return StartVerdict(ok: false, stage: .runtime, errno: nil, message: m,
                                reason: "the image config gives neither ENTRYPOINT nor CMD a program to run, or cannot be used as it is: Docker refuses to create the container (\(m))",
                                cause: .noCommand)
        }
        if let u = f.userFailure {
            return StartVerdict(ok: false, stage: .runtime, errno: nil, message: u.message,
                                reason: "the image's USER \(u.spec) is looked up in the image's /etc/passwd and /etc/group before the program runs, and there is no matching entry",
                                cause: .userNotFound(u.spec))
        }
        guard f.isEntrypoint else { return nil }
        if let w = s.workingDirProblem {
            return StartVerdict(ok: false, stage: .runtime, errno: nil, message: w,
                                reason: "runc enters the WorkingDir \(s.workingDir) before exec and cannot", cause: .workingDirectory(s.workingDir))
        }
        if case .failed(let code, let message) = s.program {
            let name = s.argv.first ?? ""
            let errnoName = errnoNames[code]
            if let sh = s.shellForm {
                return StartVerdict(ok: false, stage: .runtime, errno: errnoName, message: message,
                                    reason: "the command is in shell form (\(sh.shell) -c \(quoteForReason(sh.command))), and \(sh.shell) cannot be found in the image",
                                    cause: .shellMissing(sh.shell))
            }
            let why: String
            if name.contains("/") {
                why = code == ENOENT ? "ENTRYPOINT/CMD names \(name), which does not exist in the image (or is a symbolic link to nothing there)"
                                     : "ENTRYPOINT/CMD names \(name), which runc cannot execute (\(ContainerStart.goErrno(code)))"
            } else {
                why = "ENTRYPOINT/CMD names \(name) without a path, and no directory of the image's PATH (\(s.environment["PATH"] ?? "")) holds an executable file of that name"
            }
            return StartVerdict(ok: false, stage: .runtime, errno: errnoName, message: message, reason: why, cause: .programNotFound(name))
        }
        return nil
    }

    /// The shell's failure to find the command it runs first, after the shell itself started:
    /// the shell prints `NAME: not found` and exits 127 (dash adds the line number).
    public static func shellCommandFailure(_ f: ImageStartFacts) -> StartVerdict? {
        guard f.isEntrypoint, let s = f.start, let sh = s.shellForm, let word = sh.firstWord,
              case .failed = f.shellCommand else { return nil }
        let dash = sh.shell.hasSuffix("/sh") || sh.shell.hasSuffix("dash")
        let message = dash ? "\(sh.shell): 1: \(word): not found" : "\(sh.shell): \(word): not found"
        return StartVerdict(ok: false, stage: .program, errno: nil, message: message,
                            reason: "the shell \(sh.shell) starts and runs \(quoteForReason(sh.command)), but \(word) is not \(word.contains("/") ? "in the image" : "on the image's PATH"); the shell exits with status 127",
                            cause: .shellCommandNotFound(word))
    }

    static func quoteForReason(_ s: String) -> String { "\"" + s + "\"" }

    static let errnoNames: [Int32: String] = [ENOENT: "ENOENT", EACCES: "EACCES", ENOTDIR: "ENOENT", ELOOP: "ELOOP", EISDIR: "EACCES"]
}

extension Analyzer {
    /// The image's own command as the runtime starts it: the runtime's checks first, then the
    /// program it execs (for a shell-form command, the shell, then the program the command
    /// names first), checked in `tree` like any file of the target.
    public func checkImageStart(_ facts: ImageStartFacts, in tree: some FileTree) -> FileReport {
        var facts = facts
        guard let s = facts.start else { return runtimeReport(path: "", facts: facts) }
        guard case .found(_, let programPath) = s.program else { return runtimeReport(path: s.argv.first ?? "", facts: facts) }
        // A shell-form command: the shell must start, then the word it runs.
        if let sh = s.shellForm, let word = sh.firstWord, !sh.firstWordIsBuiltin {
            let ids = s.user.resolved ?? ExecUser(uid: 0, gid: 0)
            let lookup = ContainerStart.lookPath(word, path: s.environment["PATH"], cwd: s.workingDir, user: ids, in: tree)
            facts.shellCommand = lookup
            let shell = check(InputPath(display: programPath, treePath: programPath), imagePath: programPath, in: tree, image: facts)
            guard shell.start?.ok == true, case .found(_, let commandPath) = lookup else { return shell }
            return check(InputPath(display: commandPath, treePath: commandPath), imagePath: commandPath, in: tree, image: facts)
        }
        return check(InputPath(display: programPath, treePath: programPath), imagePath: programPath, in: tree, image: facts)
    }

    /// A report for a start that fails before any file is read: the runtime's verdict and the
    /// image rules.
    func runtimeReport(path: String, facts: ImageStartFacts) -> FileReport {
        // The path as the runtime would have used it: absolute as given, relative against the
        // working directory, a bare name as it is.
        let cwd = facts.start?.workingDir ?? "/"
        let place = path.hasPrefix("/") ? TreeResolver.normalize(path) : path.contains("/") ? TreeResolver.normalize(cwd + "/" + path) : path
        var report = FileReport(path: path, imagePath: place)
        let verdict = StartPredictor.runtimeFailure(facts) ?? StartVerdict(ok: false, stage: .runtime, errno: nil, message: nil, reason: "", cause: .noCommand)
        report.start = verdict
        let ctx = RuleContext(path: path, imagePath: report.imagePath, facts: FileFacts(), elf: nil, verdict: verdict,
                              target: target, platform: platform, error: nil, loader: nil, image: facts)
        for rule in enabledRules where Analyzer.imageRuleIDs.contains(rule.info.id) {
            report.findings += rule.check(ctx)
        }
        finish(&report)
        return report
    }

    /// The rules that speak of the image's start rather than of a file's bytes.
    static let imageRuleIDs: Set<String> = ["SE111", "SE112", "SE114"]
}

extension Analyzer {
    /// An opened image as a target: its tree, its C library and loader paths, its Env for the
    /// checks (LD_LIBRARY_PATH, SSL_CERT_*, ZONEINFO, PATH), on the config's platform (one
    /// this project cannot name falls back to `requested`, else the host's); and how the
    /// runtime starts it (`isEntrypoint`: the image's own command is the file checked).
    public static func imageTarget(_ image: OpenedImage, requested: Platform?, isEntrypoint: Bool) -> (target: TargetRoot, start: ImageStartFacts) {
        let platform = image.platform.targetPlatform ?? requested ?? .host
        var target = RootInspector.target(tree: image.tree, name: image.displayName, platform: platform)
        let facts: ImageStartFacts
        do {
            let start = try ContainerStart(config: image.config.config, tree: image.tree)
            facts = ImageStartFacts(start: start, isEntrypoint: isEntrypoint)
            target.environment = start.environment
        } catch {
            facts = ImageStartFacts(start: nil, startError: error.message, isEntrypoint: isEntrypoint)
        }
        return (target, facts)
    }
}
