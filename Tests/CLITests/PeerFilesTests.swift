import Foundation
import TestSupport
import Testing

/// Other projects' ELF test files (`make peers`: pyelftools' testfiles, Go's debug/*/testdata):
/// shapes nobody here wrote — broken, debug-only, core, relocatable, foreign, old toolchains.
/// Through `check` and `inspect` in every format: no crash, no raw control byte, an error
/// offset inside the file, no shared library or debug file that "starts", no exit 2 for a file
/// readelf reads without a complaint, and the facts readelf gives for those.
@Suite(.enabled(if: PeerFiles.configured, "the peer files are not fetched: run `make peers`"))
struct PeerFilesTests {
    static let files = PeerFiles.elfFiles()

    static func controls(_ s: String) -> [UInt32] {
        s.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0A) || (0x7F...0x9F).contains($0) }
    }

    @Test func everyFormatReadsThemAllWithoutCrashOrControlBytes() throws {
        #expect(Self.files.count >= 120, "\(Self.files.count) peer ELF files")
        for args in [["--format", "json"], ["--format", "sarif"], ["--format", "github"], [], ["--target", "debian-slim"]] {
            let r = try sce(args + ["--fail-on", "never"] + Self.files)
            #expect(r.status == 0 || r.status == 2, "\(args): exit \(r.status): \(r.stderr.suffix(400))")
            #expect(Self.controls(r.stdout).isEmpty, "\(args): control bytes \(Self.controls(r.stdout).prefix(8))")
            #expect(Self.controls(r.stderr).isEmpty, "\(args): control bytes in stderr")
        }
        for args in [["inspect"], ["inspect", "--format", "json"]] {
            let r = try sce(args + Self.files)
            #expect(r.status == 0 || r.status == 2, "\(args): exit \(r.status)")
            #expect(Self.controls(r.stdout).isEmpty, "\(args): control bytes")
        }
    }

    @Test func offsetsInsideTheFileAndNoLibraryStarts() throws {
        let r = try sce(["--format", "json", "--fail-on", "never"] + Self.files)
        let files = try #require(try json(r.stdout)["files"] as? [[String: Any]])
        #expect(files.count == Self.files.count)
        for f in files {
            let path = f["path"] as? String ?? "?"
            let facts = f["facts"] as? [String: Any]
            let size = facts?["fileBytes"] as? Int ?? Int.max
            if let o = f["errorOffset"] as? Int {
                // At most the end of the file (a truncation is reported where the bytes stop).
                #expect(o >= 0 && o <= size, "\(path): errorOffset \(o) of \(size) bytes: \(f["error"] ?? "")")
            }
            if let e = f["error"] as? String {
                #expect(!e.contains("0 bytes at") && !e.contains("0xffffffffffffffff"), "\(path): \(e)")
            }
            let ok = (f["start"] as? [String: Any])?["ok"] as? Bool
            if facts?["sharedLibrary"] as? Bool == true { #expect(ok != true, "\(path): a shared library starts") }
            if facts?["debugInfoFile"] as? Bool == true { #expect(ok != true, "\(path): a debug-info file starts") }
            if facts?["type"] as? String == "rel" || facts?["type"] as? String == "core" { #expect(ok != true, "\(path) starts") }
            // A program for another OS (Go's FreeBSD and OpenBSD test files, pyelftools' Solaris ones).
            if let os = facts?["os"] as? String, os != "linux" { #expect(ok != true, "\(path): a \(os) program starts") }
        }
    }

    /// A file readelf reads without a warning or an error is never rejected (exit 2), and its
    /// interpreter, libraries and type are readelf's.
    @Test func readelfCleanFilesAreReadAndAgree() throws {
        let readelf = try #require(which("readelf"), "readelf (binutils)")
        var clean = 0
        for path in Self.files {
            let theirs = try run(readelf, ["-h", "-l", "-d", "-S", "-V", "-n", "-W", path])
            guard theirs.status == 0, theirs.stderr.isEmpty else { continue }
            clean += 1
            let r = try sce(["--format", "json", "--fail-on", "never", path])
            let f = try #require((try json(r.stdout)["files"] as? [[String: Any]])?.first)
            #expect(f["error"] is NSNull || f["error"] == nil, "\(path): readelf reads it cleanly, we say \(f["error"] ?? "")")
            #expect(r.status != 2, "\(path): exit 2")
            guard let facts = f["facts"] as? [String: Any] else { continue }
            let out = theirs.stdout
            let interp = out.range(of: #"\[Requesting program interpreter: ([^\]]*)\]"#, options: .regularExpression)
                .map { String(out[$0].dropFirst("[Requesting program interpreter: ".count).dropLast()) }
            if facts["debugInfoFile"] as? Bool != true {
                #expect(facts["interpreter"] as? String == interp, "\(path): interpreter")
            }
            let needed = out.split(separator: "\n").compactMap { line -> String? in
                guard line.contains("(NEEDED)"), let a = line.firstIndex(of: "["), let b = line.lastIndex(of: "]") else { return nil }
                return String(line[line.index(after: a)..<b])
            }
            if facts["debugInfoFile"] as? Bool != true {
                #expect(facts["needed"] as? [String] ?? [] == needed, "\(path): needed")
            }
        }
        #expect(clean >= 40, "only \(clean) files read cleanly by readelf")
    }
}
