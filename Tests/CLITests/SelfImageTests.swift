import Foundation
import TestSupport
import Testing

/// Dogfood: the image `make image` builds (FROM scratch, the static binary, no shell) is
/// checked by the tool itself with `--image` and must start; execve of its entrypoint in the
/// unpacked root agrees, and the program there checks a file.
@Suite struct SelfImageTests {
    static var directory: URL? {
        ProcessInfo.processInfo.environment["STATICCHECK_SELF_IMAGE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? { let d = TestPaths.repo.appendingPathComponent(".build-image"); return FileManager.default.fileExists(atPath: d.path) ? d : nil }()
    }

    @Test(.enabled(if: SelfImageTests.directory != nil, "the image is not built: run `make image`"))
    func ownImageStarts() throws {
        let dir = try #require(Self.directory)
        let layout = dir.appendingPathComponent("oci").path
        for ref in ["oci:\(layout):latest", "oci-archive:" + dir.appendingPathComponent("staticcheck-elf.tar").path] {
            let r = try sce(["--image", ref, "--format", "json"])
            #expect(r.status == 0, "\(ref): \(r.stdout.prefix(1500)) \(r.stderr)")
            let doc = try json(r.stdout)
            let file = try #require((doc["files"] as? [[String: Any]])?.first)
            #expect(file["path"] as? String == "/staticcheck-elf")
            #expect((file["start"] as? [String: Any])?["ok"] as? Bool == true, "\(file["start"] ?? "")")
            let errors = (file["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }
            #expect(errors.isEmpty, "\(errors)")
            // It practises what it preaches: stripped, so no size findings either.
            let rules = (file["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            #expect(!rules.contains("SE400") && !rules.contains("SE401"), "\(rules)")
            #expect((doc["target"] as? [String: Any])?["user"] as? String == "65532:65532")
        }
        // The truth: unpacked, its entrypoint runs under a direct execve in that root.
        let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("sce-self-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: bundle) }
        let unpack = try run("/usr/bin/umoci", ["unpack", "--image", "\(layout):latest", bundle.path])
        try #require(unpack.status == 0, "\(unpack.stderr)")
        let rootfs = bundle.appendingPathComponent("rootfs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: rootfs.path).sorted() == ["staticcheck-elf"], "nothing but the binary")
        try FileManager.default.copyItem(atPath: try TestBinaries.named("go/server-cgo1").path, toPath: rootfs.appendingPathComponent("main").path)
        // As runc does (umoci's config.json mounts it): /proc, which the static Swift runtime
        // reads to find itself.
        let proc = rootfs.appendingPathComponent("proc")
        try FileManager.default.createDirectory(at: proc, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "proc", "proc", proc.path])
        try #require(mount.status == 0, "\(mount.stderr)")
        defer { _ = try? run("/bin/umount", [proc.path]) }
        let helper = TestPaths.out.appendingPathComponent("tools/exec-in-root").path
        let version = try run(helper, ["-u", "65532:65532", rootfs.path, "/staticcheck-elf", "--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty, "\(version.stderr)")
        let check = try run(helper, [rootfs.path, "/staticcheck-elf", "/main"])
        #expect(check.status == 1 && check.stdout.contains("/main: will not start on scratch"), "\(check.stdout) \(check.stderr)")
    }
}
