import Foundation
import Render
import Rules
import Runner
import Targets
import TestSupport
import Testing

/// `--image REF` with no PATH, for every test image in every form it was written in
/// (`make images`): the verdict equals what starting the image did (truth.tsv: execve of the
/// entrypoint in the root `umoci unpack` made, or runc's rule for the runtime failures), and
/// every form of one image gives the same document.
@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageVerdictTests {
    struct Case: CustomStringConvertible, Sendable {
        var image: TestImages.Image
        var form: String
        var ref: String
        var description: String { "\(image.name) [\(form)]" }
    }

    static var cases: [Case] {
        ((try? TestImages.all()) ?? []).flatMap { image in
            image.refs.sorted { $0.key < $1.key }.map { Case(image: image, form: $0.key, ref: $0.value) }
        }
    }

    static func check(_ ref: String, paths: [String] = [], _ edit: (inout RunConfiguration) -> Void = { _ in }) throws -> RunDocument {
        var c = RunConfiguration()
        c.target = .image(ref)
        c.paths = paths
        edit(&c)
        return try Runner.check(c)
    }

    @Test(arguments: cases)
    func verdictEqualsTheImagesOwnStart(_ c: Case) throws {
        let truth = try #require(try TestImages.truth()[c.image.name])
        let doc = try Self.check(c.ref)
        let r = try #require(doc.reports.first)
        #expect(doc.reports.count == 1)
        let v = try #require(r.start, "\(c): no verdict; error \(r.error ?? "-")")
        #expect(doc.image?.layers == c.image.layers, "\(c)")
        #expect(doc.image?.argv == c.image.argv, "\(c)")
        switch truth.stage {
        case "starts":
            #expect(v.ok, "\(c): \(v.message ?? "") because \(v.reason)")
        case "kernel":
            #expect(!v.ok && v.stage == .kernel && v.errno == truth.code, "\(c): \(v.stage?.rawValue ?? "-") \(v.errno ?? "-"), truth \(truth)")
        case "loader":
            #expect(!v.ok && v.stage == .loader, "\(c): \(v.stage?.rawValue ?? "-"), truth \(truth)")
            #expect(v.message == truth.message, "\(c)")
        case "runtime":
            #expect(!v.ok && v.stage == .runtime, "\(c): \(v.stage?.rawValue ?? "-") \(v.message ?? ""), truth \(truth)")
            #expect(v.message == truth.message, "\(c)")
            if truth.code != "-" { #expect(v.errno == truth.code, "\(c)") }
        default:
            Issue.record("\(c): truth stage \(truth.stage)")
        }
        // A failure is always a finding at error severity (the exit status is 1).
        if !v.ok { #expect(r.findings.contains { $0.severity == .error }, "\(c): \(r.findings.map(\.rule))") }
    }

    /// The runtime failures name their rule; no rule fires that the image does not deserve.
    @Test func imageRulesFireExactlyWhereTheRuntimeFails() throws {
        let images = try TestImages.all()
        func rules(_ name: String) throws -> [String] {
            let image = try #require(images.first { $0.name == name })
            let ref = try #require(image.refs["oci"])
            return try Self.check(ref).reports.flatMap { $0.findings.map(\.rule) }
        }
        #expect(try rules("user-name-nopasswd").contains("SE111"))
        #expect(try rules("shell-form-nosh").contains("SE112"))
        #expect(try rules("dangling-entrypoint").contains("SE114"))
        #expect(try rules("path-lookup-missing").contains("SE114"))
        for name in ["scratch-static", "glibc-cgo", "shell-form", "cmd-only", "path-lookup", "relative-workdir", "user-name", "user-numeric", "musl-musl", "multiarch"] {
            let fired = try rules(name)
            #expect(!fired.contains("SE111") && !fired.contains("SE112") && !fired.contains("SE114"), "\(name): \(fired)")
            #expect(!fired.contains { $0.hasPrefix("SE1") }, "\(name) starts; it got \(fired)")
        }
        #expect(try rules("scratch-cgo").contains("SE101"))
        #expect(try rules("whiteout-libc").contains("SE102"))
        #expect(try rules("foreign-arch").contains("SE103"))
        #expect(try rules("musl-glibc").contains("SE101"))
    }

    /// Every form of an image gives the same verdict, findings and provenance.
    @Test func everyFormGivesTheSameDocument() throws {
        for image in try TestImages.all() {
            var seen: [String: String] = [:]
            for (form, ref) in image.refs.sorted(by: { $0.key < $1.key }) {
                let doc = try Self.check(ref)
                let r = try #require(doc.reports.first)
                let key = "\(r.path) \(r.start?.ok ?? false) \(r.start?.message ?? "") \(r.findings.map(\.rule)) \(r.provenance)"
                seen[form] = key
            }
            #expect(Set(seen.values).count == 1, "\(image.name): \(seen)")
        }
    }

    /// The layers behind the verdict are named: a whiteout, an opaque directory, a dangling link.
    @Test func provenanceNamesTheLayer() throws {
        let images = try TestImages.all()
        func report(_ name: String) throws -> FileReport {
            let image = try #require(images.first { $0.name == name })
            let ref = try #require(image.refs["oci"])
            return try #require(try Self.check(ref).reports.first)
        }
        let w = try report("whiteout-libc")
        #expect(w.provenance.contains { $0.contains("libc.so.6 was removed by layer") && $0.contains("whiteout") }, "\(w.provenance)")
        let o = try report("opaque-libdir")
        #expect(o.provenance.contains { $0.contains("opaque") }, "\(o.provenance)")
        let d = try report("dangling-entrypoint")
        #expect(d.provenance.contains { $0.contains("symbolic link") }, "\(d.provenance)")
        let u = try report("user-name-nopasswd")
        #expect(u.provenance == ["no layer has /etc/passwd"] || u.provenance.contains { $0.contains("/etc/passwd") }, "\(u.provenance)")
    }

    /// A PATH of the image is checked at that path; a relative PATH is a host file placed by --at.
    @Test func pathsInsideTheImageAndFromTheHost() throws {
        let images = try TestImages.all()
        let glibc = try #require(images.first { $0.name == "glibc-cgo" }?.refs["oci"])
        let inside = try Self.check(glibc, paths: ["/app/main"]).reports
        #expect(inside.count == 1 && inside[0].start?.ok == true && inside[0].imagePath == "/app/main")
        let missing = try Self.check(glibc, paths: ["/no/such"]).reports
        #expect(missing.first?.error != nil)
        // The static hello, from the host, on the scratch-cgo image (no loader needed).
        let hello = try TestBinaries.named("go/hello-cgo0").path
        let rel = FileManager.default.currentDirectoryPath
        let relative = hello.hasPrefix(rel + "/") ? String(hello.dropFirst(rel.count + 1)) : hello
        if !relative.hasPrefix("/") {
            let scratch = try #require(images.first { $0.name == "scratch-cgo" }?.refs["oci"])
            let host = try Self.check(scratch, paths: [relative]) { $0.at = "/app/hello" }.reports
            #expect(host.first?.start?.ok == true && host.first?.imagePath == "/app/hello", "\(host.first?.start?.reason ?? "")")
        }
    }

    /// Exit status and the one-screen text: the image, its command, the verdict in runc's words.
    @Test func textNamesTheImageAndTheVerdict() throws {
        let images = try TestImages.all()
        let ref = try #require(images.first { $0.name == "whiteout-libc" }?.refs["docker_archive"])
        var c = RunConfiguration()
        c.target = .image(ref)
        var out: [UInt8] = []
        var err: [String] = []
        let status = Runner.run(c, to: RunOutput(write: { out.append(contentsOf: $0) }, warn: { err.append($0) }))
        let text = String(decoding: out, as: UTF8.self)
        #expect(status == 1)
        #expect(text.hasPrefix("image "), "\(text)")
        #expect(text.contains("config sha256:") && text.contains("3 layers") && text.contains("runs [\"/app/main\"]"), "\(text)")
        #expect(text.contains("docker run: /app/main: error while loading shared libraries: libc.so.6"), "\(text)")
        #expect(text.contains("was removed by layer 3 (whiteout"), "\(text)")
        #expect(text.split(separator: "\n").count <= 40, "one screen: \(text)")
    }

    @Test func anImageThatCannotBeReadExitsTwo() throws {
        var c = RunConfiguration()
        c.target = .image("oci:/nonexistent/layout")
        var err: [String] = []
        let status = Runner.run(c, to: RunOutput(write: { _ in }, warn: { err.append($0) }))
        #expect(status == 2)
        #expect(err.first?.contains("--image oci:/nonexistent/layout") == true, "\(err)")
    }
}
