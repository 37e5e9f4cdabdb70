import ELFKit
import GoBinary
import Targets

/// The result for one input path.
public struct FileReport: Sendable {
    public var path: String
    public var start: StartVerdict?
    public var facts: FileFacts?
    public var findings: [Finding] = []
    /// Why the file could not be read or parsed (with the byte offset for format errors).
    public var error: String?
    public var errorOffset: UInt64?

    public init(path: String) { self.path = path }
}

/// Checks files against a target: facts, then the start verdict, then every enabled rule.
public struct Analyzer {
    public var target: TargetRoot
    public var platform: Platform
    public var enabledRules: [any Rule.Type]

    public init(target: TargetRoot, platform: Platform, enabledRules: [any Rule.Type] = RuleRegistry.all) {
        self.target = target
        self.platform = platform
        self.enabledRules = enabledRules
    }

    /// Reads the file at `path` and checks it. Never throws: unreadable inputs get `error`.
    public func check(path: String) -> FileReport {
        var report = FileReport(path: path)
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch let e as InputError {
            report.error = e.description
            return report
        } catch {
            report.error = "\(path): \(error)"
            return report
        }
        return check(file.view, mode: file.mode & 0o7777, path: path)
    }

    /// Checks bytes already in memory (tests, mutation runs).
    public func check(_ view: ByteView, mode: UInt32, path: String) -> FileReport {
        var report = FileReport(path: path)
        let r = FactCollector.collect(view, mode: mode)
        report.facts = r.facts
        if let e = r.error {
            report.error = e.description
            report.errorOffset = e.offset
        }
        let verdict = StartPredictor.predict(path: path, facts: r.facts, elf: r.elf, view: view, target: target, platform: platform)
        report.start = verdict
        let ctx = RuleContext(path: path, facts: r.facts, elf: r.elf, verdict: verdict, target: target, platform: platform, error: r.error)
        for rule in enabledRules {
            report.findings += rule.check(ctx)
        }
        report.findings.sort { $0.severity != $1.severity ? $0.severity > $1.severity : $0.rule < $1.rule }
        return report
    }

    /// Facts alone, for `inspect`.
    public static func inspect(path: String) -> FileReport {
        var report = FileReport(path: path)
        do {
            let file = try MappedFile(path: path)
            let r = FactCollector.collect(file)
            report.facts = r.facts
            if let e = r.error {
                report.error = e.description
                report.errorOffset = e.offset
            }
        } catch {
            report.error = "\(error)"
        }
        return report
    }
}
