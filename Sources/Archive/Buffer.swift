/// A fixed block of memory, freed with its owner: a stream's reusable buffer. Allocated once;
/// reading never grows it.
final class RawBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        bytes = .allocate(byteCount: Swift.max(count, 1), alignment: 64)
    }

    deinit { bytes.deallocate() }

    var count: Int { bytes.count }
}
