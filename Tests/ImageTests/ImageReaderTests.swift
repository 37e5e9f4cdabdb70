import Foundation
import FileTree
@testable import Image
import Targets
import TestSupport
import Testing

/// References as typed, and what they parse to.
@Suite struct ImageReaderReferenceTests {
    @Test func transports() throws {
        #expect(try ImageReference(parsing: "docker-archive:/x/a.tar").transport == .dockerArchive(path: "/x/a.tar", selector: .only))
        #expect(try ImageReference(parsing: "docker-archive:/x/a.tar:app:v1").transport
            == .dockerArchive(path: "/x/a.tar", selector: .tag(DockerReference(domain: "docker.io", path: "library/app", tag: "v1"))))
        #expect(try ImageReference(parsing: "docker-archive:a.tar:@1").transport == .dockerArchive(path: "a.tar", selector: .index(1)))
        #expect(try ImageReference(parsing: "oci-archive:a.tar:latest").transport == .ociArchive(path: "a.tar", selector: .name("latest")))
        #expect(try ImageReference(parsing: "oci:dir").transport == .oci(path: "dir", selector: .only))
        #expect(try ImageReference(parsing: "oci:dir:@0").transport == .oci(path: "dir", selector: .index(0)))
        #expect(try ImageReference(parsing: "docker-daemon:app:latest").transport == .dockerDaemon(reference: "app:latest"))
        #expect(try ImageReference(parsing: "podman:app").transport == .podman(reference: "app"))
        #expect(try ImageReference(parsing: "/some/where.tar").transport == .path("/some/where.tar"))
        #expect(try ImageReference(parsing: "./rel:dir").transport == .path("./rel:dir"))
        #expect(try ImageReference(parsing: "oci:dir").text == "oci:dir")
    }

    @Test func errorsNameTheReference() {
        for (text, words) in [("docker-archive:", "docker-archive:: no path after docker-archive:"),
                              ("docker-archive:a.tar:@x", "docker-archive:a.tar:@x: Invalid source index @x"),
                              ("docker-archive:a.tar:Bad/Name", "docker-archive:a.tar:Bad/Name: invalid reference format"),
                              ("docker-daemon:", "docker-daemon:: no image name after docker-daemon:"),
                              ("podman:", "podman:: no image name after podman:")] {
            #expect(throws: ImageError.self) { try ImageReference(parsing: text) }
            do { _ = try ImageReference(parsing: text) } catch { #expect(error.message.hasPrefix(words), "\(error.message)") }
        }
        do { _ = try ImageReader.open("/nonexistent/image.tar", platform: nil) } catch {
            #expect(error.message.hasPrefix("/nonexistent/image.tar: no such file"), "\(error.message)")
        }
    }
}

/// The comparable part of a tree: `kind path size` per path (the root left out), and the
/// link targets.
func signature(_ t: LayerTree) -> [String] {
    t.listing().filter { $0.path != "/" }.map { p in
        switch p.entry.kind {
        case .regular: return "f \(p.path) \(p.entry.size)"
        case .directory: return "d \(p.path)"
        case .symlink: return "l \(p.path) -> \((try? t.readLink(p.path)) ?? "?")"
        case .other: return "o \(p.path)"
        }
    }
}

/// The file the image's argv[0] names, for comparing its bytes: a path (relative to the
/// working directory), else the first PATH directory holding it.
func entrypointPath(_ image: OpenedImage) -> String? {
    let c = image.config.config ?? ContainerConfig()
    guard let argv0 = (c.entrypoint + c.cmd).first else { return nil }
    let candidates: [String]
    if argv0.contains("/") {
        candidates = [argv0.hasPrefix("/") ? argv0 : (c.workingDir.isEmpty ? "/" : c.workingDir) + "/" + argv0]
    } else {
        candidates = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].map { $0 + "/" + argv0 }
    }
    return candidates.first { image.tree.isRegularFile($0) }
}

func bytes(_ t: LayerTree, _ path: String) throws -> [UInt8] {
    try t.contents(try t.resolve(path, followLast: true)).view.bytes
}

@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageReaderTests {
    /// Every image of images.tsv in every form: opens; argv, workdir, user and layer count as
    /// images.tsv says; the same tree and entrypoint bytes in every form.
    @Test func everyImageInEveryForm() throws {
        let images = try TestImages.all()
        #expect(images.count >= 20)
        var opened = 0
        for image in images {
            var reference: (form: String, listing: [String], entry: [UInt8]?)?
            for (form, ref) in image.refs.sorted(by: { $0.key < $1.key }) {
                let o: OpenedImage
                do { o = try ImageReader.open(ref, platform: ImagePlatform(os: "linux", architecture: "amd64")) } catch {
                    Issue.record("\(image.name) \(form): \(error.message)")
                    continue
                }
                opened += 1
                let c = o.config.config ?? ContainerConfig()
                #expect(c.entrypoint + c.cmd == image.argv, "\(image.name) \(form)")
                #expect((c.workingDir.isEmpty ? nil : c.workingDir) == image.workdir, "\(image.name) \(form)")
                #expect((c.user.isEmpty ? nil : c.user) == image.user, "\(image.name) \(form)")
                #expect(o.layerCount == image.layers, "\(image.name) \(form)")
                #expect(o.config.diffIDs.count == image.layers, "\(image.name) \(form)")
                #expect(o.platform.description == "linux/amd64", "\(image.name) \(form)")
                let sig = signature(o.tree)
                let entry = try entrypointPath(o).map { try bytes(o.tree, $0) }
                if let r = reference {
                    #expect(sig == r.listing, "\(image.name): \(form) differs from \(r.form): \(Set(sig).symmetricDifference(r.listing).sorted().prefix(6))")
                    #expect(entry == r.entry, "\(image.name): the entrypoint's bytes in \(form) differ from \(r.form)")
                } else {
                    reference = (form, sig, entry)
                }
                if image.name != "dangling-entrypoint" && image.name != "path-lookup-missing" && image.name != "shell-form-nosh" {
                    #expect(entry != nil, "\(image.name) \(form): no entrypoint file")
                }
            }
        }
        #expect(opened == images.reduce(0) { $0 + $1.refs.count })
        #expect(opened >= 110)
    }

    /// Names, digests and transports as OpenedImage reports them.
    @Test func whatTheReaderReports() throws {
        let image = try #require(try TestImages.all().first { $0.name == "glibc-cgo" })
        let oci = try ImageReader.open(try #require(image.refs["oci"]), platform: nil)
        #expect(oci.transportName == "oci")
        #expect(oci.name == "latest")
        #expect(oci.manifestDigest != nil)
        #expect(oci.layerDigests.count == 2)
        let legacy = try ImageReader.open(try #require(image.refs["docker_archive"]), platform: nil)
        #expect(legacy.transportName == "docker-archive")
        #expect(legacy.name == "docker.io/staticcheck-elf/glibc-cgo:latest")
        #expect(legacy.manifestDigest == nil)
        #expect(legacy.configDigest == oci.configDigest)
        #expect(legacy.layerDigests == legacy.config.diffIDs)
        let d25 = try ImageReader.open(try #require(image.refs["docker25"]), platform: nil)
        #expect(d25.configDigest == oci.configDigest)
        #expect(d25.layerDigests == d25.config.diffIDs)
        // A bare path is sniffed.
        let bare = try ImageReader.open(String(try #require(image.refs["docker_archive"]).dropFirst("docker-archive:".count)), platform: nil)
        #expect(bare.transportName == "docker-archive")
        let bareOCI = try ImageReader.open(String(try #require(image.refs["oci"]).dropFirst("oci:".count).dropLast(":latest".count)), platform: nil)
        #expect(bareOCI.transportName == "oci")
        let bareArchive = try ImageReader.open(String(try #require(image.refs["oci_archive"]).dropFirst("oci-archive:".count).dropLast(":latest".count)), platform: nil)
        #expect(bareArchive.transportName == "oci-archive")
        #expect(signature(bare.tree) == signature(oci.tree))
    }

    /// Every file's bytes agree between a gzip OCI layout (decompressed forward, cursors), a
    /// zstd one, and a docker archive (mapped ranges), read in listing order and again backwards.
    @Test func contentsAgreeAcrossForms() throws {
        for name in ["glibc-cgo", "whiteout-libc", "user-name"] {
            let image = try #require(try TestImages.all().first { $0.name == name })
            let trees = try ["oci", "zstd", "docker_archive", "docker25", "oci_archive"].map { f in
                try ImageReader.open(try #require(image.refs[f]), platform: nil).tree
            }
            let files = trees[0].listing().filter { $0.entry.kind == .regular }.map(\.path)
            #expect(!files.isEmpty)
            for order in [files, files.reversed()] {
                for f in order {
                    let want = try trees[2].contents(f).view.bytes
                    #expect(want.count == Int(try trees[2].lstat(f).size))
                    for t in trees { #expect(try t.contents(f).view.bytes == want, "\(name) \(f) in \(t.name)") }
                    #expect(try trees[0].prefix(f, count: 4) == Array(want.prefix(4)))
                }
            }
            // Read in reverse from a fresh reader (nothing cached), the gzip layers (oci) are
            // resumed at access points instead of decompressed again from their start.
            if name == "glibc-cgo" {
                var options = ImageReaderOptions()
                options.indexSpan = 64 << 10
                let fresh = try ImageReader.open(try #require(image.refs["oci"]), platform: nil, options: options).tree
                for f in files.reversed() { #expect(try fresh.contents(f).view.bytes == (try trees[2].contents(f).view.bytes), "\(f)") }
                let content = try #require(fresh.content as? ImageContent)
                #expect(content.resumeCount > 0)
            }
        }
    }

    /// A zstd layer's pass keeps the program the image starts (a zstd frame cannot be resumed
    /// in its middle): reading it back decompresses nothing again, and its bytes are the
    /// docker-archive's. Another large file of the layers is read back from the start.
    @Test func zstdLayersKeepTheEntrypoint() throws {
        let image = try #require(try TestImages.all().first { $0.name == "glibc-cgo" })
        let zstd = try ImageReader.open(try #require(image.refs["zstd"]), platform: nil)
        let plain = try ImageReader.open(try #require(image.refs["docker_archive"]), platform: nil)
        let main = try #require(entrypointPath(zstd))
        let content = try #require(zstd.tree.content as? ImageContent)
        #expect(try zstd.tree.contents(main).view.bytes == (try plain.tree.contents(main).view.bytes))
        #expect(content.restartCount == 0, "\(main) was decompressed again")
        let libc = try zstd.tree.resolve("/lib/x86_64-linux-gnu/libc.so.6", followLast: true)
        #expect(try zstd.tree.contents(libc).view.bytes == (try plain.tree.contents(libc).view.bytes))
        #expect(content.restartCount == 1)
    }

    /// The oci form equals `umoci unpack --rootless` of it: paths, kinds, sizes, link targets.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/umoci")))
    func treeEqualsUmociUnpack() throws {
        let images = try TestImages.all()
        for name in ["glibc-cgo", "whiteout-libc", "opaque-libdir", "opaque-libdir-kept", "path-lookup", "dangling-entrypoint"] {
            let image = try #require(images.first { $0.name == name })
            let ref = try #require(image.refs["oci"])
            let ours = signature(try ImageReader.open(ref, platform: nil).tree)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-umoci-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let layout = String(ref.dropFirst("oci:".count))
            let r = try run("/usr/bin/umoci", ["unpack", "--rootless", "--image", layout, dir.path])
            #expect(r.status == 0, "\(r.stderr)")
            let root = dir.appendingPathComponent("rootfs").path
            let theirs = try hostListing(root) { _, attrs in "\((attrs[.size] as? NSNumber)?.uint64Value ?? 0)" }
            #expect(ours.sorted() == theirs.sorted(), "\(name): \(Set(ours).symmetricDifference(theirs).sorted().prefix(8))")
        }
    }

    @Test func multiarchPlatforms() throws {
        let image = try #require(try TestImages.all().first { $0.name == "multiarch" })
        for form in ["oci", "oci_archive", "zstd"] {
            let ref = try #require(image.refs[form])
            let amd = try ImageReader.open(ref, platform: ImagePlatform(os: "linux", architecture: "amd64"))
            #expect(amd.platform.description == "linux/amd64")
            let host = try ImageReader.open(ref, platform: nil)
            #expect(host.manifestDigest == amd.manifestDigest)
            let arm = try ImageReader.open(ref, platform: ImagePlatform(parsing: "linux/arm64"))
            #expect(arm.platform.description == "linux/arm64")
            #expect(arm.manifestDigest != amd.manifestDigest)
            do {
                _ = try ImageReader.open(ref, platform: ImagePlatform(parsing: "linux/s390x"))
                Issue.record("linux/s390x was found")
            } catch {
                #expect(error.kind == .notFound)
                #expect(error.message.hasPrefix(ref + ": no image for platform linux/s390x"), "\(error.message)")
                #expect(error.message.contains("linux/arm64, linux/amd64"), "\(error.message)")
                #expect(!error.message.contains("unknown"), "the attestation is no candidate: \(error.message)")
            }
        }
    }

    /// A docker archive with two images: no tag lists them; a tag or @N chooses.
    @Test func twoImagesInOneArchive() throws {
        let images = try TestImages.all()
        let a = try #require(images.first { $0.name == "glibc-cgo" }?.refs["docker_archive"])
        let b = try #require(images.first { $0.name == "scratch-static" }?.refs["docker_archive"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-two-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("two.tar").path
        let script = """
        import json, sys, tarfile
        out, paths = sys.argv[1], sys.argv[2:]
        items, seen = [], set()
        with tarfile.open(out, "w") as w:
            for p in paths:
                with tarfile.open(p) as t:
                    for m in t.getmembers():
                        if m.name == "manifest.json":
                            items += json.load(t.extractfile(m))
                        elif m.name != "repositories" and m.name not in seen:
                            seen.add(m.name)
                            w.addfile(m, t.extractfile(m) if m.isfile() else None)
            data = json.dumps(items).encode()
            info = tarfile.TarInfo("manifest.json"); info.size = len(data)
            import io; w.addfile(info, io.BytesIO(data))
        """
        let r = try run("/usr/bin/python3", ["-c", script, out] + [a, b].map { String($0.dropFirst("docker-archive:".count)) })
        try #require(r.status == 0, "\(r.stderr)")
        do {
            _ = try ImageReader.open("docker-archive:" + out, platform: nil)
            Issue.record("two images opened without a name")
        } catch {
            #expect(error.message.contains("expected 1 item, got 2"), "\(error.message)")
            #expect(error.message.contains("docker.io/staticcheck-elf/glibc-cgo:latest; docker.io/staticcheck-elf/scratch-static:latest"), "\(error.message)")
        }
        let chosen = try ImageReader.open("docker-archive:\(out):staticcheck-elf/scratch-static:latest", platform: nil)
        #expect(chosen.name == "docker.io/staticcheck-elf/scratch-static:latest")
        #expect(chosen.layerCount == 1)
        let first = try ImageReader.open("docker-archive:\(out):@0", platform: nil)
        #expect(first.layerCount == 2)
        do { _ = try ImageReader.open("docker-archive:\(out):other:latest", platform: nil) } catch {
            #expect(error.message.hasSuffix("Tag \"docker.io/library/other:latest\" not found"), "\(error.message)")
        }
    }

    /// Legacy `docker save` names layers `<id>/layer.tar`, a symlink to the one copy when a
    /// layer repeats (IMAGES.md 1.2): links are followed inside the archive, never out of it.
    @Test func layerLinksInsideTheArchive() throws {
        let src = String(try #require(try TestImages.all().first { $0.name == "glibc-cgo" }?.refs["docker_archive"]).dropFirst("docker-archive:".count))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        import io, json, sys, tarfile
        src, out, evil = sys.argv[1:4]
        with tarfile.open(src) as t, tarfile.open(out, "w") as w:
            links = {m.linkname.replace("../", ""): m.name for m in t.getmembers() if m.issym()}
            for m in t.getmembers():
                if m.name == "manifest.json":
                    items = json.load(t.extractfile(m))
                    if evil == "1":
                        items[0]["Layers"][0] = "evil/layer.tar"
                    else:
                        items[0]["Layers"] = [links[l] for l in items[0]["Layers"]]
                    data = json.dumps(items).encode()
                    m.size = len(data)
                    w.addfile(m, io.BytesIO(data))
                else:
                    w.addfile(m, t.extractfile(m) if m.isfile() else None)
            e = tarfile.TarInfo("evil/layer.tar"); e.type = tarfile.SYMTYPE; e.linkname = "../../../etc/passwd"
            w.addfile(e)
        """
        for evil in ["0", "1"] {
            let out = dir.appendingPathComponent("a\(evil).tar").path
            let r = try run("/usr/bin/python3", ["-c", script, src, out, evil])
            try #require(r.status == 0, "\(r.stderr)")
            if evil == "0" {
                let o = try ImageReader.open("docker-archive:" + out, platform: nil)
                #expect(signature(o.tree) == signature(try ImageReader.open(src, platform: nil).tree))
                #expect(try bytes(o.tree, "/usr/bin/dash").count == 125640)
            } else {
                do {
                    _ = try ImageReader.open("docker-archive:" + out, platform: nil)
                    Issue.record("a layer linked out of the archive opened")
                } catch {
                    #expect(error.message.contains("manifest.json[0].Layers[0] (evil/layer.tar → ../../../etc/passwd) \"evil/../../../etc/passwd\" is outside the archive"),
                            "\(error.message)")
                }
            }
        }
    }

    /// An OCI layout with two images and no name says so and lists them; a name chooses.
    @Test func twoImagesInOneLayout() throws {
        let images = try TestImages.all()
        let a = String(try #require(images.first { $0.name == "glibc-cgo" }?.refs["oci"]).dropFirst("oci:".count).dropLast(":latest".count))
        let b = String(try #require(images.first { $0.name == "scratch-static" }?.refs["oci"]).dropFirst("oci:".count).dropLast(":latest".count))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-layout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        import json, os, shutil, sys
        a, b, out = sys.argv[1:4]
        shutil.copytree(a, out)
        for f in os.listdir(b + "/blobs/sha256"):
            shutil.copy(b + "/blobs/sha256/" + f, out + "/blobs/sha256/" + f)
        ia, ib = json.load(open(a + "/index.json")), json.load(open(b + "/index.json"))
        m = ib["manifests"][0]; m["annotations"]["org.opencontainers.image.ref.name"] = "other"
        ia["manifests"].append(m)
        json.dump(ia, open(out + "/index.json", "w"))
        """
        let r = try run("/usr/bin/python3", ["-c", script, a, b, dir.path])
        try #require(r.status == 0, "\(r.stderr)")
        do {
            _ = try ImageReader.open("oci:" + dir.path, platform: nil)
            Issue.record("two images opened without a name")
        } catch {
            #expect(error.message.hasSuffix("more than one image in oci, choose an image: the layout holds latest, other (oci:PATH:NAME or :@N)"), "\(error.message)")
        }
        #expect(try ImageReader.open("oci:\(dir.path):other", platform: nil).layerCount == 1)
        #expect(try ImageReader.open("oci:\(dir.path):latest", platform: nil).layerCount == 2)
        #expect(try ImageReader.open("oci:\(dir.path):@1", platform: nil).layerCount == 1)
    }

    /// A gzip-compressed docker archive (IMAGES.md 1.6) is read as a stream.
    @Test func compressedOuterArchive() throws {
        let image = try #require(try TestImages.all().first { $0.name == "glibc-cgo" })
        let src = String(try #require(image.refs["docker_archive"]).dropFirst("docker-archive:".count))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = dir.appendingPathComponent("a.tar.gz").path
        let r = try run("/bin/sh", ["-c", "gzip -c < '\(src)' > '\(gz)'"])
        try #require(r.status == 0)
        let plain = try ImageReader.open(src, platform: nil)
        let packed = try ImageReader.open(gz, platform: nil)
        #expect(packed.transportName == "docker-archive")
        #expect(signature(packed.tree) == signature(plain.tree))
        #expect(try bytes(packed.tree, "/app/main") == bytes(plain.tree, "/app/main"))
        #expect(try bytes(packed.tree, "/etc/passwd") == bytes(plain.tree, "/etc/passwd"))
    }
}

/// docker-daemon and podman: the save command's stdout streamed into the reader.
@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageReaderStreamTests {
    func scratchDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func tool(_ dir: URL, _ name: String, _ body: String) throws {
        let p = dir.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body + "\n").write(to: p, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p.path)
    }

    /// A stand-in `docker` on the PATH given to the reader: `docker save NAME:TAG` cats an archive.
    @Test func dockerDaemonStandIn() throws {
        let images = try TestImages.all()
        for name in ["glibc-cgo", "whiteout-libc"] {
            let image = try #require(images.first { $0.name == name })
            for form in ["docker_archive", "docker25"] {
                let archive = String(try #require(image.refs[form]).dropFirst("docker-archive:".count))
                let dir = try scratchDir()
                defer { try? FileManager.default.removeItem(at: dir) }
                let log = dir.appendingPathComponent("runs").path
                try tool(dir, "docker", """
                [ "$1" = save ] && [ "$2" = "staticcheck-elf/\(name):latest" ] || { echo "bad args: $*" >&2; exit 2; }
                echo run >> '\(log)'
                exec /bin/cat '\(archive)'
                """)
                let options = ImageReaderOptions(environment: ["PATH": dir.path])
                let o = try ImageReader.open("docker-daemon:staticcheck-elf/\(name)", platform: nil, options: options)
                #expect(o.transportName == "docker-daemon")
                #expect(o.layerCount == image.layers)
                let file = try ImageReader.open(image.refs[form] ?? "", platform: nil)
                #expect(signature(o.tree) == signature(file.tree))
                #expect(o.configDigest == file.configDigest)
                // The well-known files were kept by the first pass: no second run.
                #expect(try bytes(o.tree, "/etc/passwd") == bytes(file.tree, "/etc/passwd"))
                #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)
                // Another file: its magic, then all of it: one more run (the file is read whole
                // for the prefix), then the cache.
                #expect(try o.tree.prefix("/app/main", count: 4) == [0x7f, 0x45, 0x4c, 0x46])
                for _ in 0..<3 { #expect(try bytes(o.tree, "/app/main") == bytes(file.tree, "/app/main")) }
                #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 2)
            }
        }
    }

    @Test func failingOrMissingSave() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try tool(dir, "docker", "echo 'progress' >&2\necho 'Error response from daemon: reference does not exist' >&2\nexit 1")
        do {
            _ = try ImageReader.open("docker-daemon:nothere:latest", platform: nil, options: ImageReaderOptions(environment: ["PATH": dir.path]))
            Issue.record("a failing docker save opened")
        } catch {
            #expect(error.message == "docker-daemon:nothere:latest: `docker save nothere:latest` failed (exit status 1): Error response from daemon: reference does not exist",
                    "\(error.message)")
        }
        do {
            _ = try ImageReader.open("podman:app", platform: nil, options: ImageReaderOptions(environment: ["PATH": dir.path]))
            Issue.record("podman was found")
        } catch {
            #expect(error.message.hasPrefix("podman:app: cannot run `podman save -q --format docker-archive app`: podman is not on PATH (\(dir.path))"),
                    "\(error.message)")
        }
        // Endless output that is no archive: refused, and the program ended (no hang).
        try tool(dir, "docker", "exec /usr/bin/yes garbage")
        do {
            _ = try ImageReader.open("docker-daemon:x:latest", platform: nil, options: ImageReaderOptions(environment: ["PATH": dir.path]))
            Issue.record("garbage opened")
        } catch {
            #expect(error.message.hasPrefix("docker-daemon:x:latest: the output of `docker save x:latest`: header at offset 0"), "\(error.message)")
        }
        // Output that is no archive, exit 0.
        try tool(dir, "docker", "echo hello")
        do {
            _ = try ImageReader.open("docker-daemon:x:latest", platform: nil, options: ImageReaderOptions(environment: ["PATH": dir.path]))
            Issue.record("garbage opened")
        } catch {
            #expect(error.message.hasPrefix("docker-daemon:x:latest: "), "\(error.message)")
        }
    }

    /// podman:NAME after `podman load` into a private vfs store (CONTAINERS_STORAGE_CONF given
    /// to the reader's environment).
    @Test(.enabled(if: which("podman") != nil && getuid() == 0, "podman is missing or this is not root"))
    func podmanSave() throws {
        let image = try #require(try TestImages.all().first { $0.name == "glibc-cgo" })
        let archive = String(try #require(image.refs["podman_docker"]).dropFirst("docker-archive:".count))
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run_ = URL(fileURLWithPath: "/tmp").appendingPathComponent("sce-rp-\(getpid())")
        try FileManager.default.createDirectory(at: run_, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: run_) }
        let conf = dir.appendingPathComponent("storage.conf")
        try """
        [storage]
        driver = "vfs"
        graphroot = "\(dir.path)/root"
        runroot = "\(run_.path)"
        """.write(to: conf, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["CONTAINERS_STORAGE_CONF"] = conf.path
        let podman = try #require(which("podman"))
        let load = try run(podman, ["--cgroup-manager", "cgroupfs", "--events-backend", "none", "load", "-q", "-i", archive], environment: env)
        try #require(load.status == 0, "podman load: \(load.stderr)")
        defer { _ = try? run(podman, ["--events-backend", "none", "rmi", "-a", "-f"], environment: env) }
        let o = try ImageReader.open("podman:docker.io/staticcheck-elf/glibc-cgo:latest", platform: nil,
                                     options: ImageReaderOptions(environment: env))
        #expect(o.transportName == "podman")
        let file = try ImageReader.open(image.refs["docker_archive"] ?? "", platform: nil)
        #expect(signature(o.tree) == signature(file.tree))
        #expect(try bytes(o.tree, "/app/main") == bytes(file.tree, "/app/main"))
    }
}

/// The hostile archives of hostile.tsv: refused with an error naming the layer and member (or,
/// for the symlink escape, a tree holding the file inside), quickly, in bounded memory, and
/// nothing written on the host.
@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageReaderHostileTests {
    static let expected: [String: String] = [
        "traversal": "layer 1 (a053ecc058ead3b81f94cf78638ea2ed2db58ea28fcd88939efdb95a56376a60.tar): member \"../../staticcheck-elf-hostile-traversal\"",
        "hardlink-outside": "layer 1 (63d47e22a539889d337fe8294b637d3dd9e3475cca729fa9cb627247214eec2b.tar): member \"app/link\": hard link target ../outside is outside the root",
        "short-member": "layer 1 (2705d4bce256433eb0ed3a2d7882f6b6dc64ae72f442832f648018ed85e1cc3c.tar): member \"app/big\" is truncated",
        "digest-mismatch": "layer 1 (blobs/sha256/",
        "layer-outside": "manifest.json[0].Layers[0] \"../x\" is outside the archive",
    ]

    @Test func hostileArchives() throws {
        let hostile = try TestImages.hostile()
        #expect(hostile.count == 7)
        for h in hostile {
            let clock = ContinuousClock()
            let t0 = clock.now
            var tree: LayerTree?
            do {
                tree = try ImageReader.open(h.ref, platform: nil).tree
            } catch {
                #expect(error.message.hasPrefix(h.ref + ": "), "\(h.name): \(error.message)")
                if let words = ImageReaderHostileTests.expected[h.name] {
                    #expect(error.message.contains(words), "\(h.name): \(error.message)")
                }
            }
            #expect(clock.now - t0 < .seconds(60), "\(h.name) took \(clock.now - t0)")
            switch h.name {
            case "symlink-escape":
                let t = try #require(tree, "symlink-escape must open")
                #expect(t.isRegularFile("/tmp/staticcheck-elf-pwned"))
            case "zero-bomb":
                // Read within the default cap, in constant memory (the 3 GiB file is never held).
                let t = try #require(tree, "zero-bomb opens within the default cap")
                let big = try #require(t.listing().first { $0.entry.size >= 3 << 30 })
                #expect(try t.prefix(big.path, count: 16) == [UInt8](repeating: 0, count: 16))
                do { _ = try t.contents(big.path); Issue.record("read a file past maxFileBytes") } catch {
                    #expect(error.errno == EFBIG)
                    #expect(error.reason.hasSuffix("bytes, more than the cap of 1073741824 bytes read into memory from a compressed or streamed layer; unpack the image (umoci unpack, docker export) and check it with --root"),
                            "\(error.reason)")
                }
            default:
                #expect(tree == nil, "\(h.name) opened")
            }
            if h.mustNotExist.hasPrefix("/") {
                #expect(!FileManager.default.fileExists(atPath: h.mustNotExist), "\(h.name): \(h.mustNotExist) exists")
            }
            #expect(!FileManager.default.fileExists(atPath: "/staticcheck-elf-hostile-traversal"))
        }
    }

    /// A total decompressed cap below the bomb refuses it, naming the cap.
    @Test func bombOverTheCap() throws {
        let ref = try #require(try TestImages.hostile().first { $0.name == "zero-bomb" }?.ref)
        do {
            _ = try ImageReader.open(ref, platform: nil, options: ImageReaderOptions(maxDecompressedBytes: 1 << 30))
            Issue.record("the bomb opened under a 1 GiB cap")
        } catch {
            #expect(error.message.contains("decompressed size exceeds the cap of 1073741824 bytes"), "\(error.message)")
            #expect(error.message.contains("layer 1 (blobs/sha256/"), "\(error.message)")
        }
    }

    /// A layer whose bytes are not its digest, in an OCI layout directory (a copy with one blob
    /// changed): the error names the layer, its blob and both digests.
    @Test func digestMismatchNamesTheBlob() throws {
        let ref = try #require(try TestImages.hostile().first { $0.name == "digest-mismatch" }?.ref)
        do {
            _ = try ImageReader.open(ref, platform: nil)
            Issue.record("digest-mismatch opened")
        } catch {
            let m = error.message
            #expect(m.contains("layer 1 (blobs/sha256/"), "\(m)")
            #expect(m.contains(": sha256 is sha256:"), "\(m)")
            #expect(m.contains(", the descriptor says sha256:"), "\(m)")
        }
    }
}

/// The ~1 GiB image (`STATICCHECK_BIG_IMAGE=1 TestBinaries/make-images.sh`, or any directory
/// with `oci/` and `big.tar` holding /app/main and a large /data/blob): opened in the form
/// `STATICCHECK_BIG_FORM` names (oci: gzip layer decompressed; docker-archive: mapped;
/// docker-daemon: a stand-in docker cats big.tar; default all three), /app/main read whole and
/// /data/blob's first bytes (all of it with `STATICCHECK_BIG_READ_BLOB=1`). Prints the process's peak RSS: run this test alone to measure
/// (`swift test --filter ImageReaderMemoryTests` under `/usr/bin/time -v`). Not part of `make test`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["STATICCHECK_BIG_IMAGE_DIR"] != nil, "STATICCHECK_BIG_IMAGE_DIR is not set"))
struct ImageReaderMemoryTests {
    @Test func bigImageInBoundedMemory() throws {
        let env = ProcessInfo.processInfo.environment
        let dir = env["STATICCHECK_BIG_IMAGE_DIR"] ?? ""
        let forms = env["STATICCHECK_BIG_FORM"].map { [$0] } ?? ["oci", "docker-archive", "docker-daemon"]
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("sce-reader-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        try "#!/bin/sh\nexec /bin/cat '\(dir)/big.tar'\n".write(to: bin.appendingPathComponent("docker"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("docker").path)
        for form in forms {
            let ref = form == "oci" ? "oci:\(dir)/oci:latest" : form == "docker-archive" ? "docker-archive:\(dir)/big.tar" : "docker-daemon:staticcheck-elf/big:latest"
            let clock = ContinuousClock()
            let t0 = clock.now
            let o = try ImageReader.open(ref, platform: nil, options: ImageReaderOptions(environment: ["PATH": bin.path]))
            let opened = clock.now - t0
            let main = try o.tree.contents("/app/main").view
            #expect(main.count > 1 << 20)
            #expect(try o.tree.prefix("/data/blob", count: 64).count == 64)
            #expect(try o.tree.lstat("/data/blob").size == 1 << 30)
            if env["STATICCHECK_BIG_READ_BLOB"] == "1" {
                // The largest file, whole (1 GiB: exactly the default maxFileBytes when copied).
                #expect(try o.tree.contents("/data/blob").view.count == 1 << 30)
            }
            var ru = rusage()
            getrusage(RUSAGE_SELF.rawValue, &ru)
            print("big image \(form): opened in \(opened), read in \(clock.now - t0 - opened); /app/main \(main.count) bytes; peak RSS so far \(ru.ru_maxrss / 1024) MiB")
        }
    }
}
