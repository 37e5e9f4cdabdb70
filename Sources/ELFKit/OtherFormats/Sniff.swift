/// Which reader a file needs, from its first bytes.
public enum SniffedFormat: Sendable, Hashable {
    case elf, machO, machOFat, pe, script, archive, unknown
}

public enum FormatSniffer {
    public static func sniff(_ view: ByteView) -> SniffedFormat {
        if view.hasBytes(ELFFile.magic) { return .elf }
        if view.hasBytes([0x23, 0x21]) { return .script }
        if view.hasBytes(Array("!<arch>\n".utf8)) || view.hasBytes(Array("!<thin>\n".utf8)) { return .archive }
        if MachOFile.isMachO(view) { return .machO }
        if MachOFat.isFat(view) { return .machOFat }
        if view.hasBytes([0x4d, 0x5a]) { return .pe }
        return .unknown
    }
}
