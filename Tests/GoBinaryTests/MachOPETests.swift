import Foundation
import Testing
import ELFKit
import GoBinary
import TestSupport

@Suite("Mach-O and PE readers")
struct MachOPETests {
    @Test("thin Mach-O: cpu, segments, sections, reads", arguments: [("go/hello-darwin-amd64", "x86_64"), ("go/hello-darwin-arm64", "arm64"),
                                                                    ("go119/hello-darwin-amd64", "x86_64")])
    func macho(_ c: (String, String)) throws {
        let f = try MappedFile(path: try TestBinaries.named(c.0).path)
        #expect(MachOFile.isMachO(f.view))
        #expect(!PEFile.isPE(f.view))
        let m = try MachOFile(f.view)
        #expect(m.cpuName == c.1)
        #expect(m.is64 && m.order == .little)
        #expect(m.fileType == 2)
        #expect(m.segments.map(\.name).contains("__TEXT"))
        let text = try #require(m.section(named: "__text", segment: "__TEXT"))
        #expect(try m.read(address: text.addr, count: 16).bytes == m.data(of: text).slice(0, 16, field: "").bytes)
        #expect(m.section(named: "__gopclntab") != nil)
        #expect(m.section(named: "__go_buildinfo") != nil)
        #expect(throws: FormatError.self) { try m.read(address: 1, count: 1) }
    }

    @Test("PE: machine, image base, sections, reads")
    func pe() throws {
        let f = try MappedFile(path: try TestBinaries.named("go/hello-windows-amd64").path)
        #expect(PEFile.isPE(f.view))
        let p = try PEFile(f.view)
        #expect(p.machineName == "x86_64")
        #expect(p.is64)
        #expect(p.imageBase == 0x1_4000_0000 || p.imageBase == 0x40_0000)
        #expect(p.sections.map(\.name).starts(with: [".text"]))
        let data = try #require(p.section(named: ".data"))
        let addr = p.imageBase + UInt64(data.virtualAddress)
        #expect(try p.read(address: addr, count: 8).bytes == p.data(of: data).slice(0, 8, field: "").bytes)
        #expect(throws: FormatError.self) { try p.read(address: 0, count: 1) }
    }

    @Test("fat Mach-O table, and a Java class file is not one")
    func fat() throws {
        let thin = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestBinaries.named("go/hello-darwin-arm64").path)))
        // One architecture at offset 0x4000.
        var fat = Bytes.word(0xcafe_babe, 4, .big) + Bytes.word(1, 4, .big)
        fat += Bytes.word(0x0100_000c, 4, .big) + Bytes.word(0, 4, .big) + Bytes.word(0x4000, 4, .big)
        fat += Bytes.word(UInt64(thin.count), 4, .big) + Bytes.word(14, 4, .big)
        fat = Bytes.pad(fat, to: 0x4000) + thin
        let v = ByteView(copying: fat)
        #expect(MachOFat.isFat(v))
        let arches = try MachOFat.architectures(v)
        #expect(arches.count == 1)
        #expect(arches.first?.cpuName == "arm64")
        #expect(arches.first?.offset == 0x4000)
        #expect(try GoReader.read(view: v)?.buildInfo?.goVersion.hasPrefix("go1.") == true)
        // Java class file: cafebabe, minor 0, major 52.
        let java = ByteView(copying: Bytes.word(0xcafe_babe, 4, .big) + Bytes.word(0, 2, .big) + Bytes.word(52, 2, .big) + [UInt8](repeating: 0, count: 64))
        #expect(!MachOFat.isFat(java))
        #expect(throws: FormatError.self) { try MachOFat.architectures(java) }
        #expect(try GoReader.read(view: java) == nil)
        // Architecture past the end of the file.
        var bad = fat
        bad.replaceSubrange(20..<24, with: Bytes.word(UInt64(fat.count), 4, .big))
        #expect(throws: FormatError.self) { try MachOFat.architectures(ByteView(copying: bad)) }
    }

    @Test("hostile Mach-O and PE headers throw FormatError")
    func hostile() throws {
        // ncmds larger than sizeofcmds allows; sizeofcmds past EOF; a command with cmdsize 0.
        func header(ncmds: UInt64, sizeofcmds: UInt64) -> [UInt8] {
            Bytes.word(0xfeed_facf, 4, .little) + Bytes.word(0x0100_0007, 4, .little) + Bytes.word(3, 4, .little)
                + Bytes.word(2, 4, .little) + Bytes.word(ncmds, 4, .little) + Bytes.word(sizeofcmds, 4, .little)
                + Bytes.word(0, 4, .little) + Bytes.word(0, 4, .little)
        }
        #expect(throws: FormatError.self) { try MachOFile(ByteView(copying: header(ncmds: 1_000_000, sizeofcmds: 16) + [UInt8](repeating: 0, count: 16))) }
        #expect(throws: FormatError.self) { try MachOFile(ByteView(copying: header(ncmds: 1, sizeofcmds: 1 << 31))) }
        #expect(throws: FormatError.self) { try MachOFile(ByteView(copying: header(ncmds: 1, sizeofcmds: 8) + [0x19, 0, 0, 0, 0, 0, 0, 0])) }
        // A segment whose nsects does not fit.
        var seg = Bytes.word(0x19, 4, .little) + Bytes.word(72, 4, .little) + [UInt8](repeating: 0, count: 56)
        seg += Bytes.word(0xffff_ffff, 4, .little) + Bytes.word(0, 4, .little)
        #expect(throws: FormatError.self) { try MachOFile(ByteView(copying: header(ncmds: 1, sizeofcmds: 72) + seg)) }
        #expect(MachOFile.isMachO(ByteView(copying: header(ncmds: 0, sizeofcmds: 0))))
        #expect(try MachOFile(ByteView(copying: header(ncmds: 0, sizeofcmds: 0))).cpuName == "x86_64")

        // PE: e_lfanew past EOF; section count past EOF; unknown optional header magic.
        var mz = [UInt8](repeating: 0, count: 64)
        mz[0] = 0x4d; mz[1] = 0x5a
        mz.replaceSubrange(0x3c..<0x40, with: Bytes.word(0x10000, 4, .little))
        #expect(throws: FormatError.self) { try PEFile(ByteView(copying: mz)) }
        #expect(!PEFile.isPE(ByteView(copying: mz)))
        mz.replaceSubrange(0x3c..<0x40, with: Bytes.word(64, 4, .little))
        var pe = mz + [0x50, 0x45, 0, 0] + Bytes.word(0x1234, 2, .little) + Bytes.word(0xffff, 2, .little) + [UInt8](repeating: 0, count: 12)
        pe += Bytes.word(0, 2, .little) + Bytes.word(0, 2, .little)
        #expect(throws: FormatError.self) { try PEFile(ByteView(copying: pe)) }
        pe.replaceSubrange(70..<72, with: Bytes.word(0, 2, .little))
        let p = try PEFile(ByteView(copying: pe))
        #expect(p.machineName == "pe-machine-0x1234")
        #expect(p.sections.isEmpty)
    }
}
