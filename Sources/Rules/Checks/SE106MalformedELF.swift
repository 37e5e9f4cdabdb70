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
        guard let problem else { return [] }
        let outcome = c.verdict.ok ? "the kernel may still start it, but the file is damaged" : (c.verdict.message.map { "docker run: `\($0)`" } ?? "it will not start")
        return [finding("\(c.path) is malformed: \(problem); \(outcome)",
                        why: "Headers and tables that point outside the file or contradict each other mean the file is truncated or corrupt.",
                        fix: "rebuild the binary and copy it again; compare its size (\(c.facts.fileBytes) bytes) and checksum with the build output")]
    }
}
