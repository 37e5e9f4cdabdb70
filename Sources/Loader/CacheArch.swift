import ELFKit

/// The `flags` of an ld.so.cache entry: a library kind in the low byte (`FLAG_TYPE_MASK`) and
/// an ABI in the next (`FLAG_REQUIRED_MASK`), as ldconfig's `process_elf_file` (elf/readelflib.c
/// and sysdeps/…/readelflib.c) sets them. The values are sysdeps/generic/ldconfig.h's `FLAG_*`.
/// Unknown values are kept and print as ldconfig prints them.
public struct CacheFlags: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A required-ABI value combined with a type value (`FLAG_X8664_LIB64|FLAG_ELF_LIBC6`).
    public init(_ required: CacheFlags, _ type: CacheFlags) {
        self.init(rawValue: required.rawValue | type.rawValue)
    }

    // Types (FLAG_TYPE_MASK 0x00ff).
    public static let libc4 = CacheFlags(rawValue: 0x0000)
    public static let elf = CacheFlags(rawValue: 0x0001)
    public static let elfLibc5 = CacheFlags(rawValue: 0x0002)
    public static let elfLibc6 = CacheFlags(rawValue: 0x0003)
    // Required ABIs (FLAG_REQUIRED_MASK 0xff00).
    public static let sparcLib64 = CacheFlags(rawValue: 0x0100)
    public static let x8664Lib64 = CacheFlags(rawValue: 0x0300)
    public static let s390Lib64 = CacheFlags(rawValue: 0x0400)
    public static let powerpcLib64 = CacheFlags(rawValue: 0x0500)
    public static let mips64LibN32 = CacheFlags(rawValue: 0x0600)
    public static let mips64LibN64 = CacheFlags(rawValue: 0x0700)
    public static let x8664LibX32 = CacheFlags(rawValue: 0x0800)
    public static let armLibHF = CacheFlags(rawValue: 0x0900)
    public static let aarch64Lib64 = CacheFlags(rawValue: 0x0a00)
    public static let armLibSF = CacheFlags(rawValue: 0x0b00)
    public static let mipsLib32NaN2008 = CacheFlags(rawValue: 0x0c00)
    public static let mips64LibN32NaN2008 = CacheFlags(rawValue: 0x0d00)
    public static let mips64LibN64NaN2008 = CacheFlags(rawValue: 0x0e00)
    public static let riscvFloatABISoft = CacheFlags(rawValue: 0x0f00)
    public static let riscvFloatABIDouble = CacheFlags(rawValue: 0x1000)
    public static let larchFloatABISoft = CacheFlags(rawValue: 0x1100)
    public static let larchFloatABIDouble = CacheFlags(rawValue: 0x1200)

    public var type: Int32 { rawValue & 0x00ff }
    public var required: Int32 { rawValue & 0xff00 }

    /// As `ldconfig -p` prints it (elf/cache.c `print_entry`): `libc6,x86-64`, `ELF`. The type
    /// names and IA-64 are glibc 2.36's (this machine's; 2.37 and later name only libc6 and
    /// print "unknown or unsupported flag" for the rest), the LoongArch names a later glibc's.
    public var description: String {
        var s: String
        switch type {
        case 0: s = "libc4"
        case 1: s = "ELF"
        case 2: s = "libc5"
        case 3: s = "libc6"
        default: s = "unknown"
        }
        switch required {
        case 0: break
        case 0x0200: s += ",IA-64"
        case 0x0100, 0x0400, 0x0500, 0x0700: s += ",64bit"
        case 0x0300: s += ",x86-64"
        case 0x0600: s += ",N32"
        case 0x0800: s += ",x32"
        case 0x0900: s += ",hard-float"
        case 0x0a00: s += ",AArch64"
        case 0x0b00, 0x0f00, 0x1100: s += ",soft-float"
        case 0x0c00: s += ",nan2008"
        case 0x0d00: s += ",N32,nan2008"
        case 0x0e00: s += ",64bit,nan2008"
        case 0x1000, 0x1200: s += ",double-float"
        default: s += ",\(required)"
        }
        return s
    }
}

/// Which cache entries a dynamic loader accepts: glibc's `_dl_cache_check_flags` and
/// `_DL_CACHE_DEFAULT_ID` for the loader that runs a program of this machine, class and ABI
/// (each is a compile-time macro of that loader's build, chosen here from the program's
/// e_machine, EI_CLASS and e_flags the way ldconfig's readelflib.c marks its libraries).
///
/// Read from glibc's source (bminor/glibc 04e750e), tested here on x86-64 and i386 only:
/// - x86-64: `== 0x303` (sysdeps/x86_64/dl-cache.h); x32: `== 0x803`
///   (sysdeps/unix/sysv/linux/x86_64/x32/dl-cache.h).
/// - i386, 32-bit PowerPC, 31-bit s390, 32-bit SPARC, MIPS o32 with legacy NaN: the generic
///   `1 or 3`, default 3 (sysdeps/generic/dl-cache.h; powerpc and s390 include sparc's, which
///   includes the generic one; i386 has none of its own).
/// - AArch64 `== 0xa03`, ppc64 (both byte orders) `== 0x503`, s390x `== 0x403`, sparc64
///   `== 0x103` (sysdeps/unix/sysv/linux/*/dl-cache.h).
/// - ARM: hard-float `0x903 or 3`, soft-float `0xb03 or 3`, default 3 (arm/dl-cache.h). Which
///   loader runs is inferred from e_flags (EABI5 with EF_ARM_ABI_FLOAT_HARD is hard-float),
///   as arm/readelflib.c marks libraries; not verified against a real ARM image.
/// - MIPS n64 `0x703`/`0xe03` (NaN2008), n32 `0x603`/`0xd03`, o32 NaN2008 `0xc03`
///   (mips/dl-cache.h, e_flags EF_MIPS_ABI2 0x20 and EF_MIPS_NAN2008 0x400 as mips/readelflib.c).
/// - RISC-V double-float `0x1003`, soft-float `0xf03`; the class is not in the flags, so an
///   RV32 loader would accept RV64 entries (open_verify then skips them). LoongArch
///   double-float `0x1203`, soft-float `0x1103`. Single- and quad-float ABIs have no glibc
///   loader: nil.
/// Any other machine: nil (not modelled).
public struct CacheArch: Hashable, Sendable {
    public var machine: Machine
    public var bits: Int
    public var order: ByteOrder
    /// Every `flags` value `_dl_cache_check_flags` accepts.
    public var acceptedFlags: [CacheFlags]
    /// `_DL_CACHE_DEFAULT_ID`: an accepted plain entry with these flags ends the search.
    public var defaultFlags: CacheFlags
    /// Whether C `char` is signed on this machine: `_dl_cache_libcmp` subtracts `char`s, so the
    /// order of names with bytes >= 0x80 depends on it (from the psABIs; only x86 is tested).
    public var signedChar: Bool

    /// The loader for a program of this machine, class (32 or 64), byte order and e_flags;
    /// nil for an ABI whose glibc loader flags are not modelled.
    public init?(machine: Machine, bits: Int, order: ByteOrder, flags: UInt32 = 0) {
        let generic = ([CacheFlags.elf, .elfLibc6], CacheFlags.elfLibc6)
        func only(_ required: CacheFlags) -> ([CacheFlags], CacheFlags) {
            let f = CacheFlags(required, .elfLibc6)
            return ([f], f)
        }
        let rule: ([CacheFlags], CacheFlags)
        var signedChar = false
        switch (machine, bits) {
        case (.x86_64, 64): rule = only(.x8664Lib64); signedChar = true
        case (.x86_64, 32): rule = only(.x8664LibX32); signedChar = true
        case (.i386, 32): rule = generic; signedChar = true
        case (.aarch64, 64): rule = only(.aarch64Lib64)
        case (.arm, 32):
            let hard = flags & 0xff00_0000 == 0x0500_0000 && flags & 0x400 != 0
            rule = ([CacheFlags(hard ? .armLibHF : .armLibSF, .elfLibc6), .elfLibc6], .elfLibc6)
        case (.ppc64, 64): rule = only(.powerpcLib64)
        case (.ppc, 32), (.s390, 32): rule = generic
        case (.s390, 64): rule = only(.s390Lib64)
        case (.sparcv9, 64): rule = only(.sparcLib64); signedChar = true
        case (.sparc, 32), (Machine(rawValue: 18), 32): rule = generic; signedChar = true   // EM_SPARC32PLUS
        case (.mips, _):
            signedChar = true
            let nan2008 = flags & 0x400 != 0
            if bits == 64 {
                rule = only(nan2008 ? .mips64LibN64NaN2008 : .mips64LibN64)
            } else if flags & 0x20 != 0 {
                rule = only(nan2008 ? .mips64LibN32NaN2008 : .mips64LibN32)
            } else if nan2008 {
                rule = only(.mipsLib32NaN2008)
            } else {
                rule = generic
            }
        case (.riscv, 32), (.riscv, 64):
            switch flags & 0x6 {
            case 0x4: rule = only(.riscvFloatABIDouble)
            case 0x0: rule = only(.riscvFloatABISoft)
            default: return nil
            }
        case (.loongarch, 64):
            signedChar = true
            switch flags & 0x7 {
            case 0x3: rule = only(.larchFloatABIDouble)
            case 0x1: rule = only(.larchFloatABISoft)
            default: return nil
            }
        default:
            return nil
        }
        self.machine = machine
        self.bits = bits
        self.order = order
        self.acceptedFlags = rule.0
        self.defaultFlags = rule.1
        self.signedChar = signedChar
    }

    /// The loader for the program with this ELF header.
    public init?(_ header: ELFHeader) {
        self.init(machine: header.machine, bits: header.bits, order: header.order, flags: header.flags)
    }

    /// `_dl_cache_check_flags`.
    public func accepts(_ flags: CacheFlags) -> Bool { acceptedFlags.contains(flags) }
}
