/// The ELF file header, widened: the same shape for ELF32 and ELF64 and both byte orders.
/// Extended numbering (PN_XNUM, e_shnum = 0, SHN_XINDEX) is resolved in `ELFFile`, not here:
/// these are the values as stored.
public struct ELFHeader: Hashable, Sendable {
    public var bits: Int              // 32 or 64 (EI_CLASS)
    public var order: ByteOrder       // EI_DATA
    public var identVersion: UInt8    // EI_VERSION
    public var osABI: UInt8           // EI_OSABI
    public var abiVersion: UInt8      // EI_ABIVERSION
    public var type: ELFType
    public var machine: Machine
    public var version: UInt32
    public var entry: UInt64
    public var phoff: UInt64
    public var shoff: UInt64
    public var flags: UInt32
    public var ehsize: UInt16
    public var phentsize: UInt16
    public var phnum: UInt16
    public var shentsize: UInt16
    public var shnum: UInt16
    public var shstrndx: UInt16

    /// Size of the header itself: 52 (ELF32) or 64 (ELF64).
    public var headerSize: Int { bits == 64 ? 64 : 52 }
    /// The size a program header must have: 32 or 56.
    public var programHeaderSize: Int { bits == 64 ? 56 : 32 }
    /// The size a section header must have: 40 or 64.
    public var sectionHeaderSize: Int { bits == 64 ? 64 : 40 }
    /// Pointer size in bytes.
    public var wordSize: Int { bits / 8 }
}

public struct ProgramHeader: Hashable, Sendable {
    public var type: SegmentType
    public var flags: SegmentFlags
    public var offset: UInt64
    public var vaddr: UInt64
    public var paddr: UInt64
    public var filesz: UInt64
    public var memsz: UInt64
    public var align: UInt64
    /// File offset of this header in the program header table.
    public var headerOffset: UInt64
}

public struct SectionHeader: Hashable, Sendable {
    public var index: Int
    /// The name from the section header string table (empty when unnamed or unreadable).
    public var name: String
    public var nameOffset: UInt32
    public var type: SectionType
    public var flags: SectionFlags
    public var addr: UInt64
    public var offset: UInt64
    public var size: UInt64
    public var link: UInt32
    public var info: UInt32
    public var addralign: UInt64
    public var entsize: UInt64
    /// File offset of this header in the section header table.
    public var headerOffset: UInt64

    /// True when the section occupies bytes in the file (not SHT_NOBITS or SHT_NULL).
    public var hasFileBytes: Bool { type != .nobits && type != .null }
}

/// A parsed ELF file over a mapped (or copied) byte view. The header is parsed when the file is
/// opened; program headers too (the kernel's view); everything else on demand, each table at
/// most once. Problems are `FormatError`s carrying the byte offset.
public final class ELFFile {
    public let view: ByteView
    public let header: ELFHeader
    /// Program headers, or the error that prevented reading them.
    public let programHeaderResult: Result<[ProgramHeader], FormatError>

    private var sectionCache: Result<[SectionHeader], FormatError>?
    // Filled by the readers in ELFNotes.swift and ELFDynamic.swift (extensions cannot store).
    var notesCache: Result<[Note], FormatError>?
    var dynamicCache: Result<DynamicInfo?, FormatError>?
    var interpreterCache: Result<String?, FormatError>?

    /// The four identification bytes `\x7fELF`.
    public static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]

    /// Parses the identification bytes and the file header. Throws when there is no ELF header
    /// to speak of (short file, bad class or data encoding).
    public convenience init(_ view: ByteView) throws(FormatError) {
        try self.init(view, assuming: nil)
    }

    /// Parses the file header; with `assuming`, an invalid EI_CLASS or EI_DATA is replaced by
    /// the given class and byte order instead of being an error. The Linux kernel does exactly
    /// that: binfmt_elf reads the header in the machine's own layout and checks only e_machine,
    /// so the start verdict needs the header "as the kernel sees it".
    public init(_ view: ByteView, assuming: (bits: Int, order: ByteOrder)?) throws(FormatError) {
        self.view = view
        guard view.hasBytes(ELFFile.magic) else {
            throw FormatError(offset: 0, field: "e_ident[EI_MAG0..3]", value: nil, problem: "not an ELF file (no \\x7fELF magic)")
        }
        guard view.count >= 16 else {
            throw FormatError(offset: UInt64(view.count), field: "e_ident", value: nil, problem: "identification is truncated: file has \(view.count) bytes, needs 16")
        }
        let cls = try view.u8(4, field: "e_ident[EI_CLASS]")
        let data = try view.u8(5, field: "e_ident[EI_DATA]")
        let bits: Int
        switch cls {
        case 1: bits = 32
        case 2: bits = 64
        default:
            guard let assuming else {
                throw FormatError(offset: 4, field: "e_ident[EI_CLASS]", value: String(cls), problem: "invalid class (expected 1 for ELF32 or 2 for ELF64)")
            }
            bits = assuming.bits
        }
        let order: ByteOrder
        switch data {
        case 1: order = .little
        case 2: order = .big
        default:
            guard let assuming else {
                throw FormatError(offset: 5, field: "e_ident[EI_DATA]", value: String(data), problem: "invalid data encoding (expected 1 for little-endian or 2 for big-endian)")
            }
            order = assuming.order
        }
        let hsize = bits == 64 ? 64 : 52
        guard view.count >= hsize else {
            throw FormatError(offset: UInt64(view.count), field: "ELF header", value: nil,
                              problem: "header is truncated: file has \(view.count) bytes, an ELF\(bits) header needs \(hsize)")
        }
        var c = ByteCursor(view, at: 16, order: order)
        let w = bits / 8
        let type = ELFType(rawValue: try c.u16("e_type"))
        let machine = Machine(rawValue: try c.u16("e_machine"))
        let version = try c.u32("e_version")
        let entry = try c.word(w, "e_entry")
        let phoff = try c.word(w, "e_phoff")
        let shoff = try c.word(w, "e_shoff")
        let flags = try c.u32("e_flags")
        let ehsize = try c.u16("e_ehsize")
        let phentsize = try c.u16("e_phentsize")
        let phnum = try c.u16("e_phnum")
        let shentsize = try c.u16("e_shentsize")
        let shnum = try c.u16("e_shnum")
        let shstrndx = try c.u16("e_shstrndx")
        let h = ELFHeader(
            bits: bits, order: order, identVersion: try view.u8(6, field: "e_ident[EI_VERSION]"),
            osABI: try view.u8(7, field: "e_ident[EI_OSABI]"), abiVersion: try view.u8(8, field: "e_ident[EI_ABIVERSION]"),
            type: type, machine: machine, version: version, entry: entry, phoff: phoff, shoff: shoff,
            flags: flags, ehsize: ehsize, phentsize: phentsize, phnum: phnum, shentsize: shentsize,
            shnum: shnum, shstrndx: shstrndx)
        header = h
        programHeaderResult = Result { () throws(FormatError) in try ELFFile.readProgramHeaders(view, h) }
    }

    public var order: ByteOrder { header.order }
    public var wordSize: Int { header.wordSize }

    /// Program headers; throws the error found when the file was opened.
    public func programHeaders() throws(FormatError) -> [ProgramHeader] { try programHeaderResult.get() }

    /// Byte offsets of header fields, for messages.
    private static func fieldOffset(_ h: ELFHeader, _ name: String) -> UInt64 {
        let w: UInt64 = h.bits == 64 ? 8 : 4
        switch name {
        case "e_phoff": return 24 + w
        case "e_shoff": return 24 + 2 * w
        case "e_phentsize": return 24 + 3 * w + 6
        case "e_phnum": return 24 + 3 * w + 8
        case "e_shentsize": return 24 + 3 * w + 10
        case "e_shnum": return 24 + 3 * w + 12
        case "e_shstrndx": return 24 + 3 * w + 14
        default: return 0
        }
    }

    /// The real number of program headers, resolving PN_XNUM through section 0's sh_info.
    private static func programHeaderCount(_ view: ByteView, _ h: ELFHeader) throws(FormatError) -> UInt64 {
        if h.phnum != 0xffff { return UInt64(h.phnum) }
        guard h.shoff != 0 else {
            throw FormatError(offset: fieldOffset(h, "e_phnum"), field: "e_phnum", value: "0xffff (PN_XNUM)",
                              problem: "the real count must be in section header 0's sh_info, but there is no section header table (e_shoff = 0)")
        }
        let s0 = try readSectionZero(view, h)
        return UInt64(s0.info)
    }

    private static func readProgramHeaders(_ view: ByteView, _ h: ELFHeader) throws(FormatError) -> [ProgramHeader] {
        let count = try programHeaderCount(view, h)
        if count == 0 { return [] }
        guard Int(h.phentsize) == h.programHeaderSize else {
            throw FormatError(offset: fieldOffset(h, "e_phentsize"), field: "e_phentsize", value: String(h.phentsize),
                              problem: "program header size must be \(h.programHeaderSize) for ELF\(h.bits)")
        }
        let entsize = UInt64(h.programHeaderSize)
        let (total, o1) = count.multipliedReportingOverflow(by: entsize)
        let (end, o2) = h.phoff.addingReportingOverflow(total)
        guard !o1, !o2, end <= UInt64(view.count) else {
            // Blame the field that cannot be right: an offset past the end, else the count.
            if h.phoff < UInt64(view.count) && h.phnum != 0xffff {
                throw FormatError(offset: fieldOffset(h, "e_phnum"), field: "e_phnum", value: String(count),
                                  problem: "\(count) program headers of \(entsize) bytes at \(hex(h.phoff)) extend past end of file (size \(view.count))")
            }
            throw FormatError(offset: fieldOffset(h, "e_phoff"), field: "e_phoff", value: hex(h.phoff),
                              problem: "the program header table (\(count) × \(entsize) bytes) extends past end of file (size \(view.count))")
        }
        var out: [ProgramHeader] = []
        var at = h.phoff
        for i in 0..<count {
            let r = try view.record(at, h.programHeaderSize, order: h.order, field: "program header \(i)")
            if h.bits == 64 {
                // Elf64_Phdr: type, flags (4 each), offset, vaddr, paddr, filesz, memsz, align (8 each).
                out.append(ProgramHeader(type: SegmentType(rawValue: r.u32(0)), flags: SegmentFlags(rawValue: r.u32(4)),
                                         offset: r.u64(8), vaddr: r.u64(16), paddr: r.u64(24), filesz: r.u64(32), memsz: r.u64(40),
                                         align: r.u64(48), headerOffset: at))
            } else {
                // Elf32_Phdr: type, offset, vaddr, paddr, filesz, memsz, flags, align (4 each).
                out.append(ProgramHeader(type: SegmentType(rawValue: r.u32(0)), flags: SegmentFlags(rawValue: r.u32(24)),
                                         offset: UInt64(r.u32(4)), vaddr: UInt64(r.u32(8)), paddr: UInt64(r.u32(12)),
                                         filesz: UInt64(r.u32(16)), memsz: UInt64(r.u32(20)), align: UInt64(r.u32(28)), headerOffset: at))
            }
            at += entsize
        }
        return out
    }

    /// Section header 0, which holds the escapes of extended numbering.
    private static func readSectionZero(_ view: ByteView, _ h: ELFHeader) throws(FormatError) -> SectionHeader {
        guard h.shoff != 0 else {
            throw FormatError(offset: fieldOffset(h, "e_shoff"), field: "e_shoff", value: "0",
                              problem: "extended numbering needs section header 0, but there is no section header table")
        }
        guard Int(h.shentsize) == h.sectionHeaderSize else {
            throw FormatError(offset: fieldOffset(h, "e_shentsize"), field: "e_shentsize", value: String(h.shentsize),
                              problem: "section header size must be \(h.sectionHeaderSize) for ELF\(h.bits)")
        }
        return try readSectionHeader(view, h, at: h.shoff, index: 0)
    }

    private static func readSectionHeader(_ view: ByteView, _ h: ELFHeader, at: UInt64, index: Int) throws(FormatError) -> SectionHeader {
        let r = try view.record(at, h.sectionHeaderSize, order: h.order, field: "section header \(index)")
        if h.bits == 64 {
            // Elf64_Shdr: name, type (4 each), flags, addr, offset, size (8 each), link, info (4), addralign, entsize (8).
            return SectionHeader(index: index, name: "", nameOffset: r.u32(0), type: SectionType(rawValue: r.u32(4)),
                                 flags: SectionFlags(rawValue: r.u64(8)), addr: r.u64(16), offset: r.u64(24), size: r.u64(32),
                                 link: r.u32(40), info: r.u32(44), addralign: r.u64(48), entsize: r.u64(56), headerOffset: at)
        }
        // Elf32_Shdr: ten 4-byte fields in the same order.
        return SectionHeader(index: index, name: "", nameOffset: r.u32(0), type: SectionType(rawValue: r.u32(4)),
                             flags: SectionFlags(rawValue: UInt64(r.u32(8))), addr: UInt64(r.u32(12)), offset: UInt64(r.u32(16)),
                             size: UInt64(r.u32(20)), link: r.u32(24), info: r.u32(28), addralign: UInt64(r.u32(32)),
                             entsize: UInt64(r.u32(36)), headerOffset: at)
    }

    // MARK: - Sections

    /// The real number of section headers and the index of the section name table, resolving
    /// the e_shnum = 0 and SHN_XINDEX escapes through section 0.
    public func sectionCounts() throws(FormatError) -> (count: UInt64, shstrndx: UInt64) {
        let h = header
        if h.shoff == 0 { return (0, 0) }
        var count = UInt64(h.shnum)
        var strndx = UInt64(h.shstrndx)
        if h.shnum == 0 || h.shstrndx == 0xffff {
            let s0 = try ELFFile.readSectionZero(view, h)
            if h.shnum == 0 { count = s0.size }
            if h.shstrndx == 0xffff { strndx = UInt64(s0.link) }
        }
        return (count, strndx)
    }

    /// All section headers with their names. Empty when the file has no section header table
    /// (stripped with `sstrip`, or never had one).
    public func sections() throws(FormatError) -> [SectionHeader] {
        if let sectionCache { return try sectionCache.get() }
        let r = Result(catching: readSections)
        sectionCache = r
        return try r.get()
    }

    private func readSections() throws(FormatError) -> [SectionHeader] {
        let h = header
        let (count, strndx) = try sectionCounts()
        if count == 0 { return [] }
        guard Int(h.shentsize) == h.sectionHeaderSize else {
            throw FormatError(offset: ELFFile.fieldOffset(h, "e_shentsize"), field: "e_shentsize", value: String(h.shentsize),
                              problem: "section header size must be \(h.sectionHeaderSize) for ELF\(h.bits)")
        }
        let entsize = UInt64(h.sectionHeaderSize)
        let (total, o1) = count.multipliedReportingOverflow(by: entsize)
        let (end, o2) = h.shoff.addingReportingOverflow(total)
        guard !o1, !o2, end <= UInt64(view.count) else {
            if h.shnum == 0 {
                // The count came from the extended-numbering escape: section 0's sh_size lies.
                throw FormatError(offset: h.shoff &+ UInt64(h.bits == 64 ? 32 : 20), field: "sh_size of section 0 (the section count, e_shnum = 0)",
                                  value: String(count),
                                  problem: "a section header table of \(count) × \(entsize) bytes at \(hex(h.shoff)) extends past end of file (size \(view.count))")
            }
            throw FormatError(offset: ELFFile.fieldOffset(h, "e_shoff"), field: "e_shoff", value: hex(h.shoff),
                              problem: "the section header table (\(count) × \(entsize) bytes) extends past end of file (size \(view.count))")
        }
        // The tables must not overlap the file header or the program header table.
        if h.shoff < UInt64(h.headerSize) {
            throw FormatError(offset: ELFFile.fieldOffset(h, "e_shoff"), field: "e_shoff", value: hex(h.shoff),
                              problem: "section header table overlaps the ELF header")
        }
        if let phdrs = try? programHeaders(), !phdrs.isEmpty {
            let pstart = h.phoff, pend = h.phoff + UInt64(phdrs.count * h.programHeaderSize)
            if h.shoff < pend && pstart < end {
                throw FormatError(offset: ELFFile.fieldOffset(h, "e_shoff"), field: "section header table", value: hex(h.shoff),
                                  problem: "overlaps the program header table at \(hex(pstart))..\(hex(pend))")
            }
        }
        guard strndx < count else {
            if h.shstrndx == 0xffff {
                throw FormatError(offset: h.shoff &+ UInt64(h.bits == 64 ? 40 : 24), field: "sh_link of section 0 (the name table index, e_shstrndx = SHN_XINDEX)",
                                  value: String(strndx), problem: "section name table index is out of range (\(count) sections)")
            }
            throw FormatError(offset: ELFFile.fieldOffset(h, "e_shstrndx"), field: "e_shstrndx", value: String(strndx),
                              problem: "section name table index is out of range (\(count) sections)")
        }
        var out: [SectionHeader] = []
        var at = h.shoff
        for i in 0..<Int(count) {
            let s = try ELFFile.readSectionHeader(view, h, at: at, index: i)
            // Tables whose entries have a fixed size must say so (readers step by sh_entsize).
            let expected: UInt64?
            switch s.type {
            case .dynamic: expected = UInt64(2 * h.wordSize)
            case .symtab, .dynsym: expected = h.bits == 64 ? 24 : 16
            default: expected = nil
            }
            if let expected, s.entsize != expected {
                throw FormatError(offset: at + UInt64(h.bits == 64 ? 56 : 36), field: "sh_entsize of section \(i)", value: String(s.entsize),
                                  problem: "a \(s.type == .dynamic ? "SHT_DYNAMIC" : "symbol table") section of ELF\(h.bits) must have entries of \(expected) bytes")
            }
            out.append(s)
            at += entsize
        }
        // Names.
        let strtab = out[Int(strndx)]
        if strndx != 0 {
            guard strtab.type != .nobits else {
                throw FormatError(offset: strtab.headerOffset, field: "section name table (e_shstrndx \(strndx))", value: nil,
                                  problem: "has type SHT_NOBITS and no bytes in the file")
            }
            let names = try view.slice(strtab.offset, strtab.size, field: "section name table (section \(strndx))")
            for i in out.indices where out[i].nameOffset != 0 || i != 0 {
                out[i].name = try names.cString(UInt64(out[i].nameOffset), field: "sh_name of section \(i)")
            }
        }
        return out
    }

    /// The first section with this name, or nil.
    public func section(named name: String) throws(FormatError) -> SectionHeader? {
        try sections().first { $0.name == name }
    }

    /// The bytes of a section in the file (empty for SHT_NOBITS).
    public func data(of s: SectionHeader) throws(FormatError) -> ByteView {
        if !s.hasFileBytes { return try view.slice(0, 0, field: "") }
        return try view.slice(s.offset, s.size, field: "section \(s.index) \(s.name.isEmpty ? "" : "(\(s.name))")".trimmingSpaces)
    }

    /// The bytes of a segment in the file (`p_filesz` bytes at `p_offset`).
    public func data(of p: ProgramHeader) throws(FormatError) -> ByteView {
        try view.slice(p.offset, p.filesz, field: "\(p.type) segment (program header at \(hex(p.headerOffset)))")
    }

    // MARK: - Addresses

    /// The PT_LOAD segments as an address map (built once).
    public private(set) lazy var addressMap: AddressMap = {
        let loads = ((try? programHeaders()) ?? []).filter { $0.type == .load }
        return AddressMap(view: view, mappings: loads.map { AddressMap.Mapping(vaddr: $0.vaddr, fileOffset: $0.offset, fileSize: $0.filesz) })
    }()

    /// The file offset of a virtual address, through the PT_LOAD segment that maps it with
    /// `count` bytes backed by the file; nil when no segment does.
    public func fileOffset(ofAddress addr: UInt64, count: UInt64 = 1) -> UInt64? {
        addressMap.fileOffset(ofAddress: addr, count: count)
    }

    /// `count` bytes at a virtual address, resolved through PT_LOAD.
    public func read(address: UInt64, count: UInt64, field: @autoclosure () -> String) throws(FormatError) -> ByteView {
        try addressMap.read(address: address, count: count, field: field())
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
