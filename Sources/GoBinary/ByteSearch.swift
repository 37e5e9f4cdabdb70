#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Byte searches 16 bytes at a time. `SIMD16<UInt8>` compares compile to SSE2 (or NEON)
/// compares; the mask is read back with `pmovmskb` on x86-64, as two words elsewhere.
enum ByteSearch {
    /// The 16 bytes at `p + offset` (the caller keeps them inside the buffer).
    @inline(__always)
    static func load16(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
        p.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
    }

    /// The compare mask as two words, 0x00 or 0xff per byte, byte 0 lowest.
    @inline(__always)
    static func words(_ m: SIMDMask<SIMD16<Int8>>) -> (UInt64, UInt64) {
        let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        return (UInt64(littleEndian: w[0]), UInt64(littleEndian: w[1]))
    }

    /// The index of the last set lane (the mask has one).
    @inline(__always)
    static func last(_ m: SIMDMask<SIMD16<Int8>>) -> Int {
        let (lo, hi) = words(m)
        return hi != 0 ? 15 - hi.leadingZeroBitCount >> 3 : 7 - lo.leadingZeroBitCount >> 3
    }

    /// One bit per lane, lane 0 lowest: one `pmovmskb` on x86-64, two multiplies elsewhere.
    @inline(__always)
    static func bits(_ m: SIMDMask<SIMD16<Int8>>) -> UInt32 {
        #if arch(x86_64)
        UInt32(UInt16(truncatingIfNeeded: _mm_movemask_epi8(unsafeBitCast(m, to: __m128i.self))))
        #else
        let (lo, hi) = words(m)
        return UInt32(truncatingIfNeeded: pack(lo) | pack(hi) << 8)
        #endif
    }

    /// The NULs and the "/"s of the 64 bytes at `p`: bit k set for byte k.
    @inline(__always)
    static func nulAndSlash64(_ p: UnsafeRawPointer) -> (nul: UInt64, slash: UInt64) {
        let zero = SIMD16<UInt8>(repeating: 0), slash = SIMD16<UInt8>(repeating: UInt8(ascii: "/"))
        let v0 = load16(p, 0), v1 = load16(p, 16), v2 = load16(p, 32), v3 = load16(p, 48)
        let z = UInt64(bits(v0 .== zero)) | UInt64(bits(v1 .== zero)) << 16 | UInt64(bits(v2 .== zero)) << 32 | UInt64(bits(v3 .== zero)) << 48
        let s = UInt64(bits(v0 .== slash)) | UInt64(bits(v1 .== slash)) << 16 | UInt64(bits(v2 .== slash)) << 32 | UInt64(bits(v3 .== slash)) << 48
        return (z, s)
    }

    /// Bytes of 0x00/0xff to one bit each (byte k to bit k).
    @inline(__always)
    static func pack(_ x: UInt64) -> UInt64 {
        ((x & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56
    }

    /// The last index in `0..<count` holding `byte`, or -1.
    @inline(__always)
    static func lastIndex(of byte: UInt8, _ base: UnsafeRawPointer, count: Int) -> Int {
        var j = count
        while j >= 16 {
            let m = load16(base, j &- 16) .== SIMD16<UInt8>(repeating: byte)
            if any(m) { return j &- 16 &+ last(m) }
            j &-= 16
        }
        while j > 0 {
            j &-= 1
            if base.load(fromByteOffset: j, as: UInt8.self) == byte { return j }
        }
        return -1
    }
}

extension ByteSearch {
    /// The first index of `needle` in `hay`, or nil. Candidates are the positions where both
    /// the needle's first and last byte match, 16 at a time; only those are compared in full.
    static func firstIndex(of needle: UnsafeRawBufferPointer, in hay: UnsafeRawBufferPointer) -> Int? {
        let n = needle.count
        guard n > 0, hay.count >= n, let h = hay.baseAddress, let p = needle.baseAddress else { return nil }
        let first = SIMD16<UInt8>(repeating: needle[0]), last = SIMD16<UInt8>(repeating: needle[n - 1])
        let limit = hay.count - n   // the last possible start
        var i = 0
        while i + 15 <= limit {
            // Starts i...i+15: their last bytes end at i+15+n-1 < hay.count.
            var m = bits((load16(h, i) .== first) .& (load16(h, i + n - 1) .== last))
            while m != 0 {
                let k = i + m.trailingZeroBitCount
                if memcmp(h + k, p, n) == 0 { return k }
                m &= m - 1
            }
            i += 16
        }
        while i <= limit {
            if h.load(fromByteOffset: i, as: UInt8.self) == needle[0], memcmp(h + i, p, n) == 0 { return i }
            i += 1
        }
        return nil
    }
}
