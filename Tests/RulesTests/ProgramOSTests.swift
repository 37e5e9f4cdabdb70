import ELFKit
import Foundation
import Rules
import Targets
import TestSupport
import Testing

/// The OS an ELF program is for, from each source on its own: EI_OSABI, each kind of ABI note,
/// Go's recorded GOOS, and the runtime's source file names in pclntab. Each source is isolated
/// by removing the stronger ones from a copy (EI_OSABI zeroed, note owners renamed, the build
/// info magic overwritten), so every case can fail on its own.
@Suite struct ProgramOSTests {
    static func bytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named(name).path)))
    }

    static func os(_ bytes: [UInt8]) -> ProgramOS? {
        FactCollector.collect(ByteView(copying: bytes), mode: 0o755).facts.elf?.os
    }

    /// Every occurrence of `needle` replaced by `with` (same length).
    static func replaceAll(_ bytes: inout [UInt8], _ needle: [UInt8], _ with: [UInt8]) -> Int {
        precondition(needle.count == with.count)
        var n = 0, i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<i + needle.count]) == needle {
                bytes.replaceSubrange(i..<i + needle.count, with: with)
                n += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return n
    }

    /// A copy that says nothing but what its pclntab says: EI_OSABI 0, the BSD note owners
    /// renamed, the build info magic gone.
    static func pclntabOnly(_ name: String, noteOwner: String?) throws -> [UInt8] {
        var b = try bytes(name)
        b[7] = 0
        if let noteOwner {
            var renamed = Array(noteOwner.utf8)
            renamed[0] = UInt8(ascii: "X")
            #expect(replaceAll(&b, Array(noteOwner.utf8) + [0], renamed + [0]) >= 1, "\(name): no \(noteOwner) note to rename")
        }
        #expect(replaceAll(&b, [0xff] + Array(" Go buildinf:".utf8), [0xff] + Array(" Go xxxxxxxx:".utf8)) == 1, "\(name): build info magic")
        return b
    }

    // MARK: - The built binaries, each source as it comes

    @Test(arguments: [
        ("go/hello-freebsd-amd64", "freebsd", "EI_OSABI 9, ELFOSABI_FREEBSD"),
        ("go/hello-freebsd-386", "freebsd", "EI_OSABI 9, ELFOSABI_FREEBSD"),
        ("go119/hello-freebsd-amd64", "freebsd", "EI_OSABI 9, ELFOSABI_FREEBSD"),
        ("go119/hello-freebsd-386", "freebsd", "EI_OSABI 9, ELFOSABI_FREEBSD"),
        ("go/hello-netbsd-amd64", "netbsd", "EI_OSABI 2, ELFOSABI_NETBSD"),
        ("go/hello-netbsd-386", "netbsd", "EI_OSABI 2, ELFOSABI_NETBSD"),
        ("go119/hello-netbsd-amd64", "netbsd", "EI_OSABI 2, ELFOSABI_NETBSD"),
        ("go119/hello-netbsd-386", "netbsd", "EI_OSABI 2, ELFOSABI_NETBSD"),
        ("go/hello-openbsd-amd64", "openbsd", "EI_OSABI 12, ELFOSABI_OPENBSD"),
        ("go/hello-openbsd-386", "openbsd", "EI_OSABI 12, ELFOSABI_OPENBSD"),
        ("go119/hello-openbsd-amd64", "openbsd", "EI_OSABI 12, ELFOSABI_OPENBSD"),
        ("go119/hello-openbsd-386", "openbsd", "EI_OSABI 12, ELFOSABI_OPENBSD"),
        // Go's DragonFly binaries have EI_OSABI 0 and no ABI note: GOOS tells.
        ("go/hello-dragonfly-amd64", "dragonfly", "Go's recorded GOOS=dragonfly"),
        ("go119/hello-dragonfly-amd64", "dragonfly", "Go's recorded GOOS=dragonfly"),
        ("go/hello-solaris-amd64", "solaris", "Go's recorded GOOS=solaris"),
        ("go/hello-illumos-amd64", "illumos", "Go's recorded GOOS=illumos"),
        ("go/hello-cgo0", "linux", "Go's recorded GOOS=linux"),
        ("go119/hello-linux-386", "linux", "Go's recorded GOOS=linux"),
        ("c/hello-dynamic", "linux", "the GNU ABI tag (.note.ABI-tag), OS word 0"),
        ("c/hello-static", "linux", "the GNU ABI tag (.note.ABI-tag), OS word 0"),
    ])
    func builtBinaries(_ name: String, _ expected: String, _ evidence: String) throws {
        let os = try #require(Self.os(try Self.bytes(name)), "\(name): no OS recognised")
        #expect(os.name == expected, "\(name): \(os)")
        #expect(os.evidence.hasPrefix(evidence), "\(name): \(os.evidence)")
    }

    /// GOOS=android is a Linux program: no SE113.
    @Test func androidIsLinux() throws {
        var b = try Self.bytes("go/hello-cgo0")
        #expect(Self.replaceAll(&b, Array("build\tGOOS=linux\n".utf8), Array("build\tGOOS=andro\n".utf8)) >= 1)
        var os = try #require(Self.os(b))
        #expect(os.name == "andro" && !os.isLinux)
        os.name = "android"
        #expect(os.isLinux)
    }

    /// musl's static programs carry no ABI note, and C has no GOOS: nothing says, Linux assumed.
    @Test func nothingSaysIsNil() throws {
        #expect(Self.os(try Self.bytes("c/hello-musl-static")) == nil)
    }

    // MARK: - Each source on its own

    /// EI_OSABI alone: the FreeBSD binary with EI_OSABI zeroed falls to the next source.
    @Test func osabiIsTheStrongest() throws {
        var b = try Self.bytes("go/hello-freebsd-amd64")
        #expect(b[7] == 9)
        // A Linux binary that says FreeBSD in EI_OSABI is FreeBSD's by that byte alone.
        var linux = try Self.bytes("go/hello-cgo0")
        linux[7] = 9
        #expect(Self.os(linux)?.name == "freebsd")
        linux[7] = 12
        #expect(Self.os(linux)?.evidence == "EI_OSABI 12, ELFOSABI_OPENBSD")
        linux[7] = 2
        #expect(Self.os(linux)?.name == "netbsd")
        linux[7] = 6
        #expect(Self.os(linux)?.name == "solaris")
        // 0 (SYSV) and 3 (GNU) name no other system: GOOS decides.
        linux[7] = 3
        #expect(Self.os(linux)?.name == "linux")
        b[7] = 0
        #expect(Self.os(b)?.name == "freebsd")
        #expect(Self.os(b)?.evidence.hasPrefix("EI_OSABI") == false)
    }

    /// Each BSD's own ABI note, with EI_OSABI zeroed, beats a recorded GOOS of linux.
    @Test(arguments: [("go/hello-freebsd-amd64", "FreeBSD", "freebsd"), ("go/hello-freebsd-386", "FreeBSD", "freebsd"),
                      ("go/hello-netbsd-amd64", "NetBSD", "netbsd"), ("go119/hello-netbsd-386", "NetBSD", "netbsd"),
                      ("go/hello-openbsd-386", "OpenBSD", "openbsd"), ("go119/hello-openbsd-amd64", "OpenBSD", "openbsd")])
    func abiNotes(_ name: String, _ owner: String, _ expected: String) throws {
        var b = try Self.bytes(name)
        b[7] = 0
        // The recorded GOOS says linux now, so only the note can tell.
        let goos = Array("GOOS=\(expected)".utf8)
        let linux = Array(("GOOS=linux" + String(repeating: " ", count: goos.count - 10)).utf8)
        _ = Self.replaceAll(&b, goos, linux)
        let os = try #require(Self.os(b), "\(name)")
        #expect(os.name == expected, "\(name): \(os)")
        #expect(os.evidence.hasPrefix("the \(owner) ABI note"), "\(name): \(os.evidence)")
    }

    /// A minimal ELF64 x86-64 executable whose only program header is a PT_NOTE holding one
    /// note: each owner the recogniser knows, in isolation (EI_OSABI 0, no sections, no Go).
    static func elfWithNote(owner: String, type: UInt32, desc: [UInt8]) -> [UInt8] {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        func pad4(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        let name = Array(owner.utf8) + [0]
        let note = le(UInt64(name.count), 4) + le(UInt64(desc.count), 4) + le(UInt64(type), 4) + pad4(name) + pad4(desc)
        var h: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        h += le(2, 2) + le(62, 2) + le(1, 4) + le(0x401000, 8) + le(64, 8) + le(0, 8) + le(0, 4)
        h += le(64, 2) + le(56, 2) + le(1, 2) + le(64, 2) + le(0, 2) + le(0, 2)
        let off: UInt64 = 64 + 56
        let ph = le(4, 4) + le(4, 4) + le(off, 8) + le(0x400000 + off, 8) + le(0x400000 + off, 8)
            + le(UInt64(note.count), 8) + le(UInt64(note.count), 8) + le(4, 8)
        return h + ph + note
    }

    @Test(arguments: [("FreeBSD", UInt32(1), "freebsd"), ("NetBSD", 1, "netbsd"), ("OpenBSD", 1, "openbsd"),
                      ("DragonFly", 1, "dragonfly"), ("FreeBSD", 4, "freebsd")])
    func eachOwnNote(_ owner: String, _ type: UInt32, _ expected: String) throws {
        let b = Self.elfWithNote(owner: owner, type: type, desc: [0x10, 0x27, 0, 0])
        let r = FactCollector.collect(ByteView(copying: b), mode: 0o755)
        #expect(r.facts.go == nil)
        let os = try #require(r.facts.elf?.os, "\(owner): \(r.error.map { "\($0)" } ?? "no OS")")
        #expect(os.name == expected)
        #expect(os.evidence == "the \(owner) ABI note")
    }

    @Test func syntheticGNUTagAndUnknownOwner() throws {
        let linux = Self.elfWithNote(owner: "GNU", type: 1, desc: [0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.os(linux)?.name == "linux")
        let hurd = Self.elfWithNote(owner: "GNU", type: 1, desc: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.os(hurd)?.name == "hurd")
        // A GNU note of another type (NT_GNU_BUILD_ID), a short ABI tag, another owner: nothing.
        #expect(Self.os(Self.elfWithNote(owner: "GNU", type: 3, desc: [1, 2, 3, 4])) == nil)
        #expect(Self.os(Self.elfWithNote(owner: "GNU", type: 1, desc: [3, 0, 0, 0])) == nil)
        #expect(Self.os(Self.elfWithNote(owner: "Xen", type: 1, desc: [3, 0, 0, 0])) == nil)
    }

    /// The OS word of GNU's NT_GNU_ABI_TAG: 0 Linux, 1 Hurd, 2 Solaris, 3 FreeBSD (kFreeBSD).
    @Test(arguments: [(UInt32(0), "linux"), (1, "hurd"), (2, "solaris"), (3, "freebsd"), (4, "netbsd")])
    func gnuABITag(_ word: UInt32, _ expected: String) throws {
        let name = "c/hello-static"
        var b = try Self.bytes(name)
        let (_, elf) = try TestBinaries.opened(name)
        let tag = try #require(try elf.notes().first { $0.name == "GNU" && $0.type == 1 })
        let at = Int(tag.desc.fileOffset)
        for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i))) }
        let os = try #require(Self.os(b))
        #expect(os.name == expected)
        #expect(os.evidence.contains("OS word \(word)"), "\(os.evidence)")
    }

    /// Go's recorded GOOS alone: EI_OSABI zeroed and the note owner renamed.
    @Test(arguments: [("go/hello-netbsd-amd64", "NetBSD", "netbsd"), ("go119/hello-openbsd-amd64", "OpenBSD", "openbsd"),
                      ("go/hello-freebsd-386", "FreeBSD", "freebsd"), ("go/hello-dragonfly-amd64", nil, "dragonfly")] as [(String, String?, String)])
    func recordedGOOS(_ name: String, _ owner: String?, _ expected: String) throws {
        var b = try Self.bytes(name)
        b[7] = 0
        if let owner {
            var renamed = Array(owner.utf8)
            renamed[0] = UInt8(ascii: "X")
            #expect(Self.replaceAll(&b, Array(owner.utf8) + [0], renamed + [0]) >= 1)
        }
        let os = try #require(Self.os(b))
        #expect(os.name == expected)
        #expect(os.evidence == "Go's recorded GOOS=\(expected)")
    }

    /// No settings (old Go, or the build info gone: here its magic is overwritten, since Go
    /// 1.19 records GOOS as every Go since 1.18 does): the runtime's os_<goos>.go in pclntab.
    @Test(arguments: [("go/hello-freebsd-amd64", "FreeBSD", "freebsd"), ("go119/hello-freebsd-386", nil, "freebsd"),
                      ("go/hello-netbsd-386", "NetBSD", "netbsd"), ("go119/hello-openbsd-amd64", "OpenBSD", "openbsd"),
                      ("go119/hello-dragonfly-amd64", nil, "dragonfly"), ("go/hello-solaris-amd64", nil, "solaris"),
                      ("go/hello-illumos-amd64", nil, "illumos"), ("go/hello-cgo0", nil, "linux"),
                      ("go119/hello-linux-386", nil, "linux")] as [(String, String?, String)])
    func pclntabFallback(_ name: String, _ owner: String?, _ expected: String) throws {
        let b = try Self.pclntabOnly(name, noteOwner: owner)
        let r = FactCollector.collect(ByteView(copying: b), mode: 0o755)
        #expect(r.facts.go != nil, "\(name): still a Go binary")
        #expect(r.facts.go?.buildInfo == nil, "\(name): the build info is gone")
        let os = try #require(r.facts.elf?.os, "\(name): nothing recognised")
        #expect(os.name == expected, "\(name): \(os)")
        #expect(os.evidence == "runtime/os_\(expected).go among pclntab's source files", "\(name): \(os.evidence)")
    }

    // MARK: - Verdict and findings

    static func check(_ name: String, platform arch: String = "amd64") throws -> FileReport {
        let p = Platform(architecture: arch)
        return Analyzer(target: try #require(TargetRoot.profile("scratch", platform: p)), platform: p).check(path: try TestBinaries.named(name).path)
    }

    /// A static BSD program: execve succeeds, it dies (stage program, no errno); SE113's fix is
    /// the binary's own line with GOOS=linux, and nothing else claims the start.
    @Test(arguments: ["go/hello-freebsd-amd64", "go119/hello-netbsd-386", "go/hello-dragonfly-amd64"])
    func staticForeignProgram(_ name: String) throws {
        let r = try Self.check(name)
        let v = try #require(r.start)
        #expect(!v.ok && v.stage == .program && v.errno == nil, "\(name): \(v)")
        #expect(v.cause == .wrongOS(r.facts?.elf?.os?.name ?? "?"))
        #expect(v.message?.hasSuffix("is killed by SIGSEGV as it starts (exit code 139)") == true)
        let f = try #require(r.findings.first { $0.rule == "SE113" })
        let arch = name.hasSuffix("-386") ? "386" : "amd64"
        #expect(f.command?.hasPrefix("CGO_ENABLED=0 GOOS=linux GOARCH=\(arch) ") == true, "\(f.command ?? "no command")")
        #expect(r.findings.filter { $0.severity == .error }.map(\.rule) == ["SE113"], "\(r.findings.map(\.rule))")
        // The size and hygiene rules' lines keep SE113's GOOS=linux.
        let lines = r.findings.filter { ["SE400", "SE401", "SE402"].contains($0.rule) }.map(\.fix)
        #expect(lines.count == 3, "\(r.findings.map(\.rule))")
        for l in lines { #expect(l.contains("GOOS=linux "), "\(l)") }
    }

    /// OpenBSD's Go binaries call libc: PT_INTERP /usr/libexec/ld.so, missing, so ENOENT first;
    /// SE113 tells why, SE101 (whose fix would be CGO_ENABLED=0) does not fire.
    @Test(arguments: ["go/hello-openbsd-amd64", "go119/hello-openbsd-386"])
    func openBSDLoaderFirst(_ name: String) throws {
        let r = try Self.check(name)
        #expect(r.start?.stage == .kernel && r.start?.errno == "ENOENT")
        #expect(r.findings.map(\.rule).contains("SE113"))
        #expect(!r.findings.map(\.rule).contains("SE101"))
        #expect(!r.findings.map(\.rule).contains("SE200"))
    }

    /// On an arm64 platform a FreeBSD amd64 program is one finding, SE113, rebuilding for arm64.
    @Test func wrongOSAndArchitectureIsOneFinding() throws {
        let r = try Self.check("go/hello-freebsd-amd64", platform: "arm64")
        #expect(r.start?.errno == "ENOEXEC")
        let errors = r.findings.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == ["SE113"])
        #expect(errors.first?.command?.contains("GOOS=linux GOARCH=arm64") == true)
    }

    /// A Solaris program whose DT_NEEDED entries all name libc.so (as Go's Solaris binaries can
    /// list it once per import; here the three entries of go/hello-solaris-amd64 are pointed at
    /// the same string): the verdict and every message name it once.
    @Test func repeatedNeededNamedOnce() throws {
        let name = "go/hello-solaris-amd64"
        var b = try Self.bytes(name)
        let (_, elf) = try TestBinaries.opened(name)
        let dyn = try #require(try elf.programHeaders().first { $0.type == .dynamic })
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
        var needed: [Int] = []
        var at = Int(dyn.offset)
        while at + 16 <= Int(dyn.offset + dyn.filesz), u64(at) != 0 {
            if u64(at) == 1 { needed.append(at + 8) }
            at += 16
        }
        try #require(needed.count == 3, "\(name): \(needed.count) DT_NEEDED")
        let strtab = try #require(try elf.dynamic()).needed
        let libc = try #require(strtab.firstIndex(of: "libc.so"))
        let value = Array(b[needed[libc]..<needed[libc] + 8])
        for p in needed { b.replaceSubrange(p..<p + 8, with: value) }
        let host = Platform(architecture: "amd64")
        let r = Analyzer(target: try #require(TargetRoot.profile("scratch", platform: host)), platform: host)
            .check(ByteView(copying: b), mode: 0o755, path: "solaris")
        let e = try #require(r.facts?.elf)
        #expect(e.needed == ["libc.so", "libc.so", "libc.so"])
        #expect(e.neededUnique == ["libc.so"])
        #expect(r.start?.errno == "ENOENT")
        for text in [r.start?.reason ?? ""] + r.findings.map(\.message) {
            #expect(text.components(separatedBy: "libc.so").count <= 2, "\(text)")
        }
        #expect(r.start?.reason.contains("it would then load libc.so)") == true, "\(r.start?.reason ?? "")")
    }

    // MARK: - Other projects' files

    /// Go's debug/elf testdata: a FreeBSD i386 program by gcc (EI_OSABI 9, PT_INTERP
    /// /libexec/ld-elf.so.1): told FreeBSD, and execve fails on the missing loader first.
    @Test func goFreeBSDTestdata() throws {
        let path = "/usr/lib/go-1.19/src/debug/elf/testdata/gcc-386-freebsd-exec"
        try #require(FileManager.default.fileExists(atPath: path), "Debian's golang-1.19-src is not installed: \(path)")
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let os = try #require(Self.os(b))
        #expect(os.name == "freebsd")
        #expect(os.evidence == "EI_OSABI 9, ELFOSABI_FREEBSD")
        let host = Platform(architecture: "amd64")
        let r = Analyzer(target: try #require(TargetRoot.profile("scratch", platform: host)), platform: host)
            .check(ByteView(copying: b), mode: 0o755, path: "gcc-386-freebsd-exec")
        #expect(r.start?.errno == "ENOENT")
        #expect(r.findings.map(\.rule).contains("SE113"))
        #expect(!r.findings.map(\.rule).contains("SE101"), "SE113 tells the cause, not SE101")
    }

    /// Where pyelftools' test files are (the folder holding testfiles_for_unittests):
    /// $STATICCHECK_PYELFTOOLS, the peer-file cache, or its sdist unpacked under TestBinaries/.cache.
    static var pyelftoolsTests: [String] {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"].map { $0 + "/staticcheck-elf" } ?? (NSHomeDirectory() + "/.cache/staticcheck-elf")
        return [env["STATICCHECK_PYELFTOOLS"], cache + "/peers/pyelftools",
                TestPaths.repo.appendingPathComponent("TestBinaries/.cache/pyelftools-0.31/test").path].compactMap { $0 }
    }

    static let pyelftoolsDir: String? = pyelftoolsTests.first {
        FileManager.default.fileExists(atPath: $0 + "/testfiles_for_unittests/exe_solaris64_cc.elf")
    }

    /// pyelftools' Solaris programs: EI_OSABI 6. Skipped when its test files were not fetched.
    @Test(.enabled(if: pyelftoolsDir != nil, "pyelftools' test files are not there: pip download --no-deps --no-binary :all: pyelftools==0.31 and unpack its test/ folder to TestBinaries/.cache/pyelftools-0.31/test or $STATICCHECK_PYELFTOOLS"),
          arguments: ["exe_solaris32_cc.elf", "exe_solaris64_cc.elf", "exe_solaris32_cc.sparc.elf", "exe_solaris64_cc.sparc.elf"])
    func pyelftoolsSolaris(_ file: String) throws {
        let path = (Self.pyelftoolsDir ?? "") + "/testfiles_for_unittests/" + file
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let os = try #require(Self.os(b))
        #expect(os.name == "solaris")
        #expect(os.evidence == "EI_OSABI 6, ELFOSABI_SOLARIS")
    }
}
