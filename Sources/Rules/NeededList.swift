extension ELFFacts {
    /// The DT_NEEDED names once each, in their first order: Go's Solaris and illumos binaries
    /// name `libc.so` once per imported function (dozens of times), and a message names it once.
    public var neededUnique: [String] {
        var seen = Set<String>()
        return needed.filter { seen.insert($0).inserted }
    }

    /// `neededUnique` joined with ", ", for messages.
    public var neededList: String { neededUnique.joined(separator: ", ") }
}
