import Foundation
import TestSupport
import Testing

/// Names read from a file never reach a terminal or a workflow log raw: a binary whose
/// PT_INTERP and DT_NEEDED carry ANSI escape sequences (hostile-bases/base-valid.elf with the
/// names overwritten in place, same lengths) prints them escaped in text, github and SARIF
/// output, and exactly in JSON (where the JSON escapes keep them data).
@Suite struct ControlBytesTests {
    static func hostileNames() throws -> URL {
        let base = TestPaths.repo.appendingPathComponent("TestBinaries/hostile-bases/base-valid.elf")
        var bytes = [UInt8](try Data(contentsOf: base))
        func overwrite(_ old: String, _ new: [UInt8]) throws {
            let o = Array(old.utf8)
            try #require(o.count == new.count, "\(old): the replacement must keep the length")
            let at = try #require((0...(bytes.count - o.count)).first { Array(bytes[$0..<($0 + o.count)]) == o }, "\(old) not in the base")
            bytes.replaceSubrange(at..<(at + o.count), with: new)
        }
        // ESC [ 3 1 m (red) inside the interpreter; an OSC title sequence ending in BEL as the library.
        try overwrite("/lib64/ld-linux-x86-64.so.2", Array("/lib64/\u{1B}[31mld-linux-6.so.2".utf8))
        try overwrite("libc.so.6", [0x1B, 0x5D, 0x30, 0x3B, 0x78, 0x07, 0x0A, 0x6C, 0x63])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-ctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("app")
        try Data(bytes).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return dir
    }

    /// No C0 control but the line breaks the format itself writes, no DEL, no C1 control.
    static func controls(_ s: String) -> [UInt32] {
        s.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0A) || (0x7F...0x9F).contains($0) }
    }

    @Test func escapedInTextGithubAndSarif() throws {
        let dir = try Self.hostileNames()
        defer { try? FileManager.default.removeItem(at: dir) }
        for args in [["app"], ["--format", "github", "app"], ["--format", "sarif", "app"], ["--target", "debian-slim", "app"],
                     ["inspect", "app"]] {
            let r = try sce(args, cwd: dir.path)
            #expect(r.stdout.contains("ld-linux") || r.stdout.contains("SE1"), "\(args): \(r.stdout)")
            #expect(Self.controls(r.stdout).isEmpty, "\(args): raw control bytes \(Self.controls(r.stdout)) in \(r.stdout)")
            #expect(Self.controls(r.stderr).isEmpty, "\(args): stderr \(r.stderr)")
        }
        let text = try sce(["app"], cwd: dir.path).stdout
        #expect(text.contains("/lib64/\\x1b[31mld-linux-6.so.2"), "\(text)")
    }

    @Test func exactInJSON() throws {
        let dir = try Self.hostileNames()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try sce(["--format", "json", "app"], cwd: dir.path)
        let file = try #require((try json(r.stdout)["files"] as? [[String: Any]])?.first)
        let facts = try #require(file["facts"] as? [String: Any])
        #expect(facts["interpreter"] as? String == "/lib64/\u{1B}[31mld-linux-6.so.2")
        #expect(facts["needed"] as? [String] == ["\u{1B}]0;x\u{07}\nlc"])
        #expect(Self.controls(r.stdout).isEmpty, "JSON escapes them")
    }
}
