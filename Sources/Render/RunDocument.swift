import Rules
import Targets

/// What every renderer receives: the tool, the target, and the reports in input order.
public struct RunDocument: Sendable {
    public var toolVersion: String
    public var targetName: String
    public var platform: String
    /// The host directory of a real target (`--root`); nil for a built-in profile. With it,
    /// every file shows its `imagePath`.
    public var targetRoot: String?
    /// The C library found in a real target (`glibc 2.31`, `musl`); nil for a profile or none.
    public var targetLibc: Libc?
    public var reports: [FileReport]
    /// The image, when the target is one (`--image`).
    public var image: ImageSummary?
    /// The Dockerfile stage, when the target is one (`--dockerfile`).
    public var dockerfile: DockerfileSummary?
    /// What directory walks left out and why (`-v` prints them to standard error).
    public var walkNotes: [String] = []
    /// What the user should hear about the run's inputs whatever the verbosity (an inline
    /// ignore without a reason, or that matched nothing): standard error.
    public var notices: [String] = []
    /// `--diff`: the Dockerfile edits as a unified diff (empty: nothing to change).
    public var dockerfileDiff: String?

    public init(toolVersion: String, targetName: String, platform: String, targetRoot: String? = nil, reports: [FileReport]) {
        self.toolVersion = toolVersion
        self.targetName = targetName
        self.platform = platform
        self.targetRoot = targetRoot
        self.reports = reports
    }
}

public let toolName = "staticcheck-elf"
public let toolURI = "https://github.com/staticcheck-elf/staticcheck-elf"

/// What a document says of a Dockerfile target: which stage, on which base, how it starts,
/// and what the Dockerfile alone cannot tell (assumed).
public struct DockerfileSummary: Sendable, Hashable {
    public var file: String
    /// The stage's name (`build`), or `stage-N`.
    public var stage: String
    /// The image the stage's files start from (`gcr.io/distroless/static-debian12`, `scratch`).
    public var base: String
    /// False when the base-image table does not know it: no verdict is given.
    public var baseKnown: Bool
    /// The FROM line of that base.
    public var baseLine: Int
    public var argv: [String]
    public var user: String
    public var workingDir: String
    /// What is known and what is assumed about the files the stage gets from elsewhere.
    public var notes: [String]

    public init(file: String, stage: String, base: String, baseKnown: Bool, baseLine: Int, argv: [String], user: String,
                workingDir: String, notes: [String]) {
        self.file = file
        self.stage = stage
        self.base = base
        self.baseKnown = baseKnown
        self.baseLine = baseLine
        self.argv = argv
        self.user = user
        self.workingDir = workingDir
        self.notes = notes
    }
}

/// What a document says of an image target: which image, and how it starts.
public struct ImageSummary: Sendable, Hashable {
    /// The reference as typed (`docker-archive:app.tar`).
    public var reference: String
    /// `docker-archive`, `oci`, `oci-archive`, `docker-daemon`, `podman`.
    public var transport: String
    /// The name the archive records (`app:latest`), if any.
    public var name: String?
    /// The manifest digest (none for a legacy docker archive).
    public var digest: String?
    /// The config digest: Docker's image ID.
    public var configDigest: String
    /// The config's platform (`linux/amd64`).
    public var platform: String
    public var layers: Int
    /// ENTRYPOINT + CMD.
    public var argv: [String]
    public var user: String
    public var workingDir: String
    /// The archive or layout directory on the host, when the image is one (not for
    /// `docker-daemon:` or `podman:`): what SARIF points at.
    public var hostPath: String?

    public init(reference: String, transport: String, name: String?, digest: String?, configDigest: String, platform: String,
                layers: Int, argv: [String], user: String, workingDir: String) {
        self.reference = reference
        self.transport = transport
        self.name = name
        self.digest = digest
        self.configDigest = configDigest
        self.platform = platform
        self.layers = layers
        self.argv = argv
        self.user = user
        self.workingDir = workingDir
    }
}
