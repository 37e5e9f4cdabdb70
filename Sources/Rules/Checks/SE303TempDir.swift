import GoBinary
import Targets

public enum SE303TempDir: Rule {
    public static let info = RuleInfo(
        id: "SE303", name: "temp-dir", title: "Temporary files and no /tmp",
        summary: "The program creates temporary files (os.TempDir, os.CreateTemp, os.MkdirTemp) and the target has no /tmp: `open /tmp/…: no such file or directory`.",
        rationale: "os.TempDir is $TMPDIR or /tmp; scratch has no /tmp directory. net/http links it through mime/multipart, which spills large form uploads to temp files.",
        fixBefore: "FROM scratch",
        fixAfter: "FROM scratch\nCOPY --from=build --chmod=1777 /tmp /tmp",
        severity: .warning,
        examples: [
            .fires("go/tmp-cgo0", "os.CreateTemp"),
            .silent("go/tmp-cgo0", on: "distroless-static", "distroless has /tmp"),
            .silent("go/hello-cgo0", "no temp files"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard RuntimeNeeds.applies(c), let go = c.go, go.signals.tempDir, !c.target.directoryExists("/tmp") else { return [] }
        let via = go.links("mime/multipart") ? " (net/http's multipart form parsing writes large uploads there)" : ""
        return [finding("\(RuntimeNeeds.when(c))the program creates temporary files in os.TempDir()\(via), and \(c.target.name) has no /tmp: they fail with `open /tmp/…: no such file or directory`",
                        why: "os.TempDir returns $TMPDIR or /tmp, and nothing creates /tmp in \(c.target.name).",
                        fix: "create /tmp in the image: in the build stage `RUN mkdir -p /tmp/empty && chmod 1777 /tmp/empty`, then COPY --from=build /tmp/empty /tmp   (or set TMPDIR to a writable volume)")]
    }
}
