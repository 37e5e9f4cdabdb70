import Image
import Targets

public enum SE114EntrypointNotFound: Rule {
    public static let info = RuleInfo(
        id: "SE114", name: "entrypoint-not-found", title: "The image's ENTRYPOINT/CMD names a program the image does not have",
        summary: "The runtime cannot find the program ENTRYPOINT/CMD names (a missing path, a dangling symbolic link, a name on no PATH directory, no command at all): `exec: \"/app/main\": stat /app/main: no such file or directory`.",
        rationale: "runc looks argv[0] up with Go's exec.LookPath inside the container, after entering WorkingDir: a path with a slash must exist there (symbolic links resolved inside the image), a bare name must be an executable file in one of the image's PATH directories (from its Env, else Docker's default). A COPY to another place, a binary removed by a later layer, or a symlink into the build machine leave the command pointing at nothing. A shell-form command fails the same way one step later, in the shell (`/bin/sh: 1: app: not found`).",
        fixBefore: "COPY --from=build /out/server /usr/local/bin/\nENTRYPOINT [\"/app/server\"]",
        fixAfter: "COPY --from=build /out/server /app/server\nENTRYPOINT [\"/app/server\"]",
        severity: .error,
        examples: [
            .fires("-", on: "image:dangling-entrypoint", "ENTRYPOINT is a symlink to nothing in the image"),
            .fires("-", on: "image:path-lookup-missing", "a bare name that no PATH directory holds"),
            .silent("-", on: "image:path-lookup", "a bare name found on the image's PATH"),
            .silent("-", on: "image:relative-workdir", "a relative path found from WorkingDir"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let image = c.image, image.isEntrypoint else { return [] }
        guard let s = image.start else {
            let m = image.startError ?? "no command specified"
            return [finding("the image cannot start: `\(m)`",
                            why: "Docker needs ENTRYPOINT or CMD (or a command on the docker run line) and a valid Env to create the container.",
                            fix: "set ENTRYPOINT [\"/path/to/program\"] in the Dockerfile's final stage")]
        }
        if s.shellForm == nil || s.program.imagePath != nil, let w = s.workingDirProblem {
            return [finding("runc cannot enter the working directory: `\(w)`",
                            why: "runc changes into WorkingDir before it looks the program up.",
                            fix: "WORKDIR a directory (it is created when missing), not a file")]
        }
        switch s.program {
        case .failed(_, let message):
            guard s.shellForm == nil else { return [] }   // SE112: the shell is what is missing
            let name = s.argv.first ?? ""
            let place = name.contains("/") ? "\(name) does not exist in the image (or is a symbolic link to nothing there)"
                                           : "\(name) is in no directory of the image's PATH (\(s.environment["PATH"] ?? ""))"
            return [finding("ENTRYPOINT/CMD runs \(name), and \(place): `\(message)`",
                            why: "runc looks the program up inside the image before exec; the build put it elsewhere, or a later layer removed it.",
                            fix: name.contains("/") ? "COPY the program to \(name), or point ENTRYPOINT at the path the image has it at"
                                                    : "use the absolute path in ENTRYPOINT (ENTRYPOINT [\"/app/\(name)\"]), or set ENV PATH to include its directory")]
        case .found:
            guard let sh = s.shellForm, let word = sh.firstWord, case .failed = image.shellCommand else { return [] }
            return [finding("the shell-form command runs \(word), which is \(word.contains("/") ? "not in the image" : "in no directory of the image's PATH"): the shell prints `\(word): not found` and exits 127",
                            why: "\(sh.shell) -c \"\(sh.command)\" starts, then looks \(word) up as a command.",
                            fix: "use exec form with the program's path: ENTRYPOINT [\"/path/to/\(word.split(separator: "/").last ?? "")\"]")]
        }
    }
}
