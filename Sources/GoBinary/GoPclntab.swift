#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ELFKit

/// The Go function table (`runtime.pclntab`, `debug/gosym.LineTable`), read only as far as
/// function names and source file names: it survives `-ldflags="-s -w"`.
///
/// Layouts (`src/runtime/symtab.go` pcHeader, `src/debug/gosym/pclntab.go`):
/// - 1.2 (magic 0xfffffffb, Go 1.2–1.15): header, nfunc, functab of (pc, funcoff) words, then a
///   uint32 file table offset; names through `_func.nameoff` (relative to the table start).
/// - 1.16 (0xfffffffa): words nfunc, nfiles, funcnameOffset, cuOffset, filetabOffset,
///   pctabOffset, pclnOffset.
/// - 1.18 (0xfffffff0) and 1.20 (0xfffffff1, Go 1.20+): nfunc, nfiles, textStart (0 since
///   Go 1.26), funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset.
/// From 1.16 on, funcnametab (funcnameOffset..<cuOffset) holds NUL-terminated function names
/// and filetab (filetabOffset..<pctabOffset) NUL-terminated file names.
public struct GoPclntab: @unchecked Sendable {
    public enum Version: String, Hashable, Sendable, Comparable {
        case go12 = "1.2"
        case go116 = "1.16"
        case go118 = "1.18"
        case go120 = "1.20"

        var rank: Int {
            switch self {
            case .go12: return 0
            case .go116: return 1
            case .go118: return 2
            case .go120: return 3
            }
        }
        public static func < (a: Version, b: Version) -> Bool { a.rank < b.rank }

        init?(magic: UInt32) {
            switch magic {
            case 0xffff_fffb: self = .go12
            case 0xffff_fffa: self = .go116
            case 0xffff_fff0: self = .go118
            case 0xffff_fff1: self = .go120
            default: return nil
            }
        }
    }

    public let version: Version
    public let pointerSize: Int
    public let order: ByteOrder
    /// The PC quantum (minimum instruction size): 1, 2 or 4.
    public let quantum: UInt8
    public let functionCount: Int
    public let fileCount: Int
    /// The table, from its header to the end of the section (or of the region searched).
    public let data: ByteView

    /// 1.16+: funcnametab and filetab as byte ranges of `data`.
    let funcnames: Range<Int>
    let files: Range<Int>
    /// 1.2: offset of the functab and of the file table (uint32 count, then uint32 offsets).
    let functabOffset: Int
    let filetabOffset: Int

    /// Parses and validates the header of a table that starts at the first byte of `data`.
    /// Throws a `FormatError` (with the file offset) when the header or its offsets are bad.
    public init(_ data: ByteView) throws(FormatError) {
        self.data = data
        guard data.count >= 16 else {
            throw FormatError(offset: data.fileOffset, field: "pclntab header", value: nil,
                              problem: "table is \(data.count) bytes, shorter than its 16-byte header")
        }
        let le = try data.u32(0, .little, field: "pcHeader.magic")
        let be = try data.u32(0, .big, field: "pcHeader.magic")
        let order: ByteOrder
        let version: Version
        if let v = Version(magic: le) {
            (order, version) = (.little, v)
        } else if let v = Version(magic: be) {
            (order, version) = (.big, v)
        } else {
            throw FormatError(offset: data.fileOffset, field: "pcHeader.magic", value: hex(le),
                              problem: "not a Go pclntab magic (0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1)")
        }
        let pad1 = try data.u8(4, field: "pcHeader.pad"), pad2 = try data.u8(5, field: "pcHeader.pad")
        let quantum = try data.u8(6, field: "pcHeader.minLC")
        let ptr = try data.u8(7, field: "pcHeader.ptrSize")
        guard pad1 == 0, pad2 == 0 else {
            throw FormatError(offset: data.fileOffset + 4, field: "pcHeader.pad", value: "\(pad1),\(pad2)", problem: "must be 0,0")
        }
        guard quantum == 1 || quantum == 2 || quantum == 4 else {
            throw FormatError(offset: data.fileOffset + 6, field: "pcHeader.minLC", value: String(quantum), problem: "PC quantum must be 1, 2 or 4")
        }
        guard ptr == 4 || ptr == 8 else {
            throw FormatError(offset: data.fileOffset + 7, field: "pcHeader.ptrSize", value: String(ptr), problem: "pointer size must be 4 or 8")
        }
        self.order = order
        self.version = version
        self.quantum = quantum
        self.pointerSize = Int(ptr)
        let w = UInt64(ptr)
        let size = UInt64(data.count)
        func word(_ i: UInt64, _ name: String) throws(FormatError) -> UInt64 {
            try data.word(8 + i * w, size: Int(ptr), order, field: "pcHeader.\(name)")
        }
        func bad(_ i: UInt64, _ name: String, _ v: UInt64, _ problem: String) -> FormatError {
            FormatError(offset: data.fileOffset + 8 + i * w, field: "pcHeader.\(name)", value: String(v), problem: problem)
        }
        let nfunc = try word(0, "nfunc")
        switch version {
        case .go12:
            // functab: 2*nfunc+1 words, then a uint32 file table offset.
            let (entries, o1) = nfunc.multipliedReportingOverflow(by: 2 * w)
            let tabStart = 8 + w
            let (tabEnd, o2) = (tabStart + w).addingReportingOverflow(entries)
            guard !o1, !o2, tabEnd <= size - 4 else {
                throw bad(0, "nfunc", nfunc, "function table (\(nfunc) entries) extends past end of table (size \(size))")
            }
            let fileoff = UInt64(try data.u32(tabEnd, order, field: "pclntab filetab offset"))
            guard fileoff <= size - 4 else {
                throw FormatError(offset: data.fileOffset + tabEnd, field: "pclntab filetab offset", value: hex(fileoff),
                                  problem: "lies past end of table (size \(size))")
            }
            let nfiles = UInt64(try data.u32(fileoff, order, field: "pclntab nfiletab"))
            guard nfiles <= (size - fileoff) / 4 else {
                throw FormatError(offset: data.fileOffset + fileoff, field: "pclntab nfiletab", value: String(nfiles),
                                  problem: "file table extends past end of table (size \(size))")
            }
            functionCount = Int(nfunc)
            fileCount = Int(nfiles)
            functabOffset = Int(tabStart)
            filetabOffset = Int(fileoff)
            funcnames = 0..<0
            files = 0..<0
        case .go116, .go118, .go120:
            let base: UInt64 = version == .go116 ? 2 : 3
            let nfiles = try word(1, "nfiles")
            let names = ["funcnameOffset", "cuOffset", "filetabOffset", "pctabOffset", "pclnOffset"]
            var offs: [UInt64] = []
            let headerEnd = 8 + w * (base + 5)
            guard headerEnd <= size else {
                throw FormatError(offset: data.fileOffset, field: "pclntab header", value: nil,
                                  problem: "header (\(headerEnd) bytes) extends past end of table (size \(size))")
            }
            // A first bound from the table size alone, so a lying count is named before offsets.
            guard nfunc <= size / 8 else {
                throw bad(0, "nfunc", nfunc, "\(nfunc) functions cannot fit in a table of \(size) bytes")
            }
            var previous = headerEnd
            for (k, name) in names.enumerated() {
                let v = try word(base + UInt64(k), name)
                guard v <= size else { throw bad(base + UInt64(k), name, v, "offset lies past end of table (size \(size))") }
                guard v >= previous else {
                    throw bad(base + UInt64(k), name, v, "offset lies before the previous table (\(previous))")
                }
                offs.append(v)
                previous = v
            }
            // Each function has a functab entry of at least 8 bytes after pclnOffset.
            guard nfunc <= (size - offs[4]) / 8 else {
                throw bad(0, "nfunc", nfunc, "\(nfunc) functions cannot fit in the function table (\(size - offs[4]) bytes)")
            }
            guard nfiles <= offs[3] - offs[2] else {
                throw bad(1, "nfiles", nfiles, "\(nfiles) files cannot fit in the file table (\(offs[3] - offs[2]) bytes)")
            }
            functionCount = Int(nfunc)
            fileCount = Int(nfiles)
            funcnames = Int(offs[0])..<Int(offs[1])
            files = Int(offs[2])..<Int(offs[3])
            functabOffset = Int(offs[4])
            filetabOffset = 0
        }
    }

    /// Cheap check of the 8 header bytes at `offset` of `v`: magic (in `order`), 0, 0, quantum, pointer size.
    public static func looksLikeHeader(_ v: ByteView, at offset: Int, order: ByteOrder, pointerSize: Int? = nil) -> Bool {
        guard let m = try? v.u32(UInt64(max(offset, 0)), order, field: ""), offset >= 0, Version(magic: m) != nil,
              v[safe: offset + 4] == 0, v[safe: offset + 5] == 0,
              let q = v[safe: offset + 6], q == 1 || q == 2 || q == 4,
              let p = v[safe: offset + 7], p == 4 || p == 8 else { return false }
        if let pointerSize, Int(p) != pointerSize { return false }
        return true
    }

    /// Searches `region` for a table header (at 4-byte steps from the region's start), keeping
    /// the first whose header validates and whose first function name is readable. For tables
    /// without a section of their own (external-linked PIE, PE, headerless ELF).
    public static func find(in region: ByteView, order: ByteOrder, pointerSize: Int?) -> GoPclntab? {
        var found: GoPclntab?
        region.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count >= 16 else { return }
            // Masks over the first 8 bytes read as a little-endian UInt64: the bytes that must be
            // ff (three of the magic) and 00 (the pads).
            let (mask, want): (UInt64, UInt64) = order == .little
                ? (0x0000_ffff_ffff_ff00, 0x0000_0000_ffff_ff00)   // m ff ff ff 00 00 q p
                : (0x0000_ffff_00ff_ffff, 0x0000_0000_00ff_ffff)   // ff ff ff m 00 00 q p
            var i = 0
            let last = raw.count - 16
            while i <= last {
                let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if v & mask == want, looksLikeHeader(region, at: i, order: order, pointerSize: pointerSize),
                   let sub = try? region.suffix(from: UInt64(i), field: "pclntab"),
                   let t = try? GoPclntab(sub), t.functionCount > 0, t.firstNameLooksValid() {
                    found = t
                    return
                }
                i += 4
            }
        }
        return found
    }

    /// The first function name is non-empty printable ASCII ending in NUL within 1 KiB.
    func firstNameLooksValid() -> Bool {
        var ok = false
        _ = try? forEachFunctionName(limit: 1) { name in
            ok = !name.isEmpty && name.allSatisfy { $0 > 0x20 && $0 < 0x7f }
            return false
        }
        return ok
    }

    /// Calls `body` with the bytes of each function name (without the NUL) until it returns
    /// false. 1.16+: walks funcnametab (every name once, including names of inlined functions);
    /// 1.2: follows the functab. Work is bounded by the bytes present.
    public func forEachFunctionName(limit: Int = .max, _ body: (UnsafeRawBufferPointer) -> Bool) throws(FormatError) {
        if version == .go12 {
            try forEachGo12Name(limit: limit, body)
            return
        }
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, funcnames.upperBound <= raw.count else { return }
            GoPclntab.forEachString(base, funcnames, limit: limit, body)
        }
    }

    /// funcnametab as raw bytes (1.16+), nil for the 1.2 format.
    func withFunctionNameTable<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard version != .go12 else { return nil }
        return try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, funcnames.upperBound <= raw.count else { return nil }
            return try body(UnsafeRawBufferPointer(start: base + funcnames.lowerBound, count: funcnames.count))
        }
    }

    /// Calls `body` with the bytes of each source file name until it returns false.
    public func forEachSourceFile(_ body: (UnsafeRawBufferPointer) -> Bool) throws(FormatError) {
        if version == .go12 {
            let n = UInt64(fileCount)
            var i: UInt64 = 1   // entry 0 is unused
            while i < n {
                let at = UInt64(filetabOffset) + 4 * i
                let off = UInt64(try data.u32(at, order, field: "pclntab filetab[\(i)]"))
                let keepGoing = try withCString(at: off, field: "pclntab filetab[\(i)] name", fieldAt: at, body)
                if !keepGoing { return }
                i += 1
            }
            return
        }
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, files.upperBound <= raw.count else { return }
            GoPclntab.forEachString(base, files, limit: .max, body)
        }
    }

    /// Function names as Strings (a convenience; `forEachFunctionName` avoids the copies).
    public var functionNames: [String] {
        var out: [String] = []
        try? forEachFunctionName { out.append(String(decoding: $0, as: UTF8.self)); return true }
        return out
    }

    /// Source file names as Strings.
    public var sourceFiles: [String] {
        var out: [String] = []
        try? forEachSourceFile { out.append(String(decoding: $0, as: UTF8.self)); return true }
        return out
    }

    /// NUL-separated strings in `range` of the buffer at `base`; empty strings are skipped; an
    /// unterminated last string ends at the end of the range.
    static func forEachString(_ base: UnsafeRawPointer, _ range: Range<Int>, limit: Int,
                              _ body: (UnsafeRawBufferPointer) -> Bool) {
        var i = range.lowerBound
        let end = range.upperBound
        var n = 0
        while i < end, n < limit {
            let stop: Int
            if let p = memchr(base + i, 0, end - i) {
                stop = UnsafeRawPointer(p) - base
            } else {
                stop = end
            }
            if stop > i {
                n += 1
                if !body(UnsafeRawBufferPointer(start: base + i, count: stop - i)) { return }
            }
            i = stop + 1
        }
    }

    /// The NUL-terminated string at `off`; errors name `fieldAt`, where the offset was read.
    private func withCString(at off: UInt64, field: @autoclosure () -> String, fieldAt: UInt64,
                             _ body: (UnsafeRawBufferPointer) -> Bool) throws(FormatError) -> Bool {
        guard off < UInt64(data.count) else {
            throw FormatError(offset: data.fileOffset &+ fieldAt, field: field(), value: hex(off),
                              problem: "string offset lies past end of table (size \(data.count))")
        }
        let start = Int(off)
        let limit = min(data.count - start, ByteView.maxStringLength)
        // nil when no NUL lies within `limit` bytes; thrown here, outside the closure (which
        // `withUnsafeBytes` would rethrow untyped), the error stays a FormatError.
        let keepGoing: Bool? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return false }
            guard let p = memchr(base + start, 0, limit) else { return nil }
            let len = UnsafeRawPointer(p) - (base + start)
            return body(UnsafeRawBufferPointer(start: base + start, count: len))
        }
        guard let keepGoing else {
            throw FormatError(offset: data.fileOffset &+ off, field: field(), value: nil,
                              problem: "string is not NUL-terminated within \(limit) bytes" + (limit == ByteView.maxStringLength ? " (the limit of a string in a table)" : ""))
        }
        return keepGoing
    }

    private func forEachGo12Name(limit: Int, _ body: (UnsafeRawBufferPointer) -> Bool) throws(FormatError) {
        let w = UInt64(pointerSize)
        var i: UInt64 = 0
        let n = UInt64(min(functionCount, limit))
        while i < n {
            let funcoff = try data.word(UInt64(functabOffset) + (2 * i + 1) * w, size: pointerSize, order, field: "pclntab functab[\(i)].funcoff")
            guard funcoff <= UInt64(data.count) else {
                throw FormatError(offset: data.fileOffset + UInt64(functabOffset) + (2 * i + 1) * w, field: "pclntab functab[\(i)].funcoff",
                                  value: hex(funcoff), problem: "lies past end of table (size \(data.count))")
            }
            let nameoff = UInt64(try data.u32(funcoff + w, order, field: "_func[\(i)].nameoff"))
            let keepGoing = try withCString(at: nameoff, field: "_func[\(i)].nameoff name", fieldAt: funcoff + w, body)
            if !keepGoing { return }
            i += 1
        }
    }
}
