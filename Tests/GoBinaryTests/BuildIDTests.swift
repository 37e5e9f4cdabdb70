import Testing
import ELFKit
import GoBinary
import TestSupport

/// The Go build ID from the ELF note (PT_NOTE or `.note.go.buildid`), which `GoReader.read`
/// prefers to the copy at the start of the text segment.
@Suite("Go build ID")
struct BuildIDTests {
    @Test("the note holds the action and content IDs, and is what the facts report")
    func noteIsTheFactsBuildID() throws {
        let (_, elf) = try TestBinaries.opened("go/server-cgo0")
        let note = try #require(try GoReader.noteBuildID(elf))
        // actionID(binary)/actionID(main.a)/contentID(main.a)/contentID(binary): cmd/go/internal/work/buildid.go.
        #expect(note.split(separator: "/", omittingEmptySubsequences: false).count == 4, "\(note)")
        #expect(try GoReader.read(elf: elf)?.goBuildID == note)
    }

    @Test("a C program has no Go build ID note")
    func cProgramHasNone() throws {
        let (_, elf) = try TestBinaries.opened("c/hello-dynamic")
        #expect(try GoReader.noteBuildID(elf) == nil)
    }
}
