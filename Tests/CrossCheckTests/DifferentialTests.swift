import CrossCheck
import ELFKit
import Foundation
import TestSupport
import Testing

/// ELF files to compare: every ELF artifact of TestBinaries and a deterministic sample of this
/// machine's own binaries and libraries (system and Swift toolchain).
enum Corpus {
    /// `objcopy --only-keep-debug` output (TestBinaries `c/*.debug`).
    static func isDebugFile(_ path: String) -> Bool {
        guard let f = try? MappedFile(path: path), let elf = try? ELFFile(f.view) else { return false }
        return elf.isSeparateDebugFile()
    }

    static func isELF(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return (try? h.read(upToCount: 4)).map { [UInt8]($0) == ELFFile.magic } ?? false
    }

    static let testBinaries: [String] = TestBinaries.all.map(\.path).filter(isELF)

    static let system: [String] = {
        let dirs = ["/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc/x86_64-linux-gnu/12",
                    "/opt/swift/usr/bin", "/opt/swift/usr/lib/swift/linux", "/usr/lib/go-1.19/pkg/tool/linux_amd64",
                    "/usr/libexec/gcc/x86_64-linux-gnu/12"]
        var files: [String] = []
        let fm = FileManager.default
        for d in dirs {
            guard let names = try? fm.contentsOfDirectory(atPath: d) else { continue }
            for n in names.sorted() {
                let p = d + "/" + n
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue else { continue }
                if let attrs = try? fm.attributesOfItem(atPath: p), attrs[.type] as? FileAttributeType == .typeSymbolicLink { continue }
                if isELF(p) { files.append(p) }
            }
        }
        // Every 3rd file keeps the run short while covering executables, libraries and objects.
        return files.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
    }()
}

@Suite struct LibelfDifferentialTests {
    init() throws {
        if case .failure(let e) = LibelfCrossCheck.load() {
            Issue.record("libelf must be installed for the differential tests (make test installs libelf-dev): \(e)")
        }
    }

    @Test func agreesOnEveryTestBinary() throws {
        #expect(Corpus.testBinaries.count >= 40, "TestBinaries has \(Corpus.testBinaries.count) ELF files")
        // A separate debug-info file has empty PT_INTERP/PT_DYNAMIC, which neither we nor
        // readelf read (the peer-file suite checks how it is judged).
        for path in Corpus.testBinaries where !Corpus.isDebugFile(path) {
            let r = try LibelfCrossCheck.compare(path: path)
            #expect(r.agrees, "\(path): \(r.mismatches.prefix(5))")
        }
    }

    @Test func agreesOnThisMachinesELFFiles() throws {
        #expect(Corpus.system.count >= 200, "only \(Corpus.system.count) system ELF files found")
        var compared = 0
        for path in Corpus.system {
            let r = try LibelfCrossCheck.compare(path: path)
            #expect(r.agrees, "\(path): \(r.mismatches.prefix(5))")
            compared += 1
        }
        #expect(compared == Corpus.system.count)
    }
}

/// What `readelf -lhdW` prints for the interpreter and DT_NEEDED.
struct ReadelfView {
    var interpreter: String?
    var needed: [String] = []
    var soname: String?
    var runpath: [String] = []

    init(path: String) throws {
        let out = try run("/usr/bin/readelf", ["-lhdW", path], environment: ["LC_ALL": "C"]).stdout
        for line in out.split(separator: "\n") {
            if let r = line.range(of: "[Requesting program interpreter: ") {
                interpreter = String(line[r.upperBound...].dropLast())
            } else if line.contains("(NEEDED)"), let v = ReadelfView.bracketed(line) {
                needed.append(v)
            } else if line.contains("(SONAME)") {
                soname = ReadelfView.bracketed(line)
            } else if line.contains("(RUNPATH)"), let v = ReadelfView.bracketed(line) {
                runpath = v.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    static func bracketed(_ line: Substring) -> String? {
        guard let a = line.lastIndex(of: "["), let b = line.lastIndex(of: "]"), a < b else { return nil }
        return String(line[line.index(after: a)..<b])
    }
}

@Suite struct ReadelfDifferentialTests {
    @Test func interpreterAndNeededAgree() throws {
        for path in Corpus.testBinaries + Corpus.system.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) where !Corpus.isDebugFile(path) {
            let expected = try ReadelfView(path: path)
            let file = try MappedFile(path: path)
            let elf = try ELFFile(file.view)
            #expect(try elf.interpreter() == expected.interpreter, "\(path)")
            let dyn = try elf.dynamic()
            #expect((dyn?.needed ?? []) == expected.needed, "\(path)")
            #expect(dyn?.soname == expected.soname, "\(path)")
            #expect((dyn?.runpath ?? []) == expected.runpath, "\(path)")
        }
    }
}

/// Extended numbering on a real binary: e_shnum = 0 with the count in section 0's sh_size, and
/// e_shstrndx = SHN_XINDEX with the index in section 0's sh_link. The reader must resolve both
/// escapes to the same sections, and libelf must agree.
@Suite struct ExtendedNumberingTests {
    @Test func escapesResolveToTheSameSections() throws {
        let path = try TestBinaries.named("c/hello-dynamic").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let original = try ELFFile(ByteView(copying: bytes))
        let (count, strndx) = try original.sectionCounts()
        let shoff = Int(original.header.shoff)
        func put(_ v: UInt64, at: Int, width: Int) { for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        put(0, at: 0x3c, width: 2)              // e_shnum = 0
        put(0xffff, at: 0x3e, width: 2)         // e_shstrndx = SHN_XINDEX
        put(count, at: shoff + 32, width: 8)    // section 0 sh_size = count
        put(strndx, at: shoff + 40, width: 4)   // section 0 sh_link = strndx
        let escaped = try ELFFile(ByteView(copying: bytes))
        #expect(escaped.header.shnum == 0 && escaped.header.shstrndx == 0xffff)
        let a = try original.sections(), b = try escaped.sections()
        #expect(a.count == b.count)
        #expect(a.dropFirst().map(\.name) == b.dropFirst().map(\.name))
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("sce-xnum-\(UUID().uuidString)")
        try Data(bytes).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try LibelfCrossCheck.compare(path: tmp.path)
        // Section 0 itself now differs from the original, but not between the two readers.
        #expect(r.agrees, "\(r.mismatches.prefix(5))")
    }
}

/// Other projects' ELF test files (`make peers`) that readelf reads without a complaint: libelf
/// and our reader agree on every header, section and dynamic entry of each.
@Suite(.enabled(if: PeerFiles.configured, "the peer files are not fetched: run `make peers`"))
struct PeerLibelfTests {
    @Test func libelfAgreesOnTheReadelfCleanPeerFiles() throws {
        let readelf = try #require(which("readelf"))
        var compared = 0
        for path in PeerFiles.elfFiles() where !Corpus.isDebugFile(path) {
            let r = try run(readelf, ["-h", "-l", "-d", "-S", "-W", path])
            guard r.status == 0, r.stderr.isEmpty else { continue }
            let c = try LibelfCrossCheck.compare(path: path)
            #expect(c.agrees, "\(path): \(c.mismatches.prefix(5))")
            compared += 1
        }
        #expect(compared >= 40, "compared \(compared)")
    }
}
