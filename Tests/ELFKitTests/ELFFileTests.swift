import ELFKit
import Foundation
import TestSupport
import Testing

@Suite struct ELFFileTests {
    @Test func cgoServerHasInterpreterAndLibc() throws {
        let (_, elf) = try TestBinaries.opened("go/server-cgo1")
        #expect(elf.header.bits == 64)
        #expect(elf.header.machine == .x86_64)
        #expect(try elf.interpreter() == "/lib64/ld-linux-x86-64.so.2")
        let dyn = try #require(try elf.dynamic())
        #expect(dyn.needed.contains("libc.so.6"))
        let needs = try elf.versionNeeds()
        #expect(needs.contains { $0.file == "libc.so.6" && $0.versions.contains("GLIBC_2.2.5") })
    }

    @Test func staticGoBinaryHasNoInterpreter() throws {
        let (_, elf) = try TestBinaries.opened("go/server-cgo0")
        #expect(try elf.interpreter() == nil)
        #expect(try elf.dynamic() == nil)
    }

    @Test func staticPIEIsRecognised() throws {
        let (_, pie) = try TestBinaries.opened("c/hello-static-pie")
        #expect(pie.header.type == .dyn)
        #expect(try pie.isStaticPIE())
        let (_, dynamic) = try TestBinaries.opened("c/hello-dynamic")
        #expect(try !dynamic.isStaticPIE())
        #expect(try dynamic.dynamic()?.flags1.contains(.pie) == true)
        #expect(try dynamic.gnuBuildID()?.count == 40)
    }

    @Test func notesOfOneSection() throws {
        let (_, elf) = try TestBinaries.opened("c/hello-dynamic")
        let s = try #require(try elf.section(named: ".note.gnu.build-id"))
        let notes = try elf.notes(in: s)
        #expect(notes.count == 1)
        #expect(notes.first?.name == "GNU")
        #expect(notes.first?.type == 3)
        #expect(notes.first?.desc.count == 20)
    }

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

    @Test func readsWithoutSectionHeaders() throws {
        // Strip the section header table away (e_shoff = e_shnum = e_shstrndx = 0): the
        // interpreter and the dynamic segment are still found through the program headers.
        let path = try TestBinaries.named("c/hello-dynamic").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for i in 0x28..<0x30 { bytes[i] = 0 }      // e_shoff
        bytes[0x3c] = 0; bytes[0x3d] = 0           // e_shnum
        bytes[0x3e] = 0; bytes[0x3f] = 0           // e_shstrndx
        let elf = try ELFFile(ByteView(copying: bytes))
        #expect(try elf.sections().isEmpty)
        #expect(try elf.interpreter() == "/lib64/ld-linux-x86-64.so.2")
        #expect(try elf.dynamic()?.needed == ["libc.so.6"])
        #expect(try !elf.versionNeeds().isEmpty)
    }
}
