public enum SE105NotExecutable: Rule {
    public static let info = RuleInfo(
        id: "SE105", name: "not-executable", title: "The file has no execute permission",
        summary: "No execute bit is set on the file: `exec /app: permission denied`.",
        rationale: "execve requires an execute bit even for root. COPY keeps the mode the file has in the build context, so a binary downloaded or produced without +x stays unrunnable in the image.",
        fixBefore: "COPY app /app",
        fixAfter: "COPY --chmod=755 app /app",
        severity: .error,
        examples: [
            .fires("c/hello-noexec", "mode 0644"),
            .fires("scripts/lf-noexec.sh", "a script with mode 0644"),
            .silent("c/hello-static", "mode 0755"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard !c.facts.executable else { return [] }
        return [finding("\(c.path) has mode \(StartPredictor.octal(c.facts.mode)), no execute bit; docker run prints `exec \(c.imagePath): permission denied`",
                        why: "execve needs at least one execute bit; COPY keeps the file's mode from the build context.",
                        fix: "chmod +x \(c.path) before building the image, or COPY --chmod=755 \(c.path) \(c.imagePath)")]
    }
}
