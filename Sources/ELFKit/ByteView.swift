#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte order of every multi-byte field in a file, decoded once from its identification
/// bytes and passed down to every read.
public enum ByteOrder: String, Sendable, Hashable {
    case little
    case big
}

/// A problem with the bytes of a file: where (byte offset into the file), which field, the bad
/// value, and what is wrong. `absent` things (no build info, not a Go binary) are not errors;
/// they are `nil` results.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset into the file where the bad field or structure starts.
    public var offset: UInt64
    /// The spec name of the field or structure (`e_phoff`, `program header table`, `.dynstr`).
    public var field: String
    /// The bad value as it was read, already formatted (`0xffffffff`, `65535`), if there is one.
    public var value: String?
    /// What is wrong, in words (`extends past end of file (size 3000)`).
    public var problem: String

    public init(offset: UInt64, field: String, value: String? = nil, problem: String) {
        self.offset = offset
        self.field = field
        self.value = value
        self.problem = problem
    }

    public var description: String {
        var s = field
        if let value { s += " = \(value)" }
        s += " at offset \(hex(offset)): \(problem)"
        return s
    }
}

/// Formats an unsigned number as `0x…` hex.
@inlinable
public func hex<T: BinaryInteger>(_ v: T) -> String {
    "0x" + String(v, radix: 16)
}

/// A read-only window over bytes of a file (usually a memory mapping), addressed with offsets
/// relative to the window, reporting errors with offsets relative to the file.
///
/// Every accessor range-checks before it reads, and no accessor traps on bad input: each throws
/// a `FormatError` naming the file offset and field instead.
public struct ByteView: @unchecked Sendable {
    @usableFromInline let base: UnsafeRawBufferPointer
    /// Byte offset of this window's first byte within the file.
    public let fileOffset: UInt64
    /// Keeps the mapping alive as long as any window into it exists.
    @usableFromInline let owner: AnyObject?

    public init(_ base: UnsafeRawBufferPointer, fileOffset: UInt64 = 0, owner: AnyObject?) {
        self.base = base
        self.fileOffset = fileOffset
        self.owner = owner
    }

    /// A window over a copy of `bytes` (for tests and for data that is not in a file).
    public init(copying bytes: [UInt8]) {
        let box = ByteBox(bytes)
        self.init(box.buffer, fileOffset: 0, owner: box)
    }

    @inlinable public var count: Int { base.count }
    @inlinable public var isEmpty: Bool { base.isEmpty }

    /// The file offset of a window-relative offset, for messages.
    @inlinable public func fileOffset(of offset: Int) -> UInt64 {
        fileOffset &+ UInt64(truncatingIfNeeded: offset)
    }

    /// Checks that `count` bytes at `offset` lie inside the window and returns them as an Int range.
    /// Every read goes through here: the check is kept small enough to inline, the message
    /// is built out of line.
    @inlinable @inline(__always)
    public func range(_ offset: UInt64, _ count: UInt64, field: @autoclosure () -> String) throws(FormatError) -> Range<Int> {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= UInt64(base.count) else { throw pastEnd(offset, count, field()) }
        return Int(offset)..<Int(end)
    }

    @usableFromInline @inline(never)
    func pastEnd(_ offset: UInt64, _ count: UInt64, _ field: String) -> FormatError {
        let what = fileOffset == 0 ? "file" : "region"
        if count == 0 || offset >= UInt64(base.count) {
            return FormatError(offset: fileOffset &+ offset, field: field, value: nil,
                               problem: "offset \(hex(fileOffset &+ offset)) lies past end of \(what) (size \(base.count))")
        }
        return FormatError(offset: fileOffset &+ offset, field: field, value: nil,
                           problem: "\(count) bytes at \(hex(fileOffset &+ offset)) extend past end of \(what) (size \(base.count))")
    }

    /// A fixed-size record (a section or program header) checked once: its fields are then
    /// plain loads at constant offsets.
    @inlinable
    public func record(_ offset: UInt64, _ count: Int, order: ByteOrder, field: @autoclosure () -> String) throws(FormatError) -> Record {
        let r = try range(offset, UInt64(count), field: field())
        return Record(bytes: UnsafeRawBufferPointer(rebasing: base[r]), order: order)
    }

    /// True when `count` bytes at `offset` lie inside the window.
    @inlinable
    public func contains(_ offset: UInt64, _ count: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(count)
        return !overflow && end <= UInt64(base.count)
    }

    @inlinable
    public func u8(_ offset: UInt64, field: @autoclosure () -> String) throws(FormatError) -> UInt8 {
        let r = try range(offset, 1, field: field())
        return base[r.lowerBound]
    }

    @inlinable
    public func u16(_ offset: UInt64, _ order: ByteOrder, field: @autoclosure () -> String) throws(FormatError) -> UInt16 {
        let r = try range(offset, 2, field: field())
        let v = base.loadUnaligned(fromByteOffset: r.lowerBound, as: UInt16.self)
        return order == .little ? UInt16(littleEndian: v) : UInt16(bigEndian: v)
    }

    @inlinable
    public func u32(_ offset: UInt64, _ order: ByteOrder, field: @autoclosure () -> String) throws(FormatError) -> UInt32 {
        let r = try range(offset, 4, field: field())
        let v = base.loadUnaligned(fromByteOffset: r.lowerBound, as: UInt32.self)
        return order == .little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
    }

    @inlinable
    public func u64(_ offset: UInt64, _ order: ByteOrder, field: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        let r = try range(offset, 8, field: field())
        let v = base.loadUnaligned(fromByteOffset: r.lowerBound, as: UInt64.self)
        return order == .little ? UInt64(littleEndian: v) : UInt64(bigEndian: v)
    }

    /// A pointer-sized word (4 or 8 bytes), widened to UInt64.
    @inlinable
    public func word(_ offset: UInt64, size: Int, _ order: ByteOrder, field: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        size == 8 ? try u64(offset, order, field: field()) : UInt64(try u32(offset, order, field: field()))
    }

    /// A sub-window of `count` bytes at `offset`, without copying.
    @inlinable
    public func slice(_ offset: UInt64, _ count: UInt64, field: @autoclosure () -> String) throws(FormatError) -> ByteView {
        let r = try range(offset, count, field: field())
        return ByteView(UnsafeRawBufferPointer(rebasing: base[r]), fileOffset: fileOffset &+ offset, owner: owner)
    }

    /// The bytes from `offset` to the end of the window (empty when `offset` is at the end).
    @inlinable
    public func suffix(from offset: UInt64, field: @autoclosure () -> String) throws(FormatError) -> ByteView {
        guard offset <= UInt64(count) else {
            throw FormatError(offset: fileOffset &+ offset, field: field(), value: hex(offset),
                              problem: "offset lies past end of \(fileOffset == 0 ? "file" : "region") (size \(count))")
        }
        return try slice(offset, UInt64(count) - offset, field: field())
    }

    /// The most bytes a string read from a table (a library, symbol or version name; a Go
    /// function or file name) may take, its NUL included: 64 KiB, more than any linker writes.
    /// A string whose NUL lies further is malformed.
    public static let maxStringLength = 1 << 16

    /// A NUL-terminated string at `offset`. The NUL must lie inside the window and within
    /// `maxLength` bytes; the bytes are decoded as UTF-8 with invalid sequences repaired.
    public func cString(_ offset: UInt64, field: @autoclosure () -> String, maxLength: Int = ByteView.maxStringLength) throws(FormatError) -> String {
        guard offset < UInt64(count) else {
            throw FormatError(offset: fileOffset &+ offset, field: field(), value: hex(offset),
                              problem: "string offset lies past end of \(fileOffset == 0 ? "file" : "table") (size \(count))")
        }
        let start = Int(offset)
        let limit = Swift.min(count, start &+ maxLength)
        if let b = base.baseAddress, let nul = memchr(b + start, 0, limit - start) {
            let i = UnsafeRawPointer(nul) - b
            return String(decoding: UnsafeRawBufferPointer(rebasing: base[start..<i]), as: UTF8.self)
        }
        if limit == count {
            // Point at the byte where the terminating NUL was needed: the last one of the window.
            throw FormatError(offset: fileOffset &+ UInt64(count &- 1), field: field(), value: nil,
                              problem: "string starting at \(hex(fileOffset &+ offset)) is not NUL-terminated before end of \(fileOffset == 0 ? "file" : "table") (size \(count))")
        }
        throw FormatError(offset: fileOffset &+ offset, field: field(), value: nil, problem: "string is not NUL-terminated within \(maxLength) bytes (the limit of a string in a table)")
    }

    /// Compares the bytes at `offset` with `prefix`; false when out of range.
    @inlinable
    public func hasBytes(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
        guard offset >= 0, offset <= count, prefix.count <= count - offset else { return false }
        for (i, b) in prefix.enumerated() where base[offset + i] != b { return false }
        return true
    }

    /// Unchecked-free byte access for scanning loops: nil when out of range.
    @inlinable
    public subscript(safe i: Int) -> UInt8? {
        i >= 0 && i < count ? base[i] : nil
    }

    /// Copies the window out (only at the API edge, for small regions).
    public var bytes: [UInt8] { Array(base) }

    /// Decodes the whole window as UTF-8 (repairing invalid sequences).
    public var string: String { String(decoding: base, as: UTF8.self) }

    /// Calls `body` with the raw bytes of the window (for fast scanning).
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(base)
    }

    /// The first window-relative offset at or after `from` where `pattern` starts, stepping by
    /// `alignment` bytes (offsets that are multiples of `alignment`), or nil.
    public func firstOffset(of pattern: [UInt8], from: Int = 0, alignment: Int = 1) -> Int? {
        guard !pattern.isEmpty, alignment > 0, pattern.count <= count, let start = base.baseAddress else { return nil }
        let first = pattern[0]
        var i = from < 0 ? 0 : from
        if i % alignment != 0 { i += alignment - i % alignment }
        let last = count - pattern.count
        if alignment == 1 {
            // memchr-driven scan for the first byte, then compare.
            while i <= last {
                guard let p = memchr(start + i, Int32(first), last - i + 1) else { return nil }
                let j = UnsafeRawPointer(p) - start
                if memcmp(start + j, pattern, pattern.count) == 0 { return j }
                i = j + 1
            }
            return nil
        }
        while i <= last {
            if base[i] == first, memcmp(start + i, pattern, pattern.count) == 0 { return i }
            i += alignment
        }
        return nil
    }
}

/// Owns a heap copy of bytes for `ByteView(copying:)`.
final class ByteBox {
    let pointer: UnsafeMutableRawBufferPointer
    /// The bytes held: the allocation has at least one byte, an empty copy still counts 0.
    let count: Int
    init(_ bytes: [UInt8]) {
        pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 16)
        pointer.copyBytes(from: bytes)
        count = bytes.count
    }
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(pointer)[0..<count]) }
    deinit { pointer.deallocate() }
}

/// A sequential reader over a `ByteView` for spec-shaped records.
/// The bytes of one fixed-size record whose bounds `ByteView.record` checked. Reads take
/// constant offsets inside that size (the layouts of the ELF structures), so they need no
/// check of their own; valid only while the view's file is open.
public struct Record {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let order: ByteOrder

    @inlinable init(bytes: UnsafeRawBufferPointer, order: ByteOrder) {
        self.bytes = bytes
        self.order = order
    }

    @inlinable @inline(__always)
    public func u32(_ at: Int) -> UInt32 {
        assert(at >= 0 && at + 4 <= bytes.count)
        let v = bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return order == .little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
    }

    @inlinable @inline(__always)
    public func u64(_ at: Int) -> UInt64 {
        assert(at >= 0 && at + 8 <= bytes.count)
        let v = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return order == .little ? UInt64(littleEndian: v) : UInt64(bigEndian: v)
    }
}

public struct ByteCursor {
    public let view: ByteView
    public var offset: UInt64
    public let order: ByteOrder

    public init(_ view: ByteView, at offset: UInt64 = 0, order: ByteOrder) {
        self.view = view
        self.offset = offset
        self.order = order
    }

    @inlinable
    public mutating func u8(_ field: @autoclosure () -> String) throws(FormatError) -> UInt8 {
        let v = try view.u8(offset, field: field()); offset += 1; return v
    }
    @inlinable
    public mutating func u16(_ field: @autoclosure () -> String) throws(FormatError) -> UInt16 {
        let v = try view.u16(offset, order, field: field()); offset += 2; return v
    }
    @inlinable
    public mutating func u32(_ field: @autoclosure () -> String) throws(FormatError) -> UInt32 {
        let v = try view.u32(offset, order, field: field()); offset += 4; return v
    }
    @inlinable
    public mutating func u64(_ field: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        let v = try view.u64(offset, order, field: field()); offset += 8; return v
    }
    /// A 4- or 8-byte word widened to UInt64.
    @inlinable
    public mutating func word(_ size: Int, _ field: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        size == 8 ? try u64(field()) : UInt64(try u32(field()))
    }
    @inlinable
    public mutating func skip(_ n: UInt64) { offset &+= n }
}
