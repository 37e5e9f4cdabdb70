import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The repository a directory belongs to: what SARIF URIs are relative to, and where the
/// search for a config file stops.
public enum Repository {
    /// The nearest directory at or above `dir` (absolute) with a `.git` (a directory, or a
    /// file in a worktree or submodule); nil when there is none.
    public static func root(containing dir: String) -> String? {
        var d = TreeResolver.normalize(dir)
        while true {
            var st = stat()
            if lstat(d == "/" ? "/.git" : d + "/.git", &st) == 0 { return d }
            guard d != "/" else { return nil }
            d = TreeResolver.parent(d)
        }
    }
}
