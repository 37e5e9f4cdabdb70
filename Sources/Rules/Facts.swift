import ELFKit
import GoBinary

/// What a file is, before any verdict.
public enum FileFormat: String, Sendable {
    case elf, macho, pe, script, archive, unknown
}

/// The facts of one file: what `inspect` prints and what every rule reads. ELF fields are nil
/// for other formats.
public struct FileFacts: Sendable {
    public var format: FileFormat = .unknown
    public var fileBytes: UInt64 = 0
    /// Permission bits of the file (`st_mode & 0o7777`).
    public var mode: UInt32 = 0
    public var executable: Bool { mode & 0o111 != 0 }

    // ELF
    public var bits: Int?
    public var endianness: ByteOrder?
    public var machine: String?
    public var machineRaw: Machine?
    public var type: ELFType?
    public var entry: UInt64?
    public var interpreter: String?
    public var needed: [String] = []
    public var soname: String?
    public var rpath: [String] = []
    public var runpath: [String] = []
    public var staticPie = false
    public var pieFlag = false
    public var glibcVersionsRequired: [String] = []
    public var debugBytes: UInt64 = 0
    public var debugSections: [String] = []
    public var symtabBytes: UInt64 = 0
    public var buildID: String?

    // Mach-O and PE: the CPU name(s) (`x86_64`, `arm64`; several for a fat Mach-O).
    public var cpus: [String] = []

    // Scripts
    public var shebang: Shebang?

    // Go (ELF, Mach-O and PE)
    public var go: GoFacts?

    public init() {}
}

/// The facts of a file, and the first problem met while reading them. Each part is read on
/// its own, so one bad table does not hide the rest.
public struct FactsResult {
    public var facts: FileFacts
    public var error: FormatError?
    /// The ELF file, when the bytes have an ELF header (kept for rules that need more).
    public var elf: ELFFile?
}

public enum FactCollector {
    /// Reads the facts of a mapped file.
    public static func collect(_ file: MappedFile) -> FactsResult {
        collect(file.view, mode: file.mode & 0o7777)
    }

    public static func collect(_ view: ByteView, mode: UInt32) -> FactsResult {
        var f = FileFacts()
        f.fileBytes = UInt64(view.count)
        f.mode = mode
        var firstError: FormatError?
        func note(_ r: Result<some Any, FormatError>) {
            if case .failure(let e) = r, firstError == nil { firstError = e }
        }
        func attempt<T>(_ body: @autoclosure () throws(FormatError) -> T) -> T? {
            let r = Result(catching: body)
            note(r)
            return try? r.get()
        }

        if view.isEmpty {
            let e = FormatError(offset: 0, field: "file", value: "0 bytes", problem: "the file is empty: no format can be read")
            return FactsResult(facts: f, error: e, elf: nil)
        }
        switch FormatSniffer.sniff(view) {
        case .elf:
            f.format = .elf
            guard let elf = attempt(try ELFFile(view)) else {
                return FactsResult(facts: f, error: firstError, elf: nil)
            }
            let h = elf.header
            f.bits = h.bits
            f.endianness = h.order
            f.machineRaw = h.machine
            f.machine = h.machine.factName(bits: h.bits, order: h.order)
            f.type = h.type
            f.entry = h.entry
            note(elf.programHeaderResult)
            f.interpreter = attempt(try elf.interpreter()) ?? nil
            if let dyn = attempt(try elf.dynamic()) ?? nil {
                f.needed = dyn.needed
                f.soname = dyn.soname
                f.rpath = dyn.rpath
                f.runpath = dyn.runpath
                f.pieFlag = dyn.flags1.contains(.pie)
            }
            f.staticPie = attempt(try elf.isStaticPIE()) ?? false
            if let needs = attempt(try elf.versionNeeds()) {
                var versions: [String] = []
                for n in needs where n.file.hasASCIIPrefix("libc.so") || n.file.hasASCIIPrefix("libm.so") || n.file.hasASCIIPrefix("libpthread")
                    || n.file.hasASCIIPrefix("libdl.so") || n.file.hasASCIIPrefix("librt.so") || n.file.hasASCIIPrefix("libresolv")
                    || n.file.hasASCIIPrefix("ld-linux") {
                    for v in n.versions where v.hasASCIIPrefix("GLIBC_") { versions.append(v) }
                }
                f.glibcVersionsRequired = GlibcVersion.sortedUnique(versions)
            }
            if let sizes = attempt(try SizeBreakdown(elf)) {
                f.debugBytes = sizes.debugBytes
                f.debugSections = sizes.debugSections
                f.symtabBytes = sizes.symtabBytes
            }
            f.buildID = attempt(try elf.gnuBuildID()) ?? nil
            f.go = attempt(try GoReader.read(elf: elf)) ?? nil
            return FactsResult(facts: f, error: firstError, elf: elf)
        case .machO:
            f.format = .macho
            if let m = attempt(try MachOFile(view)) {
                f.cpus = [m.cpuName]
                f.go = attempt(try GoReader.read(macho: m)) ?? nil
            }
        case .machOFat:
            f.format = .macho
            if let archs = attempt(try MachOFat.architectures(view)) {
                f.cpus = archs.map(\.cpuName)
                if let first = archs.first,
                   let slice = attempt(try view.slice(first.offset, first.size, field: "fat architecture slice")),
                   let m = attempt(try MachOFile(slice)) {
                    f.go = attempt(try GoReader.read(macho: m)) ?? nil
                }
            }
        case .pe:
            f.format = .pe
            if let p = attempt(try PEFile(view)) {
                f.cpus = [p.machineName]
                f.go = attempt(try GoReader.read(pe: p)) ?? nil
            }
        case .script:
            f.format = .script
            f.shebang = Shebang(view)
            if let sb = f.shebang, sb.truncated {
                firstError = FormatError(offset: sb.interpreter.isEmpty ? 2 : UInt64(Shebang.bufferSize), field: "#! line", value: nil,
                                         problem: sb.interpreter.isEmpty ? "names no interpreter" : "the interpreter path does not end within the kernel's \(Shebang.bufferSize)-byte buffer (BINPRM_BUF_SIZE)")
            }
        case .archive:
            f.format = .archive
        case .unknown:
            f.format = .unknown
        }
        return FactsResult(facts: f, error: firstError, elf: nil)
    }
}

/// Orders `GLIBC_2.2.5` before `GLIBC_2.17` before `GLIBC_2.34`.
public enum GlibcVersion {
    /// The numbers of a version name (`GLIBC_2.2.5` → [2, 2, 5]), read as ASCII digits.
    public static func components(_ v: String) -> [Int] {
        var out: [Int] = []
        var current = -1
        for b in v.utf8 {
            if b >= 0x30 && b <= 0x39 {
                current = (current < 0 ? 0 : current) &* 10 &+ Int(b - 0x30)
            } else if current >= 0 {
                out.append(current)
                current = -1
            }
        }
        if current >= 0 { out.append(current) }
        return out
    }

    static func less(_ x: [Int], _ y: [Int]) -> Bool {
        for (p, q) in zip(x, y) where p != q { return p < q }
        return x.count < y.count
    }

    /// Sorted oldest first, parsing each name once.
    public static func sorted<S: Sequence>(_ versions: S) -> [String] where S.Element == String {
        versions.map { ($0, components($0)) }.sorted { less($0.1, $1.1) || (!less($1.1, $0.1) && $0.0 < $1.0) }.map(\.0)
    }

    /// `sorted(Set(versions))` without hashing: each name's numbers packed into one integer
    /// that orders as `less` does (up to four numbers below 65535; otherwise `sorted`).
    public static func sortedUnique(_ versions: [String]) -> [String] {
        var keys: [UInt64] = []
        keys.reserveCapacity(versions.count)
        for v in versions {
            guard let k = packedKey(v) else { return sorted(Set(versions)) }
            keys.append(k)
        }
        let order = versions.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : versions[$0] < versions[$1] }
        var out: [String] = []
        out.reserveCapacity(order.count)
        for i in order where out.last != versions[i] { out.append(versions[i]) }
        return out
    }

    /// Each number plus one in 16 bits, most significant first; an absent number is 0, so a
    /// prefix sorts first as in `less`.
    static func packedKey(_ v: String) -> UInt64? {
        var key: UInt64 = 0
        var n = 0
        var current = -1
        func push() -> Bool {
            guard current >= 0 else { return true }
            guard n < 4, current < 0xffff else { return false }
            key |= UInt64(current + 1) << UInt64(16 * (3 - n))
            n += 1
            current = -1
            return true
        }
        for b in v.utf8 {
            if b >= 0x30 && b <= 0x39 {
                current = (current < 0 ? 0 : current) &* 10 &+ Int(b - 0x30)
                if current >= 0xffff { return nil }
            } else if !push() {
                return nil
            }
        }
        return push() ? key : nil
    }
}
