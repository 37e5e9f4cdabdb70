import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How Docker and runc would start an image's own command, computed from its config and its
/// squashed tree (IMAGES.md §7, LOADER.md R1–R6). What the kernel and the loader then do with
/// the program is the Loader's business; this stops at runc's `exec.LookPath`.
public struct ContainerStart: Sendable, Hashable {
    /// Entrypoint + Cmd (IMAGES.md 7.1).
    public var argv: [String]
    /// What runc's `exec.LookPath(argv[0])` finds, run after the chdir to `workingDir`.
    public var program: ProgramLookup
    /// The environment the process gets, in execve order (runc `prepareEnv`: deduplicated,
    /// HOME added). Docker's `HOSTNAME` (the container ID) is left out: it is not in the image.
    public var environmentList: [String]
    /// The same, by name.
    public var environment: [String: String]
    /// Cleaned, absolute.
    public var workingDir: String
    /// Why runc's chdir there would fail, in runc's words; nil when it would not (a missing
    /// directory is created first, R4).
    public var workingDirProblem: String?
    /// The config's `User` as written (`app`, `1000:1000`; empty: root).
    public var userSpec: String
    public var user: UserLookup
    /// Set when argv is a shell running one command string (R1, IMAGES.md 7.2).
    public var shellForm: ShellForm?
}

/// The result of runc's `exec.LookPath` (Go os/exec lp_unix.go) inside the image.
public enum ProgramLookup: Sendable, Hashable {
    /// `path` is what LookPath returns and runc execs (relative to the working directory
    /// when argv[0] was relative); `imagePath` is the same, absolute in the image, with no
    /// symlink resolved.
    case found(path: String, imagePath: String)
    /// `errno` is the cause (ENOENT for "not found in $PATH"); `message` is Go's error text,
    /// which runc reports after `runc create failed: unable to start container process: `
    /// (LOADER.md R6).
    case failed(errno: Int32, message: String)

    public var imagePath: String? {
        if case .found(_, let p) = self { return p }
        return nil
    }
}

/// The ids a process runs as (moby/sys user `ExecUser`).
public struct ExecUser: Sendable, Hashable {
    public var uid: Int
    public var gid: Int
    public var supplementaryGroups: [Int]
    /// The passwd entry's home, or nil when no entry matched.
    public var home: String?

    public init(uid: Int, gid: Int, supplementaryGroups: [Int] = [], home: String? = nil) {
        self.uid = uid
        self.gid = gid
        self.supplementaryGroups = supplementaryGroups
        self.home = home
    }
}

public enum UserLookup: Sendable, Hashable {
    case resolved(ExecUser)
    /// moby/sys user's error text (`unable to find user app: no matching entries in passwd file`).
    case failed(String)

    public var resolved: ExecUser? {
        if case .resolved(let u) = self { return u }
        return nil
    }
}

/// A command stored in shell form: `["/bin/sh", "-c", "exec app --flag"]`.
public struct ShellForm: Sendable, Hashable {
    /// argv[0]: the shell.
    public var shell: String
    /// The command string the shell runs.
    public var command: String
    /// The command's first word when it is a plain path or name (after `exec` and variable
    /// assignments); nil when it is quoted, expanded or missing.
    public var firstWord: String?
    /// True when that word is a shell builtin or reserved word (`echo`, `if`, `cd`).
    public var firstWordIsBuiltin: Bool

    public init(shell: String, command: String, firstWord: String?, firstWordIsBuiltin: Bool) {
        self.shell = shell
        self.command = command
        self.firstWord = firstWord
        self.firstWordIsBuiltin = firstWordIsBuiltin
    }
}

/// A start that cannot happen because of the config itself, in the words of the tool that
/// refuses it.
public struct StartError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ContainerStart {
    /// moby's default PATH for Linux containers (daemon/pkg/oci/defaults.go `DefaultPathEnv`).
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The start of `config` (nil: an image config without `config`) in `tree`.
    public init(config: ContainerConfig?, tree: some FileTree) throws(StartError) {
        let c = config ?? ContainerConfig()
        // moby daemon/create.go: "no command specified" when both are empty (IMAGES.md 7.1).
        argv = c.entrypoint + c.cmd
        guard let name = argv.first else { throw StartError("no command specified") }

        // WorkingDir (moby daemon/container.go translateWorkingDir; IMAGES.md 7.4).
        if c.workingDir.isEmpty {
            workingDir = "/"
        } else {
            guard c.workingDir.hasPrefix("/") else {
                throw StartError("the working directory '\(c.workingDir)' is invalid, it needs to be an absolute path")
            }
            workingDir = TreeResolver.normalize(c.workingDir)
        }

        userSpec = c.user
        user = ContainerStart.lookUser(c.user, in: tree)
        let ids = user.resolved ?? ExecUser(uid: 0, gid: 0)

        (environmentList, environment) = try ContainerStart.environment(image: c.env, home: ids.home ?? "/")

        workingDirProblem = nil
        do {
            let e = try tree.stat(workingDir)
            if e.kind != .directory {
                workingDirProblem = "chdir to cwd (\(goQuote(workingDir))) set in config.json failed: not a directory"
            }
        } catch {
            if error.errno != ENOENT {
                workingDirProblem = "chdir to cwd (\(goQuote(workingDir))) set in config.json failed: \(ContainerStart.goErrno(error.errno))"
            }
        }

        program = ContainerStart.lookPath(name, path: environment["PATH"], cwd: workingDir, user: ids, in: tree)
        shellForm = ContainerStart.shellForm(argv, shell: c.shell)
    }

    // MARK: Environment

    /// Docker's environment (container.go `CreateDaemonEnvironment`: PATH, then the image's
    /// Env by `ReplaceOrAppendEnvValues`: a `K=V` replaces a default K or is appended; a bare
    /// `K` unsets a default K and is otherwise dropped), then runc's `prepareEnv`
    /// (libcontainer/env.go): every entry needs `=` and a name, the last duplicate wins, a
    /// NUL is an error, an empty HOME is dropped and HOME comes from passwd, else `/`.
    public static func environment(image: [String], home: String) throws(StartError) -> ([String], [String: String]) {
        var list = ["PATH=" + defaultPath]
        let defaults: [String: Int] = ["PATH": 0]
        var unset: Set<Int> = []
        for v in image {
            guard let eq = v.firstIndex(of: "=") else {
                if let i = defaults[v] { unset.insert(i) }
                continue
            }
            if let i = defaults[String(v[..<eq])] {
                list[i] = v
                unset.remove(i)
            } else {
                list.append(v)
            }
        }
        list = list.enumerated().filter { !unset.contains($0.offset) }.map(\.element)

        var out: [String] = []
        var seen: Set<String> = []
        var homeSet = false
        for kv in list.reversed() {
            guard let eq = kv.firstIndex(of: "=") else { throw StartError("invalid environment variable: missing '='") }
            if eq == kv.startIndex { throw StartError("invalid environment variable: name cannot be empty") }
            let key = String(kv[..<eq])
            if !seen.insert(key).inserted { continue }
            if kv.utf8.contains(0) {
                throw StartError("invalid environment variable \(goQuote(key)): contains nul byte (\\x00)")
            }
            if key == "HOME" {
                if kv[kv.index(after: eq)...].isEmpty { continue }
                homeSet = true
            }
            out.append(kv)
        }
        out.reverse()
        if !homeSet { out.append("HOME=" + home) }
        var dict: [String: String] = [:]
        for kv in out {
            if let eq = kv.firstIndex(of: "=") { dict[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]) }
        }
        return (out, dict)
    }

    // MARK: User

    /// `USER` resolved against the image's /etc/passwd and /etc/group, as moby's
    /// `getUser` → moby/sys user `GetExecUserPath(spec, nil, passwd, group)` does (user/user.go
    /// `GetExecUser`): `user|uid[:group|gid]`; a number is always an id, found or not (range
    /// 0–2147483647); a name needs an entry, first match wins. The errors are user.go's:
    /// `fmt.Errorf("unable to find user %s: %w", userArg, ErrNoPasswdEntries)` with
    /// `ErrNoPasswdEntries = "no matching entries in passwd file"` — also when passwd is
    /// absent, since a nil reader matches nothing; `unable to find group %s: %w` with
    /// `ErrNoGroupEntries = "no matching entries in group file"`;
    /// `ErrRange = "uids and gids must be in range 0-2147483647"`. With no group given, a
    /// matched user's groups are those whose member list names it.
    public static func lookUser(_ spec: String, in tree: some FileTree) -> UserLookup {
        let maxID = 2_147_483_647
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        let userArg = parts.first.map(String.init) ?? ""
        let groupArg = parts.count > 1 ? String(parts[1]) : ""
        let uidArg = Int(userArg)
        let gidArg = Int(groupArg)

        var u = ExecUser(uid: 0, gid: 0)
        var matchedName: String?
        let users: [[Substring]]
        switch readLines("/etc/passwd", in: tree) {
        case .lines(let lines): users = lines.map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        case .absent: users = []
        case .unreadable(let why): return .failed("unable to find user \(userArg.isEmpty ? "0" : userArg): \(why)")
        }
        func field(_ f: [Substring], _ i: Int) -> Substring { i < f.count ? f[i] : "" }
        func number(_ s: Substring) -> Int { Int(s) ?? 0 }     // Atoi errors ignored, as parseLine does
        let hit = users.first { f in
            if userArg.isEmpty { return number(field(f, 2)) == 0 }
            if let uidArg { return number(field(f, 2)) == uidArg }
            return field(f, 0) == Substring(userArg)
        }
        if let hit {
            matchedName = String(field(hit, 0))
            u.uid = number(field(hit, 2))
            u.gid = number(field(hit, 3))
            u.home = String(field(hit, 5))
        } else if !userArg.isEmpty {
            guard let uidArg else { return .failed("unable to find user \(userArg): no matching entries in passwd file") }
            guard (0...maxID).contains(uidArg) else { return .failed("uids and gids must be in range 0-\(maxID)") }
            u.uid = uidArg
        }

        if !groupArg.isEmpty || !(matchedName ?? "").isEmpty {
            let groupLines: [[Substring]]
            switch readLines("/etc/group", in: tree) {
            case .lines(let lines):
                // Group lines may be comments (user.go ParseGroupFilter); passwd lines may not.
                groupLines = lines.filter { !$0.hasPrefix("#") }.map { $0.split(separator: ":", omittingEmptySubsequences: false) }
            case .absent:
                groupLines = []
            case .unreadable(let why):
                return .failed("unable to find groups for spec \(matchedName ?? ""): \(why)")
            }
            let groups = groupLines.filter { f in
                if groupArg.isEmpty {
                    let members = field(f, 3)
                    return !members.isEmpty && members.split(separator: ",", omittingEmptySubsequences: false).contains(Substring(matchedName ?? ""))
                }
                if let gidArg { return number(field(f, 2)) == gidArg }
                return field(f, 0) == Substring(groupArg)
            }
            if !groupArg.isEmpty {
                if let g = groups.first {
                    u.gid = number(field(g, 2))
                } else {
                    guard let gidArg else { return .failed("unable to find group \(groupArg): no matching entries in group file") }
                    guard (0...maxID).contains(gidArg) else { return .failed("uids and gids must be in range 0-\(maxID)") }
                    u.gid = gidArg
                }
            } else {
                u.supplementaryGroups = groups.map { number(field($0, 2)) }
            }
        }
        return .resolved(u)
    }

    enum Lines {
        case lines([Substring])
        /// The file cannot be opened: GetExecUserPath passes a nil reader (no entries, no error).
        case absent
        /// It opens but cannot be read (a directory): the reader's error text.
        case unreadable(String)
    }

    /// The lines of a file in the tree, trimmed of white space (`bytes.TrimSpace`), empty
    /// ones dropped.
    static func readLines(_ path: String, in tree: some FileTree) -> Lines {
        let bytes: [UInt8]
        do {
            if try tree.stat(path).kind == .directory { return .unreadable("read \(path): is a directory") }
            bytes = try tree.contents(path).view.bytes
        } catch {
            return .absent
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var l = line[...]
            while let f = l.first, isSpace(f) { l = l.dropFirst() }
            while let b = l.last, isSpace(b) { l = l.dropLast() }
            if !l.isEmpty { out.append(l) }
        }
        return .lines(out)
    }

    static func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }

    // MARK: Program

    /// Go's `exec.LookPath(name)` inside the image, after the chdir to `cwd`, with `PATH` from
    /// the container's environment (lp_unix.go): a name with `/` is checked as it is
    /// (`exec: "NAME": stat NAME: no such file or directory`); a bare name is tried in each
    /// PATH element (empty = `.`), the first hit wins, a miss is
    /// `exec: "NAME": executable file not found in $PATH`, a hit in a relative element is
    /// ErrDot. A hit is a non-directory with execute permission for the user
    /// (`unix.Eaccess`: root needs any x bit).
    public static func lookPath(_ name: String, path: String?, cwd: String, user: ExecUser, in tree: some FileTree) -> ProgramLookup {
        if name.contains("/") {
            switch findExecutable(inImage(name, cwd: cwd), user: user, in: tree) {
            case nil: return .found(path: name, imagePath: inImage(name, cwd: cwd))
            case .some(let (err, fromStat)):
                let text = fromStat ? "stat \(name): \(goErrno(err))" : goErrno(err)
                return .failed(errno: err, message: "exec: \(goQuote(name)): \(text)")
            }
        }
        for (joined, inImage) in searched(name, path: path, cwd: cwd) where findExecutable(inImage, user: user, in: tree) == nil {
            if !joined.hasPrefix("/") {
                return .failed(errno: ENOENT, message: "exec: \(goQuote(name)): cannot run executable found relative to current directory")
            }
            return .found(path: joined, imagePath: inImage)
        }
        return .failed(errno: ENOENT, message: "exec: \(goQuote(name)): executable file not found in $PATH")
    }

    /// The files `lookPath` tries for a `name` without a slash, in order: each PATH element
    /// joined with it as Go joins (empty = `.`), and that path in the image after the chdir
    /// to `cwd`.
    static func searched(_ name: String, path: String?, cwd: String) -> [(joined: String, inImage: String)] {
        // filepath.SplitList("") is empty: an empty PATH searches nothing.
        let dirs = (path ?? "").isEmpty ? [] : (path ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        return dirs.map { d in
            let joined = goJoin(d.isEmpty ? "." : d, name)
            return (joined, inImage(joined, cwd: cwd))
        }
    }

    /// `p` in the image after the chdir to `cwd`.
    static func inImage(_ p: String, cwd: String) -> String {
        p.hasPrefix("/") ? TreeResolver.normalize(p) : TreeResolver.normalize(cwd + "/" + p)
    }

    /// Where the program `config` starts may be in the image, before any layer is read: the
    /// first word of ENTRYPOINT + CMD as `lookPath` would try it, with the image's PATH (or
    /// Docker's default) and WorkingDir. Empty when there is no command.
    public static func programCandidates(_ config: ContainerConfig?) -> [String] {
        let c = config ?? ContainerConfig()
        guard let name = (c.entrypoint + c.cmd).first, !name.isEmpty else { return [] }
        let cwd = c.workingDir.isEmpty ? "/" : TreeResolver.normalize(c.workingDir)
        if name.contains("/") { return [inImage(name, cwd: cwd)] }
        let path = (try? environment(image: c.env, home: "/"))?.1["PATH"]
        return searched(name, path: path, cwd: cwd).map(\.inImage)
    }

    /// nil when `p` is executable; else the errno, and whether it came from the stat.
    static func findExecutable(_ p: String, user: ExecUser, in tree: some FileTree) -> (Int32, Bool)? {
        let e: Entry
        do { e = try tree.stat(p) } catch { return (error.errno, true) }
        if e.kind == .directory { return (EISDIR, false) }
        if user.uid == 0 { return e.mode & 0o111 != 0 ? nil : (EACCES, false) }
        var bit: UInt32 = 0o001
        if let layers = tree as? LayerTree, let resolved = try? layers.resolve(p, followLast: true),
           let owner = try? layers.owner(resolved) {
            if Int(owner.uid) == user.uid { bit = 0o100 }
            else if Int(owner.gid) == user.gid || user.supplementaryGroups.contains(Int(owner.gid)) { bit = 0o010 }
        }
        return e.mode & bit != 0 ? nil : (EACCES, false)
    }

    /// Go's `filepath.Join(dir, name)`: joined and cleaned, relative stays relative.
    static func goJoin(_ dir: String, _ name: String) -> String {
        let joined = dir + "/" + name
        let absolute = joined.hasPrefix("/")
        var out: [Substring] = []
        for c in joined.split(separator: "/") {
            if c == "." { continue }
            if c == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            if c == "..", absolute { continue }
            out.append(c)
        }
        let body = out.joined(separator: "/")
        if absolute { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// Go's text for an errno (syscall `Errno.Error`, lower case unlike glibc's strerror).
    public static func goErrno(_ e: Int32) -> String {
        switch e {
        case ENOENT: return "no such file or directory"
        case ENOTDIR: return "not a directory"
        case ELOOP: return "too many levels of symbolic links"
        case EACCES: return "permission denied"
        case EISDIR: return "is a directory"
        case ENAMETOOLONG: return "file name too long"
        case ENOEXEC: return "exec format error"
        case EIO: return "input/output error"
        default: return String(cString: strerror(e)).lowercased()
        }
    }

    // MARK: Shell form

    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "busybox-sh"]
    static let builtins: Set<String> = [
        ":", ".", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export",
        "false", "fg", "getopts", "hash", "jobs", "kill", "printf", "pwd", "read", "readonly", "return", "set", "shift",
        "source", "test", "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "{", "}", "!", "function",
    ]

    /// Shell form is stored wrapped (buildkit dockerfile2llb `withShell`): the config's Shell
    /// (from SHELL) followed by the command string, or a known shell with `-c` (or a flag group
    /// ending in it, `-ec`). Items after the command string (a shell-form ENTRYPOINT's Cmd)
    /// become `$0…`, unused.
    public static func shellForm(_ argv: [String], shell: [String] = []) -> ShellForm? {
        var commandIndex: Int?
        if !shell.isEmpty, argv.count > shell.count, Array(argv.prefix(shell.count)) == shell {
            commandIndex = shell.count
        } else if argv.count >= 3, let first = argv.first, shells.contains(String(first.split(separator: "/").last ?? "")) {
            let flag = argv[1]
            if flag.hasPrefix("-"), !flag.hasPrefix("--"), flag.dropFirst().allSatisfy({ $0.isLetter }), flag.hasSuffix("c") {
                commandIndex = 2
            }
        }
        guard let i = commandIndex, let shellPath = argv.first else { return nil }
        let command = argv[i]
        let word = firstWord(command)
        return ShellForm(shell: shellPath, command: command, firstWord: word, firstWordIsBuiltin: word.map { builtins.contains($0) } ?? false)
    }

    /// The first plain word of a command string: leading `NAME=value` assignments and an
    /// `exec` skipped; nil when the word is quoted or expanded, or the string is empty.
    static func firstWord(_ command: String) -> String? {
        let special: Set<Character> = ["'", "\"", "$", "`", "\\", "*", "?", "[", "~", "{", "("]
        let stop: Set<Character> = [" ", "\t", "\n", ";", "&", "|", "<", ">", ")"]
        var rest = Substring(command)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
            let word = rest.prefix(while: { !stop.contains($0) })
            if word.isEmpty { return nil }
            rest = rest.dropFirst(word.count)
            if word == "exec" { continue }
            if let eq = word.firstIndex(of: "="), isName(word[..<eq]) { continue }
            if word.contains(where: { special.contains($0) }) { return nil }
            return String(word)
        }
    }

    static func isName(_ s: Substring) -> Bool {
        guard let f = s.first, f == "_" || (f.isASCII && f.isLetter) else { return false }
        return s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
