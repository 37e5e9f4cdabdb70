extension ELFFacts {
    /// The DT_NEEDED names once each, in their first order: Go's Solaris and illumos binaries
    /// name `libc.so` once per imported function (dozens of times), and a message names it once.
    public var neededUnique: [String] {
        var seen = Set<String>()
        return needed.filter { seen.insert($0).inserted }
    }

    /// `neededUnique` joined with ", ", for messages; an empty name is shown as `""`.
    public var neededList: String { neededUnique.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: ", ") }
}
