import FileTree

/// Where a SARIF log's paths are relative to, and what the run's target is called in its
/// fingerprints and automation id. Made by the runner (which knows the working directory and
/// finds the repository); the renderer only computes with it, so it stays pure.
public struct SARIFContext: Sendable, Hashable {
    /// The working directory the paths on the command line are relative to (absolute).
    public var workingDirectory: String
    /// The directory artifact URIs are relative to (`--sarif-root`, else the repository root,
    /// else the working directory), absolute. Code scanning takes URIs relative to the
    /// repository root: `uriBaseId` `%SRCROOT%` names it.
    public var root: String
    /// The target as it reads the same from any working directory and machine: a profile's
    /// name, a root, image archive or Dockerfile path relative to `root`, with the platform
    /// (`scratch linux/amd64`, `root:rootfs linux/amd64`, `dockerfile:deploy/Dockerfile#stage-1 linux/amd64`).
    public var target: String

    public init(workingDirectory: String, root: String, target: String) {
        self.workingDirectory = TreeResolver.normalize(workingDirectory)
        self.root = TreeResolver.normalize(root)
        self.target = target
    }

    /// A path as given (relative to the working directory, or absolute), made absolute and
    /// lexically clean (`.` and `..` resolved without the file system).
    public func absolute(_ path: String) -> String {
        TreeResolver.normalize(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
    }

    /// The path relative to `root`, or nil when it lies outside.
    public func relative(_ path: String) -> String? { TreeResolver.relative(absolute(path), to: root) }

    /// The path relative to `root` where it is inside, else absolute: what a fingerprint or a
    /// target key names.
    public func stable(_ path: String) -> String { relative(path) ?? absolute(path) }

    /// `runAutomationDetails.id`: one category per target (`staticcheck-elf/scratch-linux-amd64/`),
    /// so uploads for two targets never close each other's alerts.
    public var automationID: String {
        var slug = ""
        for u in target.unicodeScalars {
            let c = Character(u)
            if c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") { slug.append(c) } else if !slug.hasSuffix("-") { slug.append("-") }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return "\(toolName)/\(slug.isEmpty ? "target" : slug)/"
    }
}
