import CElfShim
import ELFKit

/// Compares what ELFKit reads with what libelf (elfutils, loaded at run time) reads from the
/// same file: the header, every program and section header, every dynamic entry, and the
/// symbol counts. For users who doubt a verdict, and for the differential tests.
public enum LibelfCrossCheck {
    /// Loads libelf; the error says how to install it when it is missing.
    public static func load() -> Result<Void, CrossCheckError> {
        var buf = [CChar](repeating: 0, count: 512)
        if se_libelf_load(&buf, buf.count) != 0 {
            return .failure(CrossCheckError(message: String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        }
        return .success(())
    }

    public struct CrossCheckError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The result of one comparison.
    public struct Report: Sendable {
        public var path: String
        /// What was compared: (what, count).
        public var compared: [(String, Int)] = []
        /// Each disagreement, in words.
        public var mismatches: [String] = []
        public var agrees: Bool { mismatches.isEmpty }
    }

    /// Compares libelf and ELFKit on `path`. Throws when either cannot read the file at all.
    public static func compare(path: String) throws -> Report {
        if case .failure(let e) = load() { throw e }
        var err = [CChar](repeating: 0, count: 512)
        guard let handle = se_elf_open(path, &err, err.count) else {
            throw CrossCheckError(message: String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { se_elf_close(handle) }
        let file = try MappedFile(path: path)
        let elf = try ELFFile(file.view)
        var r = Report(path: path)
        func check<T: Equatable>(_ what: String, _ ours: T, _ theirs: T) {
            if ours != theirs { r.mismatches.append("\(what): staticcheck-elf \(ours), libelf \(theirs)") }
        }

        var h = se_ehdr()
        guard se_elf_ehdr(handle, &h) == 0 else { throw CrossCheckError(message: "libelf: gelf_getehdr failed: \(String(cString: se_elf_errmsg()))") }
        let e = elf.header
        check("class", e.bits, h.cls == 2 ? 64 : 32)
        check("data", e.order == .little ? 1 : 2, Int(h.data))
        check("e_type", e.type.rawValue, h.type)
        check("e_machine", e.machine.rawValue, h.machine)
        check("e_version", e.version, h.version)
        check("e_entry", e.entry, h.entry)
        check("e_phoff", e.phoff, h.phoff)
        check("e_shoff", e.shoff, h.shoff)
        check("e_flags", e.flags, h.flags)
        check("e_ehsize", e.ehsize, h.ehsize)
        check("e_phentsize", e.phentsize, h.phentsize)
        check("e_shentsize", e.shentsize, h.shentsize)
        r.compared.append(("header fields", 14))

        let phdrs = try elf.programHeaders()
        check("program header count", UInt64(phdrs.count), h.phnum)
        for (i, p) in phdrs.enumerated() where UInt64(i) < h.phnum {
            var q = se_phdr()
            guard se_elf_phdr(handle, i, &q) == 0 else { r.mismatches.append("program header \(i): libelf cannot read it"); continue }
            check("program header \(i) p_type", p.type.rawValue, q.type)
            check("program header \(i) p_flags", p.flags.rawValue, q.flags)
            check("program header \(i) p_offset", p.offset, q.offset)
            check("program header \(i) p_vaddr", p.vaddr, q.vaddr)
            check("program header \(i) p_paddr", p.paddr, q.paddr)
            check("program header \(i) p_filesz", p.filesz, q.filesz)
            check("program header \(i) p_memsz", p.memsz, q.memsz)
            check("program header \(i) p_align", p.align, q.align)
        }
        r.compared.append(("program headers", phdrs.count))

        let sections = try elf.sections()
        let counts = try elf.sectionCounts()
        check("section header count", UInt64(sections.count), h.shnum)
        if !sections.isEmpty { check("section name table index", counts.shstrndx, h.shstrndx) }
        var ourSymbols = 0, theirSymbols: UInt64 = 0
        for s in sections where UInt64(s.index) < h.shnum {
            var q = se_shdr()
            guard se_elf_shdr(handle, s.index, &q) == 0 else { r.mismatches.append("section \(s.index): libelf cannot read it"); continue }
            let name = withUnsafeBytes(of: q.name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            check("section \(s.index) name", s.name, name)
            check("section \(s.index) (\(s.name)) sh_type", s.type.rawValue, q.type)
            check("section \(s.index) (\(s.name)) sh_flags", s.flags.rawValue, q.flags)
            check("section \(s.index) (\(s.name)) sh_addr", s.addr, q.addr)
            check("section \(s.index) (\(s.name)) sh_offset", s.offset, q.offset)
            check("section \(s.index) (\(s.name)) sh_size", s.size, q.size)
            check("section \(s.index) (\(s.name)) sh_link", s.link, q.link)
            check("section \(s.index) (\(s.name)) sh_info", s.info, q.info)
            check("section \(s.index) (\(s.name)) sh_entsize", s.entsize, q.entsize)
            if s.type == .symtab || s.type == .dynsym {
                let n = elf.symbolCount(in: s)
                check("section \(s.index) (\(s.name)) symbol count", UInt64(n), q.symbols)
                ourSymbols += n
                theirSymbols += q.symbols
            }
        }
        r.compared.append(("section headers", sections.count))
        r.compared.append(("symbols", ourSymbols))

        if let dyn = try elf.dynamic() {
            // Bounded by the entries we read (which are bounded by the segment's bytes) + 1.
            var buf = [se_dyn](repeating: se_dyn(), count: dyn.entries.count + 1)
            let n = se_elf_dynamic(handle, &buf, buf.count)
            check("dynamic entry count", dyn.entries.count, Int(n))
            for (i, d) in dyn.entries.enumerated() where i < Int(n) {
                check("dynamic entry \(i) d_tag", d.tag.rawValue, buf[i].tag)
                check("dynamic entry \(i) d_val", d.value, buf[i].val)
            }
            r.compared.append(("dynamic entries", dyn.entries.count))
        }
        return r
    }
}
