import GoBinary
import Targets

public enum SE402BuildPaths: Rule {
    public static let info = RuleInfo(
        id: "SE402", name: "build-paths", title: "Absolute build paths are embedded",
        summary: "The binary records the absolute paths of the build machine's source files (no -trimpath).",
        rationale: "Without -trimpath, Go records every source file's absolute path (in pclntab, for stack traces): the build machine's layout and user name leak, and builds are not reproducible across machines.",
        fixBefore: "go build ./cmd/server",
        fixAfter: "go build -trimpath ./cmd/server",
        severity: .info,
        examples: [
            .fires("go/server-cgo0", "no -trimpath"),
            .silent("go/server-cgo0-trimpath-sw-X", "-trimpath"),
            .silent("go119/server-cgo0-trimpath-sw-X", "-trimpath with Go 1.19"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        // Image hygiene: for a Mach-O or PE, SE100 (rebuild for Linux) comes first.
        guard c.facts.format == .elf, let go = c.go, let example = go.absoluteBuildPaths.first,
              go.buildInfo?.setting("-trimpath") != "true" else { return [] }
        var fix = "add -trimpath to go build"
        var build: GoBuildLine?
        if var line = c.goBuildLineForLinux {
            line.trimpath = true
            fix = line.rendered
            build = line
        }
        return [finding("absolute build paths are embedded, e.g. \(example)",
                        why: "Without -trimpath the build machine's file system layout is recorded in the binary and builds are not reproducible.",
                        fix: fix, build: build)]
    }
}
