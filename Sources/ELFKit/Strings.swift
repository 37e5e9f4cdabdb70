#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Replaces every occurrence of `target` (without Foundation, which costs startup time).
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension String {
    /// `hasPrefix` for an ASCII literal, comparing UTF-8 bytes (String.hasPrefix compares
    /// Unicode canonical equivalence, which costs far more and means the same here).
    package func hasASCIIPrefix(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        if let r = utf8.withContiguousStorageIfAvailable({ b -> Bool in
            guard b.count >= n, let base = b.baseAddress else { return n == 0 }
            return memcmp(base, prefix.utf8Start, n) == 0
        }) {
            return r
        }
        return prefix.withUTF8Buffer { utf8.starts(with: $0) }
    }

    /// Lowercase hexadecimal of `bytes`, two digits per byte.
    package static func lowercaseHex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            let d = digits.utf8Start
            var i = 0
            for b in bytes {
                out[i] = d[Int(b >> 4)]
                out[i + 1] = d[Int(b & 0xf)]
                i += 2
            }
            return i
        }
    }
}

extension Array where Element == String {
    /// The standard library's `joined(separator:)`, compiled here for `[String]`: the generic
    /// one resolves its associated types at run time on first use, a conformance scan that
    /// costs a tenth of a millisecond of start-up. `package`, never `public`: it would replace
    /// the standard method in every client of ELFKit.
    package func joined(separator: String) -> String {
        var out = ""
        for (i, s) in enumerated() {
            if i > 0 { out += separator }
            out += s
        }
        return out
    }
}
