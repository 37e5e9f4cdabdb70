import Targets
import Testing

@Suite struct TargetTests {
    @Test func everyNamedProfileExists() {
        for name in TargetProfile.names {
            let p = TargetProfile.named(name, platform: Platform(architecture: "amd64"))
            #expect(p?.name == name)
        }
        #expect(TargetProfile.named("nowhere", platform: Platform(architecture: "amd64")) == nil)
    }

    @Test func versionedNamesAndTheOldAliases() throws {
        let amd = Platform(architecture: "amd64")
        // Each versioned reference carries its own glibc; the short names stand for one of them.
        let versions: [(String, Libc?)] = [
            ("debian:bullseye-slim", Libc(.glibc, "2.31")), ("debian:bookworm-slim", Libc(.glibc, "2.36")),
            ("debian:trixie-slim", Libc(.glibc, "2.41")), ("gcr.io/distroless/base-debian11", Libc(.glibc, "2.31")),
            ("gcr.io/distroless/cc-debian12:nonroot", Libc(.glibc, "2.36")), ("ubuntu:22.04", Libc(.glibc, "2.35")),
            ("alpine:3.18", Libc(.musl, "1.2.4")), ("gcr.io/distroless/static-debian12", nil), ("cgr.dev/chainguard/static", nil),
        ]
        for (name, libc) in versions {
            let p = try #require(TargetProfile.named(name, platform: amd), "\(name)")
            #expect(p.libc == libc, "\(name)")
            #expect(p.reference != nil && !p.source.isEmpty, "\(name) names its image and sources")
            #expect(TargetProfile.isKnown(name))
        }
        for (alias, reference) in TargetProfile.aliases {
            let a = try #require(TargetProfile.named(alias, platform: amd))
            let r = try #require(TargetProfile.named(reference, platform: amd))
            #expect(a.files == r.files && a.libc == r.libc, "\(alias) is \(reference)")
            #expect(a.name == alias)
        }
        #expect(!TargetProfile.isKnown("example.com/private/base:1"), "an image the table does not know is not guessed")
        // A bullseye-slim profile has what a bullseye minbase root has for a C program.
        let bullseye = try #require(TargetRoot.profile("debian:bullseye-slim", platform: amd))
        #expect(bullseye.fileExists("/lib/x86_64-linux-gnu/libzstd.so.1"))
        #expect(!bullseye.fileExists("/etc/ssl/certs/ca-certificates.crt"))
        let nonroot = try #require(TargetRoot.profile("gcr.io/distroless/static-debian12:nonroot", platform: amd))
        #expect(nonroot.directoryExists("/home/nonroot") && nonroot.fileExists("/etc/passwd"))
    }

    @Test func scratchHoldsNothing() throws {
        let s = try #require(TargetRoot.profile("scratch", platform: Platform(architecture: "amd64")))
        #expect(!s.fileExists("/lib64/ld-linux-x86-64.so.2"))
        #expect(!s.directoryExists("/tmp"))
        #expect(s.libc == nil)
    }

    @Test func profilesAreFilledInPerPlatform() throws {
        let amd = try #require(TargetRoot.profile("distroless-base", platform: Platform(architecture: "amd64")))
        #expect(amd.fileExists("/lib64/ld-linux-x86-64.so.2"))
        #expect(amd.fileExists("/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(amd.directoryExists("/lib/x86_64-linux-gnu"), "parent directories of files exist")
        let arm = try #require(TargetRoot.profile("distroless-base", platform: Platform(architecture: "arm64")))
        #expect(arm.fileExists("/lib/ld-linux-aarch64.so.1"))
        #expect(!arm.fileExists("/lib64/ld-linux-x86-64.so.2"))
        let alpine = try #require(TargetRoot.profile("alpine", platform: Platform(architecture: "amd64")))
        #expect(alpine.fileExists("/lib/ld-musl-x86_64.so.1"))
        #expect(alpine.libc?.kind == .musl)
        #expect(!alpine.directoryExists("/usr/share/zoneinfo"))
    }

    @Test func platforms() throws {
        let amd = try #require(Platform(parsing: "linux/amd64"))
        #expect(amd.canExecute(machine: .x86_64, bits: 64, order: .little))
        #expect(amd.canExecute(machine: .i386, bits: 32, order: .little), "i386 runs on amd64 kernels")
        #expect(!amd.canExecute(machine: .aarch64, bits: 64, order: .little))
        #expect(!amd.canExecute(machine: .x86_64, bits: 64, order: .big))
        #expect(Platform(parsing: "linux/arm/v7")?.description == "linux/arm/v7")
        #expect(Platform(parsing: "windows/amd64") == nil)
        #expect(Platform(parsing: "linux/vax") == nil)
        #expect(Platform.goarch(machine: .s390, bits: 64, order: .big) == "s390x")
    }

    @Test func everyArchitectureRoundTrips() throws {
        let names = ["amd64", "386", "arm64", "arm", "riscv64", "s390x", "ppc64", "ppc64le", "mips", "mipsle", "mips64", "mips64le", "loong64"]
        for name in names {
            let p = try #require(Platform(parsing: "linux/" + name), "\(name)")
            let primary = try #require(p.executableKinds.first, "\(name)")
            // The primary kind names the architecture back, and only that one executes it first.
            #expect(Platform.goarch(machine: primary.machine, bits: primary.bits, order: primary.order) == name)
            #expect(p.canExecute(machine: primary.machine, bits: primary.bits, order: primary.order))
        }
        #expect(Platform(architecture: "vax").executableKinds.isEmpty)
    }
}
