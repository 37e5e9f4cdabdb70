public struct Note: Sendable {
    public var name: String
    public var type: UInt32
    public var desc: ByteView
}

extension ELFFile {
    // MARK: - Notes

    /// The notes of every PT_NOTE segment (or, without program headers, every SHT_NOTE section).
    public func notes() throws(FormatError) -> [Note] {
        if let notesCache { return try notesCache.get() }
        let r = Result(catching: readNotes)
        notesCache = r
        return try r.get()
    }

    private func readNotes() throws(FormatError) -> [Note] {
        var regions: [(ByteView, UInt64)] = []
        for p in try programHeaders() where p.type == .note {
            regions.append((try data(of: p), p.align == 8 ? 8 : 4))
        }
        var fromSections = false
        if regions.isEmpty {
            // Without PT_NOTE: the SHT_NOTE sections that are notes (loaded, or named `.note…`);
            // some toolchains type DWARF sections SHT_NOTE (TI's `.debug_info`).
            for s in (try? sections()) ?? [] where s.type == .note && (s.flags.contains(.alloc) || s.name.hasPrefix(".note")) {
                guard let d = try? data(of: s) else { continue }
                regions.append((d, s.addralign == 8 ? 8 : 4))
            }
            fromSections = true
        }
        var out: [Note] = []
        for (region, align) in regions {
            // A PT_NOTE segment is the kernel's to read: damage there is an error. A note
            // section the kernel never maps gives the notes before its damage.
            if fromSections {
                out += notesLeniently(in: region, align: align)
            } else {
                out += try notes(in: region, align: align)
            }
        }
        return out
    }

    /// The notes of a region up to the first one that cannot be read.
    private func notesLeniently(in region: ByteView, align: UInt64) -> [Note] {
        var out: [Note] = []
        var off: UInt64 = 0
        while off + 12 <= UInt64(region.count) {
            var c = ByteCursor(region, at: off, order: order)
            guard let namesz = try? UInt64(c.u32("n_namesz")), let descsz = try? UInt64(c.u32("n_descsz")), let type = try? c.u32("n_type"),
                  let nameBytes = try? region.slice(off + 12, namesz, field: "note name") else { break }
            let descOff = off + alignUp(12 + namesz, align)
            guard let desc = try? region.slice(descOff, descsz, field: "note descriptor") else { break }
            out.append(Note(name: String(decoding: nameBytes.bytes.prefix { $0 != 0 }, as: UTF8.self), type: type, desc: desc))
            off = alignUp(descOff + descsz, align)
        }
        return out
    }

    /// The notes of one section, whatever its type (a note that is not in a PT_NOTE segment
    /// is found this way), aligned to 8 bytes when its sh_addralign is 8 and to 4 otherwise.
    public func notes(in s: SectionHeader) throws(FormatError) -> [Note] {
        try notes(in: try data(of: s), align: s.addralign == 8 ? 8 : 4)
    }

    /// The notes of one note region (a PT_NOTE segment or an SHT_NOTE section).
    private func notes(in region: ByteView, align: UInt64) throws(FormatError) -> [Note] {
        var out: [Note] = []
        var off: UInt64 = 0
        while off + 12 <= UInt64(region.count) {
            var c = ByteCursor(region, at: off, order: order)
            let namesz = UInt64(try c.u32("n_namesz")), descsz = UInt64(try c.u32("n_descsz")), type = try c.u32("n_type")
            let nameBytes = try region.slice(off + 12, namesz, field: "note name")
            let name = String(decoding: nameBytes.bytes.prefix { $0 != 0 }, as: UTF8.self)
            // gABI: the descriptor and the next note start at the next `align` boundary
            // from the note's start (binutils' readelf computes the same).
            let descOff = off + alignUp(12 + namesz, align)
            let desc = try region.slice(descOff, descsz, field: "note descriptor")
            out.append(Note(name: name, type: type, desc: desc))
            off = alignUp(descOff + descsz, align)
        }
        return out
    }

    private func alignUp(_ v: UInt64, _ a: UInt64) -> UInt64 { (v &+ a &- 1) / a * a }

    /// The GNU build ID (NT_GNU_BUILD_ID) as lowercase hex.
    public func gnuBuildID() throws(FormatError) -> String? {
        guard let n = try notes().first(where: { $0.name == "GNU" && $0.type == 3 }) else { return nil }
        return n.desc.withUnsafeBytes { String.lowercaseHex($0) }
    }
}
