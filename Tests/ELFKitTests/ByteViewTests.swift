import ELFKit
import Testing

@Suite struct ByteViewTests {
    /// A copy holds exactly the bytes given: an empty one is empty (its allocation is not).
    @Test func copyingKeepsTheCount() {
        #expect(ByteView(copying: []).count == 0 && ByteView(copying: []).isEmpty)
        #expect(ByteView(copying: [1, 2, 3]).count == 3)
        #expect(ByteView(copying: [7]).bytes == [7])
    }

    @Test func readsBothByteOrders() throws {
        let v = ByteView(copying: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
        #expect(try v.u16(0, .little, field: "x") == 0x0201)
        #expect(try v.u16(0, .big, field: "x") == 0x0102)
        #expect(try v.u32(4, .big, field: "x") == 0x0506_0708)
        #expect(try v.u64(0, .little, field: "x") == 0x0807_0605_0403_0201)
        #expect(try v.word(0, size: 4, .little, field: "x") == 0x0403_0201)
    }

    @Test func outOfRangeReadsNameTheOffsetAndField() {
        let v = ByteView(copying: [1, 2, 3])
        do {
            _ = try v.u32(1, .little, field: "e_phoff")
            Issue.record("expected an error")
        } catch {
            // A FormatError, by type: the readers throw nothing else.
            #expect(error.field == "e_phoff")
            #expect(error.offset == 1)
            #expect(error.description.contains("0x1"))
            #expect(error.description.contains("size 3"))
        }
    }

    @Test func overflowingRangesAreErrorsNotTraps() {
        let v = ByteView(copying: [0, 0, 0, 0])
        #expect(throws: FormatError.self) { try v.slice(UInt64.max - 1, 4, field: "x") }
        #expect(throws: FormatError.self) { try v.slice(2, UInt64.max, field: "x") }
        #expect(!v.contains(UInt64.max, 2))
    }

    @Test func cStringsMustBeTerminatedInside() throws {
        let v = ByteView(copying: Array("abc\0de".utf8))
        #expect(try v.cString(0, field: "s") == "abc")
        #expect(try v.cString(4 - 1, field: "s") == "")
        #expect(throws: FormatError.self) { try v.cString(4, field: "unterminated") }
        #expect(throws: FormatError.self) { try v.cString(99, field: "past end") }
    }

    /// A string whose NUL lies past `maxStringLength` bytes is malformed, even inside the table.
    @Test func cStringsHaveALengthCap() throws {
        let n = ByteView.maxStringLength
        #expect(n == 1 << 16)
        let v = ByteView(copying: [UInt8](repeating: 0x61, count: n) + [0])
        do { _ = try v.cString(0, field: "DT_NEEDED name"); Issue.record("read a string past the cap") } catch {
            #expect(error.description == "DT_NEEDED name at offset 0x0: string is not NUL-terminated within 65536 bytes (the limit of a string in a table)")
        }
        // NUL included, the string takes exactly the limit.
        #expect(try v.cString(1, field: "s").utf8.count == n - 1)
    }

    @Test func slicesReportFileOffsets() throws {
        let v = ByteView(copying: Array(repeating: 0, count: 32))
        let s = try v.slice(16, 8, field: "inner")
        do {
            _ = try s.u32(6, .little, field: "deep")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 22)
        }
    }

    @Test func patternSearchHonoursAlignment() {
        var bytes = Array(repeating: UInt8(0), count: 64)
        bytes[17] = 0xff; bytes[18] = 0x20
        bytes[32] = 0xff; bytes[33] = 0x20
        let v = ByteView(copying: bytes)
        #expect(v.firstOffset(of: [0xff, 0x20]) == 17)
        #expect(v.firstOffset(of: [0xff, 0x20], alignment: 16) == 32)
        #expect(v.firstOffset(of: [0xff, 0x21]) == nil)
    }
}
