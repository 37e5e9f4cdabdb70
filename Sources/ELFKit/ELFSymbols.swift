public struct Symbol: Hashable, Sendable {
    public var name: String
    public var value: UInt64
    public var size: UInt64
    public var info: UInt8
    public var other: UInt8
    public var shndx: UInt16
    public var type: UInt8 { info & 0xf }
    public var binding: UInt8 { info >> 4 }
}

extension ELFFile {
    // MARK: - Symbols

    /// The symbols of a SHT_SYMTAB or SHT_DYNSYM section, names resolved through its sh_link.
    public func symbols(in s: SectionHeader) throws(FormatError) -> [Symbol] {
        let entsize = UInt64(wordSize == 8 ? 24 : 16)
        let bytes = try data(of: s)
        let secs = try sections()
        guard Int(s.link) < secs.count else {
            throw FormatError(offset: s.headerOffset, field: "sh_link of \(s.name)", value: String(s.link),
                              problem: "string table index is out of range (\(secs.count) sections)")
        }
        let names = try data(of: secs[Int(s.link)])
        var out: [Symbol] = []
        var off: UInt64 = 0
        while off + entsize <= UInt64(bytes.count) {
            var c = ByteCursor(bytes, at: off, order: order)
            let sym: Symbol
            if wordSize == 8 {
                let name = try c.u32("st_name"), info = try c.u8("st_info"), other = try c.u8("st_other"), shndx = try c.u16("st_shndx")
                let value = try c.u64("st_value"), size = try c.u64("st_size")
                sym = Symbol(name: try names.cString(UInt64(name), field: "st_name"), value: value, size: size, info: info, other: other, shndx: shndx)
            } else {
                let name = try c.u32("st_name"), value = UInt64(try c.u32("st_value")), size = UInt64(try c.u32("st_size"))
                let info = try c.u8("st_info"), other = try c.u8("st_other"), shndx = try c.u16("st_shndx")
                sym = Symbol(name: try names.cString(UInt64(name), field: "st_name"), value: value, size: size, info: info, other: other, shndx: shndx)
            }
            out.append(sym)
            off += entsize
        }
        return out
    }

    /// The number of entries in a symbol table section, without reading them.
    public func symbolCount(in s: SectionHeader) -> Int {
        let entsize = UInt64(wordSize == 8 ? 24 : 16)
        return s.hasFileBytes ? Int(s.size / entsize) : 0
    }
}

/// An undefined dynamic symbol and the version index it is bound to (`.gnu.version`).
public struct ImportedSymbol: Hashable, Sendable {
    public var name: String
    /// The `.gnu.version` entry: 0 local, 1 global (unversioned), else a `vna_other` index.
    public var versionIndex: UInt16
    /// STB_WEAK: an unresolved weak reference is not an error.
    public var weak: Bool
}

extension ELFFile {
    /// The undefined symbols of `.dynsym` with their version indexes from `.gnu.version`, in
    /// table order; empty without section headers (the tables are then not named).
    public func importedSymbols() throws(FormatError) -> [ImportedSymbol] {
        let secs = try sections()
        guard let dynsym = secs.first(where: { $0.type == .dynsym }) else { return [] }
        let symbols = try symbols(in: dynsym)
        var versions: ByteView?
        if let v = secs.first(where: { $0.type == .gnuVersym }) { versions = try data(of: v) }
        var out: [ImportedSymbol] = []
        for (i, s) in symbols.enumerated() where i > 0 && s.shndx == 0 && !s.name.isEmpty {
            var index: UInt16 = 1
            if let versions, let v = try? versions.u16(UInt64(i) * 2, order, field: ".gnu.version entry") { index = v & 0x7fff }
            out.append(ImportedSymbol(name: s.name, versionIndex: index, weak: s.binding == 2))
        }
        return out
    }
}
