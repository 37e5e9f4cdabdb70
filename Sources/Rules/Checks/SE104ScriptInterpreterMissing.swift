import Targets

public enum SE104ScriptInterpreterMissing: Rule {
    public static let info = RuleInfo(
        id: "SE104", name: "script-interpreter-missing", title: "The script's #! interpreter is missing or has a CR",
        summary: "A `#!` script whose interpreter is absent from the image, or whose #! line ends in CR LF: `no such file or directory`.",
        rationale: "The kernel runs a script by executing the path on its #! line. scratch and distroless have no /bin/sh; and a file saved with Windows line endings asks for `/bin/sh\\r`, which exists nowhere. Both fail with ENOENT.",
        fixBefore: "ENTRYPOINT [\"/entrypoint.sh\"]   # #!/bin/sh on scratch",
        fixAfter: "ENTRYPOINT [\"/app\"]   # exec form, run the program directly",
        severity: .error,
        examples: [
            .fires("scripts/lf.sh", "no /bin/sh in scratch"),
            .fires("scripts/crlf.sh", on: "alpine", "CR LF line ending: /bin/sh\\r"),
            .silent("scripts/lf.sh", on: "alpine", "alpine has /bin/sh"),
            .silent("go/hello-cgo0", "not a script"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let sb = c.facts.script?.shebang else { return [] }
        if sb.truncated {
            return [finding("the #! line of \(c.path) names no interpreter the kernel can read (empty, or no end within 256 bytes); docker run prints `exec \(c.imagePath): exec format error`",
                            why: "The kernel reads only the first 256 bytes of a #! line and refuses one whose interpreter path does not end inside them.",
                            fix: "shorten the #! line (use `#!/usr/bin/env NAME`), or run the program directly in an exec-form ENTRYPOINT")]
        }
        if sb.hasCarriageReturn {
            return [finding("the #! line of \(c.path) ends in CR LF, so the kernel looks for `\(sb.interpreter.replacingCR)`; docker run prints `exec \(c.imagePath): no such file or directory`",
                            why: "The kernel splits the #! line at spaces, tabs and the newline only: the carriage return stays part of the interpreter's path.",
                            fix: "convert the file to LF line endings (`sed -i 's/\\r$//' \(c.path)` or dos2unix) and keep it that way with `*.sh text eol=lf` in .gitattributes").evidence("CRLF")]
        }
        guard !c.target.fileExists(sb.interpreter) else { return [] }
        return [finding("the script's interpreter \(sb.interpreter) does not exist in \(c.target.name); docker run prints `exec \(c.imagePath): no such file or directory`",
                        why: "The kernel executes the #! interpreter; when it is missing, execve fails with ENOENT as if the script were missing.",
                        fix: "run the program directly with an exec-form ENTRYPOINT [\"/app\"], or use a base image that has \(sb.interpreter) (busybox, alpine, debian-slim)").evidence(sb.interpreter)]
    }
}
