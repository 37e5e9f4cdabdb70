/// Virtual addresses to file offsets, through the mappings a format declares (ELF PT_LOAD
/// segments, Mach-O segments, PE sections). Only the bytes a mapping takes from the file count:
/// an address in a segment's zero-filled tail (bss) is not backed by the file.
public struct AddressMap: @unchecked Sendable {
    public struct Mapping: Hashable, Sendable {
        public var vaddr: UInt64
        public var fileOffset: UInt64
        public var fileSize: UInt64
        public init(vaddr: UInt64, fileOffset: UInt64, fileSize: UInt64) {
            self.vaddr = vaddr
            self.fileOffset = fileOffset
            self.fileSize = fileSize
        }
    }

    public let view: ByteView
    public let mappings: [Mapping]

    public init(view: ByteView, mappings: [Mapping]) {
        self.view = view
        self.mappings = mappings.filter { $0.fileSize > 0 }
    }

    /// The file offset of `addr` when `count` bytes from it lie in one mapping's file bytes.
    public func fileOffset(ofAddress addr: UInt64, count: UInt64 = 1) -> UInt64? {
        for m in mappings where addr >= m.vaddr {
            let delta = addr - m.vaddr
            let (end, o) = delta.addingReportingOverflow(count)
            if !o, end <= m.fileSize {
                let (off, o2) = m.fileOffset.addingReportingOverflow(delta)
                if !o2 { return off }
            }
        }
        return nil
    }

    /// The bytes from `addr` to the end of the mapping that holds it (cut at the end of the
    /// file), or nil when no mapping holds it.
    public func tail(at addr: UInt64) -> ByteView? {
        for m in mappings where addr >= m.vaddr && addr - m.vaddr < m.fileSize {
            let delta = addr - m.vaddr
            let (off, o) = m.fileOffset.addingReportingOverflow(delta)
            guard !o, off <= UInt64(view.count) else { return nil }
            let n = min(m.fileSize - delta, UInt64(view.count) - off)
            return try? view.slice(off, n, field: "")
        }
        return nil
    }

    /// Exactly `count` bytes at `addr`.
    public func read(address addr: UInt64, count: UInt64, field: @autoclosure () -> String) throws(FormatError) -> ByteView {
        guard let off = fileOffset(ofAddress: addr, count: count) else {
            throw FormatError(offset: 0, field: field(), value: hex(addr),
                              problem: "address (\(count) bytes) is not backed by the file in any segment")
        }
        return try view.slice(off, count, field: field())
    }
}
