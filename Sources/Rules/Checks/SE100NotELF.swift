import Targets

public enum SE100NotELF: Rule {
    public static let info = RuleInfo(
        id: "SE100", name: "not-elf", title: "The file is not a Linux executable",
        summary: "A Mach-O, PE, archive or unknown file cannot be executed by a Linux kernel: `exec format error`.",
        rationale: "Linux executes ELF files and #! scripts. A Go binary built with GOOS=darwin is Mach-O and one built with GOOS=windows is PE; runc reports both as `exec /app: exec format error`. A static library (.a) is an archive, not a program.",
        fixBefore: "GOOS=darwin go build -o app .",
        fixAfter: "GOOS=linux GOARCH=amd64 go build -o app .",
        severity: .error,
        examples: [
            .fires("go/hello-darwin-arm64", "a Mach-O built with GOOS=darwin"),
            .fires("go/hello-windows-amd64", "a PE built with GOOS=windows"),
            .fires("c/libdemo.a", "an ar archive"),
            .silent("go/hello-cgo0", "a Linux ELF"),
            .silent("scripts/lf.sh", "a #! script is executable by the kernel"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        let f = c.facts
        let cpus = f.foreign?.cpus ?? []
        let what: String
        switch f.format {
        case .macho: what = "a Mach-O file for \(cpus.isEmpty ? "an unknown CPU" : cpus.joined(separator: " and ")) (macOS)"
        case .pe: what = "a PE file for \(cpus.first ?? "an unknown machine") (Windows)"
        case .archive: what = "an ar archive (a static library)"
        case .unknown: what = "neither ELF nor a #! script"
        case .elf, .script: return []
        }
        var built = ""
        if let bi = c.go?.buildInfo {
            built = ", built with GOOS=\(bi.setting("GOOS") ?? "?") GOARCH=\(bi.setting("GOARCH") ?? "?") by \(bi.goVersion)"
        }
        let fix: String
        var build: GoBuildLine?
        if var line = GoBuildLine(c.go) {
            line.setEnv("GOOS", "linux")
            line.setEnv("GOARCH", c.platform.goarch)
            build = line
            fix = "rebuild for Linux: \(line.withCaveat)"
        } else if f.format == .archive {
            fix = "link the archive into an executable (go build / gcc main.o libx.a) and copy that program instead"
        } else if f.format == .unknown {
            fix = "copy the program itself, or start this file through its interpreter in an exec-form ENTRYPOINT"
        } else {
            fix = "build for Linux: GOOS=linux GOARCH=\(c.platform.goarch) (or a Linux cross-compiler), and check that the Dockerfile copies the Linux build output"
        }
        return [finding("\(c.path) is \(what)\(built); docker run prints `exec \(c.imagePath): exec format error`",
                        why: "A Linux kernel only executes ELF files and #! scripts; every other format is ENOEXEC.",
                        fix: fix, build: build)]
    }
}
