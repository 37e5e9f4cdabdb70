import ArgumentParser
import CrossCheck
import ELFKit
import Render
import Rules
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let toolVersion = "0.1.0"

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, info, never
}

struct StaticCheckELF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staticcheck-elf",
        abstract: "Will this binary start in a FROM scratch container, what will it need, and what to change.",
        discussion: "Reads ELF executables (Go binaries first) without running them. Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 an input could not be read or parsed, 64 usage error.",
        version: toolVersion,
        subcommands: [Check.self, Inspect.self, Explain.self, ListRules.self],
        defaultSubcommand: Check.self)
}

/// Writes to standard output in one call.
func emit(_ s: String) {
    fputs(s, stdout)
    fflush(stdout)
}

/// Writes raw output bytes (the streamed JSON document).
func emit(bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    fwrite(base, 1, bytes.count, stdout)
}

func warn(_ s: String) {
    fputs(s.hasSuffix("\n") ? s : s + "\n", stderr)
}

/// Colour on a terminal, never when NO_COLOR is set (no-color.org) or TERM is dumb.
func useColor() -> Bool {
    if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
    if let t = getenv("TERM"), String(cString: t) == "dumb" { return false }
    return isatty(STDOUT_FILENO) != 0
}

extension Substring {
    var trimmingCharacters: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check files (default): the start verdict, the findings, the fixes.")

    @Option(help: "The image the files will run in: \(TargetProfile.names.joined(separator: ", ")).")
    var target: String = "scratch"

    @Option(help: "The platform the image runs on (default: the host's), e.g. linux/amd64, linux/arm64.")
    var platform: String?

    @Option(help: "Output format: text, json, sarif, github.")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit code 1: error, warning, info, never.")
    var failOn: FailOn = .error

    @Option(parsing: .singleValue, help: "Rules to turn off (RULE[,RULE]).")
    var disable: [String] = []

    @Option(parsing: .singleValue, help: "Rules to turn on again after --disable (RULE[,RULE]).")
    var enable: [String] = []

    @Argument(help: "Files or directories (directories are walked).")
    var paths: [String] = []

    var options: CheckOptions {
        CheckOptions(target: target, platform: platform, format: format, failOn: failOn, disable: disable, enable: enable, paths: paths)
    }

    func validate() throws {
        if let problem = options.problem { throw ValidationError(problem) }
    }

    func run() throws {
        throw ExitCode(options.run())
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the facts of files, no verdict.")

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .customLong("cross-check"), help: "Also compare the ELF reader with libelf (needs libelf.so.1 installed).")
    var crossCheck = false

    @Argument(help: "Files or directories.")
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or directory to inspect") }
        if format == .sarif || format == .github { throw ValidationError("inspect prints text or json") }
    }

    func run() throws {
        if crossCheck, case .failure(let e) = LibelfCrossCheck.load() {
            warn("staticcheck-elf: --cross-check: \(e)")
            throw ExitCode(2)
        }
        var crossFailed = false
        var crossText = ""
        let reports = InputWalker.reports(for: paths) { p in
            let report = Analyzer.inspect(path: p)
            guard crossCheck, report.facts?.format == .elf else { return report }
            do {
                let r = try LibelfCrossCheck.compare(path: p)
                let what = r.compared.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
                if r.agrees {
                    crossText += "\(p): libelf agrees (\(what))\n"
                } else {
                    crossFailed = true
                    crossText += "\(p): libelf DISAGREES on \(r.mismatches.count) item(s):\n" + r.mismatches.map { "  \($0)\n" }.joined()
                }
            } catch {
                crossFailed = true
                crossText += "\(p): cross-check failed: \(error)\n"
            }
            return report
        }
        let doc = RunDocument(toolVersion: toolVersion, targetName: "", platform: "", reports: reports)
        switch format {
        case .json:
            JSONRenderer.write(doc, includeVerdict: false) { emit(bytes: $0) }
            fflush(stdout)
        default: emit(TextRenderer(color: useColor()).renderFacts(reports))
        }
        if !crossText.isEmpty { (format == .json ? warn : emit)(crossText) }
        if reports.contains(where: { $0.error != nil }) { throw ExitCode(2) }
        if crossFailed { throw ExitCode(1) }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule (like `staticcheck -explain`).")

    @Argument(help: "A rule ID (SE101) or name (missing-interpreter).")
    var rule: String

    func run() throws {
        guard let info = RuleRegistry.info(rule) else {
            throw ValidationError("unknown rule \(rule); `staticcheck-elf list-rules` shows them")
        }
        emit(TextRenderer(color: useColor()).explain(info))
    }
}

struct ListRules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-rules", abstract: "List every rule.")

    enum ListFormat: String, ExpressibleByArgument { case text, markdown }

    @Option(help: "text, or markdown (the README's rule table).")
    var format: ListFormat = .text

    func run() throws {
        let r = TextRenderer(color: false)
        emit(format == .markdown ? r.markdownRuleTable(RuleRegistry.infos) : r.listRules(RuleRegistry.infos))
    }
}

// The common invocation (`staticcheck-elf [check] [--opt value]... PATH...`) is parsed by
// hand: swift-argument-parser costs about a millisecond per process, more than reading a
// binary. Anything else — help, version, other commands, an unknown or malformed option,
// invalid values — goes to swift-argument-parser, which prints the usage error (exit 64).
if let options = CheckOptions.parseFast(Array(CommandLine.arguments.dropFirst())), options.problem == nil {
    exit(options.run())
}
StaticCheckELF.main()
