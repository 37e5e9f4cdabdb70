import Testing
@testable import Dockerfile

@Suite struct BaseImagesTests {
    func facts(_ ref: String) throws -> BaseImageFacts {
        try #require(BaseImages.facts(for: ref), "\(ref)")
    }

    @Test func referencesAreNormalised() throws {
        let plain = try facts("debian:bookworm-slim")
        for ref in ["docker.io/library/debian:bookworm-slim", "index.docker.io/library/debian:bookworm-slim", "library/debian:bookworm-slim",
                    "debian:bookworm-slim@sha256:0123456789abcdef", "DEBIAN:BOOKWORM-SLIM", "debian:12-slim", "debian:12.8-slim",
                    "debian:bookworm-20250101-slim"] {
            #expect(try facts(ref).libcVersion == plain.libcVersion, "\(ref)")
            #expect(try facts(ref).title == plain.title, "\(ref)")
        }
        #expect(try facts("debian").title == "Debian 13 (trixie)")
        #expect(try facts("gcr.io/distroless/static-debian12:nonroot-amd64").config.user == "65532")
        #expect(try facts("gcr.io/distroless/base-debian12@sha256:abc").config.user == "0")
    }

    @Test func unknownImagesAreNil() {
        for ref in ["myorg/app:1", "debian:sid", "debian:buzz", "ubuntu:18.04", "alpine:edge2", "alpine:4.0", "golang:onbuild", "golang:1.8.1",
                    "gcr.io/distroless/java17-debian12", "gcr.io/distroless/static-debian12:v1", "quay.io/debian:bookworm",
                    "busybox:1.36-bogus", "cgr.dev/chainguard/go", "", "debian:"] {
            #expect(BaseImages.facts(for: ref) == nil, "\(ref)")
        }
    }

    @Test func scratch() throws {
        let s = try facts("scratch")
        #expect(s.libc == .none)
        #expect(s.loader(architecture: "amd64") == nil)
        #expect(s.shell == nil && s.caBundle == nil && !s.zoneinfo && !s.tmp && s.users.isEmpty)
        #expect(s.config == .scratch)
    }

    @Test func distroless() throws {
        let st = try facts("gcr.io/distroless/static-debian12")
        #expect(st.libc == .none && st.libcVersion == nil && st.loader(architecture: "amd64") == nil)
        #expect(st.caBundle == "/etc/ssl/certs/ca-certificates.crt" && st.zoneinfo && st.tmp)
        #expect(st.shell == nil)
        #expect(st.config.user == "0" && st.config.workingDir == "/")
        #expect(st.user("nonroot") == Account("nonroot", 65532, gid: 65532, home: "/home/nonroot", shell: "/sbin/nologin"))
        #expect(st.user("65534")?.name == "nobody")
        #expect(st.groups.map(\.name) == ["root", "nobody", "tty", "staff", "nonroot"])
        #expect(st.config.env.first { $0.name == "SSL_CERT_FILE" }?.value == "/etc/ssl/certs/ca-certificates.crt")

        let base = try facts("gcr.io/distroless/base-debian12:nonroot")
        #expect(base.libc == .glibc && base.libcVersion == "2.36")
        #expect(base.loader(architecture: "amd64") == "/lib64/ld-linux-x86-64.so.2")
        #expect(base.loader(architecture: "arm64") == "/lib/ld-linux-aarch64.so.1")
        #expect(base.libraryDirectories(architecture: "amd64").first == "/lib/x86_64-linux-gnu")
        #expect(base.config.user == "65532" && base.config.workingDir == "/home/nonroot")
        #expect(!base.extraLibraries.contains("libgcc_s.so.1"))
        #expect(base.extraLibraries.contains("libssl.so.3"))
        #expect(base.layout == .multiarch(mergedUsr: false))

        let cc = try facts("gcr.io/distroless/cc-debian12")
        #expect(cc.extraLibraries.contains("libgcc_s.so.1") && cc.extraLibraries.contains("libstdc++.so.6"))

        let old = try facts("gcr.io/distroless/base-debian11")
        #expect(old.libcVersion == "2.31")
        #expect(old.extraLibraries.contains("libssl.so.1.1"))

        let new = try facts("gcr.io/distroless/base-debian13")
        #expect(new.libcVersion == "2.41" && new.layout == .multiarch(mergedUsr: true) && new.extraLibraries.contains("libz.so.1"))
        #expect(try facts("gcr.io/distroless/cc").libcVersion == "2.41")
    }

    /// distroless debug: busybox under /busybox only (experimental/busybox/commands.bzl), no /bin/sh.
    @Test func distrolessDebug() throws {
        for tag in ["debug", "debug-nonroot"] {
            let d = try facts("gcr.io/distroless/static-debian12:\(tag)")
            #expect(d.shell == nil)
            #expect(d.otherShells == ["/busybox/sh"])
            #expect(d.config.entrypoint == ["/busybox/sh"])
            #expect(d.config.env.first?.value == BaseImageConfig.defaultPath + ":/busybox")
            #expect(d.config.user == (tag == "debug" ? "0" : "65532"))
        }
    }

    @Test func debian() throws {
        let cases: [(String, String, Bool)] = [
            ("debian:bullseye-slim", "2.31", true), ("debian:bookworm", "2.36", true), ("debian:trixie-slim", "2.41", true),
            ("debian:11", "2.31", false), ("debian:12", "2.36", false), ("debian:13", "2.41", false),
        ]
        for (ref, glibc, _) in cases {
            let f = try facts(ref)
            #expect(f.libc == .glibc && f.libcVersion == glibc, "\(ref)")
            #expect(f.shell == "/bin/sh" && f.caBundle == nil && f.tmp && f.packageManager == "apt", "\(ref)")
            #expect(f.user("root")?.id == 0 && f.user("nobody")?.id == 65534 && f.user("nonroot") == nil, "\(ref)")
            #expect(f.config.cmd == ["bash"], "\(ref)")
        }
        // The debootstrap minbase roots: bullseye has libssl1.1, bookworm no libssl; _apt moved.
        #expect(try facts("debian:bullseye-slim").extraLibraries.contains("libssl.so.1.1"))
        #expect(try !facts("debian:bookworm-slim").extraLibraries.contains(where: { $0.hasPrefix("libssl") }))
        #expect(try facts("debian:bullseye").user("_apt")?.id == 100)
        #expect(try facts("debian:bookworm").user("_apt")?.id == 42)
        #expect(try facts("debian:bookworm-slim").title == "Debian 12 (bookworm), slim")
        #expect(try facts("debian:stretch").libcVersion == "2.24")
        #expect(try facts("debian:stretch").unverified.contains("glibc 2.24"))
    }

    @Test func ubuntu() throws {
        for (ref, glibc) in [("ubuntu:20.04", "2.31"), ("ubuntu:focal", "2.31"), ("ubuntu:22.04", "2.35"), ("ubuntu:jammy", "2.35"),
                             ("ubuntu:24.04", "2.39"), ("ubuntu:noble-20240530", "2.39"), ("ubuntu:22.04.4", "2.35")] {
            #expect(try facts(ref).libcVersion == glibc, "\(ref)")
        }
        #expect(try facts("ubuntu:24.04").user("ubuntu")?.id == 1000)
        #expect(try facts("ubuntu:22.04").user("ubuntu") == nil)
        #expect(try facts("ubuntu:20.04").unverified.contains("glibc 2.31 on Ubuntu 20.04"))
    }

    @Test func alpine() throws {
        let a = try facts("alpine:3.19")
        #expect(a.libc == .musl && a.libcVersion == "1.2.4_git20230717")
        #expect(a.loader(architecture: "amd64") == "/lib/ld-musl-x86_64.so.1")
        #expect(a.loader(architecture: "arm64") == "/lib/ld-musl-aarch64.so.1")
        #expect(a.libraryDirectories(architecture: "amd64") == ["/lib", "/usr/local/lib", "/usr/lib"])
        #expect(a.shell == "/bin/sh" && !a.zoneinfo && a.tmp && a.packageManager == "apk")
        #expect(a.caBundle == "/etc/ssl/certs/ca-certificates.crt")
        #expect(a.config.cmd == ["/bin/sh"])
        #expect(try facts("alpine:3.18.4").libcVersion == "1.2.4")
        #expect(try facts("alpine:3.21").libcVersion == "1.2.5")
        #expect(try facts("alpine").libcVersion == nil)
        #expect(try facts("alpine:latest").libc == .musl)
        #expect(try facts("alpine:3.24").libcVersion == nil)
        #expect(try facts("alpine:3.20").unverified.contains("musl 1.2.5 in Alpine 3.20"))
    }

    @Test func busybox() throws {
        let g = try facts("busybox")
        #expect(g.libc == .glibc && g.layout == .flatLib && g.libraryDirectories(architecture: "amd64") == ["/lib", "/usr/lib"])
        #expect(g.loader(architecture: "amd64") == "/lib64/ld-linux-x86-64.so.2")
        #expect(g.shell == "/bin/sh" && g.caBundle == nil && !g.zoneinfo)
        #expect(g.config.cmd == ["sh"])
        for ref in ["busybox:musl", "busybox:uclibc", "busybox:1.36-musl", "busybox:1.36.1-uclibc", "busybox:stable-musl"] {
            #expect(try facts(ref).libc == .none, "\(ref)")
            #expect(try facts(ref).shell == "/bin/sh", "\(ref)")
        }
        #expect(try facts("busybox:glibc").libc == .glibc)
        #expect(try facts("busybox:1.36").libc == .glibc)
    }

    @Test func chainguard() throws {
        let c = try facts("cgr.dev/chainguard/static")
        #expect(c.libc == .none && c.shell == nil && c.config.user == "65532" && c.caBundle != nil)
        #expect(c.user("nonroot")?.id == 65532)
        #expect(try facts("cgr.dev/chainguard/static:latest-glibc").libc == .none)
    }

    @Test func golang() throws {
        let cases: [(String, String?, BaseImageFacts.LibC)] = [
            ("golang:1.22", "2.36", .glibc), ("golang:1.22.5", "2.36", .glibc), ("golang:1.21-bullseye", "2.31", .glibc),
            ("golang:1.22-bookworm", "2.36", .glibc), ("golang:1.18", "2.31", .glibc), ("golang:1.15", "2.28", .glibc),
            ("golang:1.24", "2.41", .glibc), ("golang:stretch", "2.24", .glibc), ("golang:latest", "2.41", .glibc), ("golang", "2.41", .glibc),
            ("golang:1.22-alpine", "1.2.5", .musl), ("golang:1.19-alpine", "1.2.4", .musl), ("golang:1.22-alpine3.19", "1.2.4_git20230717", .musl),
            ("golang:alpine", nil, .musl), ("golang:alpine3.20", "1.2.5", .musl),
        ]
        for (ref, version, libc) in cases {
            let f = try facts(ref)
            #expect(f.libc == libc && f.libcVersion == version, "\(ref)")
            #expect(f.config.workingDir == "/go", "\(ref)")
            #expect(f.config.env.first { $0.name == "GOPATH" }?.value == "/go", "\(ref)")
        }
        let g = try facts("golang:1.22")
        #expect(g.caBundle == "/etc/ssl/certs/ca-certificates.crt")
        #expect(g.title == "Debian 12 (bookworm), Go 1.22 with gcc")
        #expect(g.unverified.contains("the Debian under `1.22` is that of the tag's last build"))
        #expect(try facts("golang:1.22-bookworm").unverified.contains { $0.hasPrefix("the Debian under") } == false)
    }

    @Test func everyFactHasASource() throws {
        for ref in ["scratch", "gcr.io/distroless/static-debian12", "gcr.io/distroless/cc-debian11:debug", "debian:bookworm-slim",
                    "ubuntu:24.04", "alpine:3.20", "busybox:musl", "cgr.dev/chainguard/static", "golang:1.22-alpine", "golang:stretch"] {
            #expect(try !facts(ref).sources.isEmpty, "\(ref)")
        }
    }

    /// What a plan gets from the table: a FROM of a known image starts with its config.
    @Test func configFeedsThePlan() throws {
        let p = try Dockerfile.parse("FROM gcr.io/distroless/base-debian12:debug-nonroot\nCMD [\"-c\", \"id\"]\n")
            .resolve(baseConfig: BaseImages.config(for:))
        #expect(p.target.startArgv == ["/busybox/sh", "-c", "id"])
        #expect(p.target.user == "65532")
        #expect(p.target.workdir == "/home/nonroot")
    }
}
