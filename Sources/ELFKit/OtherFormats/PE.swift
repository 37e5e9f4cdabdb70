/// A minimal PE/COFF reader: machine, image base, section table, and reads at a virtual
/// address (image base + RVA). Every count is bounded by the bytes present.

public struct PESection: Hashable, Sendable {
    /// The name, with `/N` long names resolved through the COFF string table when present.
    public var name: String
    public var virtualSize: UInt32
    public var virtualAddress: UInt32
    public var sizeOfRawData: UInt32
    public var pointerToRawData: UInt32
    public var characteristics: UInt32
    /// File offset of the section header.
    public var headerOffset: UInt64

    public static let cntCode: UInt32 = 0x0000_0020
    public static let cntInitializedData: UInt32 = 0x0000_0040
    public static let cntUninitializedData: UInt32 = 0x0000_0080
    public static let memExecute: UInt32 = 0x2000_0000
    public static let memRead: UInt32 = 0x4000_0000
    public static let memWrite: UInt32 = 0x8000_0000

    /// Bytes of the section that the file holds: SizeOfRawData, cut to VirtualSize when that
    /// is smaller and non-zero (the rest is alignment padding).
    public var fileBackedSize: UInt32 {
        virtualSize != 0 && virtualSize < sizeOfRawData ? virtualSize : sizeOfRawData
    }
}

public struct PEFile: @unchecked Sendable {
    public let view: ByteView
    public let machine: UInt16
    public let characteristics: UInt16
    /// 0x10b (PE32) or 0x20b (PE32+).
    public let optionalHeaderMagic: UInt16
    public let imageBase: UInt64
    public let subsystem: UInt16
    public let sections: [PESection]
    /// File offset of the "PE\0\0" signature.
    public let peHeaderOffset: UInt64

    /// True when the view starts with "MZ" and e_lfanew points at "PE\0\0".
    public static func isPE(_ view: ByteView) -> Bool {
        guard view.hasBytes([0x4d, 0x5a]), let lfanew = try? view.u32(0x3c, .little, field: "e_lfanew") else { return false }
        return view.hasBytes([0x50, 0x45, 0, 0], at: Int(lfanew))
    }

    public var is64: Bool { optionalHeaderMagic == 0x20b }

    public var machineName: String {
        switch machine {
        case 0x8664: return "x86_64"
        case 0x14c: return "i386"
        case 0xaa64: return "aarch64"
        case 0x1c4: return "arm"
        default: return "pe-machine-" + hex(machine)
        }
    }

    public init(_ view: ByteView) throws(FormatError) {
        self.view = view
        guard view.hasBytes([0x4d, 0x5a]) else {
            throw FormatError(offset: 0, field: "e_magic", value: nil, problem: "not a PE file (no MZ magic)")
        }
        let lfanew = UInt64(try view.u32(0x3c, .little, field: "e_lfanew"))
        guard view.hasBytes([0x50, 0x45, 0, 0], at: Int(exactly: lfanew) ?? -1) else {
            throw FormatError(offset: 0x3c, field: "e_lfanew", value: hex(lfanew), problem: "does not point at a \"PE\\0\\0\" signature")
        }
        peHeaderOffset = lfanew
        var c = ByteCursor(view, at: lfanew + 4, order: .little)
        machine = try c.u16("COFF Machine")
        let nsections = try c.u16("COFF NumberOfSections")
        _ = try c.u32("COFF TimeDateStamp")
        let symtab = UInt64(try c.u32("COFF PointerToSymbolTable"))
        let nsyms = UInt64(try c.u32("COFF NumberOfSymbols"))
        let optSize = UInt64(try c.u16("COFF SizeOfOptionalHeader"))
        characteristics = try c.u16("COFF Characteristics")
        let optStart = c.offset
        let opt = try view.slice(optStart, optSize, field: "optional header (SizeOfOptionalHeader \(optSize))")
        if optSize >= 2 {
            optionalHeaderMagic = try opt.u16(0, .little, field: "OptionalHeader.Magic")
            switch optionalHeaderMagic {
            case 0x10b:
                imageBase = UInt64(try opt.u32(28, .little, field: "OptionalHeader.ImageBase"))
                subsystem = (try? opt.u16(68, .little, field: "Subsystem")) ?? 0
            case 0x20b:
                imageBase = try opt.u64(24, .little, field: "OptionalHeader.ImageBase")
                subsystem = (try? opt.u16(68, .little, field: "Subsystem")) ?? 0
            default:
                throw FormatError(offset: optStart, field: "OptionalHeader.Magic", value: hex(optionalHeaderMagic),
                                  problem: "expected 0x10b (PE32) or 0x20b (PE32+)")
            }
        } else {
            optionalHeaderMagic = 0
            imageBase = 0
            subsystem = 0
        }
        let tableStart = optStart + optSize
        _ = try view.range(tableStart, UInt64(nsections) * 40, field: "section table (\(nsections) × 40 bytes)")
        // The COFF string table follows the symbol table (18-byte records), if there is one.
        var strings: ByteView?
        if symtab != 0, nsyms <= UInt64(view.count) / 18 {
            let strOff = symtab + nsyms * 18
            if let size = try? view.u32(strOff, .little, field: "string table size"), size >= 4 {
                strings = try? view.slice(strOff, UInt64(size), field: "COFF string table")
            }
        }
        var secs: [PESection] = []
        for i in 0..<UInt64(nsections) {
            let at = tableStart + i * 40
            let raw = try view.slice(at, 8, field: "section \(i) Name")
            var n = 0
            while n < 8, let b = raw[safe: n], b != 0 { n += 1 }
            var name = String(decoding: try raw.slice(0, UInt64(n), field: "Name").bytes, as: UTF8.self)
            if name.hasPrefix("/"), let strings, let idx = UInt64(name.dropFirst()),
               let long = try? strings.cString(idx, field: "long section name", maxLength: 256) {
                name = long
            }
            var sc = ByteCursor(view, at: at + 8, order: .little)
            let vsize = try sc.u32("VirtualSize"), va = try sc.u32("VirtualAddress")
            let rawSize = try sc.u32("SizeOfRawData"), rawPtr = try sc.u32("PointerToRawData")
            sc.skip(12)
            let ch = try sc.u32("Characteristics")
            secs.append(PESection(name: name, virtualSize: vsize, virtualAddress: va, sizeOfRawData: rawSize,
                                  pointerToRawData: rawPtr, characteristics: ch, headerOffset: at))
        }
        sections = secs
    }

    public func section(named name: String) -> PESection? { sections.first { $0.name == name } }

    /// The file-backed bytes of a section (`fileBackedSize` at PointerToRawData).
    public func data(of s: PESection) throws(FormatError) -> ByteView {
        try view.slice(UInt64(s.pointerToRawData), UInt64(s.fileBackedSize), field: "section \(s.name)")
    }

    /// The sections as an address map (image base + RVA → raw data in the file).
    public var addressMap: AddressMap {
        AddressMap(view: view, mappings: sections.map {
            AddressMap.Mapping(vaddr: imageBase &+ UInt64($0.virtualAddress), fileOffset: UInt64($0.pointerToRawData),
                               fileSize: UInt64($0.sizeOfRawData))
        })
    }

    /// The file offset of a virtual address (image base + RVA) with `count` bytes backed by one
    /// section, or nil.
    public func fileOffset(ofAddress addr: UInt64, count: UInt64 = 1) -> UInt64? {
        addressMap.fileOffset(ofAddress: addr, count: count)
    }

    /// `count` bytes at a virtual address (image base + RVA), resolved through the sections.
    public func read(address: UInt64, count: UInt64) throws(FormatError) -> ByteView {
        try addressMap.read(address: address, count: count, field: "bytes at \(hex(address))")
}
}
