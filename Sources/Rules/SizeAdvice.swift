import GoBinary
import Targets

/// Shared wording for the size rules (SE400–SE402).
enum SizeAdvice {
    static func mb(_ bytes: UInt64) -> String {
        if bytes < 102_400 { return "\((bytes + 512) / 1024) KB" }
        // Tenths of a MiB (104,857.6 bytes), rounded, without overflow.
        let tenths = bytes / 104_858 + (bytes % 104_858 >= 52_429 ? 1 : 0)
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        whole == 0 ? "0%" : "\(Int((Double(part) * 100 / Double(whole)).rounded()))%"
    }

    /// True when the Go version makes `-s` imply `-w` (Go 1.22 and later).
    static func sImpliesW(_ go: GoFacts?) -> Bool {
        guard let v = go?.buildInfo?.versionNumbers else { return false }
        return v.major > 1 || (v.major == 1 && v.minor >= 22)
    }

    /// The Go build line with -s (and -w where needed) added, plus the expected size.
    static func stripLine(_ c: RuleContext) -> GoBuildLine? {
        guard var line = c.goBuildLineForLinux else { return nil }
        line.addLdflags(sImpliesW(c.go) ? ["-s"] : ["-s", "-w"])
        return line
    }

    static func after(_ c: RuleContext) -> String {
        let elf = c.facts.elf
        let removed = (elf?.debugBytes ?? 0).addingReportingOverflow(elf?.symtabBytes ?? 0)
        let after = removed.overflow || removed.partialValue > c.facts.fileBytes ? 0 : c.facts.fileBytes - removed.partialValue
        return "about \(mb(after)) instead of \(mb(c.facts.fileBytes))"
    }
}
