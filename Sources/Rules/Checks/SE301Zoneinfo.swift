import GoBinary
import Targets

public enum SE301Zoneinfo: Rule {
    public static let info = RuleInfo(
        id: "SE301", name: "zoneinfo", title: "time.LoadLocation needs zoneinfo the image lacks",
        summary: "The program loads time zones by name, embeds no tzdata, and the target has no /usr/share/zoneinfo: `unknown time zone Europe/Paris`.",
        rationale: "time.LoadLocation reads $ZONEINFO, /usr/share/zoneinfo, /usr/share/lib/zoneinfo and /usr/lib/locale/TZ, then embedded time/tzdata, then GOROOT's zoneinfo.zip — which is why it works on the build machine and not in scratch.",
        fixBefore: "go build ./cmd/server",
        fixAfter: "go build -tags timetzdata ./cmd/server   # or import _ \"time/tzdata\"",
        severity: .warning,
        examples: [
            .fires("go/tz", "LoadLocation, no tzdata"),
            .fires("go119/tz", "Go 1.19"),
            .silent("go/tz-timetzdata", "-tags timetzdata"),
            .silent("go/tz", on: "distroless-static", "distroless has tzdata"),
            .silent("go/hello-cgo0", "no LoadLocation"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard RuntimeNeeds.applies(c), let go = c.go, go.signals.timeLoadLocation, !go.signals.tzdataEmbedded else { return [] }
        guard !RuntimeNeeds.zoneDirs.contains(where: { c.target.directoryExists(String($0.dropLast())) }) else { return [] }
        // $ZONEINFO (a zoneinfo.zip or a directory) is tried first (zoneinfo_read.go loadLocation).
        if let z = c.target.environment["ZONEINFO"], !z.isEmpty, c.target.fileExists(z) || c.target.directoryExists(z) { return [] }
        var fix = "build with -tags timetzdata (adds about 450 KB), or import _ \"time/tzdata\" in main"
        var build: GoBuildLine?
        if var line = GoBuildLine(go) {
            line.addTags(["timetzdata"])
            build = line
            fix = "\(line.withCaveat)   # embeds time/tzdata (about 450 KB); or import _ \"time/tzdata\", or COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo"
        }
        return [finding("\(RuntimeNeeds.when(c))time.LoadLocation will find no zoneinfo in \(c.target.name) and no embedded tzdata: it returns `unknown time zone Europe/Paris` (for any zone but UTC and Local)",
                        why: "Go reads time zones from /usr/share/zoneinfo at run time; the build machine has them, the image does not.",
                        fix: fix, build: build)]
    }
}
