// What known base images hold, as data (shared/docs/DOCKERFILE-BASES.md part B): libc and its
// version, loader and library directories, /bin/sh, the config's USER/WORKDIR/ENTRYPOINT/CMD/
// ENV, passwd and group entries, CA bundle, zoneinfo, /tmp — each with its sources. A fact
// that was not checked against a source is named in `unverified`. Plain structs: the
// integrator maps them to target profiles. An image not in the table gives nil: never a guess.

/// A passwd or group entry.
public struct Account: Equatable, Hashable, Sendable {
    public var name: String
    public var id: Int
    /// passwd only.
    public var gid: Int?
    public var home: String?
    public var shell: String?

    public init(_ name: String, _ id: Int, gid: Int? = nil, home: String? = nil, shell: String? = nil) {
        self.name = name
        self.id = id
        self.gid = gid
        self.home = home
        self.shell = shell
    }
}

public struct BaseImageFacts: Equatable, Sendable {
    public enum LibC: String, Equatable, Sendable {
        case glibc, musl
        /// No C library (scratch, distroless static, a static busybox).
        case none
    }

    /// Where the C library's files are.
    public enum Layout: Equatable, Sendable {
        /// Debian/Ubuntu multiarch: `/lib/<triple>` and `/usr/lib/<triple>`; merged-/usr makes
        /// `/lib` a link to `usr/lib`.
        case multiarch(mergedUsr: Bool)
        /// Everything in `/lib`, `/lib64` a link to it (busybox:glibc).
        case flatLib
        /// musl: `/lib/ld-musl-<arch>.so.1` is libc itself.
        case musl
        case none
    }

    /// The table's name for it (`debian:bookworm-slim`, `gcr.io/distroless/static-debian12:nonroot`).
    public var reference: String
    /// `Debian 12 (bookworm), slim`.
    public var title: String
    public var libc: LibC
    /// `2.36`, `1.2.5`; nil when not known (a moving tag).
    public var libcVersion: String?
    public var layout: Layout
    /// Libraries beyond libc's own (libc, libm, libpthread, libdl, librt, libresolv, libnss_*):
    /// `libgcc_s.so.1`, `libstdc++.so.6`, `libssl.so.3`, `libz.so.1`.
    public var extraLibraries: [String]
    /// `/bin/sh` when it exists.
    public var shell: String?
    /// Other shells (distroless debug: `/busybox/sh`).
    public var otherShells: [String]
    /// The image config (USER, WORKDIR, ENTRYPOINT, CMD, ENV).
    public var config: BaseImageConfig
    public var users: [Account]
    public var groups: [Account]
    /// The CA bundle's path when there is one.
    public var caBundle: String?
    public var zoneinfo: Bool
    public var tmp: Bool
    /// `apt`, `apk`, nil.
    public var packageManager: String?
    public var sources: [String]
    /// Facts above that were inferred or remembered rather than read in a source.
    public var unverified: [String]

    /// The ELF interpreter path for an architecture (Go's GOARCH names), nil without libc.
    public func loader(architecture: String) -> String? {
        switch libc {
        case .none: return nil
        case .musl:
            return muslArch(architecture).map { "/lib/ld-musl-\($0).so.1" }
        case .glibc:
            return glibcLoaders[architecture]
        }
    }

    /// The directories ld.so searches by default here, for an architecture.
    public func libraryDirectories(architecture: String) -> [String] {
        switch layout {
        case .none: return []
        case .musl: return ["/lib", "/usr/local/lib", "/usr/lib"]
        case .flatLib: return ["/lib", "/usr/lib"]
        case .multiarch:
            guard let t = glibcTriples[architecture] else { return ["/lib", "/usr/lib"] }
            return ["/lib/\(t)", "/usr/lib/\(t)", "/lib", "/usr/lib"]
        }
    }

    /// One line: the title, the C library and what of interest the image has and lacks.
    public var summary: String {
        var has: [String] = []
        var lacks: [String] = []
        switch libc {
        case .glibc: has.append("glibc" + (libcVersion.map { " " + $0 } ?? ""))
        case .musl: has.append("musl" + (libcVersion.map { " " + $0 } ?? ""))
        case .none: lacks.append("libc")
        }
        if let shell { has.append(shell) } else if let other = otherShells.first { has.append(other); lacks.append("/bin/sh") } else { lacks.append("a shell") }
        (caBundle != nil ? { has.append("CA certificates") } : { lacks.append("CA certificates") })()
        (zoneinfo ? { has.append("zoneinfo") } : { lacks.append("zoneinfo") })()
        (users.isEmpty ? { lacks.append("/etc/passwd") } : { has.append("/etc/passwd") })()
        (tmp ? { has.append("/tmp") } : { lacks.append("/tmp") })()
        return title + ": " + has.joined(separator: ", ") + (lacks.isEmpty ? "" : "; no " + lacks.joined(separator: ", no "))
    }

    /// A user entry by name or numeric id.
    public func user(_ nameOrID: String) -> Account? {
        if let id = Int(nameOrID) { return users.first { $0.id == id } }
        return users.first { $0.name == nameOrID }
    }
}

/// glibc's loaders (DOCKERFILE-BASES.md B.1; s390x and riscv64 names unverified).
let glibcLoaders: [String: String] = [
    "amd64": "/lib64/ld-linux-x86-64.so.2", "arm64": "/lib/ld-linux-aarch64.so.1", "ppc64le": "/lib64/ld64.so.2",
    "arm": "/lib/ld-linux-armhf.so.3", "386": "/lib/ld-linux.so.2", "s390x": "/lib/ld64.so.1",
    "riscv64": "/lib/ld-linux-riscv64-lp64d.so.1",
]
let glibcTriples: [String: String] = [
    "amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu",
    "arm": "arm-linux-gnueabihf", "386": "i386-linux-gnu", "s390x": "s390x-linux-gnu", "riscv64": "riscv64-linux-gnu",
]
func muslArch(_ goarch: String) -> String? {
    ["amd64": "x86_64", "arm64": "aarch64", "arm": "armhf", "386": "x86", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"][goarch]
}

public enum BaseImages {
    /// The facts for an image reference, or nil when the image is not in the table.
    /// `docker.io/library/debian:bookworm-slim`, `debian:bookworm-slim@sha256:…`, `debian` (=
    /// `latest`) and architecture-suffixed distroless tags (`:nonroot-amd64`) are normalised.
    public static func facts(for reference: String) -> BaseImageFacts? {
        guard let ref = ImageName(reference) else { return nil }
        if ref.repository == "scratch" && ref.registry == nil { return scratch }
        switch (ref.registry, ref.repository) {
        case ("gcr.io", let repo) where repo.hasPrefix("distroless/"):
            return distroless(String(repo.dropFirst("distroless/".count)), tag: ref.tag)
        case ("cgr.dev", "chainguard/static"):
            return chainguardStatic(tag: ref.tag)
        case (nil, "debian"): return debian(tag: ref.tag)
        case (nil, "ubuntu"): return ubuntu(tag: ref.tag)
        case (nil, "alpine"): return alpine(tag: ref.tag)
        case (nil, "busybox"): return busybox(tag: ref.tag)
        case (nil, "golang"): return golang(tag: ref.tag)
        default: return nil
        }
    }

    /// The config a known image starts a stage with (for `Dockerfile.resolve(baseConfig:)`).
    public static func config(for reference: String) -> BaseImageConfig? {
        facts(for: reference)?.config
    }

    /// A reference split into registry (nil for Docker Hub), repository (`library/` dropped)
    /// and tag (`latest` by default); a digest is dropped.
    struct ImageName: Equatable {
        var registry: String?
        var repository: String
        var tag: String

        init?(_ text: String) {
            var s = text.lowercased()
            if let at = s.firstIndex(of: "@") { s = String(s[..<at]) }
            guard !s.isEmpty else { return nil }
            var parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty) else { return nil }
            var registry: String?
            if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" {
                registry = first
                parts.removeFirst()
            }
            if registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = nil }
            var last = parts.removeLast()
            var tag = "latest"
            if let colon = last.firstIndex(of: ":") {
                tag = String(last[last.index(after: colon)...])
                last = String(last[..<colon])
                guard !tag.isEmpty else { return nil }
            }
            parts.append(last)
            if registry == nil, parts.count == 2, parts[0] == "library" { parts.removeFirst() }
            self.registry = registry
            self.repository = parts.joined(separator: "/")
            self.tag = tag
        }
    }

    // MARK: scratch

    public static let scratchSource = "BuildKit frontend/dockerfile/dockerfile2llb/image.go emptyImage (WorkingDir /, PATH only)"

    static let scratch = BaseImageFacts(
        reference: "scratch", title: "scratch (the empty image)", libc: .none, libcVersion: nil, layout: .none,
        extraLibraries: [], shell: nil, otherShells: [], config: .scratch, users: [], groups: [], caBundle: nil,
        zoneinfo: false, tmp: false, packageManager: nil,
        sources: [scratchSource], unverified: [])

    // MARK: distroless

    static let distrolessUsers = [
        Account("root", 0, gid: 0, home: "/root", shell: "/sbin/nologin"),
        Account("nobody", 65534, gid: 65534, home: "/nonexistent", shell: "/sbin/nologin"),
        Account("nonroot", 65532, gid: 65532, home: "/home/nonroot", shell: "/sbin/nologin"),
    ]
    static let distrolessGroups = [Account("root", 0), Account("nobody", 65534), Account("tty", 5), Account("staff", 50), Account("nonroot", 65532)]

    static func distroless(_ name: String, tag rawTag: String) -> BaseImageFacts? {
        // `static-debian12`, `base-nossl-debian13`, `cc` (no suffix: debian13 today, README).
        var flavour = name
        var debian = "13"
        var unsuffixed = true
        for v in ["11", "12", "13"] where name.hasSuffix("-debian\(v)") {
            flavour = String(name.dropLast("-debian\(v)".count))
            debian = v
            unsuffixed = false
        }
        guard ["static", "base", "base-nossl", "cc"].contains(flavour) else { return nil }
        var tag = rawTag
        for arch in ["-amd64", "-arm64", "-arm", "-s390x", "-ppc64le", "-riscv64"] where tag.hasSuffix(arch) {
            tag = String(tag.dropLast(arch.count))
        }
        guard ["latest", "nonroot", "debug", "debug-nonroot"].contains(tag) else { return nil }
        let nonroot = tag.hasSuffix("nonroot")
        let debug = tag.hasPrefix("debug")
        let glibc: String? = flavour == "static" ? nil : ["11": "2.31", "12": "2.36", "13": "2.41"][debian]
        var libs: [String] = []
        switch (flavour, debian) {
        case ("base", "11"): libs = ["libssl.so.1.1", "libcrypto.so.1.1"]
        case ("base", "12"): libs = ["libssl.so.3", "libcrypto.so.3"]
        case ("base", _): libs = ["libssl.so.3", "libcrypto.so.3", "libzstd.so.1", "libz.so.1"]
        case ("cc", "11"): libs = ["libssl.so.1.1", "libcrypto.so.1.1", "libgcc_s.so.1", "libstdc++.so.6", "libgomp.so.1"]
        case ("cc", "12"): libs = ["libssl.so.3", "libcrypto.so.3", "libgcc_s.so.1", "libstdc++.so.6", "libgomp.so.1"]
        case ("cc", _): libs = ["libssl.so.3", "libcrypto.so.3", "libzstd.so.1", "libz.so.1", "libgcc_s.so.1", "libstdc++.so.6", "libgomp.so.1"]
        default: libs = []
        }
        var env = [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath),
                   EnvironmentVariable(name: "SSL_CERT_FILE", value: "/etc/ssl/certs/ca-certificates.crt")]
        if debug { env[0].value += ":/busybox" }
        let config = BaseImageConfig(env: env, workingDir: nonroot ? "/home/nonroot" : "/", user: nonroot ? "65532" : "0",
                                 entrypoint: debug ? ["/busybox/sh"] : nil, cmd: nil, shell: nil)
        var unverified = ["the s390x and riscv64 loader names"]
        var sources = [
            "GoogleContainerTools/distroless@cd080764 static/static.bzl (env, user, workdir; debug: ENTRYPOINT /busybox/sh, PATH += /busybox)",
            "experimental/busybox/commands.bzl (busybox and its links only under /busybox/)",
            "static/config.bzl, base/config.bzl, cc/config.bzl (packages); base/testdata/base.yaml (passwd, group, /tmp, CA bundle, zoneinfo)",
            "private/repos/deb/deb.MODULE.bazel (mergedusr on trixie; resolve_transitive = False)",
            "private/repos/deb/bookworm.lock.json libc6 2.36-9+deb12u14, trixie.lock.json libc6 2.41-12+deb13u3",
        ]
        if debian == "11" {
            sources.append("commit 1533e54a (debian11 removed 2024-09; base had libssl1.1)")
            unverified.append("debian11 images are no longer built: facts are those of their last builds")
        }
        if unsuffixed {
            sources.append("README.md: an image without -debianN currently selects -debian13, and will move")
            unverified.append("the unsuffixed name follows distroless's current Debian")
        }
        if debug {
            // Read: busybox_layer writes ./busybox/busybox and one link per applet under
            // ./busybox/ (sh among them) and nothing else; no package of the images installs /bin/sh.
            sources.append("experimental/busybox/commands.bzl@e0837463 busybox_layer (./busybox/busybox, ./busybox/<applet> links to /busybox/busybox, sh included; no /bin/sh)")
        }
        let ref = "gcr.io/distroless/\(name):\(tag)"
        let title = "distroless \(flavour) (Debian \(debian))" + (tag == "latest" ? "" : ", \(tag)")
        return BaseImageFacts(
            reference: ref, title: title, libc: flavour == "static" ? .none : .glibc, libcVersion: glibc,
            layout: flavour == "static" ? .none : .multiarch(mergedUsr: debian == "13"), extraLibraries: libs, shell: nil,
            otherShells: debug ? ["/busybox/sh"] : [], config: config, users: distrolessUsers, groups: distrolessGroups,
            caBundle: "/etc/ssl/certs/ca-certificates.crt", zoneinfo: true, tmp: true, packageManager: nil,
            sources: sources, unverified: unverified)
    }

    // MARK: chainguard

    static func chainguardStatic(tag: String) -> BaseImageFacts? {
        guard tag == "latest" || tag == "latest-glibc" else { return nil }
        return BaseImageFacts(
            reference: "cgr.dev/chainguard/static:\(tag)", title: "Chainguard static" + (tag == "latest" ? "" : " (glibc flavour)"),
            libc: .none, libcVersion: nil, layout: .none, extraLibraries: [], shell: nil, otherShells: [],
            config: BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath)], workingDir: "/", user: "65532"),
            users: [Account("root", 0, gid: 0, home: "/root"), Account("nonroot", 65532, gid: 65532, home: "/home/nonroot")],
            groups: [Account("root", 0), Account("nonroot", 65532)],
            caBundle: "/etc/ssl/certs/ca-certificates.crt", zoneinfo: true, tmp: true, packageManager: nil,
            sources: ["chainguard-images/images images/static/configs/latest{,-glibc}.apko.yaml (ca-certificates-bundle, tzdata, user nonroot 65532, run-as 65532)"],
            unverified: ["the current image's contents", "/tmp", "the root passwd entry", "WORKDIR"])
    }

    // MARK: Debian

    struct DebianRelease {
        var version: String
        var codename: String
        var glibc: String
        var mergedUsr: Bool
        var libraries: [String]
        var zoneinfo: Bool
        var verified: Bool
    }

    /// Libraries of the Priority: required packages a minbase root has (libcrypt1, libselinux1,
    /// libzstd1, liblzma5, libbz2-1.0, libtinfo6, libacl1, libpcre2-8-0), beside libgcc and
    /// libstdc++: read in the bookworm and bullseye debootstrap roots of the tests.
    static let debianRequired = ["libcrypt.so.1", "libselinux.so.1", "libzstd.so.1", "liblzma.so.5", "libbz2.so.1.0", "libtinfo.so.6",
                                 "libacl.so.1", "libpcre2-8.so.0"]

    static let debianReleases: [DebianRelease] = [
        DebianRelease(version: "9", codename: "stretch", glibc: "2.24", mergedUsr: false,
                      libraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1"], zoneinfo: true, verified: false),
        DebianRelease(version: "10", codename: "buster", glibc: "2.28", mergedUsr: false,
                      libraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1"], zoneinfo: true, verified: false),
        DebianRelease(version: "11", codename: "bullseye", glibc: "2.31", mergedUsr: false,
                      libraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libssl.so.1.1", "libcrypto.so.1.1"], zoneinfo: true, verified: true),
        DebianRelease(version: "12", codename: "bookworm", glibc: "2.36", mergedUsr: true,
                      libraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1"], zoneinfo: true, verified: true),
        DebianRelease(version: "13", codename: "trixie", glibc: "2.41", mergedUsr: true,
                      libraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1"], zoneinfo: true, verified: false),
    ]

    static let debianUsers = [
        Account("root", 0, gid: 0, home: "/root", shell: "/bin/bash"), Account("daemon", 1, gid: 1), Account("bin", 2, gid: 2),
        Account("sys", 3, gid: 3), Account("sync", 4, gid: 65534), Account("games", 5, gid: 60), Account("man", 6, gid: 12),
        Account("lp", 7, gid: 7), Account("mail", 8, gid: 8), Account("news", 9, gid: 9), Account("uucp", 10, gid: 10),
        Account("proxy", 13, gid: 13), Account("www-data", 33, gid: 33, home: "/var/www"), Account("backup", 34, gid: 34),
        Account("list", 38, gid: 38), Account("irc", 39, gid: 39), Account("nobody", 65534, gid: 65534, home: "/nonexistent"),
    ]
    static let debianGroups: [Account] = [
        ("root", 0), ("daemon", 1), ("bin", 2), ("sys", 3), ("adm", 4), ("tty", 5), ("disk", 6), ("lp", 7), ("mail", 8),
        ("news", 9), ("uucp", 10), ("man", 12), ("proxy", 13), ("kmem", 15), ("dialout", 20), ("fax", 21), ("voice", 22),
        ("cdrom", 24), ("floppy", 25), ("tape", 26), ("sudo", 27), ("audio", 29), ("dip", 30), ("www-data", 33),
        ("backup", 34), ("operator", 37), ("list", 38), ("irc", 39), ("src", 40), ("shadow", 42), ("utmp", 43),
        ("video", 44), ("sasl", 45), ("plugdev", 46), ("staff", 50), ("games", 60), ("users", 100), ("nogroup", 65534),
    ].map { Account($0.0, $0.1) }

    static func debianFacts(_ r: DebianRelease, slim: Bool, reference: String, extraTitle: String = "",
                            config: BaseImageConfig? = nil, extraSources: [String] = [], extraUnverified: [String] = [],
                            extraLibraries: [String] = []) -> BaseImageFacts {
        var users = debianUsers
        users.append(r.codename == "bullseye" || r.codename == "buster" || r.codename == "stretch"
                     ? Account("_apt", 100, gid: 65534, home: "/nonexistent") : Account("_apt", 42, gid: 65534, home: "/nonexistent"))
        var sources = [
            "packages.debian.org libc6 (glibc \(r.glibc) in \(r.codename))",
            "debuerreotype scripts/.slimify-excludes (slim removes documentation only: same libraries)",
        ]
        var unverified = extraUnverified
        if r.verified {
            sources.append("a debootstrap --variant=minbase \(r.codename) root on the development machine (make roots): libraries, passwd, group, zoneinfo, no CA bundle, /tmp 1777")
        } else {
            unverified.append("libraries, zoneinfo and passwd of \(r.codename) (taken from the releases around it)")
            if r.codename == "stretch" || r.codename == "buster" { unverified.append("glibc \(r.glibc)") }
        }
        unverified.append("merged-/usr in the Docker image")
        return BaseImageFacts(
            reference: reference, title: "Debian \(r.version) (\(r.codename))" + (slim ? ", slim" : "") + extraTitle,
            libc: .glibc, libcVersion: r.glibc, layout: .multiarch(mergedUsr: r.mergedUsr), extraLibraries: r.libraries + debianRequired + extraLibraries,
            shell: "/bin/sh", otherShells: ["/bin/bash"],
            config: config ?? BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath)], cmd: ["bash"]),
            users: users, groups: debianGroups, caBundle: nil, zoneinfo: r.zoneinfo, tmp: true, packageManager: "apt",
            sources: sources + extraSources, unverified: unverified)
    }

    static func debianRelease(_ name: String) -> DebianRelease? {
        debianReleases.first { $0.codename == name || $0.version == name }
    }

    static func debian(tag: String) -> BaseImageFacts? {
        // bookworm, bookworm-slim, 12, 12-slim, 12.5, 12.5-slim, bookworm-20240101-slim, latest, stable-slim.
        var t = tag
        let slim = t.hasSuffix("-slim")
        if slim { t = String(t.dropLast(5)) }
        if t == "latest" || t == "stable" { t = "13" }
        var head = String(t.split(separator: "-").first ?? "")
        if let dot = head.firstIndex(of: ".") { head = String(head[..<dot]) }
        guard let release = debianRelease(head) else { return nil }
        var unverified: [String] = []
        if tag.hasPrefix("latest") || tag.hasPrefix("stable") { unverified.append("`latest` and `stable` move with Debian's stable release (trixie today)") }
        return debianFacts(release, slim: slim, reference: "debian:\(tag)", extraUnverified: unverified)
    }

    // MARK: Ubuntu

    static func ubuntu(tag: String) -> BaseImageFacts? {
        let releases: [(String, String, String, Bool)] = [
            ("20.04", "focal", "2.31", false), ("22.04", "jammy", "2.35", true), ("24.04", "noble", "2.39", true),
        ]
        var t = tag
        if t == "latest" || t == "rolling" { t = "24.04" }
        let head = t.split(separator: "-").first.map(String.init) ?? t
        guard let r = releases.first(where: { head == $0.0 || head == $0.1 || head.hasPrefix($0.0 + ".") }) else { return nil }
        var users = [
            Account("root", 0, gid: 0, home: "/root", shell: "/bin/bash"), Account("daemon", 1, gid: 1), Account("bin", 2, gid: 2),
            Account("sys", 3, gid: 3), Account("sync", 4, gid: 65534), Account("games", 5, gid: 60), Account("man", 6, gid: 12),
            Account("lp", 7, gid: 7), Account("mail", 8, gid: 8), Account("news", 9, gid: 9), Account("uucp", 10, gid: 10),
            Account("proxy", 13, gid: 13), Account("www-data", 33, gid: 33), Account("backup", 34, gid: 34),
            Account("list", 38, gid: 38), Account("irc", 39, gid: 39), Account("nobody", 65534, gid: 65534, home: "/nonexistent"),
        ]
        if r.1 == "noble" { users.append(Account("ubuntu", 1000, gid: 1000, home: "/home/ubuntu", shell: "/bin/bash")) }
        var unverified = ["the libraries beyond libc (apt's libstdc++6, libgcc-s1, zlib1g)", "passwd and group entries", "no tzdata and no CA bundle in the image"]
        if !r.3 { unverified.append("glibc \(r.2) on Ubuntu 20.04") }
        if tag == "latest" || tag == "rolling" { unverified.append("`latest` moves with Ubuntu's LTS") }
        return BaseImageFacts(
            reference: "ubuntu:\(tag)", title: "Ubuntu \(r.0) (\(r.1))", libc: .glibc, libcVersion: r.2,
            layout: .multiarch(mergedUsr: true), extraLibraries: ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1"],
            shell: "/bin/sh", otherShells: ["/bin/bash"],
            config: BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath)], cmd: ["/bin/bash"]),
            users: users, groups: debianGroups.filter { $0.name != "src" }, caBundle: nil, zoneinfo: false, tmp: true,
            packageManager: "apt", sources: ["packages.ubuntu.com /jammy/libc6 (2.35), /noble/libc6 (2.39)"], unverified: unverified)
    }

    // MARK: Alpine

    static let alpineMusl: [String: (String, Bool)] = [
        "3.12": ("1.1.24", false), "3.13": ("1.2.2", false), "3.14": ("1.2.2", false), "3.15": ("1.2.2", false),
        "3.16": ("1.2.3", false), "3.17": ("1.2.3", false), "3.18": ("1.2.4", true), "3.19": ("1.2.4_git20230717", true),
        "3.20": ("1.2.5", false), "3.21": ("1.2.5", true), "3.22": ("1.2.5", true),
    ]

    static let alpineUsers = [
        Account("root", 0, gid: 0, home: "/root", shell: "/bin/sh"), Account("bin", 1, gid: 1), Account("daemon", 2, gid: 2),
        Account("adm", 3, gid: 4), Account("lp", 4, gid: 7), Account("sync", 5, gid: 0), Account("shutdown", 6, gid: 0),
        Account("halt", 7, gid: 0), Account("mail", 8, gid: 12), Account("news", 9, gid: 13), Account("uucp", 10, gid: 14),
        Account("operator", 11, gid: 0), Account("man", 13, gid: 15), Account("postmaster", 14, gid: 12),
        Account("cron", 16, gid: 16), Account("ftp", 21, gid: 21), Account("sshd", 22, gid: 22), Account("at", 25, gid: 25),
        Account("squid", 31, gid: 31), Account("xfs", 33, gid: 33), Account("games", 35, gid: 35),
        Account("cyrus", 85, gid: 12), Account("vpopmail", 89, gid: 89), Account("ntp", 123, gid: 123),
        Account("smmsp", 209, gid: 209), Account("guest", 405, gid: 100), Account("nobody", 65534, gid: 65534),
    ]
    static let alpineGroups: [Account] = [
        ("root", 0), ("bin", 1), ("daemon", 2), ("sys", 3), ("adm", 4), ("tty", 5), ("disk", 6), ("lp", 7), ("mem", 8),
        ("kmem", 9), ("wheel", 10), ("floppy", 11), ("mail", 12), ("news", 13), ("uucp", 14), ("man", 15), ("cron", 16),
        ("console", 17), ("audio", 18), ("cdrom", 19), ("dialout", 20), ("ftp", 21), ("sshd", 22), ("input", 23),
        ("at", 25), ("tape", 26), ("video", 27), ("netdev", 28), ("readproc", 30), ("squid", 31), ("xfs", 33),
        ("kvm", 34), ("games", 35), ("shadow", 42), ("cdrw", 80), ("www-data", 82), ("usb", 85), ("vpopmail", 89),
        ("users", 100), ("ntp", 123), ("nofiles", 200), ("smmsp", 209), ("locate", 245), ("abuild", 300),
        ("utmp", 406), ("ping", 999), ("nogroup", 65533), ("nobody", 65534),
    ].map { Account($0.0, $0.1) }

    static func alpineFacts(version: String?, reference: String, title: String, config: BaseImageConfig? = nil,
                            extraSources: [String] = [], extraUnverified: [String] = []) -> BaseImageFacts {
        var unverified = extraUnverified + [
            "the minirootfs' dependencies (libcrypto3, libssl3, zlib, ca-certificates-bundle)",
            "the passwd and group lists beyond root and nobody (an older alpine-baselayout revision)",
            "no libgcc_s/libstdc++ by default",
        ]
        var musl: String?
        if let version, let m = alpineMusl[version] {
            musl = m.0
            if !m.1 { unverified.append("musl \(m.0) in Alpine \(version)") }
        }
        return BaseImageFacts(
            reference: reference, title: title, libc: .musl, libcVersion: musl, layout: .musl,
            extraLibraries: ["libz.so.1", "libssl.so.3", "libcrypto.so.3"], shell: "/bin/sh", otherShells: [],
            config: config ?? BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath)], cmd: ["/bin/sh"]),
            users: alpineUsers, groups: alpineGroups, caBundle: "/etc/ssl/certs/ca-certificates.crt", zoneinfo: false, tmp: true,
            packageManager: "apk",
            sources: ["alpinelinux/aports scripts/mkimg.minirootfs.sh (busybox, alpine-baselayout, alpine-keys, apk-tools, libc-utils; no tzdata)",
                      "main/musl/APKBUILD (loader /lib/ld-musl-<arch>.so.1 is libc; glibc names only with gcompat)",
                      "pkgs.alpinelinux.org musl-utils per branch; ca-certificates-bundle contents",
                      "main/alpine-baselayout (passwd, /tmp 1777)"] + extraSources,
            unverified: unverified)
    }

    static func alpine(tag: String) -> BaseImageFacts? {
        // 3.20, 3.20.3, latest, edge.
        if tag == "latest" || tag == "edge" {
            return alpineFacts(version: nil, reference: "alpine:\(tag)", title: "Alpine (\(tag))",
                               extraUnverified: ["`\(tag)` moves: the musl version is not fixed"])
        }
        let parts = tag.split(separator: ".")
        guard parts.count >= 2, parts[0] == "3", let minor = Int(parts[1]), minor >= 0, parts.allSatisfy({ Int($0) != nil }) else { return nil }
        let version = "3.\(minor)"
        return alpineFacts(version: version, reference: "alpine:\(tag)", title: "Alpine \(version)")
    }

    // MARK: busybox

    static func busybox(tag: String) -> BaseImageFacts? {
        // latest, glibc, musl, uclibc, stable, 1.36, 1.36-glibc, 1.36.1-musl, stable-uclibc.
        let pieces = tag.split(separator: "-").map(String.init)
        var variant = "glibc"
        var version = pieces.first ?? "latest"
        if ["glibc", "musl", "uclibc"].contains(version) {
            variant = version
            version = "latest"
        } else if pieces.count == 2, ["glibc", "musl", "uclibc"].contains(pieces[1]) {
            variant = pieces[1]
        } else if pieces.count != 1 {
            return nil
        }
        guard version == "latest" || version == "stable" || version.split(separator: ".").allSatisfy({ Int($0) != nil }) else { return nil }
        let users = [
            Account("root", 0, gid: 0, home: "/root", shell: "/bin/sh"), Account("daemon", 1, gid: 1), Account("bin", 2, gid: 2),
            Account("sys", 3, gid: 3), Account("sync", 4, gid: 100), Account("mail", 8, gid: 8), Account("www-data", 33, gid: 33),
            Account("operator", 37, gid: 37), Account("nobody", 65534, gid: 65534, home: "/home"),
        ]
        let groups: [Account] = [
            ("root", 0), ("daemon", 1), ("bin", 2), ("sys", 3), ("adm", 4), ("tty", 5), ("disk", 6), ("lp", 7), ("mail", 8),
            ("kmem", 9), ("wheel", 10), ("cdrom", 11), ("dialout", 18), ("floppy", 19), ("video", 28), ("audio", 29),
            ("tape", 32), ("www-data", 33), ("operator", 37), ("utmp", 43), ("plugdev", 46), ("staff", 50), ("lock", 54),
            ("netdev", 82), ("users", 100), ("nogroup", 65534),
        ].map { Account($0.0, $0.1) }
        let glibc = variant == "glibc"
        return BaseImageFacts(
            reference: "busybox:\(tag)", title: "busybox (\(variant))", libc: glibc ? .glibc : .none,
            libcVersion: glibc ? "2.41" : nil, layout: glibc ? .flatLib : .none, extraLibraries: [],
            shell: "/bin/sh", otherShells: [],
            config: BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")], cmd: ["sh"]),
            users: users, groups: groups, caBundle: nil, zoneinfo: false, tmp: true, packageManager: nil,
            sources: ["docker-library/busybox@9c208781 versions.json (variants glibc, uclibc, musl; latest = glibc)",
                      "latest/glibc/amd64/image-config.json (Cmd [sh], PATH; history: \"BusyBox 1.38.0 (glibc), Debian 13\")",
                      "Dockerfile-builder.template (glibc: libraries copied from debian:trixie-slim into /lib, /lib64 -> lib; musl/uclibc CONFIG_STATIC=y; busybox --install /bin; passwd and group from buildroot's skeleton)"],
            unverified: ["glibc 2.41 (Debian 13's, whose libraries the glibc variant copies)", "the buildroot skeleton's passwd and group entries",
                         "no CA bundle or zoneinfo (inferred)", "/tmp"] + (version == "latest" || version == "stable" ? [] : ["the libraries of older busybox releases (earlier builds copied from older Debian)"]))
    }

    // MARK: golang

    static func golang(tag: String) -> BaseImageFacts? {
        // latest, alpine, 1.22, 1.22.5, 1.22-bookworm, 1.22-alpine, 1.22-alpine3.20, bookworm, stretch, alpine3.20, onbuild…
        var t = tag
        var goVersion: String?
        let firstPiece = String(t.split(separator: "-").first ?? "")
        if firstPiece.first?.isNumber == true {
            let numbers = firstPiece.split(separator: ".")
            guard numbers.count >= 2, numbers.allSatisfy({ Int($0) != nil }) else { return nil }
            goVersion = "\(numbers[0]).\(numbers[1])"
            t = t.count > firstPiece.count ? String(t.dropFirst(firstPiece.count + 1)) : ""
        } else if t == "latest" {
            t = ""
        }
        // Each Go minor's last build: the first non-alpine and first alpine variant of
        // docker-library/golang versions.json at the last commit that lists it.
        let lastBuild: [String: (debian: String, alpine: String)] = [
            "1.15": ("buster", "3.14"), "1.16": ("bullseye", "3.15"), "1.17": ("bullseye", "3.16"), "1.18": ("bullseye", "3.17"),
            "1.19": ("bookworm", "3.18"), "1.20": ("bookworm", "3.19"), "1.21": ("bookworm", "3.20"), "1.22": ("bookworm", "3.21"),
            "1.23": ("trixie", "3.22"), "1.24": ("trixie", "3.23"), "1.25": ("trixie", "3.24"), "1.26": ("trixie", "3.24"),
            "1.27": ("trixie", "3.24"),
        ]
        var defaults: (debian: String, alpine: String)?
        if let goVersion { defaults = lastBuild[goVersion] } else { defaults = ("trixie", "3.24") }
        let env = [
            EnvironmentVariable(name: "PATH", value: "/go/bin:/usr/local/go/bin:" + BaseImageConfig.defaultPath),
            EnvironmentVariable(name: "GOTOOLCHAIN", value: "local"),
            EnvironmentVariable(name: "GOPATH", value: "/go"),
        ]
        let config = BaseImageConfig(env: env, workingDir: "/go")
        let sources = ["docker-library/golang@7c8c182b Dockerfile-linux.template (buildpack-deps:<suite>-scm + gcc, libc6-dev; alpine + ca-certificates; ENV GOPATH /go, PATH, WORKDIR /go)",
                       "versions.json history (the Debian and Alpine each Go minor was last built on)"]
        let name = "golang:\(tag)"
        let goTitle = goVersion.map { "Go \($0)" } ?? "Go"
        if t.hasPrefix("alpine") {
            var alpineVersion = String(t.dropFirst("alpine".count))
            var unverified: [String] = []
            if alpineVersion.isEmpty {
                guard let d = defaults else { return nil }
                alpineVersion = d.alpine
                unverified.append("the Alpine under `\(tag)` is that of the tag's last build")
            }
            guard alpineVersion.hasPrefix("3.") else { return nil }
            return alpineFacts(version: alpineVersion, reference: name, title: "\(goTitle) on Alpine \(alpineVersion)", config: config,
                               extraSources: sources, extraUnverified: unverified)
        }
        var suite = t
        var unverified: [String] = []
        if suite.isEmpty {
            guard let d = defaults else { return nil }
            suite = d.debian
            unverified.append("the Debian under `\(tag)` is that of the tag's last build")
        }
        guard let release = debianRelease(suite) else { return nil }
        // buildpack-deps:*-scm adds ca-certificates, curl, git, openssh-client…; the golang image adds gcc, g++, libc6-dev.
        var facts = debianFacts(release, slim: false, reference: name, extraTitle: ", \(goTitle) with gcc", config: config,
                                extraSources: sources, extraUnverified: unverified + ["buildpack-deps' packages (ca-certificates, libssl, tzdata)"],
                                extraLibraries: ["libssl.so.3", "libcrypto.so.3"])
        facts.caBundle = "/etc/ssl/certs/ca-certificates.crt"
        facts.zoneinfo = true
        if release.codename == "bullseye" || release.codename == "buster" || release.codename == "stretch" {
            facts.extraLibraries.removeAll { $0 == "libssl.so.3" || $0 == "libcrypto.so.3" }
        }
        return facts
    }
}
