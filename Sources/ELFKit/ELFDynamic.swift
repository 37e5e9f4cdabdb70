public struct DynamicEntry: Hashable, Sendable {
    public var tag: DynamicTag
    public var value: UInt64
    /// File offset of the entry's d_val/d_ptr field, for messages.
    public var valueOffset: UInt64 = 0

    public init(tag: DynamicTag, value: UInt64, valueOffset: UInt64 = 0) {
        self.tag = tag
        self.value = value
        self.valueOffset = valueOffset
    }
}

/// What the dynamic segment says, with strings resolved through DT_STRTAB.
public struct DynamicInfo: Hashable, Sendable {
    /// Entries up to and including the first DT_NULL.
    public var entries: [DynamicEntry] = []
    public var needed: [String] = []
    public var soname: String?
    public var rpath: [String] = []
    public var runpath: [String] = []
    public var flags1: DynamicFlags1 = []
}

/// One file's entry in the version-needs table (.gnu.version_r): the library and the symbol
/// versions required from it, e.g. libc.so.6 → [GLIBC_2.2.5, GLIBC_2.34].
public struct VersionNeed: Hashable, Sendable {
    public var file: String
    public var versions: [String]
    /// The same versions with their flags and index (`vna_other`, what `.gnu.version` names).
    public var requirements: [VersionRequirement] = []
}

/// One `Vernaux` entry: a version required from a file.
public struct VersionRequirement: Hashable, Sendable {
    public var name: String
    /// VER_FLG_WEAK (0x2): a missing weak version is only a warning.
    public var weak: Bool
    /// `vna_other`: the index `.gnu.version` entries use for this version.
    public var index: UInt16
}

extension ELFFile {
    // MARK: - Interpreter and dynamic segment

    /// The PT_INTERP path, or nil when the file has none. Throws when the segment lies outside
    /// the file or its string is not NUL-terminated.
    public func interpreter() throws(FormatError) -> String? {
        if let interpreterCache { return try interpreterCache.get() }
        let r = Result(catching: readInterpreter)
        interpreterCache = r
        return try r.get()
    }

    /// Where `p_filesz` of a program header sits in the file (32 bytes into an Elf64_Phdr, 16
    /// into an Elf32_Phdr): the field an error about a segment's size points at.
    public func fileszOffset(of p: ProgramHeader) -> UInt64 {
        p.headerOffset &+ UInt64(wordSize == 8 ? 32 : 16)
    }

    private func readInterpreter() throws(FormatError) -> String? {
        guard let p = try programHeaders().first(where: { $0.type == .interp }) else { return nil }
        guard view.contains(p.offset, p.filesz) else {
            throw FormatError(offset: fileszOffset(of: p), field: "p_filesz of PT_INTERP", value: hex(p.filesz),
                              problem: "the interpreter path at \(hex(p.offset)) would run past end of file (size \(view.count))")
        }
        guard p.filesz > 0 else {
            throw FormatError(offset: fileszOffset(of: p), field: "p_filesz of PT_INTERP", value: "0", problem: "PT_INTERP is empty (p_filesz 0)")
        }
        let bytes = try view.slice(p.offset, p.filesz, field: "PT_INTERP segment (program header at \(hex(p.headerOffset)))")
        guard let last = bytes[safe: bytes.count - 1], last == 0 else {
            throw FormatError(offset: p.offset &+ p.filesz &- 1, field: "PT_INTERP path", value: nil,
                              problem: "interpreter path at \(hex(p.offset)) is not NUL-terminated within p_filesz (\(p.filesz))")
        }
        return try bytes.cString(0, field: "PT_INTERP path")
    }

    /// The dynamic segment, found from PT_DYNAMIC (so it works with section headers stripped),
    /// with DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH resolved through DT_STRTAB. Nil for a
    /// file without PT_DYNAMIC.
    public func dynamic() throws(FormatError) -> DynamicInfo? {
        if let dynamicCache { return try dynamicCache.get() }
        let r = Result(catching: readDynamic)
        dynamicCache = r
        return try r.get()
    }

    private func readDynamic() throws(FormatError) -> DynamicInfo? {
        guard let p = try programHeaders().first(where: { $0.type == .dynamic }) else { return nil }
        let seg = try data(of: p)
        let entsize = UInt64(2 * wordSize)
        var info = DynamicInfo()
        var offset: UInt64 = 0
        var terminated = false
        while offset + entsize <= UInt64(seg.count) {
            let tagRaw = try seg.word(offset, size: wordSize, order, field: "d_tag")
            let value = try seg.word(offset + UInt64(wordSize), size: wordSize, order, field: "d_val")
            let tag = DynamicTag(rawValue: wordSize == 8 ? Int64(bitPattern: tagRaw) : Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: tagRaw))))
            info.entries.append(DynamicEntry(tag: tag, value: value, valueOffset: p.offset &+ offset &+ UInt64(wordSize)))
            offset += entsize
            if tag == .null { terminated = true; break }
        }
        guard terminated else {
            if info.entries.isEmpty {
                throw FormatError(offset: fileszOffset(of: p), field: "p_filesz of PT_DYNAMIC", value: String(p.filesz),
                                  problem: "PT_DYNAMIC is empty (p_filesz \(p.filesz)): it holds no dynamic entry, not even DT_NULL")
            }
            throw FormatError(offset: p.offset &+ p.filesz, field: "PT_DYNAMIC", value: nil,
                              problem: "the dynamic segment at \(hex(p.offset)) (\(info.entries.count) entries, \(p.filesz) bytes) has no DT_NULL entry to end it")
        }
        let strings: ByteView? = try dynamicStrings(info.entries)
        func str(_ e: DynamicEntry, _ what: String) throws(FormatError) -> String {
            guard let strings else {
                throw FormatError(offset: p.offset, field: what, value: hex(e.value), problem: "the dynamic segment has no DT_STRTAB")
            }
            guard e.value < UInt64(strings.count) else {
                throw FormatError(offset: e.valueOffset, field: what, value: hex(e.value),
                                  problem: "string offset lies past the end of the dynamic string table (DT_STRSZ \(strings.count))")
            }
            return try strings.cString(e.value, field: "\(what) string (DT_STRTAB+\(hex(e.value)))")
        }
        for e in info.entries {
            switch e.tag {
            case .needed: info.needed.append(try str(e, "DT_NEEDED"))
            case .soname: info.soname = try str(e, "DT_SONAME")
            case .rpath: info.rpath += try str(e, "DT_RPATH").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            case .runpath: info.runpath += try str(e, "DT_RUNPATH").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            case .flags1: info.flags1 = DynamicFlags1(rawValue: e.value)
            default: break
            }
        }
        return info
    }

    /// The dynamic string table: DT_STRTAB mapped through PT_LOAD, DT_STRSZ bytes long.
    /// The dynamic string table as ld.so reads it for symbol-version names: from DT_STRTAB to
    /// the end of the PT_LOAD segment that holds it, DT_STRSZ not consulted (old binutils wrote a
    /// DT_STRSZ shorter than .dynstr with version names past it; ld.so and readelf read them).
    /// Falls back to `dynamicStrings` when no segment holds the address.
    func loaderStrings(_ entries: [DynamicEntry]) throws(FormatError) -> ByteView? {
        guard let strtab = entries.first(where: { $0.tag == .strtab }) else { return nil }
        for p in try programHeaders() where p.type == .load && strtab.value >= p.vaddr && strtab.value - p.vaddr < p.filesz {
            let delta = strtab.value - p.vaddr
            let (start, overflow) = p.offset.addingReportingOverflow(delta)
            guard !overflow, start < UInt64(view.count) else { break }
            let length = min(p.filesz - delta, UInt64(view.count) - start)
            if let v = try? view.slice(start, length, field: "DT_STRTAB") { return v }
        }
        return try dynamicStrings(entries)
    }

    func dynamicStrings(_ entries: [DynamicEntry]) throws(FormatError) -> ByteView? {
        guard let strtab = entries.first(where: { $0.tag == .strtab }) else { return nil }
        let size = entries.first(where: { $0.tag == .strsz })?.value
        guard let off = fileOffset(ofAddress: strtab.value, count: size ?? 1) else {
            throw FormatError(offset: strtab.valueOffset, field: "DT_STRTAB", value: hex(strtab.value),
                              problem: "string table address\(size.map { " (DT_STRSZ \($0))" } ?? "") is not backed by the file in any PT_LOAD segment")
        }
        if let size { return try view.slice(off, size, field: "DT_STRTAB") }
        return try view.suffix(from: off, field: "DT_STRTAB")
    }

    /// A separate debug-info file (`objcopy --only-keep-debug`, the `.debug` files of debug
    /// packages): its code sections are kept as headers only (an SHF_ALLOC|SHF_EXECINSTR
    /// section of SHT_NOBITS with a size), none has bytes, and the program headers are stale
    /// (file sizes 0). False when the section headers cannot be read.
    public func isSeparateDebugFile() -> Bool {
        guard let sections = try? sections() else { return false }
        var emptyCode = false
        for s in sections where s.flags.contains(.alloc) && s.flags.contains(.execInstr) && s.size > 0 {
            if s.hasFileBytes { return false }
            emptyCode = true
        }
        return emptyCode
    }

    /// True for a static PIE: ET_DYN with an entry point, no PT_INTERP, and no DT_NEEDED.
    public func isStaticPIE() throws(FormatError) -> Bool {
        guard header.type == .dyn, header.entry != 0, try interpreter() == nil else { return false }
        guard try programHeaders().contains(where: { $0.type == .dynamic }) else { return false }
        return (try dynamic()?.needed.isEmpty) ?? true
    }

    // MARK: - Symbol versions

    /// The symbol versions required per library, from DT_VERNEED/DT_VERNEEDNUM (falling back to
    /// the .gnu.version_r section when the dynamic segment lacks them).
    public func versionNeeds() throws(FormatError) -> [VersionNeed] {
        guard let dyn = try dynamic() else { return [] }
        guard let vn = dyn.entries.first(where: { $0.tag == .verneed }) else { return [] }
        let num = dyn.entries.first(where: { $0.tag == .verneednum })?.value ?? 0
        guard let strings = try loaderStrings(dyn.entries) else { return [] }
        guard let start = fileOffset(ofAddress: vn.value, count: 16) else {
            throw FormatError(offset: 0, field: "DT_VERNEED", value: hex(vn.value),
                              problem: "version-needs table is not backed by the file in any PT_LOAD segment")
        }
        var out: [VersionNeed] = []
        var at = start
        // Every entry is at least 16 bytes, so no honest table has more entries than the file
        // has 16-byte blocks: the loop bound comes from the file size, not from its counts.
        var budget = view.count / 16
        var i: UInt64 = 0
        while i < num, budget > 0 {
            budget -= 1
            var c = ByteCursor(view, at: at, order: order)
            _ = try c.u16("vn_version")
            let cnt = try c.u16("vn_cnt")
            let file = try c.u32("vn_file"), aux = try c.u32("vn_aux"), next = try c.u32("vn_next")
            var need = VersionNeed(file: try strings.cString(UInt64(file), field: "vn_file string"), versions: [])
            var a = at &+ UInt64(aux)
            var j: UInt16 = 0
            while j < cnt, budget > 0 {
                budget -= 1
                var ac = ByteCursor(view, at: a, order: order)
                _ = try ac.u32("vna_hash")
                let flags = try ac.u16("vna_flags"), other = try ac.u16("vna_other")
                let name = try ac.u32("vna_name"), anext = try ac.u32("vna_next")
                let version = try strings.cString(UInt64(name), field: "vna_name string")
                need.versions.append(version)
                need.requirements.append(VersionRequirement(name: version, weak: flags & 0x2 != 0, index: other & 0x7fff))
                if anext == 0 { break }
                a = a &+ UInt64(anext)
                j += 1
            }
            out.append(need)
            if next == 0 { break }
            at = at &+ UInt64(next)
            i += 1
        }
        return out
    }

    /// The versions this object defines (`.gnu.version_d`, DT_VERDEF), without the base entry
    /// (VER_FLG_BASE, the file's own name): what ld.so matches a requirement against
    /// (elf/dl-version.c `match_symbol`). Empty when the object has no DT_VERDEF.
    public func versionDefinitions() throws(FormatError) -> [String] {
        try versionDefinitionTable().filter { !$0.isBase }.map(\.name)
    }

    /// Every `Verdef` entry with its index (`vd_ndx`, what `.gnu.version` entries of defined
    /// symbols name), the base entry (VER_FLG_BASE: the file's own soname) included.
    public func versionDefinitionTable() throws(FormatError) -> [VersionDefinition] {
        guard let dyn = try dynamic() else { return [] }
        guard let vd = dyn.entries.first(where: { $0.tag == .verdef }) else { return [] }
        let num = dyn.entries.first(where: { $0.tag == .verdefnum })?.value ?? 0
        guard let strings = try loaderStrings(dyn.entries) else { return [] }
        guard let start = fileOffset(ofAddress: vd.value, count: 20) else {
            throw FormatError(offset: 0, field: "DT_VERDEF", value: hex(vd.value),
                              problem: "version-definitions table is not backed by the file in any PT_LOAD segment")
        }
        var out: [VersionDefinition] = []
        var at = start
        // Each Verdef is 20 bytes: the file size bounds the loop, not its counts.
        var budget = view.count / 20
        var i: UInt64 = 0
        while i < num, budget > 0 {
            budget -= 1
            var c = ByteCursor(view, at: at, order: order)
            _ = try c.u16("vd_version")
            let flags = try c.u16("vd_flags")
            let ndx = try c.u16("vd_ndx")
            let cnt = try c.u16("vd_cnt")
            _ = try c.u32("vd_hash")
            let aux = try c.u32("vd_aux"), next = try c.u32("vd_next")
            if cnt > 0 {
                // The first Verdaux names the version; later ones name its parents.
                var ac = ByteCursor(view, at: at &+ UInt64(aux), order: order)
                let name = try ac.u32("vda_name")
                out.append(VersionDefinition(index: ndx, name: try strings.cString(UInt64(name), field: "vda_name string"), isBase: flags & 0x1 != 0))
            }
            if next == 0 { break }
            at = at &+ UInt64(next)
            i += 1
        }
        return out
    }
}

/// One `Verdef` entry: a version a file defines.
public struct VersionDefinition: Hashable, Sendable {
    /// `vd_ndx`: the index `.gnu.version` uses for symbols of this version.
    public var index: UInt16
    public var name: String
    /// VER_FLG_BASE: the entry naming the file itself, not a symbol version.
    public var isBase: Bool
}
