import GoBinary
import Targets

public enum SE302UserDatabase: Rule {
    public static let info = RuleInfo(
        id: "SE302", name: "user-database", title: "os/user lookups and no /etc/passwd or /etc/group",
        summary: "The program looks users or groups up and the target has no /etc/passwd or /etc/group: `user: unknown user app`.",
        rationale: "os/user in pure Go (CGO_ENABLED=0 or -tags osusergo) parses /etc/passwd and /etc/group; with cgo, libc's NSS reads the same files. scratch has neither, so user.Current and user.Lookup fail.",
        fixBefore: "FROM scratch\nCOPY --from=build /app /app",
        fixAfter: "FROM scratch\nCOPY --from=build /etc/passwd /etc/group /etc/\nCOPY --from=build /app /app\nUSER 65534:65534",
        severity: .warning,
        examples: [
            .fires("go/userlookup-cgo0", "pure-Go os/user"),
            .fires("go/userlookup-cgo1-osusergo", "osusergo"),
            .silent("go/userlookup-cgo0", on: "distroless-static", "distroless has passwd and group"),
            .silent("go/hello-cgo0", "no os/user"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard RuntimeNeeds.applies(c), let go = c.go, go.signals.osUserPure || go.signals.osUserCgo else { return [] }
        let missing = ["/etc/passwd", "/etc/group"].filter { !c.target.fileExists($0) }
        guard !missing.isEmpty else { return [] }
        return [finding("\(RuntimeNeeds.when(c))os/user will read \(missing.joined(separator: " and ")), which \(c.target.name) lacks: user.Current fails with `user: Current requires cgo or $USER set in environment` (pure Go) and user.Lookup with `user: unknown user NAME`",
                        why: "Go's os/user (pure Go, or libc through cgo) looks users and groups up in /etc/passwd and /etc/group.",
                        fix: "add to the Dockerfile: COPY --from=build /etc/passwd /etc/group /etc/   (or write a minimal passwd in the build stage), and use a numeric USER")]
    }
}
