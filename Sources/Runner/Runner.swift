import CrossCheck
import ELFKit
import FileTree
import Render
import Rules
import Targets

/// Where a run writes: its output (stdout) in pieces, and diagnostics (stderr) line by line.
public struct RunOutput {
    public var write: (UnsafeRawBufferPointer) -> Void
    public var warn: (String) -> Void

    public init(write: @escaping (UnsafeRawBufferPointer) -> Void, warn: @escaping (String) -> Void) {
        self.write = write
        self.warn = warn
    }

    public func write(_ s: String) {
        var s = s
        s.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }
}

/// The version every document names.
public let toolVersion = "0.1.0"

/// A run outside the executable: configuration in, document and exit status out.
public enum Runner {
    /// Checks every path of `config` against its target; the document in input order.
    public static func check(_ config: RunConfiguration) throws(TargetResolver.Failure) -> RunDocument {
        if case .image(let reference) = config.target { return try ImageRun.check(config, reference: reference) }
        if case .dockerfile(let file) = config.target { return try DockerfileRun.check(config, file: file) }
        let target = try TargetResolver.resolve(config.target, platform: config.requestedPlatform)
        let platform = target.platform
        var analyzer = Analyzer(target: target, platform: platform, enabledRules: config.enabledRules,
                                severities: config.severitiesByID)
        analyzer.compareWithProfiles()
        // The inputs first (walks in name order), each with the tree it is read from...
        var jobs: [(work: Work, tree: HostTree, walk: Int)] = []
        var walks: [(paths: [InputPath], skips: InputWalker.Skips)] = []
        for path in config.paths {
            // A path inside a root target is that file of the root, at its own place; any
            // other is a host file, placed where --at says or where its path suggests.
            let input: InputPath, tree: HostTree, place: (InputPath) -> String
            if let rooted = target.tree as? HostTree, let inside = rooted.treePath(ofHostPath: path) {
                (input, tree, place) = (InputPath(display: path, treePath: inside), rooted, \.treePath)
            } else {
                (input, tree, place) = (InputPath(path), HostTree.host, { config.at ?? TargetResolver.derivedImagePath($0.display) })
            }
            let (works, skips) = Self.work(for: [input], in: tree, imagePath: place, deferringELFTest: true)
            jobs += works.map { ($0, tree, walks.count) }
            walks.append(([input], skips))
        }
        // ...then checked on every core, each report in its input's place. A walk's
        // non-executable file is opened once, by its checker: not ELF, it is skipped (nil).
        let checker = analyzer
        let results = ParallelMap.map(jobs, workers: config.workers ?? ParallelMap.cores) { job -> FileReport? in
            switch job.work {
            case .check(let input, let place): return checker.check(input, imagePath: place, in: job.tree)
            case .candidate(let input, let place):
                guard let bytes = try? job.tree.contents(input.treePath, ifStartsWith: ELFFile.magic) else { return nil }
                return checker.check(bytes.view, mode: bytes.mode, path: input.display, imagePath: place)
            case .done(let r): return r
            }
        }
        for (job, r) in zip(jobs, results) where r == nil { walks[job.walk].skips.notProgram += 1 }
        let reports = results.compactMap { $0 }
        let notes = walks.compactMap { Self.skipNote($0.paths, $0.skips) }
        var doc = RunDocument(toolVersion: toolVersion, targetName: target.name, platform: platform.description,
                              targetRoot: target.hostRoot.map { $0.isEmpty ? "/" : $0 }, reports: reports)
        doc.walkNotes = notes
        if doc.targetRoot != nil { doc.targetLibc = target.libc }
        return doc
    }

    /// Checks, writes the document in the configured format, and returns the exit status.
    public static func run(_ config: RunConfiguration, to out: RunOutput) -> Int32 {
        // `-o FILE`: opened first, so a path that cannot be written ends the run before any work.
        var out = out
        var file: OutputFile?
        if let path = config.output {
            switch OutputFile.create(path) {
            case .success(let f): file = f
            case .failure(let e):
                out.warn("staticcheck-elf: -o \(path): \(e.message)")
                return 2
            }
            let warn = out.warn
            out = RunOutput(write: { bytes in file?.write(bytes) }, warn: warn)
        }
        defer { file?.close() }
        var doc: RunDocument
        do {
            doc = try check(config)
        } catch {
            out.warn("staticcheck-elf: \(error)")
            // An unknown profile is a usage error; a root that cannot be read is an input error.
            if case .unknownProfile = error { return 64 }
            return 2
        }
        for g in ConfigIgnores.apply(config.ignores, to: &doc, config: config) {
            out.warn("staticcheck-elf: \(g.source): ignore of \(g.rule) matched nothing in this run\(g.paths.isEmpty ? "" : " (paths \(g.paths.joined(separator: ", ")))")")
        }
        if config.verbose, let used = config.configUsed { out.warn("staticcheck-elf: using config \(used)") }
        if config.verbose { for n in doc.walkNotes { out.warn("staticcheck-elf: \(n)") } }
        for n in doc.notices { out.warn("staticcheck-elf: \(n)") }
        if config.diff {
            out.write(doc.dockerfileDiff ?? "")
        } else {
            // --quiet: the --fail-on severity decides which files fail (never: none by findings).
            let quiet = config.quiet ? TextRenderer.QuietThreshold(severity: Severity(rawValue: config.failOn.rawValue)) : nil
            render(doc, format: config.format, color: config.color && file == nil, to: out,
                   sarif: config.format == .sarif ? SARIFPlace.context(config, doc) : nil, quiet: quiet)
        }
        file?.close()
        if let f = file, let problem = f.problem {
            out.warn("staticcheck-elf: -o \(config.output ?? ""): \(problem)")
            return 2
        }
        if config.format != .text {
            for r in doc.reports { if let e = r.error { out.warn("staticcheck-elf: \(e)") } }
        }
        return ExitPolicy(failOn: config.failOn).status(doc.reports)
    }

    /// Writes `doc` as text, JSON, SARIF or GitHub annotations.
    public static func render(_ doc: RunDocument, format: OutputFormat, color: Bool, to out: RunOutput, sarif: SARIFContext? = nil,
                              quiet: TextRenderer.QuietThreshold? = nil) {
        switch format {
        case .text: out.write(TextRenderer(color: color, quiet: quiet).render(doc))
        case .json: JSONRenderer.write(doc, to: out.write)
        case .sarif: out.write(SARIFRenderer.render(doc, rules: RuleRegistry.infos, context: sarif))
        case .github: out.write(GitHubRenderer.render(doc))
        }
    }

    /// The facts of every path (and, when asked, libelf's agreement); the exit status: 2 when
    /// an input could not be read, 1 when libelf disagrees, else 0.
    public static func inspect(_ config: InspectConfiguration, to out: RunOutput) -> Int32 {
        if config.crossCheck, case .failure(let e) = LibelfCrossCheck.load() {
            out.warn("staticcheck-elf: --cross-check: \(e)")
            return 2
        }
        var crossFailed = false
        var crossText = ""
        var analyzer: Analyzer?
        if let root = config.root {
            do {
                let t = try TargetResolver.resolve(.root(root), platform: nil)
                analyzer = Analyzer(target: t, platform: t.platform, enabledRules: [])
            } catch {
                out.warn("staticcheck-elf: \(error)")
                return 2
            }
        }
        /// libelf's reading of a host file beside ours.
        func crossCheck(_ report: FileReport, hostPath: String) {
            guard config.crossCheck, report.facts?.format == .elf else { return }
            let p = report.path
            do {
                let r = try LibelfCrossCheck.compare(path: hostPath)
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
        }
        var reports: [FileReport] = []
        for path in config.paths {
            if let a = analyzer, let rooted = a.target.tree as? HostTree, let inside = rooted.treePath(ofHostPath: path) {
                // A file of the root: read inside it, at its own place there.
                reports += Self.reports(for: [InputPath(display: path, treePath: inside)], in: rooted, imagePath: \.treePath) { input, place in
                    let report = a.inspect(input, imagePath: place, in: rooted)
                    if let host = rooted.root { crossCheck(report, hostPath: host + TreeResolver.normalize(input.treePath)) }
                    return report
                }
            } else {
                let host = HostTree.host
                reports += Self.reports(for: [InputPath(path)], in: host, imagePath: { TargetResolver.derivedImagePath($0.display) }) { input, place in
                    let report = analyzer?.inspect(input, imagePath: place, in: host) ?? Analyzer.inspect(input, in: host)
                    crossCheck(report, hostPath: input.treePath)
                    return report
                }
            }
        }
        let doc = RunDocument(toolVersion: toolVersion, targetName: "", platform: "", reports: reports)
        switch config.format {
        case .json: JSONRenderer.write(doc, includeVerdict: false, to: out.write)
        default: out.write(TextRenderer(color: config.color).renderFacts(reports))
        }
        if !crossText.isEmpty {
            if config.format == .json { out.warn(crossText) } else { out.write(crossText) }
        }
        if reports.contains(where: { $0.error != nil }) { return 2 }
        return crossFailed ? 1 : 0
    }

    /// One report per input: `body` for each file found, an error report for each path that
    /// cannot be read (so the other files are still checked, and the run exits 2).
    static func reports(for paths: [InputPath], in tree: some FileTree, imagePath: (InputPath) -> String,
                        notes: UnsafeMutablePointer<[String]>? = nil,
                        _ body: (InputPath, String) -> FileReport) -> [FileReport] {
        work(for: paths, in: tree, imagePath: imagePath, notes: notes).map { w in
            switch w {
            case .check(let p, let place), .candidate(let p, let place): return body(p, place)
            case .done(let r): return r
            }
        }
    }

    /// What checking a walk's inputs takes: a file to check at its place, a file to check if
    /// it is ELF (`InputWalker.Item.candidate`), or a report already made (a path that cannot
    /// be read).
    enum Work: Sendable {
        case check(InputPath, String)
        case candidate(InputPath, String)
        case done(FileReport)
    }

    /// The inputs of `paths` in walk order, with what the walk skipped added to `notes`.
    static func work(for paths: [InputPath], in tree: some FileTree, imagePath: (InputPath) -> String,
                     notes: UnsafeMutablePointer<[String]>?) -> [Work] {
        let (works, skips) = work(for: paths, in: tree, imagePath: imagePath, deferringELFTest: false)
        if let notes, let note = skipNote(paths, skips) { notes.pointee.append(note) }
        return works
    }

    /// The inputs of `paths` in walk order and what the walk skipped; with `deferringELFTest`,
    /// `.candidate` works that the checker tests (and counts as skipped when not ELF).
    static func work(for paths: [InputPath], in tree: some FileTree, imagePath: (InputPath) -> String,
                     deferringELFTest: Bool) -> (works: [Work], skips: InputWalker.Skips) {
        var skips = InputWalker.Skips()
        let items = InputWalker.expand(paths, in: tree, skips: &skips, deferringELFTest: deferringELFTest)
        let works = items.map { item -> Work in
            switch item {
            case .file(let p):
                return .check(p, imagePath(p))
            case .candidate(let p):
                return .candidate(p, imagePath(p))
            case .unreadable(let p, let why):
                var r = FileReport(path: p.display, imagePath: imagePath(p))
                r.error = why
                return .done(r)
            }
        }
        return (works, skips)
    }

    /// What `-v` says a walk skipped, if anything.
    static func skipNote(_ paths: [InputPath], _ skips: InputWalker.Skips) -> String? {
        guard skips.total > 0 else { return nil }
        var why: [String] = []
        if skips.notProgram > 0 { why.append("\(skips.notProgram) neither ELF nor executable") }
        if skips.special > 0 { why.append("\(skips.special) not regular files (FIFOs, sockets, devices)") }
        if skips.linkedDirectories > 0 { why.append("\(skips.linkedDirectories) symbolic links to directories (not followed)") }
        let names = paths.map(\.display).joined(separator: " ")
        return "\(names): \(skips.total) file\(skips.total == 1 ? "" : "s") skipped: \(why.joined(separator: ", "))"
    }
}
