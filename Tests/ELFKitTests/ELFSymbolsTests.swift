import ELFKit
import TestSupport
import Testing

@Suite struct ELFSymbolsTests {
    @Test func dynamicSymbolsOfACProgram() throws {
        let (_, elf) = try TestBinaries.opened("c/hello-dynamic")
        let dynsym = try #require(try elf.sections().first { $0.type == .dynsym })
        let symbols = try elf.symbols(in: dynsym)
        #expect(symbols.count == elf.symbolCount(in: dynsym))
        // Entry 0 is the reserved null symbol; `puts` is an undefined global function.
        #expect(symbols.first?.name == "")
        let puts = try #require(symbols.first { $0.name == "puts" })
        #expect(puts.type == 2 && puts.binding == 1 && puts.shndx == 0)
    }
}
