import Runner
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The common invocation (`staticcheck-elf [check] [--opt value]... PATH...`) parsed by hand:
/// swift-argument-parser costs about a millisecond per process, more than reading a binary.
/// Anything else — help, version, other commands, an unknown or malformed option, invalid
/// values — goes to swift-argument-parser, which prints the usage error (exit 64). A test keeps
/// the two parsers equal on every option in both spellings.
public enum FastParse {
    /// Parses exactly `[check] (--target|--root|--image|--at|--platform|--format|--fail-on|--color|--disable|--enable)
    /// VALUE (or --opt=VALUE) ... PATH...`; nil for anything else (help, other commands,
    /// unknown options, a missing value, `--`), which swift-argument-parser then handles.
    static let bothTargets = "give one of --target, --root, --image and --dockerfile"

    /// `--build-arg K=V` values; a bare `K` takes the environment's value, and is left out when
    /// the environment has none (docker build's rule).
    static func buildArgs(_ values: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for v in values {
            if let eq = v.firstIndex(of: "=") {
                out[String(v[..<eq])] = String(v[v.index(after: eq)...])
            } else if let e = getenv(v) {
                out[v] = String(cString: e)
            }
        }
        return out
    }

    /// The subcommands and `help`, spelled out (asking swift-argument-parser for its command
    /// names costs a tenth of a millisecond at start-up); a test keeps the list in step.
    static let commandNames: Set<String> = ["check", "inspect", "explain", "list-rules", "help"]

    /// The target the options name: an image, else a root, else a profile (scratch by default).
    static func target(profile: String?, root: String?, image: String?) -> TargetSpec {
        if let image { return .image(image) }
        if let root { return .root(root) }
        return .profile(profile ?? "scratch")
    }

    public static func check(_ args: [String]) -> RunConfiguration? {
        var o = RunConfiguration()
        var target: String?
        var root: String?
        var image: String?
        var rest = args[...]
        if rest.first == "check" {
            rest = rest.dropFirst()
        } else if let first = rest.first, commandNames.contains(first) {
            return nil
        }
        while let a = rest.first {
            rest = rest.dropFirst()
            guard a.hasPrefix("-") else { o.paths.append(a); continue }
            if a == "--quiet" || a == "-q" {
                o.quiet = true
                continue
            }
            var name = Substring(a)
            var value: String?
            if let eq = a.firstIndex(of: "=") {
                // `-o=FILE` is no spelling swift-argument-parser takes: leave it to it.
                guard a.hasPrefix("--") else { return nil }
                name = a[..<eq]
                value = String(a[a.index(after: eq)...])
            } else if let next = rest.first, !next.hasPrefix("-") {
                value = next
                rest = rest.dropFirst()
            }
            guard let value else { return nil }
            switch name {
            case "--target": target = value
            case "--root": root = value
            case "--image": image = value
            case "--at": o.at = value
            case "--platform":
                o.platform = value
                o.given.insert("platform")
            case "--config": o.configFile = value
            case "--format":
                guard let f = OutputFormat(rawValue: value) else { return nil }
                o.format = f
            case "--fail-on":
                guard let f = FailOn(rawValue: value) else { return nil }
                o.failOn = f
                o.given.insert("fail-on")
            case "-o", "--output": o.output = value
            case "--sarif-root": o.sarifRoot = value
            case "--color":
                guard let c = ColorMode(rawValue: value) else { return nil }
                o.colorMode = c
            case "--disable": o.disable.append(value)
            case "--enable": o.enable.append(value)
            default: return nil
            }
        }
        // Both at once is a usage error, which swift-argument-parser words.
        if [target, root, image].compactMap({ $0 }).count > 1 { return nil }
        o.target = FastParse.target(profile: target, root: root, image: image)
        if target != nil || root != nil || image != nil { o.given.insert("target") }
        return o
    }
}
