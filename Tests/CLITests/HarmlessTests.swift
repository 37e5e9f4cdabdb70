import Foundation
import TestSupport
import Testing

/// "It never runs what it reads and never writes" (issue 16), checked on the built executable
/// under `strace -f`: over directories of test binaries (text and JSON), a `--root`, an `--image`
/// (docker-archive and OCI layout), a `--dockerfile`, and `-o FILE`. The trace must show exactly
/// one execve (the CLI itself, never a binary it reads), no open for writing or creating (but the
/// `-o` file), no socket and no connect (not even AF_UNIX: it asks no daemon, nscd included,
/// for anything), and no unlink, rename, mkdir, symlink, link, chmod or
/// truncate. Read-only opens (the binaries, /proc, /sys, the Swift runtime's libraries) are fine.
/// The verdicts must not change under strace: same exit status and output as a plain run.
@Suite(.enabled(if: Strace.path != nil, "strace is not installed: run TestBinaries/install-deps.sh (it installs Debian's strace)"),
       .serialized)
struct HarmlessTests {
    // MARK: (a) directories of test binaries, as `check` PATHs

    @Test func directoriesOfTestBinariesInTextAndJSON() throws {
        let go = TestPaths.out.appendingPathComponent("go").path
        let c = TestPaths.out.appendingPathComponent("c").path
        for format in ["text", "json"] {
            let t = try Traced.run(["check", "--format", format, go, c])
            t.expectHarmless()
            // The trace is of the real work: every file the walk finds is opened read-only.
            let opened = Set(t.trace.opens.map(\.path))
            for dir in [go, c] {
                for name in try FileManager.default.contentsOfDirectory(atPath: dir) where !name.hasPrefix(".") {
                    let path = dir + "/" + name
                    var isDir: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                          FileManager.default.isExecutableFile(atPath: path) else { continue }
                    #expect(opened.contains(path), "\(format): \(path) was not opened: is the trace complete?")
                }
            }
            #expect(t.trace.opens.contains { $0.path == go && $0.flags.contains("O_DIRECTORY") }, "\(format): the walk of \(go)")
        }
    }

    /// A walk opens each file once: a non-executable file is tested for the ELF magic by the
    /// checker that then reads it, not opened a first time by the walk to sniff it.
    @Test func aWalkOpensEachFileOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-walk-once-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, source, mode) in [("libdemo.so", "c/libdemo.so", 0o644), ("app", "go/hello-cgo0", 0o755)] {
            let to = dir.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: try TestBinaries.named(source).path, toPath: to)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: to)
        }
        try "notes".write(to: dir.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        let t = try Traced.run(["check", "--format", "json", "-v", dir.path])
        t.expectHarmless()
        for name in ["libdemo.so", "app", "README.txt"] {
            let path = dir.appendingPathComponent(name).path
            #expect(t.trace.opens.filter { $0.path == path }.count == 1, "\(name) opened \(t.trace.opens.filter { $0.path == path }.count) times")
        }
        #expect(t.stdout.contains("libdemo.so") && !t.stdout.contains("README.txt"))
        #expect(t.stderr.contains("1 file skipped: 1 neither ELF nor executable"), "\(t.stderr)")
    }

    // MARK: (b) a --root target with a cgo binary

    @Test(.enabled(if: TestRoots.configured, "the roots are not built: run `make roots`"))
    func rootTargetWithACgoBinary() throws {
        let root = try TestRoots.named("bookworm").path
        let binary = try TestBinaries.named("go/server-cgo1").path
        for format in ["text", "json"] {
            let t = try Traced.run(["--root", root, "--at", "/app/main", "--format", format, binary])
            t.expectHarmless()
            #expect(t.status == 0, "a cgo binary starts on bookworm: \(t.stdout)")
            // It read the root's loader (and never ran it).
            #expect(t.trace.opens.contains { $0.path.hasPrefix(root + "/") && $0.path.hasSuffix("/ld-linux-x86-64.so.2") },
                    "the root's loader was not read")
            #expect(t.trace.opens.contains { $0.path == binary })
        }
    }

    // MARK: (c) an --image target, docker-archive and OCI layout, with no PATH

    @Test(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
    func imageTargetsWithNoPath() throws {
        let image = try #require(try TestImages.all().first { $0.name == "glibc-cgo" }, "images.tsv has no glibc-cgo")
        for form in ["docker_archive", "oci"] {
            let ref = try #require(image.refs[form], "glibc-cgo has no \(form) form")
            for format in ["text", "json"] {
                let t = try Traced.run(["--image", ref, "--format", format])
                t.expectHarmless()
                #expect(t.status == 0, "\(form) \(format): \(t.stdout) \(t.stderr)")
                #expect(!t.stdout.isEmpty)
            }
        }
    }

    // MARK: (d) a --dockerfile target with a binary

    @Test func dockerfileTargetWithABinary() throws {
        let dir = try workdir(["main": "go/server-cgo1", "static": "go/server-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/main ./cmd/server

        FROM scratch
        COPY --from=build /out/main /main
        ENTRYPOINT ["/main"]

        """.write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        for format in ["text", "json"] {
            let t = try Traced.run(["--dockerfile", "Dockerfile", "--format", format, "main", "static"], cwd: dir.path)
            t.expectHarmless()
            #expect(t.status == 1, "the cgo binary will not start on scratch: \(t.stdout)")
            #expect(t.trace.opens.contains { $0.path == "Dockerfile" || $0.path == dir.path + "/Dockerfile" }, "the Dockerfile was not read")
        }
        // --diff only prints the edit: it writes nothing either.
        let diff = try Traced.run(["--dockerfile", "Dockerfile", "--diff", "main"], cwd: dir.path)
        diff.expectHarmless()
        #expect(diff.stdout.contains("CGO_ENABLED=0") || diff.stdout.contains("FROM "), "\(diff.stdout)")
    }

    // MARK: (e) -o FILE: the one file it writes

    @Test func outputFileIsTheOnlyWrite() throws {
        let dir = try workdir(["main": "go/server-cgo1", "hello": "go/hello-cgo0"])
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, format) in [("report.json", "json"), ("report.txt", "text"), ("report.sarif", "sarif")] {
            let t = try Traced.run(["-o", name, "--format", format, "main", "hello"], cwd: dir.path, output: name)
            t.expectHarmless(output: dir.path + "/" + name)
            let writes = t.trace.opens.filter(\.writes)
            #expect(writes.count == 1, "\(format): one write-open, of \(name): \(writes.map(\.line))")
            #expect(t.stdout.isEmpty, "\(format): the output went to the file")
            #expect(t.written == t.plainStdout, "\(format): -o FILE holds what standard output would have")
        }
    }
}

/// The checker itself: the parser on strace's shapes, and real strace catching a program that
/// does run, write and connect (so a clean trace of the CLI means something).
extension HarmlessTests {
    @Suite struct Checker {
        @Test func parsesUnfinishedCallsStringsAndOpenat2() {
            let log = StraceLog("""
            4195  execve("/x/staticcheck-elf", ["/x/staticcheck-elf", "a)b\\" = 1"], 0x7ff /* 1 var */) = 0
            4196  openat(AT_FDCWD, "/tmp/O_WRONLY) = 3", O_RDONLY|O_CLOEXEC <unfinished ...>
            4195  openat(AT_FDCWD, "out", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 3
            4196  <... openat resumed>)             = 7
            4195  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
            4197  openat2(AT_FDCWD, "/etc/x", {flags=O_RDWR|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}, 24) = -1 ENOENT (No such file or directory)
            4197  socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 4
            4198  unlinkat(AT_FDCWD, "gone", 0 <unfinished ...>
            4195  +++ exited with 1 +++
            """)
            #expect(log.unparsed.isEmpty, "\(log.unparsed)")
            #expect(log.calls.map(\.name) == ["execve", "openat", "openat", "openat2", "socket", "unlinkat"])
            #expect(log.calls[0].path == "/x/staticcheck-elf" && log.calls[0].succeeded)
            let resumed = log.calls[2]
            #expect(resumed.pid == 4196 && resumed.path == "/tmp/O_WRONLY) = 3" && resumed.result == "7" && !resumed.writes)
            #expect(log.calls[1].writes && log.calls[1].path == "out")
            #expect(log.calls[3].writes && !log.calls[3].succeeded, "openat2's flags= and a failed attempt count")
            #expect(log.calls[5].path == "gone" && log.calls[5].result == "?", "a call that never resumed still counts")
        }

        @Test func straceCatchesAProgramThatRunsWritesAndConnects() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-strace-canary-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let script = "/bin/true; echo x > made; mkdir d; mv made d/moved; exec 3<>/dev/tcp/127.0.0.1/9 || true"
            let r = try Strace.run("/bin/bash", ["-c", script], cwd: dir.path)
            #expect(r.trace.unparsed.isEmpty, "\(r.trace.unparsed)")
            let execs = r.trace.calls.filter { $0.name == "execve" }.map { ($0.path as NSString).lastPathComponent }
            #expect(execs == ["bash", "true", "mkdir", "mv"], "children are followed: \(execs)")
            #expect(r.trace.opens.contains { $0.path == "made" && $0.writes })
            for name in ["mkdir", "rename", "socket", "connect"] {
                #expect(r.trace.calls.contains { $0.name.hasPrefix(name) && Strace.forbidden.contains($0.name) }, "\(name) not seen")
            }
        }
    }
}

/// Where strace is, and the system calls it records: every one that runs a program, opens a
/// file (for its flags), talks on a network, or changes the file system's names or modes.
enum Strace {
    static let path: String? = which("strace") ?? ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let syscalls = ["execve", "execveat", "open", "openat", "openat2", "creat", "connect", "socket",
                           "rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat",
                           "symlink", "symlinkat", "link", "linkat", "chmod", "fchmodat", "truncate"]
    /// Not one of these may happen, whatever its arguments or result.
    static let forbidden: Set<String> = ["execveat", "creat", "connect", "socket", "rename", "renameat", "renameat2",
                                         "unlink", "unlinkat", "mkdir", "mkdirat", "symlink", "symlinkat", "link", "linkat",
                                         "chmod", "fchmodat", "truncate"]
    /// Open flags that write or create.
    static let writeFlags: Set<String> = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_TMPFILE"]

    /// Runs `exe args` in `cwd` under `strace -f` (children and threads too), with the CLI's
    /// clean environment; the trace is written outside `cwd` (so a listing of `cwd` is unchanged).
    static func run(_ exe: String, _ args: [String], cwd: String) throws -> (status: Int32, stdout: String, stderr: String, trace: StraceLog) {
        let strace = try #require(path)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sce-strace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let traceFile = scratch.appendingPathComponent("strace.txt").path
        var environment = ["PATH": "/usr/bin:/bin"]
        // Under `make sanitize` the CLI is an ASan build: its options (no leak check, which
        // cannot run under ptrace) pass through.
        if let asan = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] { environment["ASAN_OPTIONS"] = asan }
        let r = try TestSupport.run(strace, ["-f", "-qq", "-s", "4096", "-e", "trace=" + syscalls.joined(separator: ","), "-o", traceFile, exe] + args,
                                    environment: environment, cwd: cwd)
        let text = (try? String(contentsOfFile: traceFile, encoding: .utf8)) ?? ""
        return (r.status, r.stdout, r.stderr, StraceLog(text))
    }
}

/// One system call from the trace, its `<unfinished ...>` and `<... resumed>` halves joined.
struct TracedCall {
    var pid: Int
    var name: String
    /// The text between the call's parentheses.
    var args: String
    /// What follows `=`: `3`, `-1 ENOENT (No such file or directory)`.
    var result: String
    var line: String
    /// The first string argument (the path of open, openat, execve...), unescaped for plain text.
    var path: String
    /// The `O_...` flags in the arguments (outside strings): openat's third, openat2's `flags=`.
    var flags: Set<String>

    var isOpen: Bool { ["open", "openat", "openat2"].contains(name) }
    var writes: Bool { isOpen && !flags.isDisjoint(with: Strace.writeFlags) }
    var succeeded: Bool { !result.hasPrefix("-1") && !result.hasPrefix("?") }
}

/// strace's output, parsed: `PID  name(args) = result`, with unfinished calls resumed by pid,
/// signals (`--- SIG...`) and exits (`+++ ...`) left out.
struct StraceLog {
    var calls: [TracedCall] = []
    var unparsed: [String] = []

    var opens: [TracedCall] { calls.filter(\.isOpen) }

    init(_ text: String) {
        var pending: [Int: String] = [:]
        for raw in text.split(separator: "\n") {
            var s = Substring(raw)
            var pid = 0
            let digits = s.prefix { $0.isNumber }
            if !digits.isEmpty, s.dropFirst(digits.count).first == " " {
                pid = Int(digits) ?? 0
                s = s.dropFirst(digits.count).drop { $0 == " " }
            }
            if s.hasPrefix("---") || s.hasPrefix("+++") { continue }
            var line = String(s)
            if line.hasPrefix("<... ") {
                guard let close = line.range(of: " resumed>"), let first = pending.removeValue(forKey: pid) else {
                    unparsed.append(String(raw)); continue
                }
                line = first + line[close.upperBound...]
            }
            if let cut = line.range(of: " <unfinished ...>", options: .backwards), cut.upperBound == line.endIndex {
                pending[pid] = String(line[..<cut.lowerBound])
                continue
            }
            if let call = Self.parse(line, pid: pid) { calls.append(call) } else { unparsed.append(String(raw)) }
        }
        // A call that never resumed (the process ended inside it) still counts, with no result.
        for (pid, first) in pending.sorted(by: { $0.key < $1.key }) {
            if let call = Self.parse(first + ") = ?", pid: pid) { calls.append(call) } else { unparsed.append(first) }
        }
    }

    /// `name(args) = result`; the closing parenthesis is found outside strings (which may hold
    /// `)`, `"` escaped as `\"`, and anything else).
    static func parse(_ line: String, pid: Int) -> TracedCall? {
        let chars = Array(line)
        guard let open = chars.firstIndex(of: "("), open > 0 else { return nil }
        let name = String(chars[..<open])
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var depth = 0, inString = false, escaped = false
        var close: Int?
        var bare = ""          // the arguments with strings blanked out
        var firstString: String?
        var current = ""
        var i = open
        while i < chars.count {
            let ch = chars[i]
            if inString {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { current.append(ch); escaped = true } else if ch == "\"" {
                    inString = false
                    if firstString == nil { firstString = current }
                    bare.append("\"\"")
                } else { current.append(ch) }
            } else if ch == "\"" {
                inString = true
                current = ""
            } else {
                if ch == "(" || ch == "[" || ch == "{" { depth += 1 }
                if ch == ")" || ch == "]" || ch == "}" { depth -= 1 }
                if depth == 0 { close = i; break }
                if i > open { bare.append(ch) }
            }
            i += 1
        }
        guard let close else { return nil }
        let args = String(chars[(open + 1)..<close])
        let rest = String(chars[(close + 1)...]).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("=") else { return nil }
        let result = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        let tokens = bare.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
        let flags = Set(tokens.filter { $0.hasPrefix("O_") })
        let path = (firstString ?? "").replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        return TracedCall(pid: pid, name: name, args: args, result: result, line: line, path: path, flags: flags)
    }
}

/// A run of the built CLI under strace, with a plain run of the same command to compare.
struct Traced {
    var status: Int32
    var stdout: String
    var stderr: String
    var trace: StraceLog
    var cwd: String
    /// The plain run (no strace): its status and standard output (with `-o`: the file it wrote).
    var plainStatus: Int32
    var plainStdout: String
    /// With `output`: what the traced run wrote to that file.
    var written: String?
    var args: [String]

    /// Runs `args` twice in `cwd` (default: a fresh empty directory): once plainly and once under
    /// strace. With `output` (the `-o` file, relative to `cwd`), the plain run's output is read
    /// from that file, and the file is removed before the traced run.
    static func run(_ args: [String], cwd: String? = nil, output: String? = nil) throws -> Traced {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sce-strace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cwd = cwd ?? scratch.path
        let outputPath = output.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }

        let plain = try sce(args, cwd: cwd)
        var plainStdout = plain.stdout
        if let outputPath {
            plainStdout = try String(contentsOfFile: outputPath, encoding: .utf8)
            try FileManager.default.removeItem(atPath: outputPath)
        }

        let r = try Strace.run(cli, args, cwd: cwd)
        let written = try outputPath.map { try String(contentsOfFile: $0, encoding: .utf8) }
        return Traced(status: r.status, stdout: r.stdout, stderr: r.stderr, trace: r.trace, cwd: cwd,
                      plainStatus: plain.status, plainStdout: plainStdout, written: written, args: args)
    }

    /// The absolute path an open named (relative paths are relative to the CLI's cwd).
    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
    }

    /// The trace's verdict: one execve (the CLI), no write-open but of `output`, nothing forbidden;
    /// and the run's verdict is the plain run's.
    func expectHarmless(output: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let what = args.joined(separator: " ")
        #expect(!trace.calls.isEmpty, "\(what): the trace is empty (can strace trace here? ptrace may be forbidden)", sourceLocation: sourceLocation)
        #expect(trace.unparsed.isEmpty, "\(what): strace lines not understood: \(trace.unparsed.prefix(5))", sourceLocation: sourceLocation)

        let execs = trace.calls.filter { $0.name == "execve" || $0.name == "execveat" }
        #expect(execs.count == 1, "\(what): exactly one execve, the CLI's: \(execs.map(\.line))", sourceLocation: sourceLocation)
        #expect(execs.first?.path == cli && execs.first?.succeeded == true, "\(what): the execve is not the CLI's: \(execs.map(\.line))",
                sourceLocation: sourceLocation)

        let forbidden = trace.calls.filter { Strace.forbidden.contains($0.name) }
        #expect(forbidden.isEmpty, "\(what): \(forbidden.map(\.line))", sourceLocation: sourceLocation)

        let writes = trace.opens.filter { $0.writes && (output == nil || absolute($0.path) != output) }
        #expect(writes.isEmpty, "\(what): opened for writing: \(writes.map(\.line))", sourceLocation: sourceLocation)

        #expect(status == plainStatus, "\(what): exit \(status) under strace, \(plainStatus) without\n\(stderr)", sourceLocation: sourceLocation)
        if output == nil {
            #expect(stdout == plainStdout, "\(what): the output differs under strace", sourceLocation: sourceLocation)
        }
        #expect(status != 64, "\(what): usage error: \(stderr)", sourceLocation: sourceLocation)
    }
}
