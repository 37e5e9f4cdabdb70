import ELFKit
import Testing

@Suite struct ShebangTests {
    func parse(_ s: String) -> Shebang? { Shebang(ByteView(copying: Array(s.utf8))) }

    @Test func interpreterAndArgument() throws {
        let s = try #require(parse("#!/bin/sh -e\necho hi\n"))
        #expect(s.interpreter == "/bin/sh")
        #expect(s.argument == "-e")
        #expect(!s.hasCarriageReturn)
        #expect(!s.truncated)
    }

    @Test func carriageReturnStaysInTheInterpreterPath() throws {
        let s = try #require(parse("#!/bin/sh\r\necho hi\r\n"))
        #expect(s.interpreter == "/bin/sh\r")
        #expect(s.hasCarriageReturn)
    }

    @Test func blanksAfterHashBangAndEnv() throws {
        let s = try #require(parse("#! \t/usr/bin/env python3\n"))
        #expect(s.interpreter == "/usr/bin/env")
        #expect(s.argument == "python3")
    }

    @Test func overlongLineWithoutEndIsTruncated() throws {
        let s = try #require(parse("#!/" + String(repeating: "a", count: 300)))
        #expect(s.truncated)
        let short = try #require(parse("#!/bin/sh"))
        #expect(!short.truncated, "a short file without newline is fine: the kernel's buffer is zero-padded")
        #expect(parse("#") == nil)
        #expect(try #require(parse("#!\n")).truncated, "no interpreter at all")
    }
}
