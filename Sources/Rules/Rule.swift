import ELFKit
import GoBinary
import Loader
import Targets

public enum Severity: String, Sendable, Comparable, CaseIterable {
    case info, warning, error

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// An example a rule documents and the test suite runs: a TestBinaries artifact (by manifest
/// name), a target, and whether the rule fires on it.
public struct RuleExample: Sendable, Hashable {
    public var binary: String
    public var target: String
    public var fires: Bool
    public var note: String

    public static func fires(_ binary: String, on target: String = "scratch", _ note: String) -> RuleExample {
        RuleExample(binary: binary, target: target, fires: true, note: note)
    }

    public static func silent(_ binary: String, on target: String = "scratch", _ note: String) -> RuleExample {
        RuleExample(binary: binary, target: target, fires: false, note: note)
    }
}

/// Everything a rule says about itself. `explain`, `list-rules`, the SARIF rule table and the
/// README's table are all rendered from this, never written twice.
public struct RuleInfo: Sendable, Hashable {
    public var id: String
    public var name: String
    public var title: String
    /// One sentence.
    public var summary: String
    public var rationale: String
    public var fixBefore: String
    public var fixAfter: String
    /// The default severity; a run may set another (`Analyzer.severities`).
    public var severity: Severity
    public var examples: [RuleExample]
}

/// Where in a Dockerfile a finding is fixed: the line to change (or after which to add one)
/// and the line to write there.
public struct SourceLocation: Sendable, Hashable {
    public enum Edit: String, Sendable, Hashable {
        /// `text` replaces lines `line`…`endLine`.
        case replace
        /// `text` is a new line after `endLine`.
        case insertAfter
    }
    /// The Dockerfile as given (`Dockerfile`, `deploy/Dockerfile`).
    public var file: String
    public var line: Int
    public var endLine: Int
    public var edit: Edit?
    /// The line to write (an edited `RUN go build`, `FROM gcr.io/distroless/base-debian12`, a `COPY`).
    public var text: String?

    public init(file: String, line: Int, endLine: Int? = nil, edit: Edit? = nil, text: String? = nil) {
        self.file = file
        self.line = line
        self.endLine = endLine ?? line
        self.edit = edit
        self.text = text
    }
}

/// One finding on one file.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var name: String
    public var severity: Severity
    /// What is wrong, concretely, for this file.
    public var message: String
    /// Why it matters (the mechanism), one or two sentences.
    public var why: String
    /// The exact change that fixes it (a command, a Dockerfile line), in words.
    public var fix: String
    /// The fix as one shell command to run instead (a `go build` line), when there is one.
    public var command: String?
    /// That command as a build line, so the fixes of one file can be combined into one.
    public var build: GoBuildLine?
    /// The Dockerfile line that fixes it, when the target is a Dockerfile.
    public var location: SourceLocation?
    /// What the finding is about, in words that stay the same from run to run and tool version
    /// to tool version (the interpreter, the missing libraries, the glibc version, the user):
    /// with the rule, the target and the file it makes the SARIF fingerprint. Empty for a rule
    /// that has one finding per file whatever its cause (sizes, build paths).
    public var evidence: [String] = []

    public init(_ info: RuleInfo, message: String, why: String, fix: String, command: String? = nil) {
        rule = info.id
        name = info.name
        severity = info.severity
        self.message = message
        self.why = why
        self.fix = fix
        self.command = command
    }
}

/// What a rule sees of one file.
public struct RuleContext {
    /// The path as the user gave it.
    public var path: String
    /// The file's path in the target (`/app/main`), as runc prints it.
    public var imagePath: String
    public var facts: FileFacts
    public var elf: ELFFile?
    public var verdict: StartVerdict
    public var target: TargetRoot
    public var platform: Platform
    /// The file could not be read whole: the first format error.
    public var error: FormatError?
    /// What the dynamic loader does in the target (nil when it never runs: a static file, or
    /// its interpreter is missing).
    public var loader: LoadResult?
    /// What the container runtime does before exec, when the target is an image.
    public var image: ImageStartFacts? = nil
    /// Damage in parts the kernel and the loader never read.
    public var damage: [FormatError] = []

    public var go: GoFacts? { facts.go }
}

/// A check: one file per rule, self-describing.
public protocol Rule {
    static var info: RuleInfo { get }
    static func check(_ c: RuleContext) -> [Finding]
}

extension Rule {
    /// A finding of this rule.
    static func finding(_ message: String, why: String, fix: String, build: GoBuildLine? = nil) -> Finding {
        var f = Finding(info, message: message, why: why, fix: fix, command: build?.rendered)
        f.build = build
        return f
    }
}

extension Finding {
    /// This finding with `evidence` (see `Finding.evidence`).
    func evidence(_ items: String?...) -> Finding {
        var f = self
        f.evidence = items.compactMap { $0 }
        return f
    }

    func evidence(_ items: [String]) -> Finding {
        var f = self
        f.evidence = items
        return f
    }
}
