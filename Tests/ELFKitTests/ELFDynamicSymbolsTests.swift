import ELFKit
import Foundation
import TestSupport
import Testing

/// The dynamic symbol table read from the dynamic segment (hash tables, DT_VERSYM) and the
/// relocations, against readelf on real files.
@Suite struct ELFDynamicSymbolsTests {
    /// `readelf -W --dyn-syms`: (index, name without @version, defined).
    static func readelfSymbols(_ path: String) throws -> [(Int, String, Bool)] {
        let r = try run("/usr/bin/readelf", ["-W", "--dyn-syms", path])
        var out: [(Int, String, Bool)] = []
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 8, f[0].hasSuffix(":"), let i = Int(f[0].dropLast()) else { continue }
            let name = f[7].split(separator: "@").first.map(String.init) ?? ""
            out.append((i, name, f[6] != "UND"))
        }
        return out
    }

    static var corpus: [String] {
        var files = TestBinaries.all.filter { $0.kind == "c" || $0.name.hasPrefix("go/") && $0.name.contains("cgo1") }.map(\.path)
        files += ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/usr/bin/readelf"].filter { FileManager.default.fileExists(atPath: $0) }
        return files
    }

    @Test func importsEqualReadelf() throws {
        var compared = 0
        for path in Self.corpus {
            // A separate debug-info file has an empty PT_DYNAMIC: nothing to compare.
            guard let file = try? MappedFile(path: path), let elf = try? ELFFile(file.view), !elf.isSeparateDebugFile(),
                  let table = try elf.dynamicSymbolTable() else { continue }
            let theirs = try Self.readelfSymbols(path).filter { !$0.2 && $0.0 > 0 && !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }
            let ours = try table.imports().map { "\($0.index) \($0.name)" }
            #expect(ours == theirs, "\(path)")
            compared += 1
        }
        #expect(compared > 10)
    }

    /// Every exported function or object of libc is found through its GNU hash table, at the
    /// index readelf gives; a name libc does not define is not.
    @Test func hashLookupFindsEveryDefinitionOfLibc() throws {
        let path = "/lib/x86_64-linux-gnu/libc.so.6"
        let file = try MappedFile(path: path)
        let elf = try ELFFile(file.view)
        let table = try #require(try elf.dynamicSymbolTable())
        let defined = try Self.readelfSymbols(path).filter { $0.2 }
        var found = 0
        for (i, name, _) in defined {
            let s = try table.symbol(i)
            guard DynamicSymbolTable.isBindable(s) else { continue }
            #expect(try table.definitions(of: name).contains { $0.index == i }, "\(name) (\(i))")
            found += 1
        }
        #expect(found > 2000)
        #expect(try table.definitions(of: "no_such_symbol_anywhere").isEmpty)
        // memcpy has an old and a default version.
        let memcpy = try table.definitions(of: "memcpy")
        #expect(memcpy.count >= 2 && memcpy.contains { !$0.hidden } && memcpy.contains { $0.hidden })
    }

    /// Lazy (PLT) and immediate relocations, and BIND_NOW, as readelf lists them.
    @Test func relocationsSplitAsReadelf() throws {
        for (name, now) in [("c/mini-call", false), ("c/mini-call-now", true), ("c/mini-data", false), ("c/hello-dynamic", nil)] as [(String, Bool?)] {
            let b = try TestBinaries.named(name)
            let (_, elf) = try TestBinaries.opened(name)
            let r = try elf.relocationSymbols()
            let text = try run("/usr/bin/readelf", ["-W", "-r", "-d", b.path]).stdout
            let plt = text.components(separatedBy: "Relocation section '.rela.plt'").dropFirst().first.map { s in
                s.split(separator: "\n").filter { $0.contains("R_X86_64_JUMP_SLOT") }.count
            } ?? 0
            #expect(r.lazy.count == plt, "\(name)")
            if let now { #expect(r.bindNow == now, "\(name)") }
            if name == "c/mini-data" {
                #expect(r.copies.count == 1 || !r.immediate.isEmpty, "a data reference is bound at start")
            }
        }
    }
}
