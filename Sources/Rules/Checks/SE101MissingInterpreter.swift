import Targets

public enum SE101MissingInterpreter: Rule {
    public static let info = RuleInfo(
        id: "SE101", name: "missing-interpreter", title: "The ELF interpreter is missing in the target",
        summary: "PT_INTERP names a loader (ld-linux, ld-musl) that the image does not have: `exec /app: no such file or directory`.",
        rationale: "A dynamically linked program names its loader in PT_INTERP. The kernel opens that file before the program runs; when it is missing, execve fails with ENOENT and the runtime prints `no such file or directory` although the program itself is there. A Go binary gets an interpreter when cgo is on (net, os/user, a cgo module) or with -buildmode=pie.",
        fixBefore: "go build -o app .   # cgo on: PT_INTERP /lib64/ld-linux-x86-64.so.2",
        fixAfter: "CGO_ENABLED=0 go build -o app .   # static: no interpreter",
        severity: .error,
        examples: [
            .fires("go/server-cgo1", "cgo-built net/http server"),
            .fires("c/hello-dynamic", "a dynamic C program"),
            .fires("c/hello-musl-dynamic", "a musl program needs /lib/ld-musl-x86_64.so.1"),
            .silent("go/server-cgo0", "CGO_ENABLED=0"),
            .silent("c/hello-static-pie", "static PIE has no interpreter"),
            .silent("go/server-cgo1", on: "distroless-base", "distroless/base has the glibc loader"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let e = c.facts.elf, let path = e.interpreter, !c.target.fileExists(path) else { return [] }
        // A program for another OS names that OS's loader: SE113 tells the real cause.
        if let os = e.os, !os.isLinux { return [] }
        // An empty name is shown as "", never as a blank in the sentence.
        let interp = path.isEmpty ? "\"\"" : path
        let libs = e.needed.isEmpty ? "" : " (the loader would then need \(e.neededList))"
        let fix: String
        var build: GoBuildLine?
        if let go = c.go, let (line, why) = GoAdvice.staticBuild(go) {
            fix = "\(line.withCaveat)   # \(why)"
            build = line
        } else if c.go != nil, c.go?.signals.plugin == true {
            fix = "plugin needs dlopen and cannot be static: use a base image with \(interp) and its libc, e.g. FROM \(baseWith(interp))"
        } else if c.go != nil {
            fix = "CGO_ENABLED=0 go build (and keep your flags), or FROM \(baseWith(interp))"
        } else {
            fix = "link statically (gcc -static, or musl-gcc -static), or use a base image that has \(interp): FROM \(baseWith(interp))"
        }
        return [finding("the interpreter \(interp) (PT_INTERP) does not exist in \(c.target.name)\(libs); docker run prints `exec \(c.imagePath): no such file or directory`",
                        why: "The kernel opens the PT_INTERP loader before the program runs; when it is missing, execve fails with ENOENT, which reads as if \(c.imagePath) itself were missing.",
                        fix: fix, build: build).evidence(interp)]
    }

    static func baseWith(_ interp: String) -> String {
        interp.hasPrefix("/lib/ld-musl") ? "alpine" : "gcr.io/distroless/base-debian12"
    }
}
