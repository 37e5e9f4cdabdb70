import Image
import Targets

public enum SE111UserNotFound: Rule {
    public static let info = RuleInfo(
        id: "SE111", name: "user-not-found", title: "USER names a user or group the image does not have",
        summary: "The image's USER is a name that /etc/passwd (or a group that /etc/group) of the image lacks: the container fails before the program runs with `unable to find user app: no matching entries in passwd file`.",
        rationale: "Docker resolves USER inside the image when it creates the container: a name needs a line in the image's /etc/passwd (a group name, in /etc/group); a number is used as it is, with or without an entry. scratch and distroless-static images built by copying a binary have no passwd file at all, so `USER app` fails for every program in them, even a static one.",
        fixBefore: "FROM scratch\nCOPY app /app\nUSER app",
        fixAfter: "FROM scratch\nCOPY app /app\nUSER 65532:65532   # or COPY an /etc/passwd and /etc/group that list app",
        severity: .error,
        examples: [
            .fires("-", on: "image:user-name-nopasswd", "USER app, and the image has no /etc/passwd"),
            .silent("-", on: "image:user-name", "USER app with an /etc/passwd that lists app"),
            .silent("-", on: "image:user-numeric", "a numeric USER needs no entry"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let image = c.image, let (spec, message) = image.userFailure else { return [] }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        let name = String(parts.first ?? "")
        let groupMissing = message.hasPrefix("unable to find group")
        let what = groupMissing ? "the group \(parts.count > 1 ? String(parts[1]) : "") of USER \(spec) is not in the image's /etc/group"
                                : "USER \(spec) names \(name), and the image's /etc/passwd \(c.target.fileExists("/etc/passwd") ? "has no entry for it" : "does not exist")"
        let file = groupMissing ? "/etc/group" : "/etc/passwd"
        return [finding("\(what): the container fails before \(c.imagePath) runs, with `\(message)`",
                        why: "Docker looks USER up in the image's \(file) when it creates the container; only numeric ids need no entry.",
                        fix: "use numeric ids (USER 65532:65532), or add the entry: COPY --from=build \(file) \(file) from a stage that has it (e.g. after `adduser -D -u 65532 \(name)`)").evidence(spec)]
    }
}
