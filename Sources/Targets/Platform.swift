import ELFKit

/// An OCI platform (`linux/amd64`, `linux/arm/v7`) and which executables its kernel runs
/// natively: machine, class and byte order, modelled on each kernel's `elf_check_arch` and its
/// compat binfmt (an i386 ELF runs on an amd64 kernel; arm64 kernels are not assumed to run
/// AArch32, which many server CPUs lack).
public struct Platform: Hashable, Sendable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String = "linux", architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// Parses `linux/amd64`, `linux/arm/v7`, `amd64`. Nil for an unknown architecture.
    public init?(parsing s: String) {
        let parts = s.split(separator: "/").map(String.init)
        switch parts.count {
        case 1: self.init(architecture: parts[0])
        case 2: self.init(os: parts[0], architecture: parts[1])
        case 3: self.init(os: parts[0], architecture: parts[1], variant: parts[2])
        default: return nil
        }
        guard os == "linux", Platform.natives(architecture) != nil else { return nil }
    }

    public var description: String { os + "/" + architecture + (variant.map { "/" + $0 } ?? "") }

    /// One (machine, class, byte order) triple the kernel executes.
    public struct ELFKind: Hashable, Sendable {
        public var machine: Machine
        public var bits: Int
        public var order: ByteOrder
        public init(_ machine: Machine, _ bits: Int, _ order: ByteOrder) {
            self.machine = machine
            self.bits = bits
            self.order = order
        }
    }

    /// The GOARCH name for this platform (what `GOARCH=` must say).
    public var goarch: String { architecture }

    /// The GOARCH-style architecture names, in a fixed order.
    static let architectures = ["amd64", "386", "arm64", "arm", "riscv64", "s390x", "ppc64", "ppc64le", "mips", "mipsle",
                                "mips64", "mips64le", "loong64"]

    /// Native kinds of a GOARCH-style architecture name, the primary one first; nil for an
    /// unknown name. A switch, not a Dictionary: this runs once per process, where a
    /// Dictionary's first use costs more than the lookup.
    static func natives(_ architecture: String) -> [ELFKind]? {
        switch architecture {
        case "amd64": return [ELFKind(.x86_64, 64, .little), ELFKind(.i386, 32, .little)]
        case "386": return [ELFKind(.i386, 32, .little)]
        case "arm64": return [ELFKind(.aarch64, 64, .little)]
        case "arm": return [ELFKind(.arm, 32, .little)]
        case "riscv64": return [ELFKind(.riscv, 64, .little)]
        case "s390x": return [ELFKind(.s390, 64, .big)]
        case "ppc64": return [ELFKind(.ppc64, 64, .big)]
        case "ppc64le": return [ELFKind(.ppc64, 64, .little)]
        case "mips": return [ELFKind(.mips, 32, .big)]
        case "mipsle": return [ELFKind(.mips, 32, .little)]
        case "mips64": return [ELFKind(.mips, 64, .big)]
        case "mips64le": return [ELFKind(.mips, 64, .little)]
        case "loong64": return [ELFKind(.loongarch, 64, .little)]
        default: return nil
        }
    }

    /// The ELF kinds this platform's kernel executes.
    public var executableKinds: [ELFKind] { Platform.natives(architecture) ?? [] }

    public func canExecute(machine: Machine, bits: Int, order: ByteOrder) -> Bool {
        executableKinds.contains(ELFKind(machine, bits, order))
    }

    /// The GOARCH that produces binaries of this kind (for fixes), or nil.
    public static func goarch(machine: Machine, bits: Int, order: ByteOrder) -> String? {
        for arch in architectures where natives(arch)?.first == ELFKind(machine, bits, order) { return arch }
        return nil
    }

    /// The GOARCH names of the Mach-O/PE CPU names that ELFKit reports.
    public static func goarch(cpuName: String) -> String? {
        switch cpuName {
        case "x86_64": return "amd64"
        case "i386": return "386"
        case "arm64", "aarch64": return "arm64"
        case "arm": return "arm"
        default: return nil
        }
    }

    /// The platform of the machine we run on (`uname -m`).
    public static var host: Platform {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch machine {
        case "x86_64": return Platform(architecture: "amd64")
        case "aarch64", "arm64": return Platform(architecture: "arm64")
        case "i386", "i686": return Platform(architecture: "386")
        case "armv7l", "armv6l": return Platform(architecture: "arm", variant: "v7")
        case "riscv64": return Platform(architecture: "riscv64")
        case "s390x": return Platform(architecture: "s390x")
        case "ppc64le": return Platform(architecture: "ppc64le")
        case "ppc64": return Platform(architecture: "ppc64")
        case "loongarch64": return Platform(architecture: "loong64")
        default: return Platform(architecture: machine)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
