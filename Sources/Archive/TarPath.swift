/// Member names made into paths inside the image (IMAGES.md 6.1, after moby's UnpackLayer).
public enum TarPath {
    /// Why a name cannot be a path inside the archive's top.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// A `..` would climb above the top (`../../etc/passwd`, `a/../../b`, `/../x`).
        case escapes
        case containsNUL
        case empty

        public var description: String {
            switch self {
            case .escapes: "the path climbs above the top of the archive with '..' (refused, not clamped)"
            case .containsNUL: "the name contains a NUL byte"
            case .empty: "the name is empty"
            }
        }
    }

    /// The member's path relative to the archive's top: leading `/` and `./` stripped, empty
    /// and `.` components dropped, `..` applied lexically (`a//b/./c` → `a/b/c`, `a/b/../c` →
    /// `a/c`), a trailing `/` dropped. nil for the top itself (`.`, `./`, `/`): skip the entry.
    ///
    /// A `..` that would climb above the top is refused, not clamped, even in an absolute
    /// name (moby clamps `/../x` to `x`; an archive that says that is hostile or broken, and
    /// saying so beats guessing). NUL is refused too.
    public static func normalize(_ name: String) throws(Problem) -> String? {
        guard !name.isEmpty else { throw .empty }
        var parts: [Substring] = []
        for part in name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.contains(0) { throw .containsNUL }
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) {
                if parts.popLast() == nil { throw .escapes }
                continue
            }
            parts.append(Substring(part))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}

extension TarReader {
    /// `TarPath.normalize` of a member's name, its problem an error naming the member.
    public func path(of entry: TarEntry) throws(ArchiveError) -> String? {
        do { return try TarPath.normalize(entry.name) } catch {
            throw ArchiveError(location: name, offset: entry.headerOffset,
                               problem: "member \"\(entry.name)\" (header at offset \(entry.headerOffset)): \(error)")
        }
    }
}
