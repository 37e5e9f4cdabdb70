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
        guard os == "linux", Platform.natives[architecture] != nil else { return nil }
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

    /// Native kinds per GOARCH-style architecture name; the first is the primary one.
    static let natives: [String: [ELFKind]] = [
        "amd64": [ELFKind(.x86_64, 64, .little), ELFKind(.i386, 32, .little)],
        "386": [ELFKind(.i386, 32, .little)],
        "arm64": [ELFKind(.aarch64, 64, .little)],
        "arm": [ELFKind(.arm, 32, .little)],
        "riscv64": [ELFKind(.riscv, 64, .little)],
        "s390x": [ELFKind(.s390, 64, .big)],
        "ppc64": [ELFKind(.ppc64, 64, .big)],
        "ppc64le": [ELFKind(.ppc64, 64, .little)],
        "mips": [ELFKind(.mips, 32, .big)],
        "mipsle": [ELFKind(.mips, 32, .little)],
        "mips64": [ELFKind(.mips, 64, .big)],
        "mips64le": [ELFKind(.mips, 64, .little)],
        "loong64": [ELFKind(.loongarch, 64, .little)],
    ]

    /// The ELF kinds this platform's kernel executes.
    public var executableKinds: [ELFKind] { Platform.natives[architecture] ?? [] }

    public func canExecute(machine: Machine, bits: Int, order: ByteOrder) -> Bool {
        executableKinds.contains(ELFKind(machine, bits, order))
    }

    /// The GOARCH that produces binaries of this kind (for fixes), or nil.
    public static func goarch(machine: Machine, bits: Int, order: ByteOrder) -> String? {
        for (arch, kinds) in natives where kinds.first == ELFKind(machine, bits, order) { return arch }
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
