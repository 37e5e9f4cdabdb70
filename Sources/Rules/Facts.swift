import ELFKit
import GoBinary

/// What a file is, before any verdict.
public enum FileFormat: String, Sendable {
    case elf, macho, pe, script, archive, unknown
}

/// The facts of one file: what `inspect` prints and what every rule reads. What every file has
/// (format, size, mode) sits here; what only one format has sits in its part, nil for the others.
public struct FileFacts: Sendable {
    public var format: FileFormat = .unknown
    public var fileBytes: UInt64 = 0
    /// Permission bits of the file (`st_mode & 0o7777`).
    public var mode: UInt32 = 0
    public var executable: Bool { mode & 0o111 != 0 }

    /// An ELF file whose header could be read (nil when `format` is `.elf` but the header is not).
    public var elf: ELFFacts?
    /// A #! script whose first line could be read.
    public var script: ScriptFacts?
    /// A Mach-O or PE file whose header could be read.
    public var foreign: ForeignFacts?
    /// A Go binary (ELF, Mach-O or PE).
    public var go: GoFacts?

    public init() {}
}

/// The facts of an ELF file: its header, then what its tables say (empty when a table cannot be
/// read; `FactsResult.error` says why).
public struct ELFFacts: Sendable {
    /// 32 or 64 (EI_CLASS).
    public var bits: Int
    public var endianness: ByteOrder
    /// The name of the machine with its class and byte order (`x86_64`, `aarch64`, `ppc64le`).
    public var machine: String
    public var machineRaw: Machine
    public var type: ELFType
    public var entry: UInt64
    public var interpreter: String?
    public var needed: [String] = []
    public var soname: String?
    public var rpath: [String] = []
    public var runpath: [String] = []
    public var staticPie = false
    public var pieFlag = false
    /// A shared library, not a program: ET_DYN with no PT_INTERP and no DF_1_PIE that names
    /// itself (DT_SONAME) or other libraries (DT_NEEDED), as `file` and readelf tell them. A
    /// library that is also a program (glibc's libc.so.6 has PT_INTERP) is a program.
    public var sharedLibrary = false
    /// A separate debug-info file (`objcopy --only-keep-debug`): code sections without bytes,
    /// stale program headers; its interpreter and dynamic section are not read.
    public var debugInfoFile = false
    public var glibcVersionsRequired: [String] = []
    public var debugBytes: UInt64 = 0
    public var debugSections: [String] = []
    public var symtabBytes: UInt64 = 0
    public var buildID: String?
    /// The OS the program is for (`ProgramOS.recognise`), nil when nothing says: Linux assumed.
    public var os: ProgramOS?

    /// The facts of a header alone; `machine` is named from the machine, class and byte order.
    public init(bits: Int, endianness: ByteOrder, machine: Machine, type: ELFType, entry: UInt64) {
        self.bits = bits
        self.endianness = endianness
        machineRaw = machine
        self.machine = machine.factName(bits: bits, order: endianness)
        self.type = type
        self.entry = entry
    }

    /// The facts of the header alone.
    public init(header h: ELFHeader) {
        self.init(bits: h.bits, endianness: h.order, machine: h.machine, type: h.type, entry: h.entry)
    }
}

/// The facts of a #! script.
public struct ScriptFacts: Sendable {
    public var shebang: Shebang

    public init(shebang: Shebang) {
        self.shebang = shebang
    }
}

/// The facts of a Mach-O (macOS) or PE (Windows) file: an executable for another kernel.
public struct ForeignFacts: Sendable {
    /// The CPU name(s) (`x86_64`, `arm64`; several for a fat Mach-O).
    public var cpus: [String]

    public init(cpus: [String]) {
        self.cpus = cpus
    }
}

/// The facts of a file, and the first problem met while reading them. Each part is read on
/// its own, so one bad table does not hide the rest.
public struct FactsResult {
    public var facts: FileFacts
    public var error: FormatError?
    /// The ELF file, when the bytes have an ELF header (kept for rules that need more).
    public var elf: ELFFile?
    /// Damage in parts neither the kernel nor the loader reads (section headers and names,
    /// note sections, debug and symbol sizes, Go's build info and function table): the file is
    /// still read, its verdict still given; the first problem of each part, in reading order.
    public var damage: [FormatError] = []

    public init(facts: FileFacts, error: FormatError?, elf: ELFFile?, damage: [FormatError] = []) {
        self.facts = facts
        self.error = error
        self.elf = elf
        self.damage = damage
    }
}

public enum FactCollector {
    /// True when the dynamic symbol table defines a global or weak symbol: what a library is
    /// for (`file` calls any ET_DYN without PT_INTERP or DF_1_PIE a shared object; a static PIE
    /// from a toolchain too old to set DF_1_PIE exports nothing). At most 4096 symbols looked at.
    /// A dynamic loader (glibc's ld.so, musl's libc.so) is a library that is also a program:
    /// self-relocating, run directly (`ld.so --list`), it defines the debugger's breakpoint
    /// `_dl_debug_state` (glibc elf/dl-debug.c, musl ldso/dynlink.c), which no other object does.
    static func isDynamicLoader(_ elf: ELFFile) -> Bool {
        guard let table = try? elf.dynamicSymbolTable(), let defs = try? table.definitions(of: "_dl_debug_state") else { return false }
        return defs.contains { $0.isDefined }
    }

    static func exportsSymbols(_ elf: ELFFile) -> Bool {
        guard let table = try? elf.dynamicSymbolTable() else { return false }
        for i in 1..<max(1, min(table.count, 4096)) {
            guard let s = try? table.symbol(i) else { return false }
            if s.isDefined && (s.binding == 1 || s.binding == 2) { return true }
        }
        return false
    }

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
        // Parts the kernel and ld.so never read: a problem there is damage, not a read error
        // (be as lenient as the loader, as strict as the kernel).
        var damage: [FormatError] = []
        func lenient<T>(_ body: @autoclosure () throws(FormatError) -> T) -> T? {
            let r = Result(catching: body)
            if case .failure(let e) = r, !damage.contains(where: { $0.offset == e.offset && $0.problem == e.problem }) { damage.append(e) }
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
            var e = ELFFacts(header: elf.header)
            note(elf.programHeaderResult)
            // A PT_LOAD whose bytes are not all in the file: the kernel maps it, so the file
            // is truncated where it matters.
            if case .success(let phdrs) = elf.programHeaderResult, firstError == nil,
               let p = phdrs.first(where: { $0.type == .load && !view.contains($0.offset, $0.filesz) }) {
                firstError = FormatError(offset: elf.fileszOffset(of: p), field: "p_filesz of PT_LOAD",
                                         value: String(p.filesz),
                                         problem: "a PT_LOAD segment (\(p.filesz) bytes at \(hex(p.offset))) lies past the end of the file (\(view.count) bytes): the file is truncated")
            }
            e.debugInfoFile = elf.isSeparateDebugFile()
            // A debug file's PT_INTERP and PT_DYNAMIC point at bytes that are not there (file
            // sizes 0, or whatever now sits at the stale offsets): not read, no error.
            if !e.debugInfoFile { e.interpreter = attempt(try elf.interpreter()) ?? nil }
            if !e.debugInfoFile, let dyn = attempt(try elf.dynamic()) ?? nil {
                e.needed = dyn.needed
                e.soname = dyn.soname
                e.rpath = dyn.rpath
                e.runpath = dyn.runpath
                e.pieFlag = dyn.flags1.contains(.pie)
            }
            e.sharedLibrary = !e.debugInfoFile && e.type == .dyn && e.interpreter == nil && !e.pieFlag
                && (e.soname != nil || !e.needed.isEmpty || FactCollector.exportsSymbols(elf))
                && !(e.needed.isEmpty && FactCollector.isDynamicLoader(elf))
            e.staticPie = !e.sharedLibrary && !e.debugInfoFile && (attempt(try elf.isStaticPIE()) ?? false)
            if !e.debugInfoFile, let needs = attempt(try elf.versionNeeds()) {
                var versions: [String] = []
                for n in needs where n.file.hasASCIIPrefix("libc.so") || n.file.hasASCIIPrefix("libm.so") || n.file.hasASCIIPrefix("libpthread")
                    || n.file.hasASCIIPrefix("libdl.so") || n.file.hasASCIIPrefix("librt.so") || n.file.hasASCIIPrefix("libresolv")
                    || n.file.hasASCIIPrefix("ld-linux") {
                    for v in n.versions where v.hasASCIIPrefix("GLIBC_") { versions.append(v) }
                }
                e.glibcVersionsRequired = GlibcVersion.sortedUnique(versions)
            }
            if let sizes = lenient(try SizeBreakdown(elf)) {
                e.debugBytes = sizes.debugBytes
                e.debugSections = sizes.debugSections
                e.symtabBytes = sizes.symtabBytes
            }
            e.buildID = lenient(try elf.gnuBuildID()) ?? nil
            f.go = lenient(try GoReader.read(elf: elf)) ?? nil
            e.os = ProgramOS.recognise(elf, go: f.go)
            f.elf = e
            // A read error already says it; damage is what the error does not.
            if let e = firstError { damage.removeAll { $0.offset == e.offset && $0.problem == e.problem } }
            return FactsResult(facts: f, error: firstError, elf: elf, damage: damage)
        case .machO:
            f.format = .macho
            if let m = attempt(try MachOFile(view)) {
                f.foreign = ForeignFacts(cpus: [m.cpuName])
                f.go = attempt(try GoReader.read(macho: m)) ?? nil
            }
        case .machOFat:
            f.format = .macho
            if let archs = attempt(try MachOFat.architectures(view)) {
                f.foreign = ForeignFacts(cpus: archs.map(\.cpuName))
                if let first = archs.first,
                   let slice = attempt(try view.slice(first.offset, first.size, field: "fat architecture slice")),
                   let m = attempt(try MachOFile(slice)) {
                    f.go = attempt(try GoReader.read(macho: m)) ?? nil
                }
            }
        case .pe:
            f.format = .pe
            if let p = attempt(try PEFile(view)) {
                f.foreign = ForeignFacts(cpus: [p.machineName])
                f.go = attempt(try GoReader.read(pe: p)) ?? nil
            }
        case .script:
            f.format = .script
            f.script = Shebang(view).map { ScriptFacts(shebang: $0) }
            if let sb = f.script?.shebang, sb.truncated {
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
