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

/// The options of `check`, whichever parser produced them.
struct CheckOptions {
    var target = "scratch"
    var platform: String?
    var format = OutputFormat.text
    var failOn = FailOn.error
    var disable: [String] = []
    var enable: [String] = []
    var paths: [String] = []

    /// Parses exactly `[check] (--target|--platform|--format|--fail-on|--disable|--enable)
    /// VALUE (or --opt=VALUE) ... PATH...`; nil for anything else (help, other commands,
    /// unknown options, a missing value, `--`), which swift-argument-parser then handles.
    static func parseFast(_ args: [String]) -> CheckOptions? {
        var o = CheckOptions()
        var rest = args[...]
        if rest.first == "check" {
            rest = rest.dropFirst()
        } else if let first = rest.first, StaticCheckELF.configuration.subcommands.contains(where: { $0._commandName == first }) || first == "help" {
            return nil
        }
        while let a = rest.first {
            rest = rest.dropFirst()
            guard a.hasPrefix("-") else { o.paths.append(a); continue }
            var name = Substring(a)
            var value: String?
            if let eq = a.firstIndex(of: "=") {
                name = a[..<eq]
                value = String(a[a.index(after: eq)...])
            } else if let next = rest.first, !next.hasPrefix("-") {
                value = next
                rest = rest.dropFirst()
            }
            guard let value else { return nil }
            switch name {
            case "--target": o.target = value
            case "--platform": o.platform = value
            case "--format":
                guard let f = OutputFormat(rawValue: value) else { return nil }
                o.format = f
            case "--fail-on":
                guard let f = FailOn(rawValue: value) else { return nil }
                o.failOn = f
            case "--disable": o.disable.append(value)
            case "--enable": o.enable.append(value)
            default: return nil
            }
        }
        return o
    }

    /// What is wrong with these options (a usage error), or nil.
    var problem: String? {
        if paths.isEmpty { return "give at least one file or directory to check, e.g. `staticcheck-elf ./main`" }
        if let platform, Platform(parsing: platform) == nil {
            return "unknown platform \(platform); use linux/ARCH with ARCH one of amd64, 386, arm64, arm, riscv64, s390x, ppc64, ppc64le, mips, mipsle, mips64, mips64le, loong64"
        }
        if !TargetProfile.names.contains(target) {
            return "unknown target \(target); choose one of \(TargetProfile.names.joined(separator: ", "))"
        }
        for id in (disable + enable).flatMap({ $0.split(separator: ",") }) where RuleRegistry.info(id.trimmingCharacters) == nil {
            return "unknown rule \(id.trimmingCharacters); `staticcheck-elf list-rules` shows them"
        }
        return nil
    }

    static func ruleIDs(_ values: [String]) -> Set<String> {
        Set(values.flatMap { $0.split(separator: ",") }.compactMap { RuleRegistry.info($0.trimmingCharacters)?.id })
    }

    /// Checks every path, prints the report, and returns the exit status.
    func run() -> Int32 {
        let plat = platform.flatMap(Platform.init(parsing:)) ?? Platform.host
        guard let profile = TargetProfile.named(target, platform: plat) else { return 64 }
        var rules = RuleRegistry.all
        if !disable.isEmpty {
            let off = CheckOptions.ruleIDs(disable).subtracting(CheckOptions.ruleIDs(enable))
            rules = rules.filter { !off.contains($0.info.id) }
        }
        let analyzer = Analyzer(target: profile, platform: plat, enabledRules: rules)
        let reports = InputWalker.reports(for: paths) { analyzer.check(path: $0) }
        let doc = RunDocument(toolVersion: toolVersion, targetName: profile.name, platform: plat.description, reports: reports)
        switch format {
        case .text: emit(TextRenderer(color: useColor()).render(doc))
        case .json:
            JSONRenderer.write(doc) { emit(bytes: $0) }
            fflush(stdout)
        case .sarif: emit(SARIFRenderer.render(doc, rules: RuleRegistry.infos))
        case .github: emit(GitHubRenderer.render(doc))
        }
        if format != .text {
            for r in reports { if let e = r.error { warn("staticcheck-elf: \(e)") } }
        }
        return exitStatus(reports)
    }

    func exitStatus(_ reports: [FileReport]) -> Int32 {
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
