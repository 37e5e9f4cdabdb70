/// A tar typeflag (the byte at offset 156). An open set: unknown values are kept, and carry
/// data as a regular file does (as Go's archive/tar reads them).
public struct TarType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let regular = TarType(rawValue: UInt8(ascii: "0"))
    /// Old-style regular file ('\0'): reported as `regular`, or `directory` when the name ends
    /// in `/` (as Go and Python do).
    public static let regularA = TarType(rawValue: 0)
    public static let hardLink = TarType(rawValue: UInt8(ascii: "1"))
    public static let symlink = TarType(rawValue: UInt8(ascii: "2"))
    public static let characterDevice = TarType(rawValue: UInt8(ascii: "3"))
    public static let blockDevice = TarType(rawValue: UInt8(ascii: "4"))
    public static let directory = TarType(rawValue: UInt8(ascii: "5"))
    public static let fifo = TarType(rawValue: UInt8(ascii: "6"))
    public static let contiguous = TarType(rawValue: UInt8(ascii: "7"))
    public static let paxExtended = TarType(rawValue: UInt8(ascii: "x"))
    public static let paxGlobal = TarType(rawValue: UInt8(ascii: "g"))
    public static let gnuLongName = TarType(rawValue: UInt8(ascii: "L"))
    public static let gnuLongLink = TarType(rawValue: UInt8(ascii: "K"))
    public static let gnuSparse = TarType(rawValue: UInt8(ascii: "S"))

    /// Types whose entries have no data, whatever the size field says (Go's isHeaderOnlyType).
    public var isHeaderOnly: Bool {
        rawValue >= UInt8(ascii: "1") && rawValue <= UInt8(ascii: "6")
    }

    /// The character, or its hex value when it is not printable.
    public var description: String {
        rawValue >= 0x21 && rawValue < 0x7f ? "'\(Character(Unicode.Scalar(rawValue)))'" : "0x" + String(rawValue, radix: 16)
    }
}

/// Which header format an entry's (last) header block has (IMAGES.md 5.2).
public enum TarFormat: String, Sendable, Hashable {
    /// No magic: the original Unix format (name and link name only).
    case v7
    /// `ustar\0` `00`: POSIX.1-1988, name = prefix + "/" + name.
    case ustar
    /// ustar with a PAX extended header ('x') before it.
    case pax
    /// `ustar ` ` \0`: GNU, no prefix (atime and ctime are there); long names by ././@LongLink.
    case gnu
    /// ustar with the `tar\0` trailer: star, a 131-byte prefix.
    case star
}

/// The fields of one 512-byte header block, parsed (Go's format.go and strconv.go).
struct RawTarHeader {
    var name: [UInt8]
    var linkName: [UInt8]
    var type: TarType
    var mode: Int64
    var uid: Int64
    var gid: Int64
    var size: Int64
    var format: TarFormat

    /// What is wrong with a field: the reader turns it into an ArchiveError with the offset.
    struct Problem: Error {
        var words: String
    }

    static func isZero(_ block: UnsafeRawBufferPointer) -> Bool {
        for b in block where b != 0 { return false }
        return true
    }

    /// Parses a block (512 bytes).
    static func parse(_ b: UnsafeRawBufferPointer) throws(Problem) -> RawTarHeader {
        guard b.count == 512 else { throw Problem(words: "short header block") }
        // 5.1: the checksum is the sum of the block's bytes with its own field as spaces;
        // old writers summed signed chars, so either sum is accepted.
        let stored: Int64
        do { stored = try parseOctal(field(b, 148, 8)) } catch {
            throw Problem(words: "the checksum field is not an octal number")
        }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for i in 0..<512 {
            let c = (148..<156).contains(i) ? UInt8(ascii: " ") : b[i]
            unsigned += Int64(c)
            signed += Int64(Int8(bitPattern: c))
        }
        guard stored == unsigned || stored == signed else {
            throw Problem(words: "bad header checksum: stored \(stored), computed \(unsigned) (unsigned) or \(signed) (signed); not a tar header")
        }

        let magic = field(b, 257, 6)
        let version = field(b, 263, 2)
        let format: TarFormat
        if bytesEqual(magic, "ustar\0") {
            format = bytesEqual(field(b, 508, 4), "tar\0") ? .star : .ustar
        } else if bytesEqual(magic, "ustar "), bytesEqual(version, " \0") {
            format = .gnu
        } else {
            format = .v7
        }

        var name = cString(field(b, 0, 100))
        switch format {
        case .ustar, .pax:
            let prefix = cString(field(b, 345, 155))
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        case .star:
            let prefix = cString(field(b, 345, 131))
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        case .gnu, .v7:
            break
        }

        func number(_ offset: Int, _ count: Int, _ what: String) throws(Problem) -> Int64 {
            do { return try parseNumeric(field(b, offset, count)) } catch {
                throw Problem(words: "the \(what) field is not a number (\(error.words))")
            }
        }
        let size = try number(124, 12, "size")
        guard size >= 0 else { throw Problem(words: "negative size \(size)") }
        return RawTarHeader(
            name: name,
            linkName: cString(field(b, 157, 100)),
            type: TarType(rawValue: b[156]),
            mode: try number(100, 8, "mode"),
            uid: try number(108, 8, "uid"),
            gid: try number(116, 8, "gid"),
            size: size,
            format: format
        )
    }

    static func field(_ b: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: b[offset..<(offset + count)])
    }

    static func bytesEqual(_ f: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard f.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<f.count where f[i] != p[i] { return false }
        return true
    }

    /// The bytes up to the first NUL (all of them when there is none).
    static func cString(_ f: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        for c in f {
            if c == 0 { break }
            out.append(c)
        }
        return out
    }

    /// 5.3: base-256 when the first byte has its high bit set (0x40 too: negative, two's
    /// complement), else octal with NULs and spaces trimmed on both sides (Go's parseNumeric).
    static func parseNumeric(_ f: UnsafeRawBufferPointer) throws(Problem) -> Int64 {
        guard let first = f.first, first & 0x80 != 0 else { return try parseOctal(f) }
        let inv: UInt8 = first & 0x40 != 0 ? 0xff : 0
        var x: UInt64 = 0
        for (i, byte) in f.enumerated() {
            var c = byte ^ inv
            if i == 0 { c &= 0x7f }
            guard x >> 56 == 0 else { throw Problem(words: "base-256 number overflows 64 bits") }
            x = x << 8 | UInt64(c)
        }
        guard x >> 63 == 0 else { throw Problem(words: "base-256 number overflows 64 bits") }
        return inv == 0xff ? ~Int64(x) : Int64(x)
    }

    static func parseOctal(_ f: UnsafeRawBufferPointer) throws(Problem) -> Int64 {
        var lo = 0
        var hi = f.count
        while lo < hi, f[lo] == 0 || f[lo] == 0x20 { lo += 1 }
        while hi > lo, f[hi - 1] == 0 || f[hi - 1] == 0x20 { hi -= 1 }
        var x: Int64 = 0
        for i in lo..<hi {
            let c = f[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "7") else {
                throw Problem(words: "byte 0x\(String(c, radix: 16)) in an octal number")
            }
            let (m, o1) = x.multipliedReportingOverflow(by: 8)
            let (s, o2) = m.addingReportingOverflow(Int64(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw Problem(words: "octal number overflows 63 bits") }
            x = s
        }
        return x
    }
}

/// The records of a PAX extended header that matter here (IMAGES.md 5.4).
struct PAXRecords {
    var path: [UInt8]?
    var linkPath: [UInt8]?
    var size: Int64?
    var uid: Int64?
    var gid: Int64?
    /// A GNU.sparse.* key was seen: the member is a sparse file.
    var sparse = false

    /// Parses `LEN key=value\n` records (Go's parsePAX, parsePAXRecord, validPAXRecord). An
    /// empty value keeps the header's field; NUL in path or linkpath is an error.
    static func parse(_ data: [UInt8]) throws(RawTarHeader.Problem) -> PAXRecords {
        var r = PAXRecords()
        var i = 0
        while i < data.count {
            // The length, in decimal, counts the whole record (itself included).
            var j = i
            var length = 0
            while j < data.count, data[j] != UInt8(ascii: " ") {
                let c = data[j]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), length < 1 << 40 else {
                    throw .init(words: "bad PAX record length at byte \(i) of the extended header")
                }
                length = length * 10 + Int(c - UInt8(ascii: "0"))
                j += 1
            }
            guard j < data.count, length >= 5, length <= data.count - i, j + 1 < i + length else {
                throw .init(words: "bad PAX record length at byte \(i) of the extended header")
            }
            let end = i + length  // one past the newline
            guard data[end - 1] == UInt8(ascii: "\n") else {
                throw .init(words: "PAX record at byte \(i) does not end in a newline")
            }
            let rec = data[(j + 1)..<(end - 1)]
            guard let eq = rec.firstIndex(of: UInt8(ascii: "=")), eq > rec.startIndex else {
                throw .init(words: "PAX record at byte \(i) has no key=value")
            }
            let key = String(decoding: rec[rec.startIndex..<eq], as: UTF8.self)
            let value = Array(rec[(eq + 1)...])
            try r.apply(key, value)
            i = end
        }
        return r
    }

    private mutating func apply(_ key: String, _ value: [UInt8]) throws(RawTarHeader.Problem) {
        if key.hasPrefix("GNU.sparse.") {
            sparse = true
            return
        }
        if key == "path" || key == "linkpath", value.contains(0) {
            throw .init(words: "PAX \(key) contains a NUL byte")
        }
        guard !value.isEmpty else { return }
        func decimal() throws(RawTarHeader.Problem) -> Int64 {
            guard let s = Int64(String(decoding: value, as: UTF8.self)), s >= 0 else {
                throw .init(words: "PAX \(key) is not a non-negative decimal number")
            }
            return s
        }
        switch key {
        case "path": path = value
        case "linkpath": linkPath = value
        case "size": size = try decimal()
        case "uid": uid = try decimal()
        case "gid": gid = try decimal()
        default: break  // uname, gname, mtime, SCHILY.xattr.*, …: not needed here
        }
    }
}
