/// Text taken from a file (an interpreter path, a library or section name, a recorded flag)
/// made safe to print: every control character (C0, DEL, C1) is written as an escape (`\e`
/// as `\x1b`, a tab as `\t`, a newline as `\n`), so a hostile binary cannot move the cursor,
/// recolour a terminal or start a new workflow command. Printable text is returned as it is.
public func visible(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isControl) else { return s }
    var out = ""
    out.reserveCapacity(s.utf8.count + 8)
    for u in s.unicodeScalars {
        guard isControl(u) else { out.unicodeScalars.append(u); continue }
        switch u.value {
        case 0x09: out += "\\t"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        default:
            let hex = String(u.value, radix: 16)
            out += u.value <= 0xFF ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u{" + hex + "}"
        }
    }
    return out
}

/// C0 controls, DEL and C1 controls (ECMA-48: the bytes a terminal acts on).
func isControl(_ u: Unicode.Scalar) -> Bool {
    u.value < 0x20 || (0x7F...0x9F).contains(u.value)
}
