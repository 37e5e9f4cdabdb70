import Foundation
import Testing
import TestSupport
@testable import Archive

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed when the value goes.
final class TempDir {
    let url: URL
    var path: String { url.path }

    init(_ tag: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-archive-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }
}

struct ShellFailed: Error, CustomStringConvertible {
    var script: String
    var status: Int32
    var stderr: String
    var description: String { "`\(script)` exited \(status): \(stderr)" }
}

/// Runs `script` with /bin/sh in `cwd`; throws when it fails. Returns stdout.
@discardableResult
func sh(_ script: String, cwd: String? = nil) throws -> String {
    let r = try run("/bin/sh", ["-c", script], cwd: cwd)
    guard r.status == 0 else { throw ShellFailed(script: script, status: r.status, stderr: r.stderr) }
    return r.stdout
}

/// Runs a Python program (the fixture writer and the tarfile oracle) with `args`.
@discardableResult
func python(_ program: String, _ args: [String] = [], cwd: String? = nil) throws -> String {
    let r = try run(which("python3") ?? "/usr/bin/python3", ["-c", program] + args, cwd: cwd)
    guard r.status == 0 else { throw ShellFailed(script: "python3 " + args.joined(separator: " "), status: r.status, stderr: r.stderr) }
    return r.stdout
}

/// `sha256sum FILE`'s hex digest.
func sha256sum(_ path: String) throws -> String {
    String(try sh("sha256sum '\(path)'").prefix(64))
}

/// Every byte of a stream, read in pieces of `chunk` bytes.
func drain(_ s: any ByteStream, chunk: Int = 256 << 10) throws(ArchiveError) -> [UInt8] {
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
    defer { buf.deallocate() }
    var out: [UInt8] = []
    while true {
        let n = try s.read(into: buf)
        if n == 0 { return out }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[0..<n]))
    }
}

/// Counts the bytes of a stream without keeping them.
func count(_ s: any ByteStream, chunk: Int = 256 << 10) throws(ArchiveError) -> UInt64 {
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
    defer { buf.deallocate() }
    var total: UInt64 = 0
    while true {
        let n = try s.read(into: buf)
        if n == 0 { return total }
        total += UInt64(n)
    }
}

/// The process's peak resident set so far, in bytes (getrusage's ru_maxrss is in KiB).
func peakRSS() -> Int {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return u.ru_maxrss * 1024
}

/// The error a call throws, or nil.
func archiveError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ArchiveError? {
    do { try body() } catch let error as ArchiveError { return error } catch {
        Issue.record("not an ArchiveError: \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Every entry of a tar stream with its data's digest (nil for header-only types).
struct Listed: Hashable, CustomStringConvertible {
    var name: String
    var type: String
    var size: UInt64
    var linkName: String
    var sha256: String?
    var description: String { "\(name) \(type) \(size) -> \(linkName) \(sha256 ?? "-")" }
}

func list(_ reader: TarReader) throws(ArchiveError) -> [(TarEntry, Listed)] {
    var out: [(TarEntry, Listed)] = []
    while let e = try reader.next() {
        let data = try reader.readData(cap: 64 << 20)
        let isData = !e.type.isHeaderOnly
        let listed = Listed(name: trimSlash(e.name), type: String(UnicodeScalar(e.type.rawValue)),
                            size: e.size, linkName: e.linkName,
                            sha256: isData ? SHA256.hash(data).hex : nil)
        out.append((e, listed))
    }
    return out
}

func trimSlash(_ s: String) -> String {
    var s = Substring(s)
    while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
    return String(s)
}

/// Python's tarfile listing of an archive, in the same shape.
func pythonListing(_ path: String) throws -> [Listed] {
    let program = """
    import hashlib, json, sys, tarfile
    with tarfile.open(sys.argv[1], "r:*") as t:
        for m in t:
            data = t.extractfile(m).read() if m.isreg() else None
            json.dump({"name": m.name, "type": m.type.decode("latin-1"), "size": m.size, "link": m.linkname,
                       "sha": hashlib.sha256(data).hexdigest() if data is not None else None}, sys.stdout)
            print()
    """
    let out = try python(program, [path])
    return try out.split(separator: "\n").map { line in
        let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        var type = o["type"] as? String ?? "?"
        if type == "\0" { type = "0" }  // we report '\0' as '0' (or '5' for a name ending in /), as Go does
        let headerOnly = ["1", "2", "3", "4", "5", "6"].contains(type)
        return Listed(name: trimSlash(o["name"] as? String ?? ""), type: type,
                      size: headerOnly ? 0 : UInt64(o["size"] as? Int ?? -1),
                      linkName: o["link"] as? String ?? "", sha256: o["sha"] as? String)
    }
}
