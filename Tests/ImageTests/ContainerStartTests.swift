import FileTree
import Image
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ContainerStartTests {
    static let passwd = """
    root:x:0:0:root:/root:/bin/sh
    # not a comment in passwd
    app:x:1000:1000::/home/app:/sbin/nologin
    app:x:2000:2000::/second:/bin/sh
    """
    static let group = """
    root:x:0:
    # a comment
    staff:x:50:app,other
    web:x:33:
    """

    func image(passwd: String? = ContainerStartTests.passwd, group: String? = ContainerStartTests.group, extra: [Item] = []) throws -> LayerTree {
        var items: [Item] = [
            .file("usr/bin/app", "\u{7F}ELF", mode: 0o755), .file("usr/local/bin/tool", "#!/bin/sh", mode: 0o755),
            .file("bin/sh", "\u{7F}ELF", mode: 0o755), .file("srv/run.sh", "#!/bin/sh", mode: 0o755),
            .file("srv/data.txt", "x", mode: 0o644), .link("srv/dangling", "/nowhere/app"), .link("srv/app", "/usr/bin/app"),
            .file("usr/sbin/rootonly", "x", mode: 0o700, uid: 0), .dir("work"),
        ]
        if let passwd { items.append(.file("etc/passwd", passwd)) }
        if let group { items.append(.file("etc/group", group)) }
        return try tree([items + extra])
    }

    func start(_ c: ContainerConfig, in t: LayerTree? = nil) throws -> ContainerStart {
        try ContainerStart(config: c, tree: t ?? image())
    }

    static let programCases: [(String, ContainerConfig, ProgramLookup)] = [
        ("bare name in PATH", ContainerConfig(cmd: ["app", "-v"]), .found(path: "/usr/bin/app", imagePath: "/usr/bin/app")),
        ("PATH order", ContainerConfig(cmd: ["tool"]), .found(path: "/usr/local/bin/tool", imagePath: "/usr/local/bin/tool")),
        ("image PATH replaces the default", ContainerConfig(cmd: ["tool"], env: ["PATH=/srv"]),
         .failed(errno: ENOENT, message: #"exec: "tool": executable file not found in $PATH"#)),
        ("empty PATH searches nothing", ContainerConfig(cmd: ["sh"], env: ["PATH="]),
         .failed(errno: ENOENT, message: #"exec: "sh": executable file not found in $PATH"#)),
        ("not executable is not found", ContainerConfig(cmd: ["data.txt"], env: ["PATH=/srv"]),
         .failed(errno: ENOENT, message: #"exec: "data.txt": executable file not found in $PATH"#)),
        ("relative PATH element: ErrDot", ContainerConfig(cmd: ["run.sh"], env: ["PATH=.:/bin"], workingDir: "/srv"),
         .failed(errno: ENOENT, message: #"exec: "run.sh": cannot run executable found relative to current directory"#)),
        ("relative with WorkingDir", ContainerConfig(cmd: ["./run.sh"], workingDir: "/srv/"),
         .found(path: "./run.sh", imagePath: "/srv/run.sh")),
        ("relative missing", ContainerConfig(cmd: ["./run.sh"], workingDir: "/work"),
         .failed(errno: ENOENT, message: #"exec: "./run.sh": stat ./run.sh: no such file or directory"#)),
        ("absolute through a symlink", ContainerConfig(entrypoint: ["/srv/app"]), .found(path: "/srv/app", imagePath: "/srv/app")),
        ("dangling symlink entrypoint", ContainerConfig(entrypoint: ["/srv/dangling"], cmd: ["x"]),
         .failed(errno: ENOENT, message: #"exec: "/srv/dangling": stat /srv/dangling: no such file or directory"#)),
        ("a directory", ContainerConfig(entrypoint: ["/srv"]), .failed(errno: EISDIR, message: #"exec: "/srv": is a directory"#)),
        ("no x bit", ContainerConfig(entrypoint: ["/srv/data.txt"]), .failed(errno: EACCES, message: #"exec: "/srv/data.txt": permission denied"#)),
        ("a non-directory component", ContainerConfig(entrypoint: ["/srv/data.txt/x"]),
         .failed(errno: ENOTDIR, message: #"exec: "/srv/data.txt/x": stat /srv/data.txt/x: not a directory"#)),
        ("another user lacks the x bit", ContainerConfig(entrypoint: ["/usr/sbin/rootonly"], user: "1000"),
         .failed(errno: EACCES, message: #"exec: "/usr/sbin/rootonly": permission denied"#)),
        ("root has it", ContainerConfig(entrypoint: ["/usr/sbin/rootonly"]), .found(path: "/usr/sbin/rootonly", imagePath: "/usr/sbin/rootonly")),
    ]

    @Test(arguments: programCases.indices)
    func program(_ i: Int) throws {
        let (name, config, want) = ContainerStartTests.programCases[i]
        #expect(try start(config).program == want, "\(name)")
    }

    @Test func argvAndWorkingDir() throws {
        let s = try start(ContainerConfig(entrypoint: ["/usr/bin/app"], cmd: ["serve", "--port=80"], workingDir: "/srv//x/../"))
        #expect(s.argv == ["/usr/bin/app", "serve", "--port=80"])
        #expect(s.workingDir == "/srv")
        #expect(s.workingDirProblem == nil)
        #expect(try start(ContainerConfig(cmd: ["app"])).workingDir == "/")
        #expect(try start(ContainerConfig(cmd: ["app"], workingDir: "/srv/data.txt")).workingDirProblem
            == #"chdir to cwd ("/srv/data.txt") set in config.json failed: not a directory"#)
        #expect(try start(ContainerConfig(cmd: ["app"], workingDir: "/missing")).workingDirProblem == nil)   // runc creates it
        #expect(throws: StartError("no command specified")) { try start(ContainerConfig()) }
        #expect(throws: StartError("no command specified")) { try ContainerStart(config: nil, tree: image()) }
        #expect(throws: StartError("the working directory 'srv' is invalid, it needs to be an absolute path")) {
            try start(ContainerConfig(cmd: ["app"], workingDir: "srv"))
        }
    }

    @Test func environment() throws {
        let s = try start(ContainerConfig(cmd: ["app"], env: ["A=1", "PATH=/bin:/usr/bin", "A=2", "B=x=y", "EMPTY="]))
        #expect(s.environmentList == ["PATH=/bin:/usr/bin", "A=2", "B=x=y", "EMPTY=", "HOME=/root"])
        #expect(s.environment["B"] == "x=y")
        // Docker drops a bare name (and unsets a default of that name) before runc sees it.
        #expect(try start(ContainerConfig(cmd: ["/usr/bin/app"], env: ["FOO", "PATH"])).environmentList == ["HOME=/root"])
        // An empty HOME is replaced from passwd; a set one is kept.
        #expect(try start(ContainerConfig(cmd: ["app"], env: ["HOME="], user: "app")).environment["HOME"] == "/home/app")
        #expect(try start(ContainerConfig(cmd: ["app"], env: ["HOME=/h"])).environment["HOME"] == "/h")
        #expect(try start(ContainerConfig(cmd: ["app"], user: "4242")).environment["HOME"] == "/")
        #expect(throws: StartError("invalid environment variable: name cannot be empty")) {
            try start(ContainerConfig(cmd: ["app"], env: ["=x"]))
        }
        #expect(throws: StartError(#"invalid environment variable "N": contains nul byte (\x00)"#)) {
            try start(ContainerConfig(cmd: ["app"], env: ["N=a\u{0}b"]))
        }
        #expect(ContainerStart.defaultPath == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    }

    static let userCases: [(String, String?, UserLookup)] = [
        ("", ContainerStartTests.passwd, .resolved(ExecUser(uid: 0, gid: 0, home: "/root"))),
        ("app", ContainerStartTests.passwd, .resolved(ExecUser(uid: 1000, gid: 1000, supplementaryGroups: [50], home: "/home/app"))),
        ("app:web", ContainerStartTests.passwd, .resolved(ExecUser(uid: 1000, gid: 33, home: "/home/app"))),
        ("app:77", ContainerStartTests.passwd, .resolved(ExecUser(uid: 1000, gid: 77, home: "/home/app"))),
        ("1000", ContainerStartTests.passwd, .resolved(ExecUser(uid: 1000, gid: 1000, supplementaryGroups: [50], home: "/home/app"))),
        ("4242", ContainerStartTests.passwd, .resolved(ExecUser(uid: 4242, gid: 0))),
        ("4242:4242", nil, .resolved(ExecUser(uid: 4242, gid: 4242))),
        ("nobody", ContainerStartTests.passwd, .failed("unable to find user nobody: no matching entries in passwd file")),
        ("nobody", nil, .failed("unable to find user nobody: no matching entries in passwd file")),
        ("app:nogroup", ContainerStartTests.passwd, .failed("unable to find group nogroup: no matching entries in group file")),
        ("-1", ContainerStartTests.passwd, .failed("uids and gids must be in range 0-2147483647")),
        ("0:2147483648", ContainerStartTests.passwd, .failed("uids and gids must be in range 0-2147483647")),
    ]

    @Test(arguments: userCases.indices)
    func user(_ i: Int) throws {
        let (spec, passwd, want) = ContainerStartTests.userCases[i]
        let t = try image(passwd: passwd)
        #expect(ContainerStart.lookUser(spec, in: t) == want, "\(spec)")
    }

    @Test func userWithoutGroupFile() throws {
        let t = try image(group: nil)
        #expect(ContainerStart.lookUser("app", in: t) == .resolved(ExecUser(uid: 1000, gid: 1000, home: "/home/app")))
        #expect(ContainerStart.lookUser("app:web", in: t) == .failed("unable to find group web: no matching entries in group file"))
    }

    static let shellCases: [([String], [String], ShellForm?)] = [
        (["/bin/sh", "-c", "exec app --flag"], [], ShellForm(shell: "/bin/sh", command: "exec app --flag", firstWord: "app", firstWordIsBuiltin: false)),
        (["/bin/sh", "-c", "FOO=1 /srv/run.sh"], [], ShellForm(shell: "/bin/sh", command: "FOO=1 /srv/run.sh", firstWord: "/srv/run.sh", firstWordIsBuiltin: false)),
        (["/bin/sh", "-c", "echo hi && app"], [], ShellForm(shell: "/bin/sh", command: "echo hi && app", firstWord: "echo", firstWordIsBuiltin: true)),
        (["/bin/sh", "-c", "\"$APP\" run"], [], ShellForm(shell: "/bin/sh", command: "\"$APP\" run", firstWord: nil, firstWordIsBuiltin: false)),
        (["bash", "-ec", "app;x", "ignored-$0"], [], ShellForm(shell: "bash", command: "app;x", firstWord: "app", firstWordIsBuiltin: false)),
        (["/bin/bash", "-o", "pipefail", "-c", "app | tee"], ["/bin/bash", "-o", "pipefail", "-c"],
         ShellForm(shell: "/bin/bash", command: "app | tee", firstWord: "app", firstWordIsBuiltin: false)),
        (["/bin/sh", "/srv/run.sh"], [], nil),
        (["/usr/bin/app", "-c", "x"], [], nil),
        (["/bin/sh", "-c"], [], nil),
    ]

    @Test(arguments: shellCases.indices)
    func shellForm(_ i: Int) {
        let (argv, shell, want) = ContainerStartTests.shellCases[i]
        #expect(ContainerStart.shellForm(argv, shell: shell) == want, "\(argv)")
    }

    @Test func wholeStart() throws {
        let s = try start(ContainerConfig(cmd: ["/bin/sh", "-c", "exec app"], env: ["X=1"], user: "app"))
        #expect(s.shellForm?.firstWord == "app")
        #expect(s.program == .found(path: "/bin/sh", imagePath: "/bin/sh"))
        #expect(s.user.resolved?.uid == 1000)
        #expect(s.environmentList == ["PATH=" + ContainerStart.defaultPath, "X=1", "HOME=/home/app"])
    }
}
