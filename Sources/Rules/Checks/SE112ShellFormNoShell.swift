import Image
import Targets

public enum SE112ShellFormNoShell: Rule {
    public static let info = RuleInfo(
        id: "SE112", name: "shell-form-no-shell", title: "A shell-form ENTRYPOINT or CMD in an image without the shell",
        summary: "ENTRYPOINT or CMD is in shell form (stored as `/bin/sh -c \"...\"`) and the image has no /bin/sh: `exec: \"/bin/sh\": stat /bin/sh: no such file or directory`.",
        rationale: "`CMD /app --flag` (no brackets) is stored as [\"/bin/sh\", \"-c\", \"/app --flag\"]: the runtime starts the shell, which then runs the command. scratch and distroless images have no shell, so the container fails before the program is even looked at. A bracketed line that is not valid JSON (`ENTRYPOINT [/app]`, single quotes) is shell form too.",
        fixBefore: "CMD /app --port 8080",
        fixAfter: "CMD [\"/app\", \"--port\", \"8080\"]",
        severity: .error,
        examples: [
            .fires("-", on: "image:shell-form-nosh", "CMD in shell form, FROM scratch"),
            .silent("-", on: "image:shell-form", "shell form with /bin/sh in the image"),
            .silent("-", on: "image:scratch-static", "exec form"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let image = c.image, image.isEntrypoint, let s = image.start, let sh = s.shellForm,
              case .failed(_, let message) = s.program else { return [] }
        let exec = sh.firstWord.map { w in
            let rest = sh.command.split(separator: " ").dropFirst(sh.command.hasPrefix("exec ") ? 2 : 1).map { "\"\($0)\"" }
            return "[\"\(w)\"\(rest.isEmpty ? "" : ", " + rest.joined(separator: ", "))]"
        }
        return [finding("the command is in shell form (\(sh.shell) -c \"\(sh.command)\") and \(sh.shell) is not in the image: `\(message)`",
                        why: "Shell form is stored wrapped in \(sh.shell) -c; the runtime must find the shell first, and this image has none.",
                        fix: exec.map { "use exec form: ENTRYPOINT \($0) (or CMD \($0))" } ?? "use exec form (ENTRYPOINT [\"/app\", \"arg\"]), or a base image with \(sh.shell)").evidence(sh.shell)]
    }
}
