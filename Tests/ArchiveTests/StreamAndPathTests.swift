import Foundation
import Testing
import TestSupport
@testable import Archive

@Suite struct StreamTests {
    @Test func fileStreamReadsAndSeeksOnSkip() throws {
        let tmp = try TempDir("fs")
        let data = DecompressTests.original(100_000)
        try tmp.write("f", data)
        let s = try FileStream(path: tmp.file("f"))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 16)
        defer { scratch.deallocate() }
        #expect(try s.skip(1000, scratch: scratch) == 1000)
        #expect(try drain(s, chunk: 4096) == Array(data[1000...]))
        #expect(try s.skip(10, scratch: scratch) == 0)
        #expect(s.position == 100_000)
        // A pipe cannot seek: skip reads.
        let p = try FileStream(path: "/dev/zero", name: "zero")
        #expect(try p.skip(100_000, scratch: scratch) == 100_000)
    }

    @Test func rangeStreamReadsItsRangeOnly() throws {
        let tmp = try TempDir("range")
        let data = DecompressTests.original(10_000)
        try tmp.write("f", data)
        let file = try ReadOnlyFile(path: tmp.file("f"))
        #expect(file.size == 10_000)
        #expect(try drain(FileRangeStream(file, offset: 1234, count: 5000), chunk: 777) == Array(data[1234..<6234]))
        // A range past the end of the file is an error, not a short read.
        let e = try #require(archiveError { _ = try drain(FileRangeStream(file, offset: 9000, count: 5000)) })
        #expect(e.problem.contains("the file ends at offset 10000"), "\(e)")
    }

    @Test func memoryStreamAndReadAll() throws {
        let s = MemoryStream(Array(0..<100), name: "m")
        #expect(try s.readAll(cap: 100) == Array(0..<100))
        let e = try #require(archiveError { _ = try MemoryStream(Array(0..<100), name: "manifest.json").readAll(cap: 99) })
        #expect(e.description == "manifest.json: more than the cap of 99 bytes")
    }

    @Test func openErrorsNameThePath() {
        let e = archiveError { _ = try FileStream(path: "/nonexistent/x.tar") }
        #expect(e?.description == "/nonexistent/x.tar: cannot open: No such file or directory")
    }
}

@Suite struct TarPathTests {
    @Test(arguments: [
        ("a//b/./c", "a/b/c"), ("/etc/passwd", "etc/passwd"), ("./usr/bin/", "usr/bin"),
        ("a/b/../c", "a/c"), ("///x", "x"), ("././x/.", "x"), ("a/..", nil), (".", nil), ("./", nil), ("/", nil),
        ("..foo/bar", "..foo/bar"), ("a/...", "a/..."),
    ] as [(String, String?)])
    func normalizes(name: String, path: String?) throws {
        #expect(try TarPath.normalize(name) == path)
    }

    @Test(arguments: [
        ("../../etc/passwd", TarPath.Problem.escapes), ("..", .escapes), ("a/../../b", .escapes), ("/../x", .escapes),
        ("./..", .escapes), ("a\0b", .containsNUL), ("", .empty),
    ])
    func refuses(name: String, problem: TarPath.Problem) {
        do {
            _ = try TarPath.normalize(name)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error == problem)
        }
    }
}
