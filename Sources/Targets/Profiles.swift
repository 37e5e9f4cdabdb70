import Dockerfile
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
    /// The image reference the profile describes (`debian:bookworm-slim`), nil for scratch.
    public var reference: String?
    /// Facts that were inferred or remembered rather than read in a source.
    public var unverified: [String] = []

    public init(name: String, summary: String, source: String, files: Set<String>, directories: Set<String>,
                libc: Libc?, librarySearchPath: [String]) {
        self.name = name
        self.summary = summary
        self.source = source
        self.files = files
        self.directories = directories
        self.libc = libc
        self.librarySearchPath = librarySearchPath
    }
}

extension TargetProfile {
    /// The short names `--target` has always accepted, in the order `list` prints them, and
    /// the base image each stands for (a test keeps this list and the data in step). Any
    /// reference the base-image table knows is accepted too (`debian:bullseye-slim`,
    /// `gcr.io/distroless/base-debian11:nonroot`, `alpine:3.18`, `ubuntu:22.04`).
    public static let names = ["scratch", "distroless-static", "distroless-base", "distroless-cc", "alpine", "debian-slim", "busybox",
                               "debian:bullseye-slim"]
    public static let aliases: [String: String] = [
        "distroless-static": "gcr.io/distroless/static-debian12", "distroless-base": "gcr.io/distroless/base-debian12",
        "distroless-cc": "gcr.io/distroless/cc-debian12", "alpine": "alpine:3.20", "debian-slim": "debian:bookworm-slim",
        "busybox": "busybox:glibc",
    ]

    /// The profile for `name` (a short name or a known image reference) on `platform`, or nil
    /// for a name the table does not know.
    public static func named(_ name: String, platform: Platform) -> TargetProfile? {
        if name == "scratch" {
            // The empty image: no need to look anything up.
            return TargetProfile(name: "scratch", summary: "the empty image: nothing but the files you COPY in",
                                 source: BaseImages.scratchSource, files: [], directories: [], libc: nil, librarySearchPath: [])
        }
        guard let facts = BaseImages.facts(for: aliases[name] ?? name) else { return nil }
        return TargetProfile(base: facts, name: name, platform: platform)
    }

    /// Whether `name` is a target `--target` accepts.
    public static func isKnown(_ name: String) -> Bool {
        name == "scratch" || aliases[name] != nil || BaseImages.facts(for: name) != nil
    }
}

/// glibc's own libraries, which every glibc image has beside libc.so.6.
private let glibcLibraries = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
                              "libnss_files.so.2", "libnss_dns.so.2", "libutil.so.1", "libanl.so.1"]

/// What Go reads at run time, per the golang/go sources: src/crypto/x509/root_linux.go (the CA
/// bundle files), src/time/zoneinfo_unix.go (the zoneinfo directories), src/os/user/lookup_unix.go
/// (the pure-Go /etc/passwd and /etc/group reader) and os.TempDir (src/os/file_unix.go: $TMPDIR,
/// else /tmp). A profile holds the zoneinfo files the rules and tests ask for.
public let zoneinfoDirectories = ["/usr/share/zoneinfo", "/usr/share/zoneinfo/Europe", "/usr/share/zoneinfo/America"]
public let zoneinfoFiles = ["/usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/Europe/Paris", "/usr/share/zoneinfo/America/New_York"]

extension TargetProfile {
    /// A base image's facts (Dockerfile module, BaseImages) as the files and directories a
    /// target holds on `platform`: its loader and libraries where its layout puts them, its
    /// shells, passwd and group, CA bundle, zoneinfo and /tmp.
    public init(base f: BaseImageFacts, name: String, platform: Platform) {
        let arch = platform.architecture
        var files: [String] = []
        var dirs: [String] = []
        let libDirs = f.libraryDirectories(architecture: arch)
        if let loader = f.loader(architecture: arch) {
            files.append(loader)
            // Multiarch keeps the real loader in the triple directory (/lib64's is a link to it).
            if case .multiarch = f.layout, let first = libDirs.first, !loader.hasPrefix(first) {
                files.append(first + "/" + (loader.split(separator: "/").last.map(String.init) ?? ""))
            }
        }
        switch f.libc {
        case .glibc:
            // Both /lib/<triple> and /usr/lib/<triple>: merged-/usr or not, both paths resolve.
            let places = f.layout == .flatLib ? ["/lib"] : Array(libDirs.prefix(2))
            for d in places { files += (glibcLibraries + f.extraLibraries).map { d + "/" + $0 } }
        case .musl:
            if let loader = f.loader(architecture: arch) {
                files.append("/lib/libc.musl-" + (loader.dropFirst("/lib/ld-musl-".count).dropLast(".so.1".count)) + ".so.1")
            }
            files += f.extraLibraries.map { "/lib/" + $0 }
            dirs += ["/usr/lib", "/lib"]
        case .none:
            break
        }
        if let sh = f.shell { files += [sh, "/usr/bin/env"] }
        files += f.otherShells
        if !f.users.isEmpty { files.append("/etc/passwd") }
        if !f.groups.isEmpty { files.append("/etc/group") }
        if let ca = f.caBundle {
            files.append(ca)
            dirs.append(String(ca[..<(ca.lastIndex(of: "/") ?? ca.endIndex)]))
        }
        if f.zoneinfo {
            files += zoneinfoFiles
            dirs += zoneinfoDirectories
        }
        if f.tmp { dirs.append("/tmp") }
        for u in f.users { if let h = u.home, h.hasPrefix("/home/") { dirs.append(h) } }
        var libc: Libc?
        switch f.libc {
        case .glibc: libc = Libc(.glibc, f.libcVersion)
        case .musl: libc = Libc(.musl, f.libcVersion)
        case .none: libc = nil
        }
        self.init(name: name, summary: f.summary, source: f.sources.joined(separator: "; "), files: Set(files),
                  directories: Set(dirs), libc: libc, librarySearchPath: libDirs)
        reference = f.reference
        unverified = f.unverified
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

