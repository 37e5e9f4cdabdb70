import ELFKit

/// A built-in description of a base image, as data: the files and directories it holds for a
/// platform, its C library and the loader's search path. Rules never branch on a profile's name;
/// they ask `TargetRoot` questions that this data answers (`TargetRoot(profile:)`).
public struct TargetProfile: Hashable, Sendable {
    public var name: String
    /// One line saying what the image is.
    public var summary: String
    /// Where the contents were taken from.
    public var source: String
    public var files: Set<String>
    /// Directories named by the data (the parents of files are added by the tree).
    public var directories: Set<String>
    public var libc: Libc?
    public var librarySearchPath: [String]
}

/// The raw profile data, with `{triple}` (the Debian multiarch triple), `{ldso}` (the glibc
/// loader path) and `{musl}` (the musl loader path) filled in per platform.
struct ProfileData {
    var name: String
    var summary: String
    var source: String
    var files: [String]
    var directories: [String]
    var libc: Libc?
    var librarySearchPath: [String]
}

extension TargetProfile {
    /// Names accepted by `--target`, in the order `list` prints them (a test keeps this list
    /// and the data below in step; it is spelled out so that start-up does not build every profile).
    public static let names = ["scratch", "distroless-static", "distroless-base", "distroless-cc", "alpine", "debian-slim", "busybox",
                               "debian:bullseye-slim"]

    /// The profile for `name` on `platform`, or nil for an unknown name.
    public static func named(_ name: String, platform: Platform) -> TargetProfile? {
        if name == "scratch" {
            // The empty image: no need to build the other profiles' tables.
            return TargetProfile(name: "scratch", summary: scratchData.summary, source: scratchData.source, files: [],
                                 directories: [], libc: nil, librarySearchPath: [])
        }
        guard let d = profileData.first(where: { $0.name == name }) else { return nil }
        let arch = PlatformPaths(platform)
        // One pass over the bytes per path, and none for the paths without a placeholder
        // (most of them): every profile is built at start-up for "the smallest base".
        func fill(_ s: String) -> String {
            let u = s.utf8
            guard u.contains(UInt8(ascii: "{")) else { return s }
            var out = ""
            var at = u.startIndex
            while let open = u[at...].firstIndex(of: UInt8(ascii: "{")), let close = u[open...].firstIndex(of: UInt8(ascii: "}")) {
                out += Substring(u[at..<open])
                switch Substring(u[u.index(after: open)..<close]) {
                case "triple": out += arch.triple
                case "ldso": out += arch.glibcLoader
                case "musl": out += arch.muslLoader
                case "muslarch": out += arch.muslArch
                default: out += Substring(u[open...close])
                }
                at = u.index(after: close)
            }
            return out + Substring(u[at...])
        }
        return TargetProfile(name: d.name, summary: d.summary, source: d.source, files: Set(d.files.map(fill)),
                             directories: Set(d.directories.map(fill)), libc: d.libc, librarySearchPath: d.librarySearchPath.map(fill))
    }
}

extension TargetProfile {
    /// About how large each image is (MB, uncompressed, linux/amd64, as `docker images` shows
    /// the tags these profiles describe): the order in which "the smallest base that works" is
    /// chosen. Approximate by nature; only the order matters.
    public static let approximateSizeMB: [String: Double] = [
        "scratch": 0, "distroless-static": 2.0, "busybox": 4.4, "alpine": 7.8, "distroless-base": 20.7,
        "distroless-cc": 23.5, "debian-slim": 74.8, "debian:bullseye-slim": 80.6,
    ]

    /// Every built-in profile on `platform`, smallest first.
    public static func bySize(platform: Platform) -> [TargetProfile] {
        names.sorted { (approximateSizeMB[$0] ?? .infinity) < (approximateSizeMB[$1] ?? .infinity) }
            .compactMap { named($0, platform: platform) }
    }
}

/// Per-platform paths that profiles are written in terms of.
struct PlatformPaths {
    var triple: String
    var glibcLoader: String
    var muslLoader: String
    var muslArch: String

    init(_ p: Platform) {
        switch p.architecture {
        case "arm64":
            triple = "aarch64-linux-gnu"; glibcLoader = "/lib/ld-linux-aarch64.so.1"; muslArch = "aarch64"
        case "386":
            triple = "i386-linux-gnu"; glibcLoader = "/lib/ld-linux.so.2"; muslArch = "x86"
        case "arm":
            triple = "arm-linux-gnueabihf"; glibcLoader = "/lib/ld-linux-armhf.so.3"; muslArch = "armhf"
        case "s390x":
            triple = "s390x-linux-gnu"; glibcLoader = "/lib/ld64.so.1"; muslArch = "s390x"
        case "ppc64le":
            triple = "powerpc64le-linux-gnu"; glibcLoader = "/lib64/ld64.so.2"; muslArch = "powerpc64le"
        case "riscv64":
            triple = "riscv64-linux-gnu"; glibcLoader = "/lib/ld-linux-riscv64-lp64d.so.1"; muslArch = "riscv64"
        default:
            triple = "x86_64-linux-gnu"; glibcLoader = "/lib64/ld-linux-x86-64.so.2"; muslArch = "x86_64"
        }
        muslLoader = "/lib/ld-musl-\(muslArch).so.1"
    }
}

/// What Go reads at run time, per the golang/go sources: src/crypto/x509/root_linux.go (the CA
/// bundle files), src/time/zoneinfo_unix.go (the zoneinfo directories), src/os/user/lookup_unix.go
/// (the pure-Go /etc/passwd and /etc/group reader) and os.TempDir (src/os/file_unix.go: $TMPDIR,
/// else /tmp).
private let caBundle = ["/etc/ssl/certs/ca-certificates.crt"]
private let zoneinfo = ["/usr/share/zoneinfo", "/usr/share/zoneinfo/Europe", "/usr/share/zoneinfo/America"]
private let zoneFiles = ["/usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/Europe/Paris", "/usr/share/zoneinfo/America/New_York"]
private let users = ["/etc/passwd", "/etc/group"]
private let glibcLibs = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
                         "libnss_files.so.2", "libnss_dns.so.2", "libutil.so.1", "libanl.so.1"]
private func inLib(_ libs: [String]) -> [String] { libs.map { "/lib/{triple}/" + $0 } + libs.map { "/usr/lib/{triple}/" + $0 } }
private let debianSearchPath = ["/lib/{triple}", "/usr/lib/{triple}", "/lib", "/usr/lib"]

/// What a Debian -slim image holds of interest here (the Priority: required packages), the same
/// for bookworm and bullseye; their glibc versions differ.
private let debianSlimFiles = zoneFiles + users + ["{ldso}", "/lib64/ld-linux-x86-64.so.2", "/bin/sh", "/bin/dash", "/usr/bin/env", "/etc/os-release"]
    + inLib(glibcLibs + ["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libcrypt.so.1", "libselinux.so.1",
                         "libzstd.so.1", "liblzma.so.5", "libbz2.so.1.0", "libtinfo.so.6", "libacl.so.1"])
private let debianSlimDirectories = zoneinfo + ["/tmp", "/etc/ssl/certs"]

let scratchData = ProfileData(
    name: "scratch",
    summary: "the empty image: nothing but the files you COPY in",
    source: "Docker's reserved empty image (docs.docker.com: 'FROM scratch')",
    files: [], directories: [], libc: nil, librarySearchPath: [])

let profileData: [ProfileData] = [
    scratchData,
    ProfileData(
        name: "distroless-static",
        summary: "gcr.io/distroless/static-debian12: CA certificates, tzdata, /etc/passwd and /etc/group, /tmp; no libc, no shell",
        source: "GoogleContainerTools/distroless base/README.md (static: ca-certificates, passwd entries for root/nonroot/nobody, /tmp, tzdata)",
        files: caBundle + zoneFiles + users + ["/etc/nsswitch.conf", "/etc/os-release"],
        directories: zoneinfo + ["/tmp", "/etc/ssl/certs", "/home/nonroot"],
        libc: nil, librarySearchPath: []),
    ProfileData(
        name: "distroless-base",
        summary: "gcr.io/distroless/base-debian12: distroless-static plus glibc 2.36, libssl and openssl",
        source: "GoogleContainerTools/distroless base/README.md; glibc of Debian 12 (2.36)",
        files: caBundle + zoneFiles + users + ["/etc/nsswitch.conf", "/etc/os-release", "{ldso}"]
            + inLib(glibcLibs + ["libssl.so.3", "libcrypto.so.3"]),
        directories: zoneinfo + ["/tmp", "/etc/ssl/certs", "/home/nonroot"],
        libc: Libc(.glibc, "2.36"), librarySearchPath: debianSearchPath),
    ProfileData(
        name: "distroless-cc",
        summary: "gcr.io/distroless/cc-debian12: distroless-base plus libgcc_s, libstdc++ and libgomp",
        source: "GoogleContainerTools/distroless cc/README.md; glibc of Debian 12 (2.36)",
        files: caBundle + zoneFiles + users + ["/etc/nsswitch.conf", "/etc/os-release", "{ldso}"]
            + inLib(glibcLibs + ["libssl.so.3", "libcrypto.so.3", "libgcc_s.so.1", "libstdc++.so.6", "libgomp.so.1"]),
        directories: zoneinfo + ["/tmp", "/etc/ssl/certs", "/home/nonroot"],
        libc: Libc(.glibc, "2.36"), librarySearchPath: debianSearchPath),
    ProfileData(
        name: "alpine",
        summary: "alpine:3.20: musl 1.2.5 and busybox; CA bundle, /etc/passwd, /tmp; no zoneinfo (tzdata is not installed)",
        source: "Alpine Linux 3.20 minirootfs (alpine-baselayout, busybox, musl, ca-certificates-bundle, zlib, libssl3)",
        files: caBundle + users + ["{musl}", "/lib/libc.musl-{muslarch}.so.1", "/lib/libz.so.1", "/lib/libcrypto.so.3", "/lib/libssl.so.3",
                                    "/bin/sh", "/bin/busybox", "/usr/bin/env", "/etc/os-release"],
        directories: ["/tmp", "/etc/ssl/certs", "/usr/lib", "/lib"],
        libc: Libc(.musl, "1.2.5"), librarySearchPath: ["/lib", "/usr/local/lib", "/usr/lib"]),
    ProfileData(
        name: "debian-slim",
        summary: "debian:bookworm-slim: glibc 2.36, dash, tzdata, /etc/passwd, /tmp; no CA certificates",
        source: "Debian 12 bookworm-slim (Priority: required packages; ca-certificates is not among them)",
        files: debianSlimFiles,
        directories: debianSlimDirectories,
        libc: Libc(.glibc, "2.36"), librarySearchPath: debianSearchPath),
    ProfileData(
        name: "debian:bullseye-slim",
        summary: "debian:bullseye-slim: glibc 2.31 (Debian 11), dash, tzdata, /etc/passwd, /tmp; no CA certificates",
        source: "Debian 11 bullseye-slim (libc6 2.31-13+deb11u*, Priority: required packages; the same file set as bookworm-slim here); a bullseye debootstrap root in the tests",
        files: debianSlimFiles,
        directories: debianSlimDirectories,
        libc: Libc(.glibc, "2.31"), librarySearchPath: debianSearchPath),
    ProfileData(
        name: "busybox",
        summary: "busybox:glibc: busybox with glibc 2.36 libraries, /etc/passwd, /tmp; no CA bundle, no zoneinfo",
        source: "docker-library/busybox glibc variant (busybox built against Debian's glibc)",
        files: users + ["/bin/sh", "/bin/busybox", "{ldso}", "/lib/libc.so.6", "/lib/libm.so.6",
                        "/lib/libpthread.so.0", "/lib/libresolv.so.2", "/lib/libnss_files.so.2", "/lib/libnss_dns.so.2"],
        directories: ["/tmp", "/lib"],
        libc: Libc(.glibc, "2.36"), librarySearchPath: ["/lib", "/usr/lib"]),
]
