import GoBinary
import Targets

public enum SE201PIEInterpreter: Rule {
    public static let info = RuleInfo(
        id: "SE201", name: "pie-interpreter", title: "-buildmode=pie left an interpreter",
        summary: "A Go binary built with -buildmode=pie has an ELF interpreter although it needs no library, so it does not start on scratch.",
        rationale: "Go links position-independent executables as ET_DYN with PT_INTERP, even without cgo and with no DT_NEEDED: the loader relocates the program. On an image without the loader it fails with `no such file or directory`.",
        fixBefore: "go build -buildmode=pie ./cmd/server",
        fixAfter: "go build ./cmd/server   # or CGO_ENABLED=1 go build -buildmode=pie -ldflags '-linkmode external -extldflags \"-static-pie\"'",
        severity: .error,
        examples: [
            .fires("go/server-pie-cgo0", "internal-linked PIE"),
            .fires("go119/server-pie-cgo0", "Go 1.19 PIE"),
            .silent("go/server-cgo0", "not PIE"),
            .silent("go/server-pie-ext-cgo1", "PIE with cgo: SE200 explains it"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let go = c.go, let e = c.facts.elf, let interp = e.interpreter, !c.target.fileExists(interp) else { return [] }
        let pie = go.buildInfo?.setting("-buildmode") == "pie" || e.pieFlag || e.type == .dyn
        // With cgo, SE200 names the cause; SE201 is the PIE that needed no interpreter at all.
        guard pie, !go.signals.cgoRuntime else { return [] }
        var fix = "drop -buildmode=pie"
        var build: GoBuildLine?
        if var line = GoBuildLine(go) {
            line.buildmode = nil
            build = line
            fix = "\(line.withCaveat)   # no -buildmode=pie"
            if var staticPie = GoBuildLine(go) {
                staticPie.setEnv("CGO_ENABLED", "1")
                staticPie.addLdflags(["-linkmode", "external", "-extldflags", "\"-static-pie\""])
                fix += "; to keep PIE, link it as a static PIE: \(staticPie.rendered)"
            }
        }
        return [finding("the Go binary was built with -buildmode=pie: it has the interpreter \(interp) but needs \(e.needed.isEmpty ? "no library" : e.neededList); \(c.target.name) has no loader",
                        why: "Go's PIE is relocated at start by the system loader named in PT_INTERP, cgo or not.",
                        fix: fix, build: build)]
    }
}
