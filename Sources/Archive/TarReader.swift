/// The bounds on reading one tar stream (IMAGES.md 6.6). Allocation never follows a header
/// field past these: meta-data is read into memory only up to `maxMetadataBytes`, and a
/// member's data only up to the cap the caller passes to `readData(cap:)`.
public struct TarLimits: Sendable, Hashable {
    /// A PAX header ('x', 'g') or a GNU long name or link ('L', 'K') of more is an error:
    /// 1 MiB, Go's maxSpecialFileSize.
    public static let defaultMaxMetadataBytes = 1 << 20
    /// Header blocks (meta headers included) in one stream: 1,048,576. A Debian image has
    /// about 10,000 files, a large one a few hundred thousand.
    public static let defaultMaxEntries = 1 << 20
    /// Bytes of a name or a link name: 4096, Linux's PATH_MAX.
    public static let defaultMaxNameBytes = 4096

    public var maxMetadataBytes: Int
    public var maxEntries: Int
    public var maxNameBytes: Int
    /// The read-ahead buffer (a multiple of 512 bytes is used).
    public var bufferSize: Int
    /// When the stream ends inside the padding after a member whose data is complete, the
    /// archive ends there (Go's archive/tar does this: `tryReadFull` of the padding returns
    /// io.EOF, which `Next` reports as the end), instead of an error. Layers that umoci writes
    /// for `umoci insert --opaque` end so, and moby, containerd and umoci read them.
    public var endAtTruncatedPadding = false

    public init(maxMetadataBytes: Int = TarLimits.defaultMaxMetadataBytes,
                maxEntries: Int = TarLimits.defaultMaxEntries,
                maxNameBytes: Int = TarLimits.defaultMaxNameBytes,
                bufferSize: Int = 256 << 10) {
        self.maxMetadataBytes = maxMetadataBytes
        self.maxEntries = maxEntries
        self.maxNameBytes = maxNameBytes
        self.bufferSize = bufferSize
    }
}

/// One member of a tar stream, with PAX records and GNU long names merged in.
public struct TarEntry: Sendable, Hashable {
    /// The name as stored (prefix, PAX path or GNU long name applied), not normalised:
    /// `TarPath.normalize` makes the path. Bytes that are not UTF-8 are repaired (U+FFFD).
    public var name: String
    /// The link target as stored (PAX linkpath or GNU long link applied).
    public var linkName: String
    /// The typeflag; '\0' is reported as `regular`, or `directory` for a name ending in `/`.
    public var type: TarType
    public var mode: Int64
    public var uid: Int64
    public var gid: Int64
    /// Bytes of data that follow the header: 0 for header-only types (links, devices,
    /// directories, FIFOs) whatever the size field says.
    public var size: UInt64
    public var format: TarFormat
    /// Offset in the (decompressed) tar stream of the entry's first header block (a PAX or
    /// long-name header when there is one).
    public var headerOffset: UInt64
    /// Offset in the (decompressed) tar stream of the entry's data. A later pass reads the
    /// data there: pread at this offset for a plain tar file (`FileRangeStream`), or decompress
    /// again and skip this many bytes.
    public var dataOffset: UInt64
}

/// A streaming tar reader (IMAGES.md §5; Go's src/archive/tar reader.go): ustar (prefix and
/// name), GNU (././@LongLink 'L' and 'K', no prefix), PAX 'x' (path, linkpath, size, uid,
/// gid; 'g' read and ignored, as moby does), star, and V7. Numbers are octal or base-256.
///
/// `next()` moves to the next member, skipping whatever of the current member's data was not
/// read (a seek on a plain file, else reads into the reader's own buffer: skipping never
/// allocates). The current member's data is read with `read(into:)`, `readData(cap:)` or the
/// stream `data()`.
///
/// The end is two zero blocks; one zero block then the end of the stream, or the stream ending
/// at a header boundary, is accepted (as Go does); a zero block followed by a non-zero one is an
/// error. Whatever follows the two zero blocks is not read. GNU sparse files ('S', PAX
/// GNU.sparse.*) are refused with an error: layers SHOULD NOT have them (IMAGES.md 4.7).
public final class TarReader {
    public let source: any ByteStream
    public let limits: TarLimits
    public var name: String { source.name }

    /// The member `next()` returned last (nil before the first and after the end).
    public private(set) var current: TarEntry?
    /// Bytes of the current member's data not read yet.
    public private(set) var remaining: UInt64 = 0
    /// Offset in the tar stream of the next byte to be consumed.
    public private(set) var position: UInt64 = 0
    /// Header blocks read so far (meta headers included).
    public private(set) var headerCount = 0

    private let buffer: RawBuffer
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    private var finished = false
    // Bytes of padding after the current member's data.
    private var padding: UInt64 = 0
    // Counts the members, so that a data stream of an old member refuses to read.
    private var generation = 0

    public init(_ source: any ByteStream, limits: TarLimits = .init()) {
        self.source = source
        self.limits = limits
        buffer = RawBuffer(count: Swift.max(512, limits.bufferSize / 512 * 512))
    }

    /// The next member, or nil at the end of the archive.
    public func next() throws(ArchiveError) -> TarEntry? {
        guard !finished else { return nil }
        try skipRest()
        current = nil
        generation &+= 1

        var pax: PAXRecords?
        var longName: [UInt8]?
        var longLink: [UInt8]?
        var firstHeader: UInt64?
        while true {
            let headerOffset = position
            guard let raw = try readHeader() else {
                if firstHeader != nil {
                    throw ArchiveError(location: name, offset: headerOffset,
                                       problem: "the archive ends after a meta header at offset \(firstHeader ?? 0), before the member it describes")
                }
                finished = true
                return nil
            }
            if firstHeader == nil { firstHeader = headerOffset }
            var dataSize = raw.type.isHeaderOnly ? 0 : UInt64(raw.size)
            switch raw.type {
            case .paxExtended, .paxGlobal:
                let data = try readMetadata(raw, size: dataSize, at: headerOffset)
                let records: PAXRecords
                do { records = try PAXRecords.parse(data) } catch {
                    throw ArchiveError(location: name, offset: headerOffset,
                                       problem: "PAX header at offset \(headerOffset): \(error.words)")
                }
                if raw.type == .paxExtended { pax = records }
                continue
            case .gnuLongName, .gnuLongLink:
                var data = try readMetadata(raw, size: dataSize, at: headerOffset)
                if let nul = data.firstIndex(of: 0) { data.removeSubrange(nul...) }
                if raw.type == .gnuLongName { longName = data } else { longLink = data }
                continue
            default:
                break
            }

            // 5.4: PAX records, then GNU long names, which win.
            var nameBytes = raw.name
            var linkBytes = raw.linkName
            var uid = raw.uid
            var gid = raw.gid
            var format = raw.format
            if let pax {
                if pax.sparse {
                    throw memberError(String(decoding: pax.path ?? nameBytes, as: UTF8.self), at: headerOffset,
                                      "GNU sparse files (PAX GNU.sparse.*) are not supported")
                }
                if let p = pax.path { nameBytes = p }
                if let l = pax.linkPath { linkBytes = l }
                if let s = pax.size, !raw.type.isHeaderOnly { dataSize = UInt64(s) }
                if let u = pax.uid { uid = u }
                if let g = pax.gid { gid = g }
                format = .pax
            }
            if let longName { nameBytes = longName }
            if let longLink { linkBytes = longLink }
            let entryName = String(decoding: nameBytes, as: UTF8.self)
            guard nameBytes.count <= limits.maxNameBytes, linkBytes.count <= limits.maxNameBytes else {
                throw memberError(String(entryName.prefix(200)) + "…", at: headerOffset,
                                  "name or link name longer than the cap of \(limits.maxNameBytes) bytes")
            }
            if raw.type == .gnuSparse {
                throw memberError(entryName, at: headerOffset, "GNU sparse files (type 'S') are not supported")
            }
            var type = raw.type
            if type == .regularA {
                type = nameBytes.last == UInt8(ascii: "/") ? .directory : .regular
                if type == .directory { dataSize = 0 }
            }
            let dataOffset = position
            let (dataEnd, o1) = dataOffset.addingReportingOverflow(dataSize)
            guard !o1, dataEnd < UInt64.max - 512 else {
                throw memberError(entryName, at: headerOffset, "size \(dataSize) runs past the largest offset")
            }
            let entry = TarEntry(name: entryName, linkName: String(decoding: linkBytes, as: UTF8.self), type: type,
                                 mode: raw.mode, uid: uid, gid: gid, size: dataSize, format: format,
                                 headerOffset: firstHeader ?? headerOffset, dataOffset: dataOffset)
            current = entry
            remaining = dataSize
            padding = (512 - dataSize % 512) % 512
            return entry
        }
    }

    /// Reads up to `buffer.count` bytes of the current member's data; 0 at its end. A stream
    /// that ends before the member's declared size is an error naming the member.
    public func read(into out: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard remaining > 0, !out.isEmpty, let dst = out.baseAddress else { return 0 }
        let want = Int(Swift.min(UInt64(out.count), remaining))
        var n: Int
        if start < end, let src = buffer.bytes.baseAddress {
            n = Swift.min(want, end - start)
            dst.copyMemory(from: src + start, byteCount: n)
            start += n
        } else if sourceEnded {
            n = 0
        } else if want >= buffer.count / 2 {
            // Large reads go straight into the caller's buffer.
            n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: out[0..<want]))
            if n == 0 { sourceEnded = true }
        } else {
            try fill()
            n = Swift.min(want, end - start)
            if n > 0, let src = buffer.bytes.baseAddress {
                dst.copyMemory(from: src + start, byteCount: n)
                start += n
            }
        }
        if n == 0 { throw truncated() }
        remaining -= UInt64(n)
        position += UInt64(n)
        return n
    }

    /// The rest of the current member's data, which must be at most `cap` bytes (checked
    /// before anything is allocated).
    public func readData(cap: Int) throws(ArchiveError) -> [UInt8] {
        guard let entry = current else { return [] }
        guard remaining <= UInt64(Swift.max(cap, 0)) else {
            throw memberError(entry.name, at: entry.headerOffset, "\(remaining) bytes of data, more than the cap of \(cap) bytes")
        }
        var out = [UInt8](repeating: 0, count: Int(remaining))
        var done = 0
        var failure: ArchiveError?
        out.withUnsafeMutableBytes { b in
            do throws(ArchiveError) {
                while done < b.count {
                    done += try read(into: UnsafeMutableRawBufferPointer(rebasing: b[done...]))
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Skips the rest of the current member's data (`next()` does this by itself).
    public func skipData() throws(ArchiveError) {
        try skip(remaining, inData: true)
    }

    /// The current member's data as a stream (for hashing or decompressing a blob inside an
    /// outer tar). It reads nothing once `next()` has moved on.
    public func data() -> TarEntryStream {
        TarEntryStream(reader: self, generation: generation,
                       name: "\(name): member \"\(current?.name ?? "")\"")
    }

    fileprivate func read(into out: UnsafeMutableRawBufferPointer, generation g: Int, streamName: String) throws(ArchiveError) -> Int {
        guard g == generation else {
            throw ArchiveError(location: streamName, problem: "read after the tar reader moved to another member")
        }
        return try read(into: out)
    }

    // MARK: - Blocks

    private func skipRest() throws(ArchiveError) {
        try skip(remaining, inData: true)
        try skip(padding, inData: false)
        padding = 0
    }

    private func skip(_ count: UInt64, inData: Bool) throws(ArchiveError) {
        var left = count
        let fromBuffer = Int(Swift.min(left, UInt64(end - start)))
        start += fromBuffer
        left -= UInt64(fromBuffer)
        position += UInt64(fromBuffer)
        if inData { remaining -= UInt64(fromBuffer) }
        if left > 0, !sourceEnded {
            // The buffer is empty now: it is the scratch space for streams that read to skip.
            start = 0
            end = 0
            let done = try source.skip(left, scratch: buffer.bytes)
            left -= done
            position += done
            if inData { remaining -= done }
        }
        if left > 0 {
            sourceEnded = true
            if inData { throw truncated() }
            if limits.endAtTruncatedPadding { return }
            throw ArchiveError(location: name, offset: position,
                               problem: "the stream ends at offset \(position), inside the padding after member \"\(current?.name ?? "")\"")
        }
    }

    // Reads more into the buffer; sets sourceEnded when the source has no more.
    private func fill() throws(ArchiveError) {
        if start == end {
            start = 0
            end = 0
        } else if start > 0, let base = buffer.bytes.baseAddress {
            base.copyMemory(from: base + start, byteCount: end - start)
            end -= start
            start = 0
        }
        guard end < buffer.count, !sourceEnded else { return }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[end...]))
        if n == 0 { sourceEnded = true }
        end += n
    }

    // The next 512-byte block, or nil at the end of the stream exactly at a block boundary.
    private func block() throws(ArchiveError) -> UnsafeRawBufferPointer? {
        while end - start < 512, !sourceEnded { try fill() }
        if end == start { return nil }
        guard end - start >= 512 else {
            throw ArchiveError(location: name, offset: position,
                               problem: "the stream ends at offset \(position + UInt64(end - start)), inside a header block at offset \(position)")
        }
        let b = UnsafeRawBufferPointer(rebasing: buffer.bytes[start..<(start + 512)])
        start += 512
        position += 512
        return b
    }

    // The next header, or nil at the end of the archive (5.7).
    private func readHeader() throws(ArchiveError) -> RawTarHeader? {
        let at = position
        guard let b = try block() else { return nil }
        if RawTarHeader.isZero(b) {
            guard let second = try block() else { return nil }
            if RawTarHeader.isZero(second) { return nil }
            throw ArchiveError(location: name, offset: at + 512,
                               problem: "a zero block at offset \(at) is followed by a non-zero block: not the end of the archive, and not a header")
        }
        headerCount += 1
        guard headerCount <= limits.maxEntries else {
            throw ArchiveError(location: name, offset: at,
                               problem: "more than the cap of \(limits.maxEntries) headers")
        }
        do { return try RawTarHeader.parse(b) } catch {
            throw ArchiveError(location: name, offset: at, problem: "header at offset \(at): \(error.words)")
        }
    }

    // The data of a PAX or GNU long-name header, capped, and its padding consumed.
    private func readMetadata(_ raw: RawTarHeader, size: UInt64, at headerOffset: UInt64) throws(ArchiveError) -> [UInt8] {
        guard size <= UInt64(limits.maxMetadataBytes) else {
            throw ArchiveError(location: name, offset: headerOffset,
                               problem: "\(raw.type) meta header at offset \(headerOffset) has \(size) bytes, more than the cap of \(limits.maxMetadataBytes)")
        }
        current = TarEntry(name: String(decoding: raw.name, as: UTF8.self), linkName: "", type: raw.type, mode: raw.mode,
                           uid: raw.uid, gid: raw.gid, size: size, format: raw.format,
                           headerOffset: headerOffset, dataOffset: position)
        remaining = size
        padding = (512 - size % 512) % 512
        let data = try readData(cap: limits.maxMetadataBytes)
        try skip(padding, inData: false)
        padding = 0
        current = nil
        return data
    }

    private func truncated() -> ArchiveError {
        let entry = current
        let size = entry?.size ?? 0
        return ArchiveError(location: name, offset: position,
                            problem: "member \"\(entry?.name ?? "")\" is truncated: its size is \(size) bytes but the stream ends after \(size - remaining) of them, at offset \(position)")
    }

    private func memberError(_ member: String, at offset: UInt64, _ words: String) -> ArchiveError {
        ArchiveError(location: name, offset: offset, problem: "member \"\(member)\" (header at offset \(offset)): \(words)")
    }
}

/// One member's data as a stream, read through its `TarReader`.
public final class TarEntryStream: ByteStream {
    private let reader: TarReader
    private let generation: Int
    public let name: String
    public private(set) var position: UInt64 = 0

    fileprivate init(reader: TarReader, generation: Int, name: String) {
        self.reader = reader
        self.generation = generation
        self.name = name
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let n = try reader.read(into: buffer, generation: generation, streamName: name)
        position += UInt64(n)
        return n
    }
}
