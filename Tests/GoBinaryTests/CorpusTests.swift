import Foundation
import Testing
import ELFKit
import GoBinary
import TestSupport

/// Every Go binary of the TestBinaries corpus.
let goBinaries: [TestBinary] = TestBinaries.all.filter { $0.kind == "go" }

/// Reads a corpus file with GoReader, whatever its format.
func goFacts(_ b: TestBinary) throws -> (MappedFile, GoFacts?) {
    let f = try MappedFile(path: b.path)
    return (f, try GoReader.read(view: f.view))
}

@Suite("Build info equals `go version -m` (differential)")
struct BuildInfoDifferentialTests {
    @Test("every Go binary of the corpus", arguments: goBinaries)
    func matchesGoVersionM(_ b: TestBinary) throws {
        let (file, facts) = try goFacts(b)
        guard let expected = GoVersionJSON.read(b.path) else {
            // Go ≥1.26 reads ELF build info only through the .go.buildinfo section: a file without
            // section headers is the one case where it cannot answer and we still can.
            let sectionCount = (try? ELFFile(file.view).sectionCounts().count) ?? 1
            #expect(sectionCount == 0, "go version -m cannot read \(b.name)")
            #expect(facts?.buildInfo != nil)
            return
        }
        let info = try #require(facts?.buildInfo, "no build info read from \(b.name)")
        #expect(info.goVersion == expected.GoVersion)
        #expect((info.path ?? "") == (expected.Path ?? ""))
        if let m = expected.Main, !m.Path.isEmpty {
            let main = try #require(info.main)
            expectSame(main, m)
        } else {
            #expect(info.main == nil)
        }
        let deps = expected.Deps ?? []
        #expect(info.deps.count == deps.count)
        for (mine, theirs) in zip(info.deps, deps) { expectSame(mine, theirs) }
        let settings = (expected.Settings ?? []).map { "\($0.Key)=\($0.Value ?? "")" }
        #expect(info.settings.map { "\($0.key)=\($0.value)" } == settings)
        // Pointer size and byte order of the header agree with the file.
        if let elf = try? ELFFile(file.view) {
            #expect(info.pointerSize == elf.wordSize)
            #expect(info.bigEndian == (elf.order == .big))
        }
    }

    func expectSame(_ mine: GoModule, _ theirs: GoVersionJSON.Module) {
        #expect(mine.path == theirs.Path)
        #expect(mine.version == (theirs.Version ?? ""))
        #expect((mine.sum ?? "") == (theirs.Sum ?? ""))
        #expect((mine.replace == nil) == (theirs.Replace == nil))
        if let r = mine.replace, let t = theirs.Replace?.module { expectSame(r, t) }
    }

    @Test("quoted settings survive unquoting: -ldflags with spaces and quotes")
    func quotedSettings() throws {
        // Every corpus binary built with -ldflags has it recorded quoted; the value must come back
        // without the quotes and with its inner spaces.
        var seen = 0
        for b in goBinaries {
            guard let info = try goFacts(b).1?.buildInfo, let ld = info.setting("-ldflags") else { continue }
            seen += 1
            #expect(!ld.hasPrefix("\""), "\(b.name): \(ld)")
            if b.name.contains("-sw") { #expect(ld.contains("-s -w") || ld.contains("-w -s"), "\(b.name): \(ld)") }
        }
        #expect(seen > 0)
    }
}

@Suite("Non-Go files")
struct NonGoTests {
    @Test("C programs, libraries, objects and scripts are absent (nil), not errors",
          arguments: TestBinaries.all.filter { $0.kind != "go" })
    func absent(_ b: TestBinary) throws {
        #expect(try goFacts(b).1 == nil)
    }
}

@Suite("Packages from pclntab")
struct PackageTests {
    /// (stripped, unstripped) pairs: "server-cgo1-sw" ↔ "server-cgo1",
    /// "server-cgo0-trimpath-sw-X" ↔ "server-cgo0", "server-pie-ext-cgo1-sw" ↔ "server-pie-ext-cgo1".
    static let pairs: [(stripped: TestBinary, full: TestBinary)] = {
        var out: [(TestBinary, TestBinary)] = []
        for b in goBinaries where b.name.split(separator: "/").last?.split(separator: "-").contains("sw") == true {
            let dir = b.name.split(separator: "/").dropLast().joined(separator: "/")
            let base = (b.name.split(separator: "/").last ?? "").split(separator: "-")
                .filter { !["sw", "trimpath", "X"].contains(String($0)) }.joined(separator: "-")
            if let full = goBinaries.first(where: { $0.name == "\(dir)/\(base)" }) { out.append((b, full)) }
        }
        return out
    }()

    @Test("the corpus has stripped/unstripped pairs for Go 1.19 and the current Go, incl. PIE")
    func pairsExist() {
        let names = PackageTests.pairs.map(\.stripped.name)
        #expect(names.contains { $0.hasPrefix("go119/") })
        #expect(names.contains { $0.hasPrefix("go/") })
        #expect(names.contains { $0.contains("pie") })
    }

    @Test("packages of a -s -w build ⊇ packages of the unstripped build's .symtab",
          arguments: PackageTests.pairs.map { [$0.stripped, $0.full] })
    func strippedCoversSymtab(_ pair: [TestBinary]) throws {
        let (stripped, full) = (pair[0], pair[1])
        let read = try goFacts(stripped).1
        let facts = try #require(read)
        let (_, elf) = try TestBinaries.opened(full.name)
        let symtab = try #require(try elf.section(named: ".symtab"), "\(full.name) has no .symtab")
        // Go function symbols (STT_FUNC); C functions of cgo builds have no package path, or a
        // compiler suffix (foo.part.0, foo.cold), or start with "_".
        var expected = Set<String>()
        let cSuffixes = [".cold", ".part.", ".isra.", ".constprop.", ".lto_priv."]
        for s in try elf.symbols(in: symtab) where s.type == 2 && !s.name.hasPrefix("_") && !cSuffixes.contains(where: { s.name.contains($0) }) {
            guard let p = GoNames.packageName(s.name), isGoImportPath(p) else { continue }
            expected.insert(p)
        }
        #expect(expected.count > 20)
        let missing = expected.subtracting(facts.packages)
        #expect(missing.isEmpty, "\(stripped.name) misses \(missing.sorted()) found in \(full.name)'s .symtab")
        #expect(try elf.section(named: ".symtab") != nil)
        // The stripped build really is stripped.
        let sElf = try ELFFile(MappedFile(path: stripped.path).view)
        #expect(try sElf.section(named: ".symtab") == nil)
    }

    /// Standard library paths have no dot in the first element; module paths do.
    func isGoImportPath(_ p: String) -> Bool {
        let first = p.split(separator: "/").first.map(String.init) ?? p
        if first.contains(".") { return p.contains("/") }
        return p.allSatisfy { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "_" }
    }

    @Test("every Go binary yields packages, and runtime and main are among them", arguments: goBinaries)
    func basics(_ b: TestBinary) throws {
        let read = try goFacts(b).1
        let facts = try #require(read)
        #expect(facts.packages.contains("runtime"))
        #expect(facts.packages.contains("main"))
        #expect(facts.packages == facts.packages.sorted())
        #expect(Set(facts.packages).count == facts.packages.count)
        #expect(facts.pclntabVersion == (b.goVersion == "1.19" ? .go118 : .go120))
        #expect(facts.goBuildID != nil, "no Go build ID in \(b.name)")
        if b.info.contains("trimpath") {
            #expect(facts.absoluteBuildPaths.isEmpty, "\(facts.absoluteBuildPaths)")
        } else {
            #expect(!facts.absoluteBuildPaths.isEmpty)
            #expect(facts.absoluteBuildPaths.first?.hasSuffix("/main.go") == true || facts.absoluteBuildPaths.first?.hasSuffix(".go") == true)
        }
    }

    @Test("package names follow debug/gosym Sym.PackageName", arguments: [
        ("runtime.main", "runtime"),
        ("net/http.(*Server).Serve", "net/http"),
        ("net/http.(*http2Server).ServeConn.func1", "net/http"),
        ("example.com/app/internal/x.T.M", "example.com/app/internal/x"),
        ("gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3"),
        ("go.uber.org/zap.New", "go.uber.org/zap"),
        ("slices.SortFunc[go.shape.[]*example.com/a/b.T,go.shape.func(*example.com/a/b.T, *example.com/a/b.T) int]", "slices"),
        ("example.com/a.(*List[go.shape.string]).Push", "example.com/a"),
        ("sync/atomic.(*Pointer[example.com/x/y.T]).Load", "sync/atomic"),
        ("main.main", "main"),
    ])
    func packageName(_ c: (String, String)) {
        #expect(GoNames.packageName(c.0) == c.1)
    }

    @Test("compiler-generated and C names have no package", arguments: [
        "go:buildid", "type:.eq.[2]interface {}", "type..eq.main.T", "go.buildid", "go.itab.*os.File,io.Writer",
        "x_cgo_init", "crosscall2", "_rt0_amd64_linux", "", ".hidden",
    ])
    func noPackage(_ name: String) {
        #expect(GoNames.packageName(name) == nil)
    }
}
