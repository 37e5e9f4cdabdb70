import GoBinary
import Targets

public enum SE200CgoDynamic: Rule {
    public static let info = RuleInfo(
        id: "SE200", name: "cgo-dynamic", title: "A Go binary is dynamic because of cgo",
        summary: "cgo linked the Go binary against libc, which gave it an interpreter the image lacks; names the packages that pulled cgo in.",
        rationale: "With CGO_ENABLED=1 (the default when a C compiler is found), net uses libc's resolver, os/user libc's user lookup, and cgo modules link C: the binary becomes dynamic. CGO_ENABLED=1 alone does not do it: a program that links no cgo package stays static.",
        fixBefore: "go build ./cmd/server                  # net → cgo resolver → PT_INTERP",
        fixAfter: "CGO_ENABLED=0 go build ./cmd/server    # or -tags netgo,osusergo",
        severity: .error,
        examples: [
            .fires("go/server-cgo1", "net's cgo resolver"),
            .fires("go119/server-cgo1", "Go 1.19 as well"),
            .fires("go/sqlite-cgo1", "a cgo module: static external link advised"),
            .fires("go/userlookup-cgo1", "os/user via libc"),
            .silent("go/server-cgo1-netgo-osusergo", "netgo,osusergo: static"),
            .silent("go/server-cgo0", "CGO_ENABLED=0"),
            .silent("go/tz", "CGO_ENABLED=1 but no cgo package: static"),
            .silent("go/server-cgo1", on: "distroless-base", "the loader and libc are there"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let go = c.go, let e = c.facts.elf, let interp = e.interpreter else { return [] }
        let s = go.signals
        guard s.cgoRuntime || !s.cgoPackages.isEmpty else { return [] }
        // Only when being dynamic breaks the start: the loader or a library is missing.
        let missingLib = c.loader?.missing.isEmpty == false
        guard !c.target.fileExists(interp) || missingLib else { return [] }
        let causes = GoAdvice.cgoCauses(go)
        let cgoSetting = go.buildInfo?.setting("CGO_ENABLED").map { " (CGO_ENABLED=\($0))" } ?? ""
        var fix: String
        var build: GoBuildLine?
        let third = GoAdvice.thirdPartyCgo(go)
        if s.plugin {
            fix = "plugin needs dlopen and cannot be linked statically: use a base image with glibc, FROM gcr.io/distroless/base-debian12"
        } else if let (line, why) = GoAdvice.staticBuild(go) {
            fix = "\(line.withCaveat)   # \(why)"
            build = line
            if third.isEmpty, var tagged = GoBuildLine(go) {
                tagged.addTags(["netgo", "osusergo"])
                fix += "; to keep cgo on, build the standard library without it: \(tagged.rendered)"
            } else if !third.isEmpty {
                fix += "; or keep it dynamic on a base with glibc: FROM gcr.io/distroless/base-debian12"
            }
        } else {
            fix = third.isEmpty ? "CGO_ENABLED=0 go build, or -tags netgo,osusergo"
                                : "link statically: CC=musl-gcc go build -ldflags '-linkmode external -extldflags \"-static\"', or FROM gcr.io/distroless/base-debian12"
        }
        return [finding("the Go binary is dynamically linked because cgo was on\(cgoSetting): \(causes.joined(separator: "; ")); it needs \(interp)\(e.needed.isEmpty ? "" : " and \(e.neededList)")",
                        why: "Each cgo package links libc, so the linker records the system loader in PT_INTERP; \(c.target.name) does not provide it.",
                        fix: fix, build: build)]
    }
}
