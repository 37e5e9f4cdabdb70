import ELFKit
import TestSupport
import Testing

@Suite struct ELFFileTests {
    @Test func bigEndianAnd32Bit() throws {
        let (_, s390) = try TestBinaries.opened("go/hello-linux-s390x")
        #expect(s390.header.order == .big)
        #expect(s390.header.machine.factName(bits: 64, order: .big) == "s390x")
        #expect(try s390.section(named: ".go.buildinfo") != nil)
        let (_, mips) = try TestBinaries.opened("go/hello-linux-mips")
        #expect(mips.header.bits == 32)
        #expect(mips.header.order == .big)
        #expect(mips.header.machine.factName(bits: 32, order: .big) == "mips")
        let (_, m32) = try TestBinaries.opened("c/hello-m32")
        #expect(try m32.interpreter() == "/lib/ld-linux.so.2")
        #expect(try m32.versionNeeds().flatMap(\.versions).contains("GLIBC_2.0"))
    }

    @Test func machineNames() {
        #expect(Machine.x86_64.factName(bits: 64, order: .little) == "x86_64")
        #expect(Machine.ppc64.factName(bits: 64, order: .little) == "ppc64le")
        #expect(Machine.mips.factName(bits: 64, order: .little) == "mips64el")
        #expect(Machine.mips.factName(bits: 32, order: .little) == "mipsel")
        #expect(Machine.loongarch.factName(bits: 64, order: .little) == "loong64")
        #expect(Machine.sparcv9.factName(bits: 64, order: .big) == "sparc64")
        #expect(Machine(rawValue: 9999).factName(bits: 64, order: .little) == "em-9999")
    }
}
