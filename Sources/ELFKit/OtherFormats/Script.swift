/// A `#!` line as the Linux kernel reads it (fs/binfmt_script.c): at most the first 256 bytes
/// (BINPRM_BUF_SIZE), the interpreter is the first word after `#!` and blanks, ending at a
/// space, tab, newline or NUL — so a CR before the newline becomes part of the path.
public struct Shebang: Hashable, Sendable {
    /// The interpreter path exactly as the kernel will look it up (may end in "\r").
    public var interpreter: String
    /// The single optional argument (the kernel passes the rest of the line as one argument).
    public var argument: String?
    /// True when the line ends in CR LF: the interpreter or its argument carries the CR.
    public var hasCarriageReturn: Bool
    /// True when the kernel cannot take the line: no interpreter, or the interpreter path does
    /// not end within the first 256 bytes (ENOEXEC since Linux 5.1).
    public var truncated: Bool

    /// The kernel's buffer size for the first line.
    public static let bufferSize = 256

    /// Parses the start of a file that begins with `#!`; nil when it does not.
    public init?(_ view: ByteView) {
        guard view.hasBytes([0x23, 0x21]) else { return nil }
        let n = min(view.count, Shebang.bufferSize - 1)
        var bytes: [UInt8] = []
        var i = 2
        var sawNewline = false
        while i < n, let b = view[safe: i] {
            if b == 0x0a { sawNewline = true; break }
            bytes.append(b)
            i += 1
        }
        let line = bytes
        hasCarriageReturn = line.last == 0x0d
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var p = 0
        while p < line.count, isBlank(line[p]) { p += 1 }
        var q = p
        while q < line.count, !isBlank(line[q]), line[q] != 0 { q += 1 }
        interpreter = String(decoding: line[p..<q], as: UTF8.self)
        // The interpreter must end before the buffer does when the line was cut off.
        truncated = interpreter.isEmpty || (!sawNewline && view.count >= Shebang.bufferSize - 1 && q == line.count)
        var r = q
        while r < line.count, isBlank(line[r]) { r += 1 }
        var end = line.count
        while end > r, isBlank(line[end - 1]) { end -= 1 }
        argument = r < end ? String(decoding: line[r..<end], as: UTF8.self) : nil
    }
}
