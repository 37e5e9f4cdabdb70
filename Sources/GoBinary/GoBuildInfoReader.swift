#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ELFKit


/// The build info blob (`src/debug/buildinfo/buildinfo.go`) and the modinfo text
/// (`src/runtime/debug/mod.go`, ParseBuildInfo).
public enum GoBuildInfoReader {
    /// `"\xff Go buildinf:"`.
    public static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    static let headerSize = 32

    /// The offset in `region` of the first magic that lies on a 16-byte boundary of the virtual
    /// address space (`region` starts at `address`). Scans the whole region.
    public static func find(in region: ByteView, address: UInt64) -> Int? {
        let first = Int((16 - address % 16) % 16)
        var want: UInt64 = 0
        for k in 0..<8 { want |= UInt64(magic[k]) << (8 * UInt64(k)) }
        var found: Int?
        region.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count >= magic.count else { return }
            var i = first
            let last = raw.count - magic.count
            while i <= last {
                if UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) == want,
                   memcmp(base + i, magic, magic.count) == 0 {
                    found = i
                    return
                }
                i += 16
            }
        }
        return found
    }

    /// Decodes the blob at `offset` of `region` (virtual address `address`): the version and
    /// the modinfo, either inline (Go ≥1.18, flag bit 1) or through two pointers to Go string
    /// headers resolved in `space`.
    public static func parse(region: ByteView, offset: Int, address: UInt64, space: AddressMap, label: String = ".go.buildinfo") throws(FormatError) -> GoBuildInfo {
        let hdr = try region.slice(UInt64(offset), UInt64(headerSize), field: "\(label) header")
        let ptrSize = Int(try hdr.u8(14, field: "\(label) pointer size"))
        let flags = try hdr.u8(15, field: "\(label) flags")
        let bigEndian = flags & 1 != 0
        let version: ByteView
        let modinfo: ByteView
        if flags & 2 != 0 {
            let after = UInt64(offset + headerSize)
            // Not `??`, whose autoclosure would rethrow the error untyped.
            let tail = if let t = space.tail(at: address &+ UInt64(headerSize)) {
                t
            } else {
                try region.suffix(from: after, field: label)
            }
            let (v, next) = try decodeString(tail, at: 0, what: "\(label) version")
            let (m, _) = try decodeString(tail, at: next, what: "\(label) modinfo")
            version = v
            modinfo = m
        } else {
            guard ptrSize == 4 || ptrSize == 8 else {
                throw FormatError(offset: hdr.fileOffset + 14, field: "\(label) pointer size", value: String(ptrSize),
                                  problem: "must be 4 or 8")
            }
            let order: ByteOrder = bigEndian ? .big : .little
            let vp = try hdr.word(16, size: ptrSize, order, field: "\(label) version pointer")
            let mp = try hdr.word(16 + UInt64(ptrSize), size: ptrSize, order, field: "\(label) modinfo pointer")
            version = try readGoString(space, vp, ptrSize, order, what: "runtime.buildVersion", at: hdr.fileOffset + 16)
            modinfo = try readGoString(space, mp, ptrSize, order, what: "runtime.modinfo", at: hdr.fileOffset + 16 + UInt64(ptrSize))
        }
        guard !version.isEmpty else {
            throw FormatError(offset: hdr.fileOffset, field: "\(label) version", value: nil, problem: "the Go version string is empty")
        }
        var info = GoBuildInfo(goVersion: version.string, pointerSize: ptrSize, bigEndian: bigEndian)
        // Strip the 16-byte sentinels around modinfo (cmd/go/internal/modload infoStart/infoEnd).
        let n = modinfo.count
        if n >= 33, modinfo[safe: n - 17] == 10 {
            let body = try modinfo.slice(16, UInt64(n - 32), field: "modinfo")
            try parseModinfo(body, into: &info)
        }
        return info
    }

    /// A uvarint length and that many bytes, at `at` of `v`.
    static func decodeString(_ v: ByteView, at: Int, what: String) throws(FormatError) -> (ByteView, Int) {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        var i = at
        while true {
            guard let b = v[safe: i] else {
                throw FormatError(offset: v.fileOffset(of: at), field: "\(what) length", value: nil,
                                  problem: "uvarint runs past the end of the data")
            }
            if i - at == 9 && b > 1 {
                throw FormatError(offset: v.fileOffset(of: at), field: "\(what) length", value: nil, problem: "uvarint overflows 64 bits")
            }
            x |= UInt64(b & 0x7f) << shift
            i += 1
            if b < 0x80 { break }
            shift += 7
        }
        let len = x
        guard len <= UInt64(v.count - i) else {
            throw FormatError(offset: v.fileOffset(of: at), field: "\(what) length", value: String(len),
                              problem: "string extends past the end of its segment (\(v.count - i) bytes left)")
        }
        return (try v.slice(UInt64(i), len, field: what), i + Int(len))
    }

    /// A Go string header (data pointer, length) at `addr`, and its bytes.
    static func readGoString(_ space: AddressMap, _ addr: UInt64, _ ptrSize: Int, _ order: ByteOrder,
                             what: String, at pointerOffset: UInt64) throws(FormatError) -> ByteView {
        guard let hdr = try? space.read(address: addr, count: UInt64(2 * ptrSize), field: what) else {
            throw FormatError(offset: pointerOffset, field: "\(what) pointer", value: hex(addr),
                              problem: "string header address is not backed by the file in any segment")
        }
        let data = try hdr.word(0, size: ptrSize, order, field: "\(what).ptr")
        let len = try hdr.word(UInt64(ptrSize), size: ptrSize, order, field: "\(what).len")
        if len == 0 { return try hdr.slice(0, 0, field: what) }
        guard let bytes = try? space.read(address: data, count: len, field: what) else {
            throw FormatError(offset: hdr.fileOffset, field: "\(what) string", value: "\(len) bytes at \(hex(data))",
                              problem: "string data is not backed by the file in any segment")
        }
        return bytes
    }

    /// `runtime/debug.ParseBuildInfo`: `path`, `mod`, `dep`, `=>`, `build` lines; other lines are
    /// ignored, as is a last line without a newline.
    public static func parseModinfo(_ text: ByteView, into info: inout GoBuildInfo) throws(FormatError) {
        var lineStart = 0
        var lineNum = 1
        // Index of the module a `=>` line replaces: -1 main, >= 0 a dep, nil none.
        var last: Int?
        let bytes = text.bytes
        info.rawModinfo = String(decoding: bytes, as: UTF8.self)
        func fail(_ problem: String) -> FormatError {
            FormatError(offset: text.fileOffset(of: lineStart), field: "modinfo line \(lineNum)", value: nil, problem: problem)
        }
        func str(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }
        func module(_ elem: [ArraySlice<UInt8>]) throws(FormatError) -> GoModule {
            guard elem.count == 2 || elem.count == 3 else { throw fail("expected 2 or 3 columns; got \(elem.count)") }
            return GoModule(path: str(elem[0]), version: str(elem[1]), sum: elem.count == 3 ? str(elem[2]) : nil)
        }
        while lineStart < bytes.count {
            guard let nl = bytes[lineStart...].firstIndex(of: 10) else { break }
            let line = bytes[lineStart..<nl]
            if hasPrefix(line, "path\t") {
                info.path = str(line.dropFirst(5))
            } else if hasPrefix(line, "mod\t") {
                info.main = try module(split(line.dropFirst(4)))
                last = -1
            } else if hasPrefix(line, "dep\t") {
                info.deps.append(try module(split(line.dropFirst(4))))
                last = info.deps.count - 1
            } else if hasPrefix(line, "=>\t") {
                let elem = split(line.dropFirst(3))
                guard elem.count == 3 else { throw fail("expected 3 columns for replacement; got \(elem.count)") }
                let r = GoModule(path: str(elem[0]), version: str(elem[1]), sum: str(elem[2]))
                switch last {
                case nil: throw fail("replacement with no module on previous line")
                case let i? where i < 0: info.main?.replace = r
                case let i?: if info.deps.indices.contains(i) { info.deps[i].replace = r }
                }
                last = nil
            } else if hasPrefix(line, "build\t") {
                info.settings.append(try setting(line.dropFirst(6), fail))
            }
            lineStart = nl + 1
            lineNum += 1
        }
    }

    static func setting(_ kv: ArraySlice<UInt8>, _ fail: (String) -> FormatError) throws(FormatError) -> GoBuildSetting {
        guard let c0 = kv.first else { throw fail("build line missing '='") }
        var key: [UInt8]
        var rawValue: ArraySlice<UInt8>
        switch c0 {
        case UInt8(ascii: "="):
            throw fail("build line with missing key")
        case UInt8(ascii: "`"), UInt8(ascii: "\""):
            guard let n = GoStrconv.quotedPrefixLength(kv) else { throw fail("invalid quoted key in build line") }
            guard n < kv.count else { throw fail("build line missing '=' after quoted key") }
            let after = kv[kv.startIndex + n]
            guard after == UInt8(ascii: "=") else { throw fail("unexpected character after quoted key: \(after)") }
            key = GoStrconv.unquote(kv.prefix(n)) ?? []
            rawValue = kv[(kv.startIndex + n + 1)...]
        default:
            guard let eq = kv.firstIndex(of: UInt8(ascii: "=")) else { throw fail("build line missing '=' after key") }
            key = Array(kv[..<eq])
            rawValue = kv[(eq + 1)...]
            if key.isEmpty || key.contains(where: { [61, 32, 9, 13, 10, 34, 96].contains($0) }) {
                throw fail("unquoted key \(String(decoding: key, as: UTF8.self)) must be quoted")
            }
        }
        var value: [UInt8] = []
        if let v0 = rawValue.first {
            if v0 == UInt8(ascii: "`") || v0 == UInt8(ascii: "\"") {
                guard let v = GoStrconv.unquote(rawValue) else { throw fail("invalid quoted value in build line") }
                value = v
            } else {
                value = Array(rawValue)
                if value.contains(where: { [32, 9, 13, 10, 34, 96].contains($0) }) {
                    throw fail("unquoted value \(String(decoding: value, as: UTF8.self)) must be quoted")
                }
            }
        }
        return GoBuildSetting(key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    static func hasPrefix(_ s: ArraySlice<UInt8>, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard s.count >= n else { return false }
        let pb = UnsafeBufferPointer(start: p.utf8Start, count: n)
        return s.prefix(n).elementsEqual(pb)
    }

    static func split(_ s: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        s.split(separator: 9, omittingEmptySubsequences: false)
    }
}
