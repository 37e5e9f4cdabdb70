#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Distinct byte strings, each with an Int tag, numbered from 0 in the order first inserted.
///
/// The name scan meets a package switch every few names: looking a package up here costs a
/// hash of a few words and one compare, with no String or Array made. Storage is only `[Int]`
/// and `[UInt8]`, whose generic metadata the process already has (the first use of a new
/// Set or Dictionary type costs a runtime conformance scan of the whole binary).
struct ByteStringSet {
    /// The strings' bytes, one after another.
    private var bytes: [UInt8] = []
    /// Three Ints per id: offset in `bytes`, count, tag.
    private var entries: [Int] = []
    /// Open addressing with linear probing: id + 1 per slot, 0 when empty. The count is a
    /// power of two and stays above twice `count`.
    private var slots: [Int]

    init(capacity: Int = 64) {
        var c = 8
        while c < 2 * capacity { c *= 2 }
        slots = [Int](repeating: 0, count: c)
    }

    var count: Int { entries.count / 3 }

    /// The id of `key`, added with tag 0 when new (`inserted`).
    mutating func insert(_ key: UnsafeRawBufferPointer) -> (id: Int, inserted: Bool) {
        let mask = slots.count - 1
        var s = ByteStringSet.hash(key) & mask
        while slots[s] != 0 {
            let id = slots[s] - 1
            if entries[3 * id + 1] == key.count && withBytes(id, { ByteStringSet.equal($0, key) }) { return (id, false) }
            s = (s + 1) & mask
        }
        let id = count
        entries.append(bytes.count)
        entries.append(key.count)
        entries.append(0)
        bytes.append(contentsOf: key)
        slots[s] = id + 1
        if 2 * count >= slots.count { rehash(slots: 2 * slots.count) }
        return (id, true)
    }

    /// The id of `key`, or nil.
    func find(_ key: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var s = ByteStringSet.hash(key) & mask
        while slots[s] != 0 {
            let id = slots[s] - 1
            if entries[3 * id + 1] == key.count && withBytes(id, { ByteStringSet.equal($0, key) }) { return id }
            s = (s + 1) & mask
        }
        return nil
    }

    func tag(_ id: Int) -> Int { entries[3 * id + 2] }

    mutating func setTag(_ id: Int, _ tag: Int) { entries[3 * id + 2] = tag }

    func count(_ id: Int) -> Int { entries[3 * id + 1] }

    /// Calls `body` with the bytes of string `id`.
    @inline(__always)
    func withBytes<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let off = entries[3 * id], n = entries[3 * id + 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[off..<(off + n)])) }
    }

    private mutating func rehash(slots newCount: Int) {
        var fresh = [Int](repeating: 0, count: newCount)
        let mask = newCount - 1
        for id in 0..<count {
            var s = withBytes(id) { ByteStringSet.hash($0) } & mask
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = id + 1
        }
        slots = fresh
    }

    /// A multiplicative hash of 8 bytes at a time (the last word overlaps the one before).
    @inline(__always)
    static func hash(_ k: UnsafeRawBufferPointer) -> Int {
        let m: UInt64 = 0x9e37_79b9_7f4a_7c15
        var h = UInt64(k.count) &* m
        guard let p = k.baseAddress else { return Int(truncatingIfNeeded: h ^ (h >> 29)) }
        let n = k.count
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* m
                h ^= h >> 32
                i += 8
            }
            h = (h ^ p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* m
        } else {
            var t: UInt64 = 0
            var i = 0
            if n & 4 != 0 { t = UInt64(p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)); i = 4 }
            if n & 2 != 0 { t = t << 16 | UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt16.self)); i += 2 }
            if n & 1 != 0 { t = t << 8 | UInt64(p.load(fromByteOffset: i, as: UInt8.self)) }
            h = (h ^ t) &* m
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }
}
