import FileTree
import Runner
import Targets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which config file a run uses, and what it changes: `--config FILE`, else
/// `STATICCHECK_ELF_CONFIG`, else `.staticcheck-elf.yml` (or `.yaml`) in the working directory
/// or a parent up to the repository root, else `$XDG_CONFIG_HOME/staticcheck-elf/config.yml`
/// (`~/.config` when unset). The nearest file wins; files are never merged.
public enum ConfigLoader {
    public static let names = [".staticcheck-elf.yml", ".staticcheck-elf.yaml"]

    /// The config file for a run, or nil when there is none.
    public static func find(explicit: String?, environment: (String) -> String?, workingDirectory cwd: String) -> String? {
        if let explicit { return explicit }
        if let e = environment("STATICCHECK_ELF_CONFIG"), !e.isEmpty { return e }
        // From the working directory up to its repository's root (or /), the nearest first.
        var dir = TreeResolver.normalize(cwd)
        let top = Repository.root(containing: dir) ?? "/"
        while true {
            for n in names {
                let p = dir == "/" ? "/" + n : dir + "/" + n
                if isFile(p) { return p }
            }
            if dir == top || dir == "/" { break }
            dir = TreeResolver.parent(dir)
        }
        let xdg = environment("XDG_CONFIG_HOME").flatMap { $0.isEmpty ? nil : $0 } ?? environment("HOME").map { $0 + "/.config" }
        if let xdg {
            let p = xdg + "/staticcheck-elf/config.yml"
            if isFile(p) { return p }
        }
        return nil
    }

    /// Reads the config file that applies to `config` and folds it in; the problems, with
    /// their file, line and column, when it cannot be used (a usage error: exit 64).
    public static func load(into config: inout RunConfiguration, environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> ConfigProblems? {
        let cwd = HostTree.workingDirectory()
        guard let path = find(explicit: config.configFile, environment: environment, workingDirectory: cwd) else { return nil }
        let text: String
        switch contents(of: path) {
        case .success(let t): text = t
        case .failure(let message):
            var p = ConfigProblems()
            p.add(path, 0, 0, message.message)
            return p
        }
        switch ConfigFile.parse(text, path: path) {
        case .failure(let problems): return problems
        case .success(let file):
            apply(file, to: &config, base: TreeResolver.parent(TreeResolver.normalize(path.hasPrefix("/") ? path : cwd + "/" + path)))
            return nil
        }
    }

    /// Folds `file` into `config`: single values only where the command line gave none, lists
    /// added to the command line's.
    public static func apply(_ file: ConfigFile, to config: inout RunConfiguration, base: String) {
        config.configUsed = file.path
        if !config.given.contains("target"), let t = file.target {
            // A root, image or Dockerfile path in the file is relative to the file's directory.
            switch t {
            case .profile: config.target = t
            case .root(let p): config.target = .root(relativeTo(base, p))
            case .image(let r): config.target = .image(imageReference(r, base: base))
            case .dockerfile(let p): config.target = .dockerfile(p == "-" ? p : relativeTo(base, p))
            }
        }
        if !config.given.contains("platform"), let p = file.platform { config.platform = p }
        if !config.given.contains("fail-on"), let f = file.failOn { config.failOn = f }
        // The file's list first: the command line's --enable then turns back on what it disables.
        config.disable = file.disable + config.disable
        config.enable = file.enable + config.enable
        config.ignores += file.ignores.map { var g = $0; g.base = base; return g }
    }

    static func relativeTo(_ base: String, _ p: String) -> String {
        p.hasPrefix("/") ? p : TreeResolver.normalize(base + "/" + p)
    }

    /// A file transport's path made relative to the config's directory; daemon references stay.
    static func imageReference(_ r: String, base: String) -> String {
        for t in ["docker-archive:", "oci-archive:", "oci:"] where r.hasPrefix(t) {
            return t + relativeTo(base, String(r.dropFirst(t.count)))
        }
        if r.hasPrefix("docker-daemon:") || r.hasPrefix("podman:") { return r }
        return relativeTo(base, r)
    }

    static func isFile(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The file's text, at most `ConfigFile.maxBytes` (+1, so a longer one is told apart).
    static func contents(of path: String) -> Result<String, ConfigReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ConfigReadError(message: "cannot read the config file: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= ConfigFile.maxBytes {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return .failure(ConfigReadError(message: "cannot read the config file: \(String(cString: strerror(errno)))")) }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}

/// Why a config file could not be read.
public struct ConfigReadError: Error, Sendable {
    public var message: String
}
