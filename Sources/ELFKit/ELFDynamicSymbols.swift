/// The dynamic symbol table as the loader reads it: from the dynamic segment (DT_SYMTAB,
/// DT_STRTAB, DT_VERSYM, DT_GNU_HASH or DT_HASH), so it works without section headers, and a
/// name is looked up through the file's own hash table as ld.so does (elf/dl-lookup.c
/// `do_lookup_x`), never by building a table of every name.
public struct DynamicSymbol: Hashable, Sendable {
    /// The symbol's index in the table (what relocations name).
    public var index: Int
    public var name: String
    public var info: UInt8
    public var other: UInt8
    public var shndx: UInt16
    public var value: UInt64
    /// The `.gnu.version` entry without its hidden bit: 0 local, 1 global (unversioned), else a
    /// `vd_ndx` (defined symbol) or `vna_other` (undefined symbol). 1 when the file has no
    /// DT_VERSYM.
    public var versionIndex: UInt16
    /// The hidden bit (0x8000): a non-default version, bound only by a reference naming it.
    public var hidden: Bool

    public var type: UInt8 { info & 0xf }
    public var binding: UInt8 { info >> 4 }
    public var isDefined: Bool { shndx != 0 }
    /// STB_WEAK: an undefined weak reference that nothing defines is bound to 0, not an error.
    public var isWeak: Bool { binding == 2 }
}

public struct DynamicSymbolTable: Sendable {
    let symbols: ByteView
    let strings: ByteView
    let versym: ByteView?
    let order: ByteOrder
    let entrySize: Int
    let wide: Bool
    /// Entries in the table (from DT_HASH's nchain, else the end of the longest GNU hash chain).
    public let count: Int
    let gnu: (view: ByteView, buckets: Int, symoffset: Int, bucketStart: Int, chainStart: Int)?
    let sysv: (view: ByteView, buckets: Int, chains: Int)?

    /// The symbol at `index`.
    public func symbol(_ index: Int) throws(FormatError) -> DynamicSymbol {
        guard index >= 0, index < count else {
            throw FormatError(offset: symbols.fileOffset, field: "dynamic symbol index", value: String(index), problem: "past the \(count) entries of the table")
        }
        let at = UInt64(index) * UInt64(entrySize)
        var c = ByteCursor(symbols, at: at, order: order)
        let nameOff: UInt32, info: UInt8, other: UInt8, shndx: UInt16, value: UInt64
        if wide {
            nameOff = try c.u32("st_name"); info = try c.u8("st_info"); other = try c.u8("st_other"); shndx = try c.u16("st_shndx")
            value = try c.u64("st_value")
        } else {
            nameOff = try c.u32("st_name"); value = UInt64(try c.u32("st_value")); _ = try c.u32("st_size")
            info = try c.u8("st_info"); other = try c.u8("st_other"); shndx = try c.u16("st_shndx")
        }
        var version: UInt16 = 1
        var hidden = false
        if let versym {
            let v = try versym.u16(UInt64(index) * 2, order, field: "DT_VERSYM entry \(index)")
            version = v & 0x7fff
            hidden = v & 0x8000 != 0
        }
        let name = try strings.cString(UInt64(nameOff), field: "st_name of dynamic symbol \(index)")
        return DynamicSymbol(index: index, name: name, info: info, other: other, shndx: shndx, value: value,
                             versionIndex: version, hidden: hidden)
    }

    /// The undefined symbols the file imports, in table order (index 0 and empty names skipped).
    public func imports() throws(FormatError) -> [DynamicSymbol] {
        var out: [DynamicSymbol] = []
        var i = 1
        while i < count {
            let s = try symbol(i)
            if !s.isDefined && !s.name.isEmpty { out.append(s) }
            i += 1
        }
        return out
    }

    /// The definitions of `name` this file exports that ld.so may bind a reference to
    /// (glibc's `check_match`): defined, global, weak or unique, a value unless TLS, a type a
    /// reference can bind (no section or file symbols), default or protected visibility. Every
    /// version of the name is returned (`memcpy@GLIBC_2.2.5`, `memcpy@@GLIBC_2.14`).
    public func definitions(of name: String) throws(FormatError) -> [DynamicSymbol] {
        let bytes = Array(name.utf8)
        var out: [DynamicSymbol] = []
        func consider(_ i: Int) throws(FormatError) {
            let s = try symbol(i)
            guard s.name.utf8.elementsEqual(bytes), s.isDefined, Self.isBindable(s) else { return }
            out.append(s)
        }
        if let g = gnu {
            var h: UInt32 = 5381
            for b in bytes { h = h &* 33 &+ UInt32(b) }
            let bucket = Int(h % UInt32(g.buckets))
            var i = Int(try g.view.u32(UInt64(g.bucketStart + bucket * 4), order, field: "DT_GNU_HASH bucket"))
            guard i != 0, i >= g.symoffset else { return [] }
            var steps = 0
            while i < count, steps <= count {
                steps += 1
                let h2 = try g.view.u32(UInt64(g.chainStart + (i - g.symoffset) * 4), order, field: "DT_GNU_HASH chain")
                if h | 1 == h2 | 1 { try consider(i) }
                if h2 & 1 != 0 { break }
                i += 1
            }
            return out
        }
        if let s = sysv {
            var h: UInt32 = 0
            for b in bytes {
                h = (h << 4) &+ UInt32(b)
                let g = h & 0xf000_0000
                if g != 0 { h ^= g >> 24 }
                h &= ~g
            }
            var i = Int(try s.view.u32(UInt64(8 + Int(h % UInt32(s.buckets)) * 4), order, field: "DT_HASH bucket"))
            var steps = 0
            while i != 0, i < s.chains, steps <= s.chains {
                steps += 1
                try consider(i)
                i = Int(try s.view.u32(UInt64(8 + s.buckets * 4 + i * 4), order, field: "DT_HASH chain"))
            }
            return out
        }
        var i = 1
        while i < count {
            try consider(i)
            i += 1
        }
        return out
    }

    /// May a reference bind to this definition (binding, type, value, visibility)?
    public static func isBindable(_ s: DynamicSymbol) -> Bool {
        // STB_GLOBAL 1, STB_WEAK 2, STB_GNU_UNIQUE 10; STT_NOTYPE 0, OBJECT 1, FUNC 2, COMMON 5,
        // TLS 6, GNU_IFUNC 10; STV_DEFAULT 0 or STV_PROTECTED 3.
        guard [1, 2, 10].contains(s.binding), [0, 1, 2, 5, 6, 10].contains(s.type) else { return false }
        guard s.value != 0 || s.type == 6 else { return false }
        let visibility = s.other & 3
        return visibility == 0 || visibility == 3
    }
}

/// Which symbols the relocations of a file bind when it is loaded, and which only when first
/// called (PLT slots, bound lazily unless BIND_NOW).
public struct RelocationSymbols: Hashable, Sendable {
    /// Symbol indexes of DT_RELA/DT_REL relocations outside the PLT range, in order.
    public var immediate: [Int]
    /// Symbol indexes of DT_JMPREL (PLT) relocations, in order.
    public var lazy: [Int]
    /// DF_BIND_NOW, DF_1_NOW or DT_BIND_NOW (`-z now`): PLT slots too are bound at load time.
    public var bindNow: Bool
    /// Symbol indexes of copy relocations (R_*_COPY): the program defines the symbol in its
    /// own .bss, and the loader copies its value from the library that defines it, at start.
    public var copies: [Int] = []
}

extension Machine {
    /// The machine's R_*_COPY relocation type, where it has one.
    var copyRelocation: UInt32? {
        switch self {
        case .x86_64, .i386: return 5
        case .aarch64: return 1024
        case .arm: return 20
        case .riscv: return 4
        case .ppc, .ppc64: return 19
        case .s390: return 9
        case .sparc, .sparcv9: return 19
        case .mips: return 126
        case .loongarch: return 4
        default: return nil
        }
    }
}

extension ELFFile {
    /// The dynamic symbol table, or nil for a file without PT_DYNAMIC or DT_SYMTAB.
    public func dynamicSymbolTable() throws(FormatError) -> DynamicSymbolTable? {
        guard let dyn = try dynamic() else { return nil }
        func tag(_ raw: Int64) -> DynamicEntry? { dyn.entries.first { $0.tag.rawValue == raw } }
        guard let symtab = tag(6), let strings = try dynamicStrings(dyn.entries) else { return nil }
        let entrySize = wordSize == 8 ? 24 : 16
        guard let symOff = fileOffset(ofAddress: symtab.value, count: UInt64(entrySize)) else {
            throw FormatError(offset: symtab.valueOffset, field: "DT_SYMTAB", value: hex(symtab.value),
                              problem: "the symbol table address is not backed by the file in any PT_LOAD segment")
        }
        let symbols = try view.suffix(from: symOff, field: "DT_SYMTAB")
        let room = symbols.count / entrySize
        var count = 0
        var gnu: (view: ByteView, buckets: Int, symoffset: Int, bucketStart: Int, chainStart: Int)?
        var sysv: (view: ByteView, buckets: Int, chains: Int)?
        var gnuHashesNothing = false
        if let h = tag(0x6fff_fef5), let off = fileOffset(ofAddress: h.value, count: 16) {
            let v = try view.suffix(from: off, field: "DT_GNU_HASH")
            let nb = Int(try v.u32(0, order, field: "DT_GNU_HASH nbuckets"))
            let symoffset = Int(try v.u32(4, order, field: "DT_GNU_HASH symoffset"))
            let bloom = Int(try v.u32(8, order, field: "DT_GNU_HASH bloom_size"))
            let bucketStart = 16 + bloom * wordSize
            let chainStart = bucketStart + nb * 4
            guard nb > 0, nb <= v.count / 4, bloom <= v.count / max(wordSize, 1), chainStart <= v.count else {
                throw FormatError(offset: v.fileOffset, field: "DT_GNU_HASH", value: "nbuckets \(nb), bloom_size \(bloom)",
                                  problem: "the GNU hash table's header claims more than the file holds")
            }
            // The table ends where the chain of the highest bucket ends.
            var top = 0
            for b in 0..<nb { top = max(top, Int(try v.u32(UInt64(bucketStart + b * 4), order, field: "DT_GNU_HASH bucket"))) }
            if top >= symoffset && top > 0 {
                var i = top
                while i < room {
                    let h2 = try v.u32(UInt64(chainStart + (i - symoffset) * 4), order, field: "DT_GNU_HASH chain")
                    i += 1
                    if h2 & 1 != 0 { break }
                }
                count = i
            } else {
                count = min(symoffset, room)
                gnuHashesNothing = true
            }
            gnu = (v, nb, symoffset, bucketStart, chainStart)
        } else if let h = tag(4), let off = fileOffset(ofAddress: h.value, count: 8) {
            let v = try view.suffix(from: off, field: "DT_HASH")
            let nb = Int(try v.u32(0, order, field: "DT_HASH nbucket"))
            let nc = Int(try v.u32(4, order, field: "DT_HASH nchain"))
            guard nb > 0, nb <= v.count / 4, nc <= v.count / 4, 8 + (nb + nc) * 4 <= v.count else {
                throw FormatError(offset: v.fileOffset, field: "DT_HASH", value: "nbucket \(nb), nchain \(nc)",
                                  problem: "the hash table's header claims more than the file holds")
            }
            count = nc
            sysv = (v, nb, nc)
        }
        // The hash tables count what they hash; ld puts the unhashed (undefined) symbols first,
        // but with nothing hashed GNU's symoffset can still be 1. Then, or with no hash table,
        // the .dynsym section, where there is one, counts every entry.
        if gnuHashesNothing || (gnu == nil && sysv == nil), let s = try? sections().first(where: { $0.type == .dynsym }), s.hasFileBytes {
            count = max(count, min(Int(s.size / UInt64(entrySize)), room))
        }
        guard count <= room else {
            throw FormatError(offset: symtab.valueOffset, field: "DT_SYMTAB", value: String(count),
                              problem: "the hash table names \(count) symbols but only \(room) fit in the file")
        }
        var versym: ByteView?
        if let v = tag(0x6fff_fff0), let off = fileOffset(ofAddress: v.value, count: UInt64(count) * 2) {
            versym = try view.slice(off, UInt64(count) * 2, field: "DT_VERSYM")
        }
        return DynamicSymbolTable(symbols: symbols, strings: strings, versym: versym, order: order, entrySize: entrySize,
                                  wide: wordSize == 8, count: count, gnu: gnu, sysv: sysv)
    }

    /// The symbols the file's relocations name, split as ld.so processes them (elf/do-rel.h).
    public func relocationSymbols() throws(FormatError) -> RelocationSymbols {
        guard let dyn = try dynamic() else { return RelocationSymbols(immediate: [], lazy: [], bindNow: false) }
        func value(_ raw: Int64) -> UInt64? { dyn.entries.first { $0.tag.rawValue == raw }?.value }
        let bindNow = value(24) != nil || (value(30) ?? 0) & 0x8 != 0 || dyn.flags1.contains(.now)
        var copies: [Int] = []
        let copyType = header.machine.copyRelocation
        func indexes(address: UInt64?, size: UInt64?, rela: Bool, what: String) throws(FormatError) -> (range: Range<UInt64>, syms: [Int])? {
            guard let address, let size, size > 0 else { return nil }
            let ent = UInt64(wordSize == 8 ? (rela ? 24 : 16) : (rela ? 12 : 8))
            guard let off = fileOffset(ofAddress: address, count: size) else {
                throw FormatError(offset: 0, field: what, value: hex(address), problem: "the relocation table (\(size) bytes) is not backed by the file")
            }
            let table = try view.slice(off, size, field: what)
            var out: [Int] = []
            var at: UInt64 = 0
            while at + ent <= size {
                let info = try table.word(at + UInt64(wordSize), size: wordSize, order, field: "r_info")
                let sym = wordSize == 8 ? Int(info >> 32) : Int(info >> 8)
                let type = wordSize == 8 ? UInt32(truncatingIfNeeded: info) : UInt32(info & 0xff)
                if sym != 0 { out.append(sym) }
                if sym != 0, let copyType, type == copyType { copies.append(sym) }
                at += ent
            }
            return (address..<address &+ size, out)
        }
        let pltRela = value(20) == 7
        let plt = try indexes(address: value(23), size: value(2), rela: pltRela, what: "DT_JMPREL")
        var immediate: [Int] = []
        // DT_RELASZ may include the PLT relocations that follow (ld.so then skips them).
        for (addr, sz, rela, what) in [(value(7), value(8), true, "DT_RELA"), (value(17), value(18), false, "DT_REL")] {
            guard let start = addr, let size = sz else { continue }
            var a = start, s = size
            let end = start &+ size
            if let p = plt {
                if a < p.range.lowerBound, end > p.range.lowerBound { s = p.range.lowerBound - a }
                if a >= p.range.lowerBound, a < p.range.upperBound { a = p.range.upperBound; s = end > a ? end - a : 0 }
            }
            if let r = try indexes(address: a, size: s, rela: rela, what: what) { immediate += r.syms }
        }
        return RelocationSymbols(immediate: immediate, lazy: plt?.syms ?? [], bindNow: bindNow, copies: copies)
    }
}
