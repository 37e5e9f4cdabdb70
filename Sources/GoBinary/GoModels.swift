/// What a Go binary says about itself: build info (version, modules, settings), the packages
/// linked in (from pclntab function names), and the signals the rules need. This layer knows
/// nothing of containers or rules.

/// A module line of the build info (`mod`, `dep`, `=>`), as `runtime/debug.Module`.
public struct GoModule: Hashable, Sendable {
    public var path: String
    public var version: String
    public var sum: String?
    public indirect enum Replacement: Hashable, Sendable { case module(GoModule) }
    private var _replace: Replacement?
    /// The module this one was replaced by (`=>` line), if any.
    public var replace: GoModule? {
        get { if case .module(let m)? = _replace { return m } else { return nil } }
        set { _replace = newValue.map { .module($0) } }
    }

    public init(path: String, version: String, sum: String? = nil, replace: GoModule? = nil) {
        self.path = path
        self.version = version
        self.sum = sum
        self.replace = replace
    }
}

/// One `build` line: key and value, unquoted.
public struct GoBuildSetting: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
    public var description: String { "\(key)=\(value)" }
}

/// The build information embedded by the Go linker (`debug/buildinfo.Read`).
public struct GoBuildInfo: Hashable, Sendable {
    /// The toolchain version, e.g. `go1.19.8`.
    public var goVersion: String
    /// The main package path, e.g. `example.com/app/cmd/server` (nil when not recorded).
    public var path: String?
    /// The main module (`mod` line), nil when there is none (e.g. GOPATH mode, `go run x.go`).
    public var main: GoModule?
    public var deps: [GoModule]
    /// `build` lines in file order, values unquoted.
    public var settings: [GoBuildSetting]
    /// Pointer size recorded in the build info header (4 or 8).
    public var pointerSize: Int
    /// Byte order flag of the build info header.
    public var bigEndian: Bool
    /// The modinfo text after stripping its sentinels (as `go version -m` would print it, without `go`).
    public var rawModinfo: String

    public init(goVersion: String, path: String? = nil, main: GoModule? = nil, deps: [GoModule] = [],
                settings: [GoBuildSetting] = [], pointerSize: Int = 8, bigEndian: Bool = false, rawModinfo: String = "") {
        self.goVersion = goVersion
        self.path = path
        self.main = main
        self.deps = deps
        self.settings = settings
        self.pointerSize = pointerSize
        self.bigEndian = bigEndian
        self.rawModinfo = rawModinfo
    }

    /// The value of the first build setting with this key (`-ldflags`, `CGO_ENABLED`, `GOARCH` …).
    public func setting(_ key: String) -> String? {
        settings.first { $0.key == key }?.value
    }

    /// `(major, minor, patch)` of `goVersion` (`go1.19.8` → (1, 19, 8), `go1.21rc2` → (1, 21, 0)),
    /// nil when it does not start with `go1.` (e.g. `devel …`).
    public var versionNumbers: (major: Int, minor: Int, patch: Int)? { GoVersion.parse(goVersion) }
}

public enum GoVersion {
    /// Parses `go1.N[.P][suffix]` (also accepting `go1.N.P X:exp` forms).
    public static func parse(_ s: String) -> (major: Int, minor: Int, patch: Int)? {
        guard s.hasPrefix("go") else { return nil }
        var nums: [Int] = []
        var cur: Int?
        for ch in s.utf8.dropFirst(2) {
            if ch >= 48 && ch <= 57 {
                let d = Int(ch - 48)
                let next = (cur ?? 0).multipliedReportingOverflow(by: 10)
                guard !next.overflow else { return nil }
                cur = next.partialValue + d
            } else if ch == 46, let c = cur, nums.count < 2 {
                nums.append(c); cur = nil
            } else {
                break
            }
        }
        if let cur { nums.append(cur) }
        guard nums.count >= 2 else { return nil }
        return (nums[0], nums[1], nums.count > 2 ? nums[2] : 0)
    }
}

/// Things the rules ask about a Go binary, each backed by function names as evidence.
public enum GoSignal: String, CaseIterable, Hashable, Sendable {
    /// runtime/cgo is linked: `x_cgo_init`, `_cgo_sys_thread_start`, `crosscall2`.
    case cgoRuntime
    /// net uses the libc resolver: `net._C2func_getaddrinfo`, `net._Cfunc_…`.
    case netCgoResolver
    /// os/user calls libc (`os/user._Cfunc_mygetpwuid_r` …).
    case osUserCgo
    /// os/user reads /etc/passwd and /etc/group itself (`osusergo` or no cgo).
    case osUserPure
    /// plugin with dlopen (cgo): `plugin._Cfunc_pluginOpen`, with `plugin.open` as further
    /// evidence. Without cgo `plugin.Open` is a stub that always fails, so it does not count.
    case plugin
    /// crypto/x509 loads the system roots: `crypto/x509.loadSystemRoots`, `initSystemRoots`.
    case x509SystemRoots
    /// Fallback roots are linked: `crypto/x509.SetFallbackRoots`, `golang.org/x/crypto/x509roots/fallback`.
    case x509FallbackRoots
    /// `time.LoadLocation` is reachable.
    case timeLoadLocation
    /// `time/tzdata` is linked (zoneinfo embedded).
    case tzdataEmbedded
    /// `os.TempDir`, `os.CreateTemp`, `os.MkdirTemp`.
    case tempDir
}

/// Booleans with evidence (up to a few function names each).
public struct GoSignals: Hashable, Sendable {
    /// Evidence per signal, in `GoSignal.allCases` order: nil until a signal is noted. A plain
    /// array: a Dictionary here cost more at its first use than the rest of the name scan.
    private var lists: [[String]?] = []
    /// Non-runtime packages that carry `_Cfunc_`/`_cgo_` names (net, os/user, cgo modules, main),
    /// sorted; runtime/cgo itself is left out.
    public var cgoPackages: [String] = []

    public init() {}

    /// The function names behind `s`, nil when it is not set.
    public func evidence(_ s: GoSignal) -> [String]? {
        let i = s.index
        return i < lists.count ? lists[i] : nil
    }

    /// Every signal that is set, with its evidence.
    public var evidence: [GoSignal: [String]] {
        var d: [GoSignal: [String]] = [:]
        for s in GoSignal.allCases { if let e = evidence(s) { d[s] = e } }
        return d
    }

    public func has(_ s: GoSignal) -> Bool { evidence(s) != nil }

    public var cgoRuntime: Bool { has(.cgoRuntime) }
    public var netCgoResolver: Bool { has(.netCgoResolver) }
    public var osUserCgo: Bool { has(.osUserCgo) }
    public var osUserPure: Bool { has(.osUserPure) }
    public var plugin: Bool { has(.plugin) }
    public var x509SystemRoots: Bool { has(.x509SystemRoots) }
    public var x509FallbackRoots: Bool { has(.x509FallbackRoots) }
    public var timeLoadLocation: Bool { has(.timeLoadLocation) }
    public var tzdataEmbedded: Bool { has(.tzdataEmbedded) }
    public var tempDir: Bool { has(.tempDir) }

    /// Records `name` as evidence for `s` (keeps the first few).
    mutating func note(_ s: GoSignal, _ name: String) {
        if lists.isEmpty { lists = Array(repeating: nil, count: GoSignal.count) }
        let i = s.index
        var list = lists[i] ?? []
        if list.count < 4, !list.contains(name) { list.append(name) }
        lists[i] = list
    }
}

extension GoSignal {
    static let count = 10
    /// The position in `allCases`, without building that array.
    var index: Int {
        switch self {
        case .cgoRuntime: 0
        case .netCgoResolver: 1
        case .osUserCgo: 2
        case .osUserPure: 3
        case .plugin: 4
        case .x509SystemRoots: 5
        case .x509FallbackRoots: 6
        case .timeLoadLocation: 7
        case .tzdataEmbedded: 8
        case .tempDir: 9
        }
    }
}

/// Everything the rules need from a Go binary, computed once.
public struct GoFacts: Hashable, Sendable {
    /// nil for Go before 1.13 or when the build info was stripped.
    public var buildInfo: GoBuildInfo?
    /// The Go build ID (ELF note "Go"/4, or the `\xff Go build ID: "…"` text at the start of text).
    public var goBuildID: String?
    /// Sorted unique Go import paths linked in, from pclntab function names.
    public var packages: [String]
    /// A few absolute source paths (empty with `-trimpath`), the module's own files first.
    public var absoluteBuildPaths: [String]
    public var signals: GoSignals
    /// The pclntab format (`1.2`, `1.16`, `1.18`, `1.20`), nil when none was found.
    public var pclntabVersion: GoPclntab.Version?
    /// Functions in pclntab (0 when none was found).
    public var functionCount: Int
    /// The GOOS the runtime was built for, told by its source file names in pclntab
    /// (`runtime/os_freebsd.go` → `freebsd`): read only when the build info records no GOOS
    /// (Go before 1.18, or build info gone). `runtimeOSFile` is the file that told it.
    public var runtimeOS: String?
    public var runtimeOSFile: String?

    public init(buildInfo: GoBuildInfo? = nil, goBuildID: String? = nil, packages: [String] = [], absoluteBuildPaths: [String] = [],
                signals: GoSignals = GoSignals(), pclntabVersion: GoPclntab.Version? = nil, functionCount: Int = 0) {
        self.buildInfo = buildInfo
        self.goBuildID = goBuildID
        self.packages = packages
        self.absoluteBuildPaths = absoluteBuildPaths
        self.signals = signals
        self.pclntabVersion = pclntabVersion
        self.functionCount = functionCount
    }

    /// True when `package` is linked in.
    public func links(_ package: String) -> Bool {
        var lo = 0, hi = packages.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if packages[mid] < package { lo = mid + 1 } else { hi = mid }
        }
        return lo < packages.count && packages[lo] == package
    }
}
