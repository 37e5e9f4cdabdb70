import Foundation
import TestSupport
import Testing

/// The data of `TestBinaries/make-images.sh` (`make images`) is whole: every image has a truth
/// row and every ref names a file or layout that exists; the facts certain today hold. The
/// `--image` verdict tests compare against `TestImages.truth()`.
@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageTruthTests {
    @Test func everyImageHasItsTruthAndItsFiles() throws {
        let images = try TestImages.all()
        let truth = try TestImages.truth()
        #expect(images.count >= 20)
        #expect(Set(images.map(\.name)) == Set(truth.keys))
        for image in images {
            #expect(image.refs.keys.contains("oci") && image.refs.keys.contains("docker_archive"), "\(image.name)")
            #expect(image.refs.count >= 5, "\(image.name): \(image.refs.keys.sorted())")
            for ref in image.refs.values {
                // transport:path[:ref]; the paths have no ':' of their own
                let parts = ref.split(separator: ":", omittingEmptySubsequences: false)
                #expect(parts.count >= 2 && FileManager.default.fileExists(atPath: String(parts[1])), "\(image.name): \(ref)")
            }
            #expect(!image.argv.isEmpty, "\(image.name)")
        }
        for h in try TestImages.hostile() {
            let parts = h.ref.split(separator: ":", omittingEmptySubsequences: false)
            #expect(parts.count == 2 && FileManager.default.fileExists(atPath: String(parts[1])), "\(h.name): \(h.ref)")
        }
    }

    @Test func theFactsCertainToday() throws {
        let t = try TestImages.truth()
        func expect(_ name: String, _ stage: String, _ code: String, _ message: String? = nil) {
            guard let row = t[name] else { Issue.record("no truth for \(name)"); return }
            #expect(row.stage == stage && row.code == code, "\(row)")
            if let message { #expect(row.message.contains(message), "\(row)") }
        }
        expect("scratch-static", "starts", "exit 0", "hello from go")
        expect("scratch-cgo", "kernel", "ENOENT")
        expect("glibc-cgo", "starts", "exit 0")
        expect("noc-cgo", "loader", "exit 127", "libc.so.6: cannot open shared object file")
        expect("whiteout-libc", "loader", "exit 127", "libc.so.6: cannot open shared object file")
        expect("opaque-libdir", "loader", "exit 127", "libc.so.6: cannot open shared object file")
        expect("opaque-libdir-kept", "starts", "exit 0")
        expect("musl-musl", "starts", "exit 0", "hello from c")
        expect("musl-glibc", "kernel", "ENOENT")
        expect("hostlink-loader", "kernel", "ENOENT")
        expect("foreign-arch", "kernel", "ENOEXEC")
        expect("multiarch", "starts", "exit 0")
        expect("shell-form", "starts", "exit 0")
        expect("shell-form-nosh", "runtime", "ENOENT", #"exec: "/bin/sh": stat /bin/sh: no such file or directory"#)
        expect("cmd-only", "starts", "exit 0")
        expect("path-lookup", "starts", "exit 0")
        expect("path-lookup-missing", "runtime", "ENOENT", #"exec: "main": executable file not found in $PATH"#)
        expect("relative-workdir", "starts", "exit 0")
        expect("dangling-entrypoint", "runtime", "ENOENT")
        expect("user-name", "starts", "exit 0", "username=app")
        expect("user-name-nopasswd", "runtime", "-", "unable to find user app: no matching entries in passwd file")
        expect("user-numeric", "starts", "exit 0")
        #expect(t["dangling-entrypoint"]?.execve == "execve ENOENT")
        #expect(t["shell-form-nosh"]?.execve == "execve ENOENT")
    }
}
