import ELFKit
import TestSupport
import Testing

@Suite struct ELFNotesTests {
    @Test func gnuBuildID() throws {
        let (_, dynamic) = try TestBinaries.opened("c/hello-dynamic")
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
}
