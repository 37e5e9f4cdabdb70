import CElfShim
import CLibelf
import CrossCheck
import ELFKit
import Foundation
import TestSupport
import Testing

/// The dlopen bridge declares libelf's API by hand (so the executable needs no libelf headers).
/// Here libelf is linked directly through its real headers: both must read the same values.
@Suite struct LinkedLibelfTests {
    @Test(arguments: ["c/hello-dynamic", "c/hello-m32", "go/hello-linux-s390x", "go/server-cgo1", "c/libdemo.so"])
    func bridgeAgreesWithLinkedLibelf(_ name: String) throws {
        let path = try TestBinaries.named(name).path
        _ = elf_version(UInt32(EV_CURRENT))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let elf = try #require(elf_begin(fd, ELF_C_READ, nil))
        defer { elf_end(elf) }
        var ehdr = GElf_Ehdr()
        try #require(gelf_getehdr(elf, &ehdr) != nil)
        var phnum = 0, shnum = 0
        #expect(elf_getphdrnum(elf, &phnum) == 0)
        #expect(elf_getshdrnum(elf, &shnum) == 0)

        if case .failure(let e) = LibelfCrossCheck.load() { Issue.record("\(e)"); return }
        var err = [CChar](repeating: 0, count: 256)
        let bridge = try #require(se_elf_open(path, &err, err.count))
        defer { se_elf_close(bridge) }
        var h = se_ehdr()
        #expect(se_elf_ehdr(bridge, &h) == 0)
        #expect(h.type == ehdr.e_type && h.machine == ehdr.e_machine && h.entry == ehdr.e_entry)
        #expect(h.phoff == ehdr.e_phoff && h.shoff == ehdr.e_shoff && h.flags == ehdr.e_flags)
        #expect(Int(h.phnum) == phnum && Int(h.shnum) == shnum)
        for i in 0..<phnum {
            var p = GElf_Phdr(), q = se_phdr()
            try #require(gelf_getphdr(elf, Int32(i), &p) != nil)
            #expect(se_elf_phdr(bridge, i, &q) == 0)
            #expect(q.type == p.p_type && q.offset == p.p_offset && q.filesz == p.p_filesz && q.vaddr == p.p_vaddr)
        }
        // And ELFKit agrees with the linked library.
        let file = try MappedFile(path: path)
        let ours = try ELFFile(file.view)
        #expect(try ours.programHeaders().count == phnum)
        #expect(try ours.sections().count == shnum)
        #expect(ours.header.entry == ehdr.e_entry)
    }
}
