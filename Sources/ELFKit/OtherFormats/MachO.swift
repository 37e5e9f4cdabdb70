/// A minimal Mach-O reader: enough to name the architecture, list segments and sections, and
/// read bytes at a virtual address. Thin files only (32/64-bit, either byte order); fat files
/// are split with `MachOFat.architectures`. Every count is bounded by the bytes present.

/// A Mach-O `LC_SEGMENT`/`LC_SEGMENT_64`, widened.
public struct MachOSegment: Hashable, Sendable {
    public var name: String
    public var vmaddr: UInt64
    public var vmsize: UInt64
    public var fileoff: UInt64
    public var filesize: UInt64
    public var maxprot: UInt32
    public var initprot: UInt32
    /// File offset of the load command.
    public var commandOffset: UInt64
}

/// A Mach-O `section`/`section_64`, widened.
public struct MachOSection: Hashable, Sendable {
    public var segname: String
    public var sectname: String
    public var addr: UInt64
    public var size: UInt64
    public var offset: UInt32
    public var flags: UInt32
    /// File offset of the section header.
    public var headerOffset: UInt64

    /// S_ZEROFILL and friends: the section has no bytes in the file.
    public var isZeroFill: Bool {
        let type = flags & 0xff
        return type == 0x1 || type == 0xc || type == 0x12   // S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL
    }
}

/// Mach-O CPU type names shared by thin and fat files.
enum MachOCPU {
    static let abi64: Int32 = 0x0100_0000

    static func name(_ cpuType: Int32) -> String {
        switch cpuType {
        case 7: return "i386"
        case 7 | abi64: return "x86_64"
        case 12: return "arm"
        case 12 | abi64: return "arm64"
        case 18: return "ppc"
        case 18 | abi64: return "ppc64"
        default: return "cpu-\(cpuType)"
        }
    }
}

public struct MachOFile: @unchecked Sendable {
    public let view: ByteView
    public let cpuType: Int32
    public let cpuSubtype: Int32
    public let is64: Bool
    public let order: ByteOrder
    /// `MH_EXECUTE` = 2, `MH_DYLIB` = 6, `MH_BUNDLE` = 8, `MH_OBJECT` = 1 …
    public let fileType: UInt32
    public let flags: UInt32
    public let segments: [MachOSegment]
    public let sections: [MachOSection]

    public static let lcSegment: UInt32 = 0x1
    public static let lcSegment64: UInt32 = 0x19

    /// True when the view starts with a thin Mach-O magic (either byte order, 32 or 64 bits).
    public static func isMachO(_ view: ByteView) -> Bool {
        guard let v = try? view.u32(0, .big, field: "magic") else { return false }
        return v == 0xfeed_face || v == 0xfeed_facf || v == 0xcefa_edfe || v == 0xcffa_edfe
    }

    public var cpuName: String { MachOCPU.name(cpuType) }

    public init(_ view: ByteView) throws(FormatError) {
        self.view = view
        let magic = try view.u32(0, .big, field: "mach_header.magic")
        switch magic {
        case 0xfeed_face: (order, is64) = (.big, false)
        case 0xfeed_facf: (order, is64) = (.big, true)
        case 0xcefa_edfe: (order, is64) = (.little, false)
        case 0xcffa_edfe: (order, is64) = (.little, true)
        default:
            throw FormatError(offset: 0, field: "mach_header.magic", value: hex(magic), problem: "not a thin Mach-O file")
        }
        var c = ByteCursor(view, at: 4, order: order)
        cpuType = Int32(bitPattern: try c.u32("mach_header.cputype"))
        cpuSubtype = Int32(bitPattern: try c.u32("mach_header.cpusubtype"))
        fileType = try c.u32("mach_header.filetype")
        let ncmds = try c.u32("mach_header.ncmds")
        let sizeofcmds = try c.u32("mach_header.sizeofcmds")
        flags = try c.u32("mach_header.flags")
        let headerSize: UInt64 = is64 ? 32 : 28
        let cmds = try view.slice(headerSize, UInt64(sizeofcmds), field: "load commands (mach_header.sizeofcmds)")
        // Every load command is at least 8 bytes: the loop bound comes from the bytes present.
        guard UInt64(ncmds) <= UInt64(sizeofcmds) / 8 else {
            throw FormatError(offset: 16, field: "mach_header.ncmds", value: String(ncmds),
                              problem: "\(ncmds) load commands cannot fit in sizeofcmds (\(sizeofcmds) bytes)")
        }
        var segs: [MachOSegment] = []
        var secs: [MachOSection] = []
        var off: UInt64 = 0
        let o = order
        for i in 0..<UInt64(ncmds) {
            let cmd = try cmds.u32(off, o, field: "load command \(i) cmd")
            let size = UInt64(try cmds.u32(off + 4, o, field: "load command \(i) cmdsize"))
            guard size >= 8, cmds.contains(off, size) else {
                throw FormatError(offset: cmds.fileOffset(of: Int(off)) + 4, field: "load command \(i) cmdsize", value: String(size),
                                  problem: size < 8 ? "smaller than a load command header" : "extends past the load command area (sizeofcmds \(sizeofcmds))")
            }
            if cmd == MachOFile.lcSegment || cmd == MachOFile.lcSegment64 {
                let wide = cmd == MachOFile.lcSegment64
                let body = try cmds.slice(off, size, field: "segment command \(i)")
                var sc = ByteCursor(body, at: 8, order: o)
                let segname = try MachOFile.fixedName(body, 8)
                sc.skip(16)
                let w = wide ? 8 : 4
                let vmaddr = try sc.word(w, "vmaddr"), vmsize = try sc.word(w, "vmsize")
                let fileoff = try sc.word(w, "fileoff"), filesize = try sc.word(w, "filesize")
                let maxprot = try sc.u32("maxprot"), initprot = try sc.u32("initprot")
                let nsects = try sc.u32("nsects")
                _ = try sc.u32("flags")
                segs.append(MachOSegment(name: segname, vmaddr: vmaddr, vmsize: vmsize, fileoff: fileoff, filesize: filesize,
                                         maxprot: maxprot, initprot: initprot, commandOffset: body.fileOffset))
                let sectSize: UInt64 = wide ? 80 : 68
                let first = sc.offset
                guard UInt64(nsects) <= (size - first) / sectSize else {
                    throw FormatError(offset: body.fileOffset + (wide ? 64 : 48), field: "nsects", value: String(nsects),
                                      problem: "\(nsects) sections do not fit in the segment command (cmdsize \(size))")
                }
                for j in 0..<UInt64(nsects) {
                    let at = first + j * sectSize
                    let sectname = try MachOFile.fixedName(body, at)
                    let sseg = try MachOFile.fixedName(body, at + 16)
                    var ss = ByteCursor(body, at: at + 32, order: o)
                    let addr = try ss.word(w, "section addr"), ssize = try ss.word(w, "section size")
                    let offset = try ss.u32("section offset")
                    _ = try ss.u32("align"); _ = try ss.u32("reloff"); _ = try ss.u32("nreloc")
                    let sflags = try ss.u32("section flags")
                    secs.append(MachOSection(segname: sseg, sectname: sectname, addr: addr, size: ssize, offset: offset,
                                             flags: sflags, headerOffset: body.fileOffset(of: Int(at))))
                }
            }
            off += size
        }
        segments = segs
        sections = secs
    }

    /// A 16-byte, NUL-padded name.
    static func fixedName(_ v: ByteView, _ at: UInt64) throws(FormatError) -> String {
        let b = try v.slice(at, 16, field: "name")
        var n = 0
        while n < 16, let c = b[safe: n], c != 0 { n += 1 }
        return String(decoding: try b.slice(0, UInt64(n), field: "name").bytes, as: UTF8.self)
    }

    /// The first section with this name (in any segment, or in `segment` when given).
    public func section(named name: String, segment: String? = nil) -> MachOSection? {
        sections.first { $0.sectname == name && (segment == nil || $0.segname == segment) }
    }

    /// The bytes of a section in the file (empty for zero-fill sections).
    public func data(of s: MachOSection) throws(FormatError) -> ByteView {
        if s.isZeroFill { return try view.slice(0, 0, field: "") }
        return try view.slice(UInt64(s.offset), s.size, field: "section \(s.segname),\(s.sectname)")
    }

    /// The file-backed bytes of a segment.
    public func data(of s: MachOSegment) throws(FormatError) -> ByteView {
        try view.slice(s.fileoff, s.filesize, field: "segment \(s.name)")
    }

    /// The segments as an address map.
    public var addressMap: AddressMap {
        AddressMap(view: view, mappings: segments.map { AddressMap.Mapping(vaddr: $0.vmaddr, fileOffset: $0.fileoff, fileSize: $0.filesize) })
    }

    /// The file offset of a virtual address with `count` bytes backed by one segment, or nil.
    public func fileOffset(ofAddress addr: UInt64, count: UInt64 = 1) -> UInt64? {
        addressMap.fileOffset(ofAddress: addr, count: count)
    }

    /// `count` bytes at a virtual address, resolved through the segments.
    public func read(address: UInt64, count: UInt64) throws(FormatError) -> ByteView {
        try addressMap.read(address: address, count: count, field: "bytes at \(hex(address))")
    }
}

/// Fat (universal) Mach-O files: a big-endian table of architectures, each a thin Mach-O.
public enum MachOFat {
    /// True for `cafebabe`/`cafebabf` with a plausible architecture count (Java class files share
    /// the magic but carry their version there, which is ≥ 45).
    public static func isFat(_ view: ByteView) -> Bool {
        guard let m = try? view.u32(0, .big, field: "fat magic"), m == 0xcafe_babe || m == 0xcafe_babf,
              let n = try? view.u32(4, .big, field: "nfat_arch") else { return false }
        return n > 0 && n <= 30
    }

    /// The architectures of a fat file: CPU name and the (offset, size) of each thin file.
    public static func architectures(_ view: ByteView) throws(FormatError) -> [(cpuName: String, offset: UInt64, size: UInt64)] {
        let magic = try view.u32(0, .big, field: "fat_header.magic")
        guard magic == 0xcafe_babe || magic == 0xcafe_babf else {
            throw FormatError(offset: 0, field: "fat_header.magic", value: hex(magic), problem: "not a fat Mach-O file")
        }
        let n = try view.u32(4, .big, field: "fat_header.nfat_arch")
        guard n <= 30 else {
            throw FormatError(offset: 4, field: "fat_header.nfat_arch", value: String(n),
                              problem: "implausible architecture count (a Java class file also starts with cafebabe)")
        }
        let wide = magic == 0xcafe_babf
        let entry: UInt64 = wide ? 32 : 20
        _ = try view.range(8, UInt64(n) * entry, field: "fat_arch table")
        var out: [(cpuName: String, offset: UInt64, size: UInt64)] = []
        for i in 0..<UInt64(n) {
            var c = ByteCursor(view, at: 8 + i * entry, order: .big)
            let cpu = Int32(bitPattern: try c.u32("fat_arch.cputype"))
            _ = try c.u32("fat_arch.cpusubtype")
            let offset = wide ? try c.u64("fat_arch.offset") : UInt64(try c.u32("fat_arch.offset"))
            let size = wide ? try c.u64("fat_arch.size") : UInt64(try c.u32("fat_arch.size"))
            guard view.contains(offset, size) else {
                throw FormatError(offset: 8 + i * entry + 8, field: "fat_arch[\(i)]", value: "\(size) bytes at \(hex(offset))",
                                  problem: "architecture extends past end of file (size \(view.count))")
            }
            out.append((MachOCPU.name(cpu), offset, size))
        }
        return out
    }
}
