import Targets

public enum SE113WrongOS: Rule {
    public static let info = RuleInfo(
        id: "SE113", name: "wrong-os", title: "Built for another operating system",
        summary: "An ELF program built for FreeBSD, NetBSD, OpenBSD, DragonFly or Solaris/illumos: Linux may exec it, and it dies at its first system call.",
        rationale: "The kernel checks the ELF machine, not the OS the program was built for: a FreeBSD program for x86-64 is mapped and started, and its first system call, made with another kernel's numbers and conventions, does not do what it asks, so the program crashes at once (SIGSEGV, exit code 139). One that names its own system's loader in PT_INTERP (OpenBSD's /usr/libexec/ld.so) fails earlier with `no such file or directory`. The OS is told from EI_OSABI, the ABI note (.note.tag, .note.netbsd.ident, .note.openbsd.ident, the OS field of .note.ABI-tag), Go's recorded GOOS, or the Go runtime's own source file names (os_freebsd.go) in pclntab.",
        fixBefore: "GOOS=freebsd GOARCH=amd64 go build -o app .",
        fixAfter: "GOOS=linux GOARCH=amd64 go build -o app .",
        severity: .error,
        examples: [
            .fires("go/hello-freebsd-amd64", "FreeBSD (EI_OSABI 9): SIGSEGV"),
            .fires("go/hello-freebsd-386", "FreeBSD i386 on an amd64 kernel"),
            .fires("go/hello-netbsd-amd64", "NetBSD"),
            .fires("go/hello-netbsd-386", "NetBSD i386"),
            .fires("go/hello-openbsd-amd64", "OpenBSD: its loader /usr/libexec/ld.so is missing first"),
            .fires("go/hello-openbsd-386", "OpenBSD i386"),
            .fires("go/hello-dragonfly-amd64", "DragonFly: EI_OSABI 0 and no ABI note, Go's recorded GOOS tells"),
            .fires("go/hello-solaris-amd64", "Solaris: its loader /lib/amd64/ld.so.1 is missing first"),
            .fires("go/hello-illumos-amd64", "illumos"),
            .fires("go119/hello-freebsd-amd64", "Go 1.19 FreeBSD"),
            .fires("go119/hello-netbsd-386", "Go 1.19 NetBSD i386"),
            .fires("go119/hello-openbsd-amd64", "Go 1.19 OpenBSD"),
            .fires("go119/hello-dragonfly-amd64", "Go 1.19 DragonFly"),
            .silent("go/hello-cgo0", "linux/amd64"),
            .silent("go/hello-linux-386", "linux/386"),
            .silent("c/hello-dynamic", "a Linux C program (its .note.ABI-tag says Linux)"),
            .silent("go/hello-darwin-amd64", "Mach-O is SE100's"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let e = c.facts.elf, let os = e.os, !os.isLinux,
              e.type == .exec || e.type == .dyn, !e.sharedLibrary, !e.debugInfoFile else { return [] }
        let runs = c.platform.canExecute(machine: e.machineRaw, bits: e.bits, order: e.endianness)
        let goarch = runs ? (c.go?.buildInfo?.setting("GOARCH") ?? Platform.goarch(machine: e.machineRaw, bits: e.bits, order: e.endianness) ?? c.platform.goarch)
                          : c.platform.goarch
        var fix: String
        var build: GoBuildLine?
        if var line = GoBuildLine(c.go) {
            line.setEnv("GOOS", "linux")
            line.setEnv("GOARCH", goarch)
            build = line
            fix = "rebuild for Linux: \(line.withCaveat)"
        } else if c.go != nil {
            fix = "rebuild for Linux: GOOS=linux GOARCH=\(goarch) go build (with your own flags and package)"
        } else {
            fix = "build for Linux (a Linux toolchain or cross-compiler for \(goarch)), not for \(os.displayName)"
        }
        let arch = runs ? "" : ", and for \(e.machine), which a \(c.platform) kernel does not execute"
        let outcome: String
        switch c.verdict.cause {
        case .wrongOS?:
            outcome = "Linux execs it and it dies at its first system call; docker run: `\(c.verdict.message ?? "")`"
        case .missingInterpreter(let interp)?:
            outcome = "it names \(os.displayName)'s loader \(interp) in PT_INTERP, which \(c.target.name) lacks; docker run prints `exec \(c.imagePath): no such file or directory` (with that loader there, it would die at its first system call)"
        default:
            outcome = c.verdict.message.map { "docker run: `\($0)`" } ?? "it will not run"
        }
        return [finding("\(c.path) is a program for \(os.displayName) (\(os.evidence)), not Linux\(arch); \(outcome)",
                        why: "Linux checks the ELF machine, not the OS a program was built for; another kernel's system calls do not work here.",
                        fix: fix, build: build).evidence(os.displayName)]
    }
}
