import ELFKit
import Rules
import TestSupport
import Testing

@Suite struct SizeBreakdownTests {
    @Test func defaultGoBuildKeepsDebugAndSymbols() throws {
        let (_, elf) = try TestBinaries.opened("go/server-cgo0")
        let sizes = try SizeBreakdown(elf)
        #expect(sizes.debugBytes > 0)
        #expect(sizes.debugSections.allSatisfy { $0.hasPrefix(".debug_") || $0.hasPrefix(".zdebug_") })
        #expect(sizes.symtabBytes > 0)
    }

    @Test func strippedGoBuildHasNeither() throws {
        let (_, elf) = try TestBinaries.opened("go/server-cgo1-sw")
        let sizes = try SizeBreakdown(elf)
        #expect(sizes.debugBytes == 0)
        #expect(sizes.debugSections.isEmpty)
        #expect(sizes.symtabBytes == 0)
    }
}
