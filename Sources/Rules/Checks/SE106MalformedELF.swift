import ELFKit

public enum SE106MalformedELF: Rule {
    public static let info = RuleInfo(
        id: "SE106", name: "malformed-elf", title: "Truncated or corrupt ELF file",
        summary: "The ELF headers or tables are truncated or inconsistent; the kernel refuses the file or it dies as it starts.",
        rationale: "A file cut short by an interrupted copy or download, or corrupted on the way, keeps its name and mode but not its contents. The kernel refuses bad headers with ENOEXEC or EIO; a truncated segment raises SIGBUS the moment it is touched.",
        fixBefore: "COPY --from=build /out/app /app   # a partial artifact",
        fixAfter: "rebuild the artifact and compare its size and checksum with the build output",
        severity: .error,
        examples: [
            .silent("go/server-cgo1", "a well-formed binary"),
            .silent("c/hello-static-pie", "a well-formed static PIE"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard c.facts.format == .elf else { return [] }
        var problem: String?
        if let e = c.error { problem = e.description }
        switch c.verdict.cause {
        case .malformed, .truncatedSegments: problem = problem ?? c.verdict.reason
        default: break
        }
        guard let problem else {
            // Damage only where neither the kernel nor the loader looks: the verdict stands.
            guard let d = c.damage.first else { return [] }
            let more = c.damage.count > 1 ? " (and \(c.damage.count - 1) more)" : ""
            var f = finding("\(c.path) is damaged where neither the kernel nor the loader reads: \(d.description)\(more); the verdict above stands, but facts read from there (section sizes, build ID, Go's build info) may be missing",
                            why: "Section headers, note sections and Go's tables are for tools, not for execve or ld.so; damage there still means the copy is not the build output.",
                            fix: "rebuild the binary and copy it again; compare its size (\(c.facts.fileBytes) bytes) and checksum with the build output")
            f.severity = .warning
            return [f]
        }
        let outcome = c.verdict.ok ? "the kernel may still start it, but the file is damaged" : (c.verdict.message.map { "docker run: `\($0)`" } ?? "it will not start")
        return [finding("\(c.path) is malformed: \(problem); \(outcome)",
                        why: "Headers and tables that point outside the file or contradict each other mean the file is truncated or corrupt.",
                        fix: "rebuild the binary and copy it again; compare its size (\(c.facts.fileBytes) bytes) and checksum with the build output")]
    }
}
