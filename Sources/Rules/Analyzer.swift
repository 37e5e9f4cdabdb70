import ELFKit
import FileTree
import GoBinary
import Image
import Loader
import Targets

/// The result for one input path.
public struct FileReport: Sendable {
    public var path: String
    /// Where the file is (or will be) in the target: `/app/main`.
    public var imagePath: String
    public var start: StartVerdict?
    public var facts: FileFacts?
    public var findings: [Finding] = []
    /// Why the file could not be read or parsed (with the byte offset for format errors).
    public var error: String?
    public var errorOffset: UInt64?
    /// Damage in parts neither the kernel nor the loader reads (section headers, notes, Go's
    /// tables): reported (SE106 as a warning, `inspect`), not a read error.
    public var damage: [FormatError] = []
    /// What ld.so does with the file in the target, when it runs.
    public var load: LoadResult?
    /// The built-in targets the file would start on, smallest first (nil: not asked).
    public var startsOn: [String]?
    /// Where the facts behind the verdict came from in an image's layers ("/usr/lib/…/libc.so.6
    /// was removed by layer 2 (whiteout …)"); empty for other targets.
    public var provenance: [String] = []
    /// Findings an inline ignore silenced, each with its reason (JSON `suppressed`, SARIF
    /// `suppressions`); they do not count for the exit status.
    public var suppressed: [SuppressedFinding] = []

    public init(path: String, imagePath: String? = nil) {
        self.path = path
        self.imagePath = imagePath ?? TargetResolver.derivedImagePath(path)
    }
}

/// A finding an ignore silenced: the finding, the reason given, and where the ignore is.
public struct SuppressedFinding: Sendable, Hashable {
    public var finding: Finding
    public var reason: String
    /// `Dockerfile:5`.
    public var by: String

    public init(finding: Finding, reason: String, by: String) {
        self.finding = finding
        self.reason = reason
        self.by = by
    }
}

/// Checks files against a target: facts, then the start verdict, then every enabled rule.
public struct Analyzer {
    public var target: TargetRoot
    public var platform: Platform
    public var enabledRules: [any Rule.Type]
    /// Severities a run sets in place of rules' defaults, by rule ID.
    public var severities: [String: Severity]
    /// ld.so's search in this target.
    public var loader: DynamicLoader
    /// Other targets to try the file on (the built-in profiles, smallest first), each with its
    /// loader: `startsOn` names those where it would start.
    public var alternatives: [(target: TargetRoot, loader: DynamicLoader)] = []

    public init(target: TargetRoot, platform: Platform, enabledRules: [any Rule.Type] = RuleRegistry.all,
                severities: [String: Severity] = [:]) {
        self.target = target
        self.platform = platform
        self.enabledRules = enabledRules
        self.severities = severities
        self.loader = DynamicLoader(target: target, platform: platform)
    }

    /// Reads `input` from `tree` and checks it as the file at `imagePath` in the target. Never
    /// throws: an unreadable input gets `error`.
    /// `image`: what the container runtime does first, when the target is an image.
    public func check(_ input: InputPath, imagePath: String, in tree: some FileTree, image: ImageStartFacts? = nil) -> FileReport {
        let bytes: FileBytes
        do {
            bytes = try tree.contents(input.treePath)
        } catch {
            var report = FileReport(path: input.display, imagePath: imagePath)
            report.error = error.message(for: input.display)
            if let image, let failure = StartPredictor.runtimeFailure(image) { report.start = failure }
            return report
        }
        return check(bytes.view, mode: bytes.mode, path: input.display, imagePath: imagePath, image: image)
    }

    /// Checks a host path, placed in the target where nothing else says (`derivedImagePath`).
    public func check(path: String) -> FileReport {
        check(InputPath(path), imagePath: TargetResolver.derivedImagePath(path), in: HostTree.host)
    }

    /// Checks bytes already in memory (tests, mutation runs).
    public func check(_ view: ByteView, mode: UInt32, path: String, imagePath: String? = nil, image: ImageStartFacts? = nil) -> FileReport {
        var report = FileReport(path: path, imagePath: imagePath)
        let r = FactCollector.collect(view, mode: mode)
        report.facts = r.facts
        if let e = r.error {
            report.error = e.description
            report.errorOffset = e.offset
        }
        report.damage = r.damage
        let load = loadStage(r, imagePath: report.imagePath)
        var verdict = StartPredictor.predict(imagePath: report.imagePath, facts: r.facts, elf: r.elf, view: view, target: target, platform: platform,
                                             load: load)
        // In an image the runtime's own checks come first; a shell that starts can still fail
        // to find its command.
        if let image {
            if let failure = StartPredictor.runtimeFailure(image) {
                verdict = failure
            } else if verdict.ok, let failure = StartPredictor.shellCommandFailure(image) {
                verdict = failure
            }
        }
        report.start = verdict
        report.load = load
        // Other bases fix what the file needs of a base, not what the image's config asks
        // (a USER, a shell for a shell-form command): no list then.
        if !alternatives.isEmpty, verdict.stage != .runtime, r.facts.format == .elf || r.facts.format == .script {
            report.startsOn = alternatives.compactMap { alt in
                let l = loadStage(r, imagePath: report.imagePath, in: alt.target, loader: alt.loader)
                let v = StartPredictor.predict(imagePath: report.imagePath, facts: r.facts, elf: r.elf, view: view, target: alt.target,
                                               platform: platform, load: l)
                return v.ok ? alt.target.name : nil
            }
        }
        let ctx = RuleContext(path: path, imagePath: report.imagePath, facts: r.facts, elf: r.elf, verdict: verdict,
                              target: target, platform: platform, error: r.error, loader: load, image: image, damage: r.damage)
        for rule in enabledRules {
            report.findings += rule.check(ctx)
        }
        // The kernel refuses a file of another machine before it opens the interpreter: what
        // the loader would then miss is not a second problem to fix (an x32 or arm64 program
        // gets SE103, not SE101 "no such file" beside it).
        if case .wrongArchitecture? = verdict.cause {
            report.findings.removeAll { Analyzer.loaderRuleIDs.contains($0.rule) }
        }
        finish(&report)
        return report
    }

    /// The rules that speak of what ld.so does.
    static let loaderRuleIDs: Set<String> = ["SE101", "SE102", "SE107", "SE108", "SE110"]

    /// The run's severities in place of the rules' defaults, then the findings in order.
    func finish(_ report: inout FileReport) {
        if !severities.isEmpty {
            for i in report.findings.indices {
                if let s = severities[report.findings[i].rule] { report.findings[i].severity = s }
            }
        }
        report.findings.sort { $0.severity != $1.severity ? $0.severity > $1.severity : $0.rule < $1.rule }
    }

    /// What ld.so does with the file, when it is an ELF program whose interpreter the target
    /// has: the loader runs only then.
    func loadStage(_ r: FactsResult, imagePath: String) -> LoadResult? {
        loadStage(r, imagePath: imagePath, in: target, loader: loader)
    }

    func loadStage(_ r: FactsResult, imagePath: String, in target: TargetRoot, loader: DynamicLoader) -> LoadResult? {
        guard let elf = r.elf, let interp = r.facts.elf?.interpreter, target.fileExists(interp) else { return nil }
        return loader.load(program: elf, imagePath: imagePath, interpreter: interp, flavor: LoaderFlavor(interpreter: interp) ?? .glibc)
    }

    /// Tries every file on the built-in profiles too, smallest first.
    public mutating func compareWithProfiles() {
        alternatives = TargetProfile.bySize(platform: platform).map { p in
            let t = TargetRoot(profile: p)
            return (t, DynamicLoader(target: t, platform: platform))
        }
    }

    /// Facts alone, for `inspect`.
    public static func inspect(_ input: InputPath, in tree: some FileTree) -> FileReport {
        var report = FileReport(path: input.display)
        do {
            let bytes = try tree.contents(input.treePath)
            let r = FactCollector.collect(bytes.view, mode: bytes.mode)
            report.facts = r.facts
            report.damage = r.damage
            if let e = r.error {
                report.error = e.description
                report.errorOffset = e.offset
            }
        } catch {
            report.error = error.message(for: input.display)
        }
        return report
    }

    /// Facts and what the loader maps in this target, without a verdict (`inspect --root`).
    public func inspect(_ input: InputPath, imagePath: String, in tree: some FileTree) -> FileReport {
        var report = FileReport(path: input.display, imagePath: imagePath)
        do {
            let bytes = try tree.contents(input.treePath)
            let r = FactCollector.collect(bytes.view, mode: bytes.mode)
            report.facts = r.facts
            report.damage = r.damage
            report.load = loadStage(r, imagePath: imagePath)
            if let e = r.error {
                report.error = e.description
                report.errorOffset = e.offset
            }
        } catch {
            report.error = error.message(for: input.display)
        }
        return report
    }

    /// Facts of a host path.
    public static func inspect(path: String) -> FileReport {
        inspect(InputPath(path), in: HostTree.host)
    }
}
