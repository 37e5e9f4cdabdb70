import Dockerfile
import ELFKit
import FileTree
import Image
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

/// A run against a Dockerfile (`--dockerfile FILE`): the stage built (the last, or `--stage`)
/// as a target made from its base image's facts and what its COPY/ADD/RUN lines add; each PATH
/// placed where the COPY that takes it puts it, checked as the runtime starts it; every finding
/// pointing at the Dockerfile line that fixes it.
enum DockerfileRun {
    /// The most a Dockerfile may hold (BuildKit reads any size; a Dockerfile larger than this
    /// is not a Dockerfile anyone writes by hand).
    static let maxDockerfileBytes = 4 << 20

    static func check(_ config: RunConfiguration, file: String) throws(TargetResolver.Failure) -> RunDocument {
        let name = file == "-" ? "Dockerfile" : file
        let text = try read(file)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        let parsed: Dockerfile
        let plan: BuildPlan
        do {
            parsed = try Dockerfile.parse(text, name: name)
            let asked = config.requestedPlatform
            var platform = asked.map(dockerfilePlatform) ?? dockerfilePlatform(.host)
            // The built stage's own FROM --platform, when it is a plain value, is the image's.
            if asked == nil, let target = try? parsed.resolve(buildArgs: config.buildArgs, target: config.stage, platform: platform),
               let p = target.target.platform.flatMap(DockerfilePlatform.parse) {
                platform = p
            }
            plan = try parsed.resolve(buildArgs: config.buildArgs, target: config.stage, platform: platform, baseConfig: BaseImages.config(for:))
        } catch {
            // As compilers write it: FILE:LINE:COLUMN: message.
            throw .dockerfile("", "\(error.file):\(error.line):\(error.column): \(error.message)")
        }
        let platform = Platform(architecture: plan.platform.architecture, variant: plan.platform.variant)
        let stage = plan.target
        let stageName = stage.name ?? "stage-\(stage.index)"

        // Where each PATH goes: the COPY that takes it, else the entrypoint of that name, else --at.
        var notes: [String] = []
        var jobs: [(input: InputPath, place: String, how: String)] = []
        var unreadable: [FileReport] = []
        let works = Runner.work(for: config.paths.map { InputPath($0) }, in: HostTree.host, imagePath: { _ in "" }, notes: &notes)
        for work in works {
            switch work {
            case .check(let input, _), .candidate(let input, _):
                if let at = config.at {
                    jobs.append((input, at, "--at"))
                } else if let p = place(of: input.display, plan: plan) {
                    jobs.append((input, p, ""))
                } else if works.count == 1, let p = entrypointPath(plan) {
                    // One binary, and no COPY names it: it is the one the stage runs.
                    jobs.append((input, p, "the entrypoint (no COPY or ADD names \(input.display.split(separator: "/").last.map(String.init) ?? input.display))"))
                } else {
                    jobs.append((input, TargetResolver.derivedImagePath(input.display), "its own path (no COPY or ADD names it; --at says where it goes)"))
                }
            case .done(let r):
                unreadable.append(r)
            }
        }
        var placements: [String: String] = [:]
        for j in jobs { placements[j.place] = j.input.treePath }
        var builder = StageBuilder(plan: plan, platform: platform, placements: placements)
        var files = builder.files(of: plan.targetIndex)
        for j in jobs {
            let (dest, host) = (j.place, j.input.treePath)
            let mode = (try? HostTree.host.stat(host).mode) ?? 0o755
            var node = files.nodes[dest] ?? StageFiles.Node(directory: false, mode: mode, content: .none, origin: j.how, line: 0)
            if !j.how.isEmpty && node.line > 0 { node.origin += ", placed there as \(j.how)" }
            node.content = .host(host)
            node.mode = mode
            node.directory = false
            files.nodes[dest] = node
        }
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        let targetName = "\(files.base) (\(fileName) stage \(stageName))"
        guard let tree = files.tree(name: targetName) else {
            throw .dockerfile(name, "the files of stage \(stageName) cannot be put together (a file and a directory at one path)")
        }

        // The C library: the base's, else one COPY'd from another stage with its loader.
        var libc: Libc?
        var search: [String] = []
        var libcFacts = files.facts
        if libcFacts?.libc == BaseImageFacts.LibC.none || libcFacts == nil {
            for (path, node) in files.nodes where path.contains("/ld-") {
                if let from = node.copiedFrom, let f = builder.files(of: from.stage).facts, f.libc != .none { libcFacts = f; break }
            }
        }
        if let f = libcFacts {
            switch f.libc {
            case .glibc: libc = Libc(.glibc, f.libcVersion)
            case .musl: libc = Libc(.musl, f.libcVersion)
            case .none: libc = nil
            }
            search = f.libraryDirectories(architecture: platform.architecture)
        }
        var target = TargetRoot(name: targetName, tree: tree, libc: libc, librarySearchPath: search)
        target.platform = platform

        // How the runtime starts the stage's image.
        let containerConfig = ContainerConfig(entrypoint: stage.entrypoint?.argv ?? [], cmd: stage.cmd?.argv ?? [],
                                              env: stage.env.map { "\($0.name)=\($0.value)" }, workingDir: stage.workdir,
                                              user: stage.user ?? "", shell: stage.shell ?? [])
        var facts: ImageStartFacts
        var entryPath: String?
        do {
            let start = try ContainerStart(config: containerConfig, tree: tree)
            target.environment = start.environment
            facts = ImageStartFacts(start: start, isEntrypoint: false)
            if case .found(_, let p) = start.program { entryPath = p }
            if let sh = start.shellForm, let word = sh.firstWord, !sh.firstWordIsBuiltin,
               case .found(_, let p) = ContainerStart.lookPath(word, path: start.environment["PATH"], cwd: start.workingDir,
                                                              user: start.user.resolved ?? ExecUser(uid: 0, gid: 0), in: tree) {
                entryPath = p
            }
        } catch {
            facts = ImageStartFacts(start: nil, startError: error.message, isEntrypoint: false)
        }

        var analyzer = Analyzer(target: target, platform: platform, enabledRules: config.enabledRules, severities: config.severitiesByID)
        analyzer.compareWithProfiles()
        var reports: [FileReport] = []
        var coveredEntrypoint = false
        for job in jobs {
            var r: FileReport
            if job.place == entryPath || job.place == entrypointPath(plan) {
                coveredEntrypoint = true
                var f = facts
                f.isEntrypoint = true
                if let start = f.start, start.shellForm != nil, case .found(_, let shellPath) = start.program,
                   let shell = files.nodes[shellPath], shell.content == .none {
                    // The base image's own shell starts (its bytes are not known here); then the
                    // command it runs first, which is this file.
                    f.shellCommand = .found(path: job.place, imagePath: job.place)
                    r = analyzer.check(InputPath(display: job.input.display, treePath: job.place), imagePath: job.place, in: tree, image: f)
                } else if StartPredictor.runtimeFailure(f) != nil {
                    // The runtime fails first (USER, the shell, the lookup); the file is still
                    // read, so that what it will need once started is said in the same pass.
                    r = analyzer.check(InputPath(display: job.input.display, treePath: job.place), imagePath: job.place, in: tree, image: f)
                } else {
                    r = analyzer.checkImageStart(f, in: tree)
                    r.path = job.input.display
                }
            } else {
                r = analyzer.check(InputPath(display: job.input.display, treePath: job.place), imagePath: job.place, in: tree, image: facts)
            }
            reports.append(r)
        }
        reports += unreadable
        if !coveredEntrypoint {
            // The stage's own command: the runtime's checks, and which file it is.
            var f = facts
            f.isEntrypoint = true
            if let p = entryPath, let node = files.nodes[p] {
                if case .host = node.content {
                    // Given, and checked above under its own name.
                } else if config.paths.isEmpty || StartPredictor.runtimeFailure(f) == nil {
                    var r = FileReport(path: p, imagePath: p)
                    let from = node.line > 0 ? "put there by \(node.origin) at line \(node.line)" : "from the base image"
                    if node.origin.hasPrefix("FROM ") {
                        r.start = StartVerdict.starts("the entrypoint \(p) is the base image's own program (\(node.origin), line \(node.line))")
                    } else {
                        r.start = .unknown("the entrypoint is \(p), \(from); give the binary to check it: staticcheck-elf --dockerfile \(name) \(config.paths.isEmpty ? "./" + (p.split(separator: "/").last.map(String.init) ?? "main") : "--at \(p) FILE")")
                    }
                    reports.append(r)
                }
            } else if StartPredictor.runtimeFailure(f) != nil {
                reports.append(analyzer.checkImageStart(f, in: tree))
            }
        }

        let locator = Locator(plan: plan, lines: lines, file: name, files: files, builder: builder)
        let instructions = parsed.globalArgs.map(\.location) + parsed.stages.flatMap { [$0.location] + $0.instructions.map(\.location) }
        var ignores = InlineIgnores(lines: lines, instructions: instructions, file: name)
        for i in reports.indices {
            if !files.baseKnown { unknownBase(&reports[i], files: files, name: name) }
            for k in reports[i].findings.indices { reports[i].findings[k].location = locator.locate(reports[i].findings[k], in: reports[i]) }
            ignores.apply(&reports[i])
            reports[i].provenance = provenance(reports[i], files: files)
        }

        var doc = RunDocument(toolVersion: toolVersion, targetName: targetName, platform: platform.description, targetRoot: "/", reports: reports)
        doc.walkNotes = notes
        doc.notices = ignores.report
        if config.diff { doc.dockerfileDiff = DockerfileDiff.make(file: name, lines: lines, findings: reports.flatMap(\.findings)) }
        doc.targetLibc = libc
        var seen: Set<String> = []
        doc.dockerfile = DockerfileSummary(file: name, stage: stageName, base: files.base, baseKnown: files.baseKnown, baseLine: files.baseLine,
                                           argv: stage.startArgv, user: stage.user ?? "", workingDir: stage.workdir,
                                           notes: files.notes.filter { seen.insert($0).inserted })
        return doc
    }

    static func read(_ file: String) throws(TargetResolver.Failure) -> String {
        var bytes: [UInt8] = []
        if file == "-" {
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buf.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes += buf[0..<n]
                if bytes.count > maxDockerfileBytes { throw .dockerfile("-", "larger than \(maxDockerfileBytes >> 20) MiB (the limit for a Dockerfile)") }
            }
        } else {
            do {
                let e = try HostTree.host.stat(file)
                guard e.kind == .regular else { throw TreeError.notRegular }
                guard e.size <= UInt64(maxDockerfileBytes) else {
                    throw TargetResolver.Failure.dockerfile(file, "larger than \(maxDockerfileBytes >> 20) MiB (the limit for a Dockerfile)")
                }
                bytes = try HostTree.host.contents(file).view.bytes
            } catch let e as TreeError {
                throw .dockerfile(file, e.reason)
            } catch let e as TargetResolver.Failure {
                throw e
            } catch {
                throw .dockerfile(file, "\(error)")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func dockerfilePlatform(_ p: Platform) -> DockerfilePlatform {
        DockerfilePlatform(architecture: p.architecture, variant: p.variant)
    }

    /// Where a host file lands: the last COPY/ADD into the built stage (or the stages it is
    /// FROM) whose source or destination has its name, else a `go build` output or the
    /// entrypoint of that name.
    static func place(of hostPath: String, plan: BuildPlan) -> String? {
        let name = hostPath.split(separator: "/").last.map(String.init) ?? hostPath
        func base(_ s: String) -> String {
            var t = Substring(s)
            while t.hasSuffix("/") { t = t.dropLast() }
            return t.split(separator: "/").last.map(String.init) ?? String(t)
        }
        for op in plan.copies(reaching: plan.targetIndex).reversed() {
            for src in op.sources where base(src) == name || (!op.destinationIsDirectory && base(op.destination) == name) {
                return TreeResolver.normalize(op.path(ofSource: src))
            }
        }
        for stage in plan.chain(of: plan.targetIndex) {
            for run in stage.runs.reversed() {
                for cmd in RunEffects.commands(run.text) {
                    guard let i = cmd.firstIndex(of: "go"), i + 1 < cmd.count, cmd[i + 1] == "build",
                          let out = RunEffects.goBuildOutput(Array(cmd[(i + 2)...]), workdir: stage.workdir), base(out) == name else { continue }
                    return out
                }
            }
        }
        let argv = plan.target.startArgv
        if let shell = plan.target.entrypoint?.shellForm ?? plan.target.cmd?.shellForm, shell, let last = argv.last,
           let word = last.split(separator: " ").first.map(String.init), base(word) == name {
            return TreeResolver.normalize(word.hasPrefix("/") ? word : plan.target.workdir + "/" + word)
        }
        if let first = argv.first, base(first) == name {
            return TreeResolver.normalize(first.hasPrefix("/") ? first : plan.target.workdir + "/" + first)
        }
        return nil
    }

    /// The program the stage's ENTRYPOINT/CMD runs (a shell form's first word), as a path.
    static func entrypointPath(_ plan: BuildPlan) -> String? {
        let t = plan.target
        let argv = t.startArgv
        let shell = (t.entrypoint ?? t.cmd)?.shellForm == true
        guard let word = shell ? argv.last.flatMap({ $0.split(separator: " ").first.map(String.init) }) : argv.first,
              word.contains("/") else { return nil }
        return TreeResolver.normalize(word.hasPrefix("/") ? word : t.workdir + "/" + word)
    }

    /// The rules that speak of the file alone, not of the target: kept when the base is unknown.
    static let intrinsicRules: Set<String> = ["SE103", "SE105", "SE106", "SE109", "SE113", "SE201", "SE400", "SE401", "SE402"]

    static func unknownBase(_ r: inout FileReport, files: StageFiles, name: String) {
        guard r.error == nil || r.facts != nil else { return }
        if let v = r.start, !v.ok, v.known, case .wrongArchitecture? = v.cause { return }
        r.start = .unknown("FROM \(files.base) (line \(files.baseLine)) is an image this tool does not know, and nothing is assumed about its files; check it for real: `docker save \(files.base) -o base.tar` then `staticcheck-elf --image docker-archive:base.tar --at \(r.imagePath) \(r.path)`, or unpack it and use --root DIR")
        r.findings.removeAll { !intrinsicRules.contains($0.rule) }
        r.load = nil
        r.startsOn = nil
    }

    static func provenance(_ r: FileReport, files: StageFiles) -> [String] {
        var out: [String] = []
        func note(_ path: String) {
            guard let n = files.nodes[TreeResolver.normalize(path)] else { return }
            let line = n.line > 0 ? "\(path) comes from \(n.origin) (line \(n.line))" : "\(path) is placed at \(n.origin)"
            if !out.contains(line) { out.append(line) }
        }
        if r.facts != nil { note(r.imagePath) }
        switch r.start?.cause {
        case .missingInterpreter(let interp)?:
            out.append("no instruction puts \(interp) in the stage, and FROM \(files.base) does not have it")
        case .missingLibrary(let lib)?:
            out.append("no instruction puts \(lib) in the stage, and FROM \(files.base) does not have it")
        case .userNotFound?:
            if files.nodes["/etc/passwd"] == nil { out.append("no instruction puts /etc/passwd in the stage, and FROM \(files.base) does not have it") } else { note("/etc/passwd") }
        default:
            break
        }
        return out
    }
}

/// The Dockerfile line that fixes a finding, and the line to write there.
struct Locator {
    let plan: BuildPlan
    let lines: [String]
    let file: String
    let files: StageFiles
    let builder: StageBuilder

    var stage: ResolvedStage { plan.target }

    /// The FROM line the final stage's files start from (through FROM <stage> chains).
    var rootStage: ResolvedStage { plan.chain(of: plan.targetIndex).last ?? stage }

    func text(_ line: Int) -> String { line >= 1 && line <= lines.count ? lines[line - 1] : "" }

    func locate(_ f: Finding, in r: FileReport) -> SourceLocation? {
        let node = files.nodes[r.imagePath]
        let copyLine = node.map(\.line).flatMap { $0 > 0 ? $0 : nil }
        switch f.rule {
        case "SE101", "SE102", "SE107", "SE108", "SE110":
            let from = rootStage
            // The base that works, distroless first (the smallest that holds a libc).
            let preference = ["distroless-static", "distroless-base", "distroless-cc", "debian-slim", "debian:bullseye-slim", "alpine", "busybox"]
            let starts = r.startsOn ?? []
            guard let better = preference.first(where: starts.contains) ?? starts.first else { return SourceLocation(file: file, line: from.location.startLine, endLine: from.location.endLine) }
            let ref = TargetProfile.aliases[better] ?? better
            let alias = from.name.map { " AS \($0)" } ?? ""
            return SourceLocation(file: file, line: from.location.startLine, endLine: from.location.endLine, edit: .replace, text: "FROM \(ref)\(alias)")
        case "SE200", "SE400", "SE401", "SE402", "SE103", "SE113":
            // CGO_ENABLED=0 only where the rule says a static build works (no cgo module).
            let rule = f.rule == "SE200" && f.command?.hasPrefix("CGO_ENABLED=0") != true ? "" : f.rule
            if let (line, edited) = buildLine(for: node, rule: rule) {
                return SourceLocation(file: file, line: line, edit: edited == nil ? nil : .replace, text: edited)
            }
            return copyLine.map { SourceLocation(file: file, line: $0) }
        case "SE300":
            return addCopy(["/etc/ssl/certs/ca-certificates.crt"], to: "/etc/ssl/certs/")
        case "SE301":
            return addCopy(["/usr/share/zoneinfo"], to: "/usr/share/zoneinfo")
        case "SE302":
            return addCopy(["/etc/passwd", "/etc/group"], to: "/etc/")
        case "SE303":
            return addCopy(["/tmp"], to: "/tmp")
        case "SE111":
            guard let at = stage.userLocation else { return nil }
            let user = stage.user ?? ""
            let name = String(user.split(separator: ":").first ?? "")
            // A stage that has the user: copy its passwd and group; else a numeric USER.
            if let source = stageHaving({ $0.users.contains { $0.name == name } }) {
                return SourceLocation(file: file, line: at.startLine, edit: .insertAfter,
                                      text: "COPY --from=\(source) /etc/passwd /etc/group /etc/")
            }
            return SourceLocation(file: file, line: at.startLine, endLine: at.endLine, edit: .replace, text: "USER 65532:65532")
        case "SE112", "SE114":
            guard let cmd = (stage.entrypoint?.location != nil ? stage.entrypoint : stage.cmd), let at = cmd.location else { return nil }
            if f.rule == "SE112", cmd.shellForm, let command = cmd.argv.last {
                let words = command.split(separator: " ").map(String.init)
                let plain = words.allSatisfy { w in !w.contains(where: { "$`'\"\\;&|<>*?()".contains($0) }) }
                if plain, !words.isEmpty {
                    let keyword = text(at.startLine).trimmingPrefixSpaces.uppercased().hasPrefix("ENTRYPOINT") ? "ENTRYPOINT" : "CMD"
                    let json = "[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
                    return SourceLocation(file: file, line: at.startLine, endLine: at.endLine, edit: .replace, text: "\(keyword) \(json)")
                }
            }
            return SourceLocation(file: file, line: at.startLine, endLine: at.endLine)
        default:
            return copyLine.map { SourceLocation(file: file, line: $0) }
        }
    }

    /// A stage (other than the built one) whose files satisfy `test`, by name: the binary's
    /// build stage first.
    func stageHaving(_ test: (StageFiles) -> Bool) -> String? {
        var b = builder
        var order = Array(plan.stages.indices.filter { $0 != plan.targetIndex })
        let chain = Set(plan.chain(of: plan.targetIndex).map(\.index))
        order.removeAll { chain.contains($0) }
        if let built = buildStageIndex { order.removeAll { $0 == built }; order.insert(built, at: 0) }
        for i in order where test(b.files(of: i)) { return plan.stages[i].name ?? String(i) }
        return nil
    }

    var buildStageIndex: Int? {
        for (_, n) in files.nodes where n.content != .none { if case .host = n.content, let from = n.copiedFrom { return from.stage } }
        return nil
    }

    /// `COPY --from=<stage that has it> SOURCES DEST`, after the built stage's last COPY/ADD
    /// (else its FROM line).
    func addCopy(_ sources: [String], to dest: String) -> SourceLocation {
        let after = stage.copies.last?.location.endLine ?? stage.location.endLine
        guard let source = stageHaving({ s in sources.allSatisfy(s.has) }) else { return SourceLocation(file: file, line: after) }
        return SourceLocation(file: file, line: after, edit: .insertAfter,
                              text: "COPY --from=\(source) \(sources.joined(separator: " ")) \(dest)")
    }

    /// The `RUN … go build` line that made the binary, and that line edited for the rule.
    func buildLine(for node: StageFiles.Node?, rule: String) -> (Int, String?)? {
        var stages: [ResolvedStage] = []
        var wanted: String?
        if let from = node?.copiedFrom {
            stages = plan.chain(of: from.stage)
            wanted = from.path
        } else if node?.origin == "RUN go build" {
            stages = plan.chain(of: plan.targetIndex)
        } else {
            return nil
        }
        // `ENV CGO_ENABLED=1` (or `ARG`) in the build stage: that line is the cause to edit.
        if rule == "SE200" {
            for s in stages {
                for i in s.instructions where i.name == "ENV" || i.name == "ARG" {
                    for k in i.location.startLine...i.location.endLine {
                        var t = text(k)
                        guard let c = t.firstRange(of: "CGO_ENABLED=1") ?? t.firstRange(of: "CGO_ENABLED 1") else { continue }
                        t.replaceSubrange(c, with: t[c].contains("=") ? "CGO_ENABLED=0" : "CGO_ENABLED 0")
                        return (k, t)
                    }
                }
            }
        }
        var fallback: RunOperation?
        for s in stages {
            for run in s.runs.reversed() where run.text.contains("go build") {
                let outputs = RunEffects.commands(run.text).compactMap { cmd -> String? in
                    guard let i = cmd.firstIndex(of: "go"), i + 1 < cmd.count, cmd[i + 1] == "build" else { return nil }
                    return RunEffects.goBuildOutput(Array(cmd[(i + 2)...]), workdir: s.workdir)
                }
                if let wanted, outputs.contains(wanted) { return edit(run, rule: rule) }
                if fallback == nil { fallback = run }
            }
        }
        return fallback.map { edit($0, rule: rule) }
    }

    func edit(_ run: RunOperation, rule: String) -> (Int, String?) {
        guard let k = (run.location.startLine...run.location.endLine).first(where: { text($0).contains("go build") }) else {
            return (run.location.startLine, nil)
        }
        return (k, Locator.transform(text(k), rule: rule))
    }

    /// A `RUN … go build …` line edited for a rule, nil when it has the change already.
    static func transform(_ original: String, rule: String) -> String? {
        var line = original
        guard let r = line.firstRange(of: "go build") else { return nil }
        switch rule {
        case "SE200":
            if let c = line.firstRange(of: "CGO_ENABLED=1") { line.replaceSubrange(c, with: "CGO_ENABLED=0") }
            else if !line.contains("CGO_ENABLED=0") { line.replaceSubrange(r, with: "CGO_ENABLED=0 go build") }
            else { return nil }
        case "SE400", "SE401":
            if line.contains("-s -w") || line.contains("-w -s") { return nil }
            if let l = line.firstRange(of: "-ldflags=\"") ?? line.firstRange(of: "-ldflags '") ?? line.firstRange(of: "-ldflags \"") ?? line.firstRange(of: "-ldflags='") {
                line.insert(contentsOf: "-s -w ", at: l.upperBound)
            } else {
                line.replaceSubrange(r, with: "go build -ldflags=\"-s -w\"")
            }
        case "SE402":
            if line.contains("-trimpath") { return nil }
            line.replaceSubrange(r, with: "go build -trimpath")
        default:
            return nil
        }
        return line
    }
}

/// `--diff`: the Dockerfile with every edit its findings offer, as a unified diff that
/// `patch -p1` and `git apply` take. Edits of one line are applied in turn (CGO_ENABLED=0, then
/// -ldflags, then -trimpath on the same RUN line); a new FROM is left out when CGO_ENABLED=0
/// makes the binary static anyway; identical additions are made once.
enum DockerfileDiff {
    static func make(file: String, lines: [String], findings: [Finding]) -> String {
        var located = findings.compactMap { f in f.location.map { (f, $0) } }.filter { $0.1.edit != nil && $0.1.text != nil }
        if located.contains(where: { $0.0.rule == "SE200" }) {
            located.removeAll { ["SE101", "SE102", "SE107", "SE108", "SE110"].contains($0.0.rule) }
        }
        var replaced: [Int: (end: Int, text: String)] = [:]
        var inserted: [Int: [String]] = [:]
        for (f, l) in located.sorted(by: { $0.0.rule < $1.0.rule }) {
            switch l.edit {
            case .replace?:
                if let current = replaced[l.line], f.rule.hasPrefix("SE2") || f.rule.hasPrefix("SE4") {
                    // Another edit of the same RUN line: apply this rule's change to it too.
                    if let again = Locator.transform(current.text, rule: f.rule) { replaced[l.line] = (current.end, again) }
                } else if replaced[l.line] == nil, let t = l.text {
                    replaced[l.line] = (l.endLine, t)
                }
            case .insertAfter?:
                if let t = l.text, !(inserted[l.endLine] ?? []).contains(t) { inserted[l.endLine, default: []].append(t) }
            case nil:
                break
            }
        }
        guard !replaced.isEmpty || !inserted.isEmpty else { return "" }
        // Changed regions: (first old line, last old line, new lines); an insertion after line
        // k is the empty region k+1…k.
        var regions: [(Int, Int, [String])] = replaced.map { ($0.key, $0.value.end, [$0.value.text]) }
        for (k, texts) in inserted {
            if let i = regions.firstIndex(where: { $0.1 == k }) { regions[i].2 += texts } else { regions.append((k + 1, k, texts)) }
        }
        // An insertion before a replacement that starts at the same line (after line k, then k+1).
        regions.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let hasFinalNewline = lines.last == ""
        let body = hasFinalNewline ? Array(lines.dropLast()) : lines
        let name = file.hasPrefix("/") ? String(file.dropFirst()) : file
        var out = "--- a/\(name)\n+++ b/\(name)\n"
        let context = 3
        var i = 0
        var delta = 0
        while i < regions.count {
            // One hunk: regions whose context overlaps.
            var j = i
            while j + 1 < regions.count, regions[j + 1].0 - regions[j].1 <= 2 * context + 1 { j += 1 }
            let start = max(1, regions[i].0 - context)
            let end = min(body.count, regions[j].1 + context)
            var hunk: [String] = []
            var oldCount = 0, newCount = 0
            var line = start
            var r = i
            while line <= end || (r <= j && regions[r].0 == line) {
                if r <= j, regions[r].0 == line {
                    for k in regions[r].0...max(regions[r].0, regions[r].1) where k <= regions[r].1 { hunk.append("-" + body[k - 1]); oldCount += 1 }
                    for t in regions[r].2 { hunk.append("+" + t); newCount += 1 }
                    line = regions[r].1 + 1
                    r += 1
                    continue
                }
                guard line <= body.count else { break }
                hunk.append(" " + body[line - 1])
                oldCount += 1
                newCount += 1
                line += 1
            }
            let oldStart = oldCount == 0 ? start - 1 : start
            out += "@@ -\(oldStart),\(oldCount) +\(oldStart + delta + (oldCount == 0 && newCount > 0 ? 1 : 0)),\(newCount) @@\n"
            out += hunk.map { $0 + "\n" }.joined()
            delta += newCount - oldCount
            i = j + 1
        }
        if !hasFinalNewline { out += "\\ No newline at end of file\n" }
        return out
    }
}

extension String {
    var trimmingPrefixSpaces: Substring { drop { $0 == " " || $0 == "\t" } }
}
