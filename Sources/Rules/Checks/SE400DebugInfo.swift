import GoBinary
import Targets

public enum SE400DebugInfo: Rule {
    public static let info = RuleInfo(
        id: "SE400", name: "debug-info", title: "DWARF debug information is shipped",
        summary: "The binary carries DWARF sections: how many bytes, and what share of the file.",
        rationale: "go build keeps DWARF for debuggers; in an image it only adds bytes to pull and store. -ldflags=-w drops it (from Go 1.22, -s implies -w).",
        fixBefore: "go build ./cmd/server",
        fixAfter: "go build -ldflags=\"-s -w\" ./cmd/server",
        severity: .info,
        examples: [
            .fires("go/server-cgo0", "default build keeps DWARF"),
            .silent("go/server-cgo1-sw", "-s -w"),
            .silent("go119/server-cgo1-sw", "-s -w with Go 1.19"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        let f = c.facts
        guard let e = f.elf, e.debugBytes > 0 else { return [] }
        let fix: String
        var build: GoBuildLine?
        if let line = SizeAdvice.stripLine(c) {
            build = line
            fix = "\(line.withCaveat)   # \(SizeAdvice.after(c))" + (SizeAdvice.sImpliesW(c.go) ? "; -s implies -w since Go 1.22" : "")
        } else {
            fix = "strip --strip-debug the binary before COPY (or build without -g)"
        }
        return [finding("\(SizeAdvice.mb(e.debugBytes)) of DWARF debug information (\(e.debugSections.count) sections, \(SizeAdvice.percent(e.debugBytes, of: f.fileBytes)) of the file)",
                        why: "Debug sections are not loaded at run time; they only make the image larger.",
                        fix: fix, build: build)]
    }
}
