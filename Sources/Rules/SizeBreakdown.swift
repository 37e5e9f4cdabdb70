import ELFKit

/// Bytes of debug sections (.debug_*, .zdebug_*, compressed or not) and of .symtab/.strtab:
/// what the size rules (SE400, SE401) count. Which sections are "debug" or "symbol table" is
/// the rules' classification; ELFKit only lists the sections.
public struct SizeBreakdown: Hashable, Sendable {
    public var debugBytes: UInt64 = 0
    public var debugSections: [String] = []
    public var compressedDebug = false
    public var symtabBytes: UInt64 = 0

    /// Classifies the sections of `elf`. Throws when a section it counts extends past the end
    /// of the file.
    public init(_ elf: ELFFile) throws(FormatError) {
        let view = elf.view
        for s in try elf.sections() where s.hasFileBytes {
            let debug = s.name.hasASCIIPrefix(".debug_") || s.name.hasASCIIPrefix(".zdebug_")
            let symtab = !debug && (s.name == ".symtab" || s.name == ".strtab" || s.type == .symtab)
            guard debug || symtab else { continue }
            guard view.contains(s.offset, s.size) else {
                throw FormatError(offset: s.headerOffset, field: "section \(s.index) (\(s.name))", value: "\(s.size) bytes at \(hex(s.offset))",
                                  problem: "extends past end of file (size \(view.count))")
            }
            if debug {
                debugBytes &+= s.size
                debugSections.append(s.name)
                if s.name.hasASCIIPrefix(".zdebug_") || s.flags.contains(.compressed) { compressedDebug = true }
            } else {
                symtabBytes &+= s.size
            }
        }
    }
}
