/// Open value sets of the ELF specification. Unknown values are kept and print as hex.

/// `e_machine`.
public struct Machine: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let sparc = Machine(rawValue: 2)
    public static let i386 = Machine(rawValue: 3)
    public static let mips = Machine(rawValue: 8)
    public static let ppc = Machine(rawValue: 20)
    public static let ppc64 = Machine(rawValue: 21)
    public static let s390 = Machine(rawValue: 22)
    public static let arm = Machine(rawValue: 40)
    public static let sparcv9 = Machine(rawValue: 43)
    public static let x86_64 = Machine(rawValue: 62)
    public static let aarch64 = Machine(rawValue: 183)
    public static let riscv = Machine(rawValue: 243)
    public static let loongarch = Machine(rawValue: 258)

    public var description: String { "em-\(rawValue)" }
}

/// `e_type`.
public struct ELFType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let none = ELFType(rawValue: 0)
    public static let rel = ELFType(rawValue: 1)
    public static let exec = ELFType(rawValue: 2)
    public static let dyn = ELFType(rawValue: 3)
    public static let core = ELFType(rawValue: 4)

    public var description: String {
        switch self {
        case .rel: return "rel"
        case .exec: return "exec"
        case .dyn: return "dyn"
        case .core: return "core"
        case .none: return "none"
        default: return hex(rawValue)
        }
    }
}

/// `p_type`.
public struct SegmentType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let null = SegmentType(rawValue: 0)
    public static let load = SegmentType(rawValue: 1)
    public static let dynamic = SegmentType(rawValue: 2)
    public static let interp = SegmentType(rawValue: 3)
    public static let note = SegmentType(rawValue: 4)
    public static let shlib = SegmentType(rawValue: 5)
    public static let phdr = SegmentType(rawValue: 6)
    public static let tls = SegmentType(rawValue: 7)
    public static let gnuEHFrame = SegmentType(rawValue: 0x6474_e550)
    public static let gnuStack = SegmentType(rawValue: 0x6474_e551)
    public static let gnuRelro = SegmentType(rawValue: 0x6474_e552)
    public static let gnuProperty = SegmentType(rawValue: 0x6474_e553)

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .load: return "LOAD"
        case .dynamic: return "DYNAMIC"
        case .interp: return "INTERP"
        case .note: return "NOTE"
        case .shlib: return "SHLIB"
        case .phdr: return "PHDR"
        case .tls: return "TLS"
        case .gnuEHFrame: return "GNU_EH_FRAME"
        case .gnuStack: return "GNU_STACK"
        case .gnuRelro: return "GNU_RELRO"
        case .gnuProperty: return "GNU_PROPERTY"
        default: return hex(rawValue)
        }
    }
}

/// `p_flags`.
public struct SegmentFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let execute = SegmentFlags(rawValue: 1)
    public static let write = SegmentFlags(rawValue: 2)
    public static let read = SegmentFlags(rawValue: 4)
}

/// `sh_type`.
public struct SectionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let null = SectionType(rawValue: 0)
    public static let progbits = SectionType(rawValue: 1)
    public static let symtab = SectionType(rawValue: 2)
    public static let strtab = SectionType(rawValue: 3)
    public static let rela = SectionType(rawValue: 4)
    public static let hash = SectionType(rawValue: 5)
    public static let dynamic = SectionType(rawValue: 6)
    public static let note = SectionType(rawValue: 7)
    public static let nobits = SectionType(rawValue: 8)
    public static let rel = SectionType(rawValue: 9)
    public static let dynsym = SectionType(rawValue: 11)
    public static let symtabShndx = SectionType(rawValue: 18)
    public static let gnuVerneed = SectionType(rawValue: 0x6fff_fffe)
    public static let gnuVersym = SectionType(rawValue: 0x6fff_ffff)
    public static let gnuVerdef = SectionType(rawValue: 0x6fff_fffd)

    public var description: String { hex(rawValue) }
}

/// `sh_flags`.
public struct SectionFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let write = SectionFlags(rawValue: 0x1)
    public static let alloc = SectionFlags(rawValue: 0x2)
    public static let execInstr = SectionFlags(rawValue: 0x4)
    public static let compressed = SectionFlags(rawValue: 0x800)
}

/// `d_tag`.
public struct DynamicTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static let null = DynamicTag(rawValue: 0)
    public static let needed = DynamicTag(rawValue: 1)
    public static let strtab = DynamicTag(rawValue: 5)
    public static let symtab = DynamicTag(rawValue: 6)
    public static let strsz = DynamicTag(rawValue: 10)
    public static let soname = DynamicTag(rawValue: 14)
    public static let rpath = DynamicTag(rawValue: 15)
    public static let runpath = DynamicTag(rawValue: 29)
    public static let flags = DynamicTag(rawValue: 30)
    public static let flags1 = DynamicTag(rawValue: 0x6fff_fffb)
    public static let versym = DynamicTag(rawValue: 0x6fff_fff0)
    public static let verdef = DynamicTag(rawValue: 0x6fff_fffc)
    public static let verdefnum = DynamicTag(rawValue: 0x6fff_fffd)
    public static let verneed = DynamicTag(rawValue: 0x6fff_fffe)
    public static let verneednum = DynamicTag(rawValue: 0x6fff_ffff)

    public var description: String { hex(UInt64(bitPattern: rawValue)) }
}

/// `DT_FLAGS_1` bits.
public struct DynamicFlags1: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let now = DynamicFlags1(rawValue: 0x1)
    public static let noDefaultLib = DynamicFlags1(rawValue: 0x800)
    public static let pie = DynamicFlags1(rawValue: 0x0800_0000)
}

extension Machine {
    /// The name used in `facts.machine`: x86_64, i386, aarch64, arm, riscv64, s390x, ppc64,
    /// ppc64le, mips, mipsel, mips64, mips64el, loong64, sparc64, else `em-<number>`.
    /// Several names depend on the class and byte order of the file.
    public func factName(bits: Int, order: ByteOrder) -> String {
        switch self {
        case .x86_64: return bits == 64 ? "x86_64" : "x32"
        case .i386: return "i386"
        case .aarch64: return "aarch64"
        case .arm: return "arm"
        case .riscv: return bits == 64 ? "riscv64" : "riscv32"
        case .s390: return bits == 64 ? "s390x" : "s390"
        case .ppc64: return order == .little ? "ppc64le" : "ppc64"
        case .ppc: return "ppc"
        case .mips:
            switch (bits, order) {
            case (64, .little): return "mips64el"
            case (64, .big): return "mips64"
            case (_, .little): return "mipsel"
            default: return "mips"
            }
        case .loongarch: return bits == 64 ? "loong64" : "loong32"
        case .sparcv9: return "sparc64"
        case .sparc: return "sparc"
        default:
            // Less common machines by their e_machine (elf.h; linux/elf-em.h for 0x9026).
            switch rawValue {
            case 4: return "m68k"
            case 15: return "parisc"
            case 18: return "sparc32plus"
            case 41, 0x9026: return "alpha"
            case 42: return "sh"
            case 45, 93: return "arc"
            case 50: return "ia64"
            case 83: return "avr"
            case 92: return "or1k"
            case 94: return "xtensa"
            case 164: return "hexagon"
            case 189: return "microblaze"
            case 195: return "arcv2"
            case 224: return "amdgpu"
            case 247: return "bpf"
            case 252: return "csky"
            default: return "em-\(rawValue)"
            }
        }
    }
}
