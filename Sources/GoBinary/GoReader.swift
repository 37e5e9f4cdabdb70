#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ELFKit

/// Reads the Go facts of an ELF, Mach-O or PE file.
///
/// Returns nil when the file is not a Go binary (no build info, no pclntab, no Go build ID);
/// throws a `FormatError` when Go structures are present but malformed (a build info blob
/// whose lengths or pointers lead outside the file, a pclntab whose header lies).
public enum GoReader {
    // MARK: - ELF

    public static func read(elf: ELFFile) throws(FormatError) -> GoFacts? {
        let loads = ((try? elf.programHeaders()) ?? []).filter { $0.type == .load }
        let space = elf.addressMap
        let sections = (try? elf.sections()) ?? []
        func named(_ n: String) -> SectionHeader? { sections.first { $0.name == n && $0.hasFileBytes } }
        // With section headers, a Go binary has Go's sections (.go.buildinfo, .gopclntab,
        // .note.go.buildid, .go.module …): without any, it is not one, and the searches below
        // (meant for files whose section headers are gone) would only cost time.
        if !sections.isEmpty && !sections.contains(where: { isGoSectionName($0.name) }) {
            return nil
        }

        // Build info: the section, else the first writable non-executable PT_LOAD segment.
        var buildInfo: GoBuildInfo?
        if let s = named(".go.buildinfo") {
            let region = try elf.data(of: s)
            if let off = GoBuildInfoReader.find(in: region, address: s.addr) {
                buildInfo = try GoBuildInfoReader.parse(region: region, offset: off, address: s.addr &+ UInt64(off), space: space)
            }
        } else if sections.isEmpty,
                  let seg = loads.first(where: { $0.flags.contains(.write) && !$0.flags.contains(.execute) && $0.filesz > 0 }),
                  let region = space.tail(at: seg.vaddr) {
            if let off = GoBuildInfoReader.find(in: region, address: seg.vaddr) {
                buildInfo = try GoBuildInfoReader.parse(region: region, offset: off, address: seg.vaddr &+ UInt64(off), space: space,
                                                        label: "Go build info (PT_LOAD at \(hex(seg.offset)))")
            }
        }

        var buildID = try? noteBuildID(elf)
        if buildID == nil {
            if let text = named(".text"), let region = try? elf.data(of: text) {
                buildID = textBuildID(region)
            } else if let seg = loads.first(where: { $0.flags.contains(.execute) }), let region = space.tail(at: seg.vaddr) {
                buildID = textBuildID(region)
            }
        }

        // pclntab: its section, else a search (external-linked PIE before Go 1.26 keeps it
        // inside .data.rel.ro; files without section headers).
        var table: GoPclntab?
        if let s = named(".gopclntab") ?? named(".data.rel.ro.gopclntab") {
            table = try GoPclntab(elf.data(of: s))
        } else if buildInfo != nil || buildID != nil || sections.contains(where: { $0.name.hasPrefix(".go.") || $0.name.hasPrefix(".note.go.") }) {
            var regions: [ByteView] = []
            for n in [".data.rel.ro", ".rodata", ".noptrdata"] {
                if let s = named(n), let r = try? elf.data(of: s) { regions.append(r) }
            }
            let readOnly = loads.filter { !$0.flags.contains(.execute) && !$0.flags.contains(.write) }
            let writable = loads.filter { !$0.flags.contains(.execute) && $0.flags.contains(.write) }
            for p in readOnly + writable {
                if let r = space.tail(at: p.vaddr) { regions.append(r) }
            }
            table = search(regions, order: elf.order, pointerSize: elf.wordSize)
        }

        if buildInfo == nil && table == nil && buildID == nil { return nil }
        return try facts(buildInfo: buildInfo, buildID: buildID, table: table)
    }

    /// The Go build ID note (name "Go", type 4: cmd/link's ELF_NOTE_GOBUILDID_TAG) as a string,
    /// from the PT_NOTE segments or, when they do not carry it, the `.note.go.buildid` section.
    public static func noteBuildID(_ elf: ELFFile) throws(FormatError) -> String? {
        if let n = try elf.notes().first(where: { $0.name == "Go" && $0.type == 4 }) { return n.desc.string }
        guard let s = try? elf.section(named: ".note.go.buildid"), s.hasFileBytes else { return nil }
        let n = try elf.notes(in: s).first { $0.name == "Go" && $0.type == 4 }
        return n?.desc.string
    }

    /// A section only Go's linker makes. Not a bare ".go" prefix: every dynamic C program
    /// has ".got" and ".got.plt".
    public static func isGoSectionName(_ name: String) -> Bool {
        name == ".gopclntab" || name == ".gosymtab" || name.hasASCIIPrefix(".go.") || name.hasASCIIPrefix(".note.go.")
            || name.hasASCIIPrefix(".data.rel.ro.go")
    }

    // MARK: - Mach-O

    public static func read(macho: MachOFile) throws(FormatError) -> GoFacts? {
        let segs = macho.segments.filter { $0.name != "__PAGEZERO" && $0.filesize > 0 }
        let space = macho.addressMap
        var buildInfo: GoBuildInfo?
        if let s = macho.section(named: "__go_buildinfo") {
            let region = try macho.data(of: s)
            if let off = GoBuildInfoReader.find(in: region, address: s.addr) {
                buildInfo = try GoBuildInfoReader.parse(region: region, offset: off, address: s.addr &+ UInt64(off), space: space,
                                                        label: "__go_buildinfo")
            }
        } else if let seg = segs.first(where: { $0.vmaddr != 0 && $0.initprot == 3 && $0.maxprot == 3 }),
                  let region = space.tail(at: seg.vmaddr) {
            // Before the section existed, the blob sat near the start of the first RW segment.
            if let off = GoBuildInfoReader.find(in: region, address: seg.vmaddr) {
                buildInfo = try GoBuildInfoReader.parse(region: region, offset: off, address: seg.vmaddr &+ UInt64(off), space: space,
                                                        label: "Go build info (\(seg.name))")
            }
        }
        var buildID: String?
        if let text = macho.section(named: "__text", segment: "__TEXT"), let region = try? macho.data(of: text) {
            buildID = textBuildID(region)
        }
        var table: GoPclntab?
        if let s = macho.section(named: "__gopclntab") {
            table = try GoPclntab(macho.data(of: s))
        } else if buildInfo != nil || buildID != nil {
            let regions = segs.filter { $0.name != "__LINKEDIT" }.compactMap { space.tail(at: $0.vmaddr) }
            table = search(regions, order: macho.order, pointerSize: macho.is64 ? 8 : 4)
        }
        if buildInfo == nil && table == nil && buildID == nil { return nil }
        return try facts(buildInfo: buildInfo, buildID: buildID, table: table)
    }

    // MARK: - PE

    public static func read(pe: PEFile) throws(FormatError) -> GoFacts? {
        let space = pe.addressMap
        // Build info: the first initialized, readable, writable data section (debug/buildinfo).
        let rw = PESection.cntInitializedData | PESection.memRead | PESection.memWrite
        var buildInfo: GoBuildInfo?
        if let s = pe.sections.first(where: { $0.virtualAddress != 0 && $0.sizeOfRawData != 0 && $0.characteristics & ~0x0060_0000 == rw })
            ?? pe.section(named: ".data") {
            let region = try pe.data(of: s)
            let addr = pe.imageBase &+ UInt64(s.virtualAddress)
            if let off = GoBuildInfoReader.find(in: region, address: addr) {
                buildInfo = try GoBuildInfoReader.parse(region: region, offset: off, address: addr &+ UInt64(off), space: space,
                                                        label: "Go build info (\(s.name))")
            }
        }
        var buildID: String?
        if let text = pe.section(named: ".text"), let region = try? pe.data(of: text) {
            buildID = textBuildID(region)
        }
        var table: GoPclntab?
        if buildInfo != nil || buildID != nil {
            // No section of its own and the runtime.pclntab symbol is gone when stripped: search.
            let order = [".rdata", ".data", ".text"]
            let ranked = pe.sections.sorted { (order.firstIndex(of: $0.name) ?? 9) < (order.firstIndex(of: $1.name) ?? 9) }
            let regions = ranked.filter { $0.characteristics & PESection.cntUninitializedData == 0 }.compactMap { try? pe.data(of: $0) }
            table = search(regions, order: .little, pointerSize: pe.is64 ? 8 : 4)
        }
        if buildInfo == nil && table == nil && buildID == nil { return nil }
        return try facts(buildInfo: buildInfo, buildID: buildID, table: table)
    }

    // MARK: - Any format

    /// Sniffs the format (ELF, thin or fat Mach-O, PE) and reads it; nil for other formats and
    /// for files that are not Go binaries. A fat file yields its first Go architecture.
    public static func read(view: ByteView) throws(FormatError) -> GoFacts? {
        if view.hasBytes(ELFFile.magic) { return try read(elf: ELFFile(view)) }
        if MachOFile.isMachO(view) { return try read(macho: MachOFile(view)) }
        if MachOFat.isFat(view) {
            for arch in try MachOFat.architectures(view) {
                let sub = try view.slice(arch.offset, arch.size, field: "fat architecture \(arch.cpuName)")
                if MachOFile.isMachO(sub), let f = try read(macho: MachOFile(sub)) { return f }
            }
            return nil
        }
        if PEFile.isPE(view) { return try read(pe: PEFile(view)) }
        return nil
    }

    // MARK: - Shared

    static func search(_ regions: [ByteView], order: ByteOrder, pointerSize: Int) -> GoPclntab? {
        for r in regions {
            if let t = GoPclntab.find(in: r, order: order, pointerSize: pointerSize) { return t }
        }
        return nil
    }

    static func facts(buildInfo: GoBuildInfo?, buildID: String?, table: GoPclntab?) throws(FormatError) -> GoFacts {
        var f = GoFacts(buildInfo: buildInfo, goBuildID: buildID)
        guard let table else { return f }
        var scan = GoNameScan()
        if table.withFunctionNameTable({ scan.scanTable($0) }) == nil {
            try table.forEachFunctionName { scan.add($0); return true }
        }
        let (packages, signals) = scan.finish()
        f.packages = packages
        f.signals = signals
        f.pclntabVersion = table.version
        f.functionCount = table.functionCount
        f.absoluteBuildPaths = try absolutePaths(table)
        if buildInfo?.setting("GOOS") == nil, let (os, file) = try runtimeOS(table) {
            f.runtimeOS = os
            f.runtimeOSFile = file
        }
        return f
    }

    /// The GOOS whose `runtime/os_<goos>.go` is among the source files (each runtime has
    /// exactly one of them; illumos builds have os_solaris.go too, and os_illumos.go wins).
    /// Not `os_nonopenbsd.go` or `os_linux_x86.go`: only the whole base name counts.
    static func runtimeOS(_ table: GoPclntab) throws(FormatError) -> (String, String)? {
        var found: (String, String)?
        try table.forEachSourceFile { b in
            guard b.count > 14, b[b.count - 3] == UInt8(ascii: "."), b[b.count - 2] == UInt8(ascii: "g"), b[b.count - 1] == UInt8(ascii: "o") else { return true }
            let path = String(decoding: b, as: UTF8.self)
            guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return true }
            let base = path[path.index(after: slash)...]
            let dir = path[..<slash]
            guard dir == "runtime" || dir.hasSuffix("/src/runtime"), base.hasPrefix("os_") else { return true }
            let goos = String(base.dropFirst(3).dropLast(3))
            guard runtimeOSNames.contains(goos) else { return true }
            if found == nil || goos == "illumos" { found = (goos, "runtime/" + base) }
            return goos != "illumos"
        }
        return found
    }

    static let runtimeOSNames: Set<String> = ["linux", "freebsd", "netbsd", "openbsd", "dragonfly", "solaris", "illumos", "darwin", "windows",
                                              "aix", "plan9", "js", "wasip1"]

    /// Up to five absolute source paths: the program's own files first, then module cache
    /// files, then GOROOT files. Empty with `-trimpath`.
    static func absolutePaths(_ table: GoPclntab, limit: Int = 5) throws(FormatError) -> [String] {
        // GOROOT is what precedes "/src/runtime/" in the path of a runtime file.
        var goroot: [UInt8]?
        let runtimeMarker: StaticString = "/src/runtime/"
        try table.forEachSourceFile { b in
            guard isAbsolute(b), let r = find(runtimeMarker, in: b) else { return true }
            goroot = Array(b[0..<(r + 5)])   // through "/src/"
            return false
        }
        let modCache: StaticString = "/pkg/mod/"
        var own: [String] = [], deps: [String] = [], std: [String] = []
        try table.forEachSourceFile { b in
            guard isAbsolute(b) else { return true }
            if let g = goroot, hasPrefix(b, g) {
                if std.count < limit { std.append(String(decoding: b, as: UTF8.self)) }
            } else if find(modCache, in: b) != nil {
                if deps.count < limit { deps.append(String(decoding: b, as: UTF8.self)) }
            } else if own.count < limit {
                own.append(String(decoding: b, as: UTF8.self))
            }
            return own.count < limit
        }
        return Array((own + deps + std).prefix(limit))
    }

    static func hasPrefix(_ b: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard b.count >= prefix.count, let base = b.baseAddress else { return prefix.isEmpty }
        return prefix.withUnsafeBytes { p in p.baseAddress.map { memcmp(base, $0, p.count) == 0 } ?? true }
    }

    static func isAbsolute(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let c = b.first else { return false }
        if c == UInt8(ascii: "/") { return true }
        // C:\ or C:/
        if b.count >= 3, (c >= 65 && c <= 90) || (c >= 97 && c <= 122), b[1] == UInt8(ascii: ":"),
           b[2] == UInt8(ascii: "\\") || b[2] == UInt8(ascii: "/") { return true }
        return false
    }

    static func find(_ needle: StaticString, in hay: UnsafeRawBufferPointer) -> Int? {
        ByteSearch.firstIndex(of: UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: hay)
    }

    static func trimNUL(_ s: String) -> String {
        var t = Substring(s)
        while t.last == "\0" { t = t.dropLast() }
        return String(t)
    }

    /// The `\xff Go build ID: "…"\n \xff` text the linker puts at the start of the text
    /// segment (`go:buildid`), searched in its first 4 KiB.
    static func textBuildID(_ region: ByteView) -> String? {
        let prefix: [UInt8] = [0xff] + Array(" Go build ID: \"".utf8)
        let head = (try? region.slice(0, UInt64(min(region.count, 4096)), field: "")) ?? region
        guard let at = head.firstOffset(of: prefix) else { return nil }
        var i = at + prefix.count
        var out: [UInt8] = []
        while let b = head[safe: i], b != UInt8(ascii: "\""), out.count < 256 {
            out.append(b)
            i += 1
        }
        guard head[safe: i] == UInt8(ascii: "\""), !out.isEmpty else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
