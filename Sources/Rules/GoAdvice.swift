import GoBinary
import Targets

/// Cause-aware advice for Go binaries: why a binary is dynamic, and the build line that makes
/// it static, from its own recorded build settings.
public enum GoAdvice {
    /// Packages outside the standard library that call C (`_Cfunc_` names), e.g. a SQLite
    /// driver, or the main package itself. Standard-library import paths have no dot in their
    /// first element; module paths do (github.com/…, example.com/…).
    public static func thirdPartyCgo(_ go: GoFacts) -> [String] {
        go.signals.cgoPackages.filter { p in
            p == "main" || p.split(separator: "/").first.map { $0.contains(".") } == true
        }.sorted()
    }

    /// Why this Go binary needs cgo, as short clauses with their evidence.
    public static func cgoCauses(_ go: GoFacts) -> [String] {
        let s = go.signals
        var causes: [String] = []
        if s.netCgoResolver { causes.append("net uses the cgo DNS resolver (\(evidence(s, .netCgoResolver)))") }
        if s.osUserCgo { causes.append("os/user looks users up through libc (\(evidence(s, .osUserCgo)))") }
        if s.plugin { causes.append("plugin loads code with dlopen") }
        for p in thirdPartyCgo(go) { causes.append("\(p) calls C (cgo)") }
        if causes.isEmpty && s.cgoRuntime { causes.append("the cgo runtime is linked in (x_cgo_init)") }
        return causes
    }

    static func evidence(_ s: GoSignals, _ signal: GoSignal) -> String {
        s.evidence(signal)?.first ?? "cgo functions"
    }

    /// The build line that removes the interpreter, and what it changes.
    public static func staticBuild(_ go: GoFacts) -> (line: GoBuildLine, explanation: String)? {
        guard var line = GoBuildLine(go) else { return nil }
        let third = thirdPartyCgo(go)
        if go.signals.plugin {
            return nil
        }
        if !third.isEmpty {
            // A cgo module cannot be switched off: link C statically, best against musl.
            line.setEnv("CGO_ENABLED", "1")
            line.setEnv("CC", "musl-gcc")
            line.addLdflags(["-linkmode", "external", "-extldflags", "\"-static\""])
            if go.signals.netCgoResolver || go.signals.osUserCgo { line.addTags(["netgo", "osusergo"]) }
            return (line, "\(third.joined(separator: ", ")) needs cgo, so link it statically (musl-gcc avoids glibc's static-NSS warnings)")
        }
        if line.buildmode == "pie" && !go.signals.cgoRuntime {
            line.buildmode = nil
            return (line, "drop -buildmode=pie: a Go PIE is linked with an interpreter even without cgo")
        }
        line.setEnv("CGO_ENABLED", "0")
        if line.buildmode == "pie" { line.buildmode = nil }
        return (line, "only the standard library used cgo; the pure-Go resolver and user lookup replace it")
    }
}
