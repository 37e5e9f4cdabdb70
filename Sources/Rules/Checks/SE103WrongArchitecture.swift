import Targets

public enum SE103WrongArchitecture: Rule {
    public static let info = RuleInfo(
        id: "SE103", name: "wrong-architecture", title: "Built for another CPU architecture",
        summary: "The ELF machine, class or byte order is not one the target platform's kernel executes: `exec format error`.",
        rationale: "The kernel checks e_machine, the class and the byte order before anything else. An arm64 binary on an amd64 host (or the reverse) fails with ENOEXEC unless binfmt emulation is installed; an i386 binary does run on amd64 kernels (compat mode).",
        fixBefore: "GOARCH=arm64 go build -o app .   # image runs on linux/amd64",
        fixAfter: "GOARCH=amd64 go build -o app .   # or build the image with --platform linux/arm64",
        severity: .error,
        examples: [
            .fires("go/hello-linux-arm64", "arm64 on the default amd64 platform"),
            .fires("go/hello-linux-s390x", "big-endian s390x"),
            .silent("go/hello-linux-386", "i386 runs on amd64 kernels"),
            .silent("go/hello-cgo0", "x86_64 on amd64"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let e = c.facts.elf else { return [] }
        let m = e.machineRaw, bits = e.bits, order = e.endianness
        guard !c.platform.canExecute(machine: m, bits: bits, order: order) else { return [] }
        // A program for another OS and machine: SE113 names both and rebuilds for Linux here.
        if let os = e.os, !os.isLinux { return [] }
        let name = e.machine
        let goarch = Platform.goarch(machine: m, bits: bits, order: order)
        var fix: String
        var build: GoBuildLine?
        if var line = GoBuildLine(c.go) {
            line.setEnv("GOOS", "linux")
            line.setEnv("GOARCH", c.platform.goarch)
            build = line
            fix = "rebuild for \(c.platform): \(line.withCaveat)"
        } else {
            fix = "build for \(c.platform) (a cross-compiler for \(c.platform.goarch))"
        }
        if let goarch, let platform = dockerPlatforms[goarch] {
            fix += "; or, if the image is meant for \(name), build and run it with --platform \(platform)"
        }
        return [finding("\(c.path) is \(name) (ELF\(bits), \(order)-endian) but the target platform is \(c.platform); docker run prints `exec \(c.imagePath): exec format error`",
                        why: "A \(c.platform) kernel executes \(c.platform.executableKinds.map { "\($0.machine == .i386 ? "i386" : $0.machine.factName(bits: $0.bits, order: $0.order))" }.joined(separator: " and ")) binaries; any other machine is ENOEXEC without binfmt emulation.",
                        fix: fix, build: build).evidence(name, "\(c.platform)")]
    }

    /// The Linux platforms Docker builds and runs images for (buildx / containerd platform
    /// names), by GOARCH: big-endian ppc64 and 32-bit mips have none.
    static let dockerPlatforms: [String: String] = [
        "amd64": "linux/amd64", "arm64": "linux/arm64", "arm": "linux/arm/v7", "386": "linux/386",
        "ppc64le": "linux/ppc64le", "s390x": "linux/s390x", "riscv64": "linux/riscv64",
        "mips64le": "linux/mips64le", "mips64": "linux/mips64", "loong64": "linux/loong64",
    ]
}
