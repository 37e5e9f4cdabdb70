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
