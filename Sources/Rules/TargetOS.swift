import ELFKit
import GoBinary

/// The operating system an ELF program is for, and how that was told. The kernel never looks:
/// Linux execs a FreeBSD program for the right machine, and it dies at its first system call.
/// Read in order of strength: EI_OSABI (when it names one system), the ABI note (each BSD's own
/// note, the OS word of GNU's `.note.ABI-tag`), Go's recorded GOOS, and for Go binaries without
/// build settings the runtime's `os_<goos>.go` among pclntab's source files.
public struct ProgramOS: Sendable, Hashable {
    /// Go's GOOS spelling: `linux`, `freebsd`, `netbsd`, `openbsd`, `dragonfly`, `solaris`,
    /// `illumos`, `hurd`, …
    public var name: String
    /// How it was told, in words: `EI_OSABI 9, ELFOSABI_FREEBSD`, `the FreeBSD ABI note
    /// (.note.tag)`, `the GNU ABI tag (.note.ABI-tag), OS word 0`, `Go's recorded GOOS=freebsd`,
    /// `runtime/os_freebsd.go among pclntab's source files`.
    public var evidence: String

    public init(name: String, evidence: String) {
        self.name = name
        self.evidence = evidence
    }

    /// For the Linux kernel: Linux itself, or Android (its binaries are Linux programs).
    public var isLinux: Bool { name == "linux" || name == "android" }

    /// The name people write: `FreeBSD`, `NetBSD`, `illumos`.
    public var displayName: String { ProgramOS.displayNames[name] ?? name }

    static let displayNames = ["linux": "Linux", "freebsd": "FreeBSD", "netbsd": "NetBSD", "openbsd": "OpenBSD",
                               "dragonfly": "DragonFly BSD", "solaris": "Solaris", "illumos": "illumos", "hurd": "GNU Hurd",
                               "darwin": "macOS", "windows": "Windows", "aix": "AIX", "hpux": "HP-UX", "irix": "IRIX",
                               "tru64": "Tru64", "openvms": "OpenVMS", "plan9": "Plan 9", "js": "js/wasm", "wasip1": "WASI"]

    /// EI_OSABI values that name one system (gABI; 0 SYSV is everyone's, 3 GNU is Linux or the
    /// Hurd, 64 and up are machine-specific).
    static let osabi: [UInt8: (String, String)] = [
        1: ("hpux", "ELFOSABI_HPUX"), 2: ("netbsd", "ELFOSABI_NETBSD"), 6: ("solaris", "ELFOSABI_SOLARIS"),
        7: ("aix", "ELFOSABI_AIX"), 8: ("irix", "ELFOSABI_IRIX"), 9: ("freebsd", "ELFOSABI_FREEBSD"),
        10: ("tru64", "ELFOSABI_TRU64"), 12: ("openbsd", "ELFOSABI_OPENBSD"), 13: ("openvms", "ELFOSABI_OPENVMS"),
    ]

    /// The owner names of the systems' own ABI notes (any type: FreeBSD's .note.tag holds
    /// NT_FREEBSD_ABI_TAG 1 and more).
    static let noteOwners = ["FreeBSD": "freebsd", "NetBSD": "netbsd", "OpenBSD": "openbsd", "DragonFly": "dragonfly"]

    /// NT_GNU_ABI_TAG's first descriptor word (glibc elf/elf.h ELF_NOTE_OS_*).
    static let gnuABIOS: [UInt32: String] = [0: "linux", 1: "hurd", 2: "solaris", 3: "freebsd", 4: "netbsd"]

    /// The OS of `elf`, or nil when nothing says (then Linux is assumed).
    public static func recognise(_ elf: ELFFile, go: GoFacts?) -> ProgramOS? {
        let abi = elf.header.osABI
        if let (name, constant) = osabi[abi] {
            return ProgramOS(name: name, evidence: "EI_OSABI \(abi), \(constant)")
        }
        if let n = fromNotes(elf) { return n }
        if let goos = go?.buildInfo?.setting("GOOS"), !goos.isEmpty {
            return ProgramOS(name: goos, evidence: "Go's recorded GOOS=\(goos)")
        }
        if let goos = go?.runtimeOS {
            return ProgramOS(name: goos, evidence: "\(go?.runtimeOSFile ?? "runtime/os_\(goos).go") among pclntab's source files")
        }
        if abi == 3 { return ProgramOS(name: "linux", evidence: "EI_OSABI 3, ELFOSABI_GNU") }
        return nil
    }

    /// The ABI notes: PT_NOTE segments first, then the note sections (a PT_NOTE may not cover
    /// them all). Damaged notes say nothing. Each is named by the section that holds it.
    static func fromNotes(_ elf: ELFFile) -> ProgramOS? {
        var noteSections: [SectionHeader]?
        func sections() -> [SectionHeader] {
            if let noteSections { return noteSections }
            let s = ((try? elf.sections()) ?? []).filter { $0.type == .note && $0.name.hasPrefix(".note") && $0.hasFileBytes }
            noteSections = s
            return s
        }
        func place(_ n: Note) -> String {
            let at = n.desc.fileOffset
            return sections().first { $0.offset <= at && at - $0.offset < $0.size }.map { " (\($0.name))" } ?? ""
        }
        func recognise(_ n: Note) -> ProgramOS? {
            if let name = noteOwners[n.name] {
                return ProgramOS(name: name, evidence: "the \(n.name) ABI note\(place(n))")
            }
            if n.name == "GNU", n.type == 1, n.desc.count >= 16,
               let word = try? n.desc.u32(0, elf.order, field: "NT_GNU_ABI_TAG os") {
                return ProgramOS(name: gnuABIOS[word] ?? "gnu-os-\(word)", evidence: "the GNU ABI tag\(place(n)), OS word \(word)")
            }
            return nil
        }
        for n in (try? elf.notes()) ?? [] {
            if let os = recognise(n) { return os }
        }
        for s in sections() {
            for n in (try? elf.notes(in: s)) ?? [] {
                if let os = recognise(n) { return os }
            }
        }
        return nil
    }
}

extension RuleContext {
    /// The binary's own `go build` line, with GOOS=linux when it was built for another OS: the
    /// size and hygiene rules' lines then carry SE113's fix instead of undoing it.
    var goBuildLineForLinux: GoBuildLine? {
        guard var line = GoBuildLine(go) else { return nil }
        if let os = facts.elf?.os, !os.isLinux { line.setEnv("GOOS", "linux") }
        return line
    }
}
