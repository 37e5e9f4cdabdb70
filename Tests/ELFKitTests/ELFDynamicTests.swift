import ELFKit
import Foundation
import TestSupport
import Testing

@Suite struct ELFDynamicTests {
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

/// Old binutils wrote a DT_STRSZ shorter than .dynstr, with the version-need names past it;
/// ld.so never consults DT_STRSZ there and readelf reads them. c/hello-dynamic with DT_STRSZ
/// cut to end before `GLIBC_2.2.5`: the names are still read, as readelf reads them.
@Suite struct ShortStrszTests {
    @Test func versionNamesPastDTSTRSZAreRead() throws {
        let path = try TestBinaries.named("c/hello-dynamic").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let original = try ELFFile(ByteView(copying: bytes))
        let dyn = try #require(try original.dynamic())
        let strsz = try #require(dyn.entries.first { $0.tag == .strsz })
        let strtab = try #require(dyn.entries.first { $0.tag == .strtab })
        // The file offset of .dynstr equals its address in this PIE's first segment.
        let name = Array("GLIBC_2.2.5\u{0}".utf8)
        let start = Int(strtab.value)
        let at = try #require((start..<(start + Int(strsz.value))).first { Array(bytes[$0..<min(bytes.count, $0 + name.count)]) == name })
        let cut = UInt64(at - start)
        for i in 0..<8 { bytes[Int(strsz.valueOffset) + i] = UInt8((cut >> (8 * UInt64(i))) & 0xff) }

        let patched = try ELFFile(ByteView(copying: bytes))
        #expect(try patched.dynamic()?.entries.first { $0.tag == .strsz }?.value == cut)
        let needs = try patched.versionNeeds()
        #expect(needs.first { $0.file == "libc.so.6" }?.versions.contains("GLIBC_2.2.5") == true, "\(needs)")

        // readelf reads the same names from the patched file.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("sce-strsz-\(UUID().uuidString)")
        try Data(bytes).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        if let readelf = which("readelf") {
            let r = try run(readelf, ["-V", "-W", tmp.path])
            #expect(r.stdout.contains("Name: GLIBC_2.2.5"), "\(r.stdout)")
        }
    }
}
