import Testing
import ELFKit
import GoBinary
import TestSupport

/// `GoReader.read` gives up at once on a file whose section headers name no Go section; the
/// searches meant for Go files without section headers must not run on every C program.
@Suite("Go section names")
struct SectionNameTests {
    @Test("names only Go's linker makes")
    func names() {
        for n in [".gopclntab", ".gosymtab", ".go.buildinfo", ".go.fipsinfo", ".note.go.buildid", ".data.rel.ro.gopclntab"] {
            #expect(GoReader.isGoSectionName(n), "\(n)")
        }
        // Every dynamic C program has .got and .got.plt: they are not Go's.
        for n in [".got", ".got.plt", ".go", ".gopher", ".note.gnu.build-id", ".data.rel.ro", ".text", ""] {
            #expect(!GoReader.isGoSectionName(n), "\(n)")
        }
    }

    @Test("every ELF Go binary with section headers has a Go section; no C program has one")
    func corpus() throws {
        var goChecked = 0, cChecked = 0, withGot = 0
        for b in TestBinaries.all where b.kind == "go" || b.kind == "c" {
            guard let f = try? MappedFile(path: b.path), let elf = try? ELFFile(f.view) else { continue }
            let sections = try elf.sections()
            guard !sections.isEmpty else { continue }
            let hasGo = sections.contains { GoReader.isGoSectionName($0.name) }
            if b.kind == "go" {
                #expect(hasGo, "\(b.name)")
                goChecked += 1
            } else {
                #expect(!hasGo, "\(b.name)")
                if sections.contains(where: { $0.name == ".got" }) { withGot += 1 }
                #expect(try GoReader.read(elf: elf) == nil, "\(b.name)")
                cChecked += 1
            }
        }
        #expect(goChecked >= 40 && cChecked >= 8 && withGot >= 4, "go \(goChecked), c \(cChecked), .got \(withGot)")
    }
}
