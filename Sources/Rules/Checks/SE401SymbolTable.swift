import GoBinary
import Targets

public enum SE401SymbolTable: Rule {
    public static let info = RuleInfo(
        id: "SE401", name: "symbol-table", title: "The symbol table is shipped",
        summary: "The binary carries .symtab/.strtab: how many bytes.",
        rationale: "The static symbol table serves debuggers and profilers on the build machine; -ldflags=-s drops it. Go keeps function names for stack traces in pclntab either way.",
        fixBefore: "go build ./cmd/server",
        fixAfter: "go build -ldflags=-s ./cmd/server",
        severity: .info,
        examples: [
            .fires("go/server-cgo0", "default build"),
            .silent("go/server-cgo1-sw", "-s -w"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        let f = c.facts
        guard let e = f.elf, e.symtabBytes > 0 else { return [] }
        let fix: String
        var build: GoBuildLine?
        if let line = SizeAdvice.stripLine(c) {
            build = line
            fix = "\(line.withCaveat)   # \(SizeAdvice.after(c)); stack traces keep their function names"
        } else {
            fix = "strip the binary (strip --strip-all) before COPY"
        }
        return [finding("\(SizeAdvice.mb(e.symtabBytes)) of symbol table (.symtab and .strtab, \(SizeAdvice.percent(e.symtabBytes, of: f.fileBytes)) of the file)",
                        why: "The static symbol table is not used at run time.",
                        fix: fix, build: build)]
    }
}
