import Image
import Targets
import Testing

func hex64(_ c: Character) -> String { String(repeating: c, count: 64) }

/// An index like a BuildKit multi-platform push: images, then their attestations.
let multiIndex = """
{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:\(hex64("a"))", "size": 480,
     "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:\(hex64("b"))", "size": 480,
     "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:\(hex64("c"))", "size": 480,
     "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:\(hex64("d"))", "size": 560,
     "annotations": {"vnd.docker.reference.digest": "sha256:\(hex64("a"))", "vnd.docker.reference.type": "attestation-manifest"},
     "platform": {"architecture": "unknown", "os": "unknown"}},
    {"mediaType": "application/vnd.example.unknown+json", "digest": "sha256:\(hex64("e"))", "size": 1}
  ]
}
"""

@Suite struct SelectionTests {
    func index(_ s: String) throws -> ImageIndex {
        try ImageIndex(json: JSONParser.parse(Array(s.utf8)), document: "index.json")
    }

    static let platformCases: [(String, String?)] = [
        ("linux/amd64", "a"),
        ("linux/x86_64", "a"),
        ("linux/arm64", "b"),          // v8 on the index side normalises away
        ("linux/aarch64", "b"),
        ("linux/arm64/v8", "b"),
        ("linux/arm", "c"),            // arm without a variant means v7
        ("linux/armhf", "c"),
        ("linux/arm/7", "c"),
        ("linux/arm/v6", nil),
        ("linux/armel", nil),
        ("linux/riscv64", nil),
        ("windows/amd64", nil),
    ]

    @Test(arguments: platformCases.indices)
    func choosesPlatform(_ i: Int) throws {
        let (want, digest) = SelectionTests.platformCases[i]
        let idx = try index(multiIndex)
        let p = try #require(ImagePlatform(parsing: want))
        do {
            let d = try ImageSelection.chooseManifest(for: p, in: idx, loadIndex: { d throws(ImageError) in
                throw ImageError(.notFound, "no nested index \(d.digest)")
            })
            #expect(d.digest.hex == digest.map { hex64(Character($0)) }, "\(want)")
        } catch {
            #expect(digest == nil, "\(want): \(error)")
            // Attestations and unknown types are not listed as platforms.
            #expect(error.message == "no image for platform \(p) in the image index; it holds linux/amd64, linux/arm64/v8, linux/arm/v7")
        }
    }

    @Test func attestationsAreNeverCandidates() throws {
        let idx = try index(multiIndex)
        #expect(idx.manifests[3].isAttestation)
        #expect(!idx.manifests[0].isAttestation)
        #expect(throws: ImageError.self) {
            try ImageSelection.chooseManifest(for: ImagePlatform(os: "unknown", architecture: "unknown"), in: idx,
                                              loadIndex: { _ throws(ImageError) in throw ImageError(.notFound, "") })
        }
    }

    @Test func nestedIndexAndCycle() throws {
        let outer = try index("""
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:\(hex64("f"))","size":1}]}
        """)
        let inner = try index(multiIndex)
        let d = try ImageSelection.chooseManifest(for: ImagePlatform(os: "linux", architecture: "arm64"), in: outer,
                                                  loadIndex: { _ throws(ImageError) in inner })
        #expect(d.digest.hex == hex64("b"))
        do {
            _ = try ImageSelection.chooseManifest(for: ImagePlatform(os: "linux", architecture: "arm64"), in: outer,
                                                  loadIndex: { _ throws(ImageError) in outer })
            Issue.record("a cycle was followed")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message.contains("contains itself"))
        }
    }

    @Test func platformWithoutDescriptorPlatformAsksConfig() throws {
        let idx = try index("""
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:\(hex64("1"))","size":1}]}
        """)
        let d = try ImageSelection.chooseManifest(for: ImagePlatform(os: "linux", architecture: "amd64"), in: idx,
                                                  loadIndex: { _ throws(ImageError) in idx },
                                                  platformOf: { _ throws(ImageError) in ImagePlatform(os: "linux", architecture: "x86_64") })
        #expect(d.digest.hex == hex64("1"))
    }

    static let badDigests = [
        "sha256:" + hex64("A"), "sha256:" + String(repeating: "a", count: 63), "sha512:" + hex64("a"),
        "sha256:../../../etc/passwd" + String(repeating: "a", count: 40), hex64("a"),
    ]

    @Test(arguments: badDigests)
    func rejectsBadDigests(_ d: String) {
        #expect(Digest(d) == nil)
        let doc = #"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"\#(d)","size":1}]}"#
        #expect(throws: ImageError.self) { try index(doc) }
    }

    @Test func descriptorFieldsAndErrors() throws {
        let idx = try index(multiIndex)
        #expect(idx.manifests.count == 5)
        #expect(idx.manifests[1].platform == ImagePlatform(os: "linux", architecture: "arm64", variant: "v8"))
        #expect(idx.manifests[3].annotations["vnd.docker.reference.digest"] == "sha256:" + hex64("a"))
        #expect(idx.manifests[0].digest.blobPath == "blobs/sha256/" + hex64("a"))
        do {
            _ = try index(#"{"manifests":[{"digest":"sha256:\#(hex64("a"))","size":"1"}]}"#)
            Issue.record("a string size was accepted")
        } catch let error as ImageError {
            #expect(error.message == "index.json: manifests[0].size: expected a number, found string")
        }
        do {
            _ = try index(#"{"manifests":[{"digest":"sha256:\#(hex64("a"))","size":-1}]}"#)
            Issue.record("a negative size was accepted")
        } catch let error as ImageError {
            #expect(error.message.contains("negative size"))
        }
    }

    @Test func manifestsOfBothKinds() throws {
        let oci = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\(hex64("c"))","size":7},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:\(hex64("1"))","size":10},
                   {"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:\(hex64("2"))","size":20}]}
        """
        guard case .manifest(let m) = try ManifestDocument(bytes: Array(oci.utf8), descriptorMediaType: MediaType.ociManifest) else {
            Issue.record("not a manifest"); return
        }
        #expect(m.layers.map(\.size) == [10, 20])
        #expect(m.config.digest.hex == hex64("c"))
        let docker = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:\(hex64("9"))","size":1,
                       "platform":{"architecture":"amd64","os":"linux"}}]}
        """
        guard case .index(let i) = try ManifestDocument(bytes: Array(docker.utf8), descriptorMediaType: "") else {
            Issue.record("not an index"); return
        }
        #expect(i.manifests.first?.platform?.architecture == "amd64")
    }

    @Test func platformMapping() throws {
        #expect(ImagePlatform(os: "linux", architecture: "aarch64").targetPlatform == Platform(architecture: "arm64"))
        #expect(ImagePlatform(os: "linux", architecture: "arm").targetPlatform == Platform(architecture: "arm", variant: "v7"))
        #expect(ImagePlatform(os: "linux", architecture: "x86_64").targetPlatform == Platform(architecture: "amd64"))
        #expect(ImagePlatform(os: "windows", architecture: "amd64").targetPlatform == nil)
        #expect(ImagePlatform(Platform(architecture: "arm", variant: "v7")).description == "linux/arm/v7")
        #expect(ImagePlatform(parsing: "linux/arm/v7") == ImagePlatform(os: "linux", architecture: "arm", variant: "v7"))
        #expect(ImagePlatform(parsing: "linux//v7") == nil)
        #expect(ImagePlatform(Platform.host).matches(ImagePlatform(Platform.host)))
    }

    @Test func config() throws {
        let json = """
        {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:\(hex64("1"))","sha256:\(hex64("2"))"]},
         "config":{"Entrypoint":"/app","Cmd":null,"Env":["PATH=/bin"],"WorkingDir":"/srv","User":"app:app","Shell":["/bin/bash","-c"]}}
        """
        let c = try ImageConfig(bytes: Array(json.utf8))
        #expect(c.diffIDs.count == 2)
        #expect(c.platform == ImagePlatform(os: "linux", architecture: "amd64"))
        // moby's StrSlice: a string is a one-element list.
        #expect(c.config?.entrypoint == ["/app"])
        #expect(c.config?.cmd == [])
        #expect(c.config?.user == "app:app")
        #expect(c.config?.shell == ["/bin/bash", "-c"])
        let bare = try ImageConfig(bytes: Array(#"{"architecture":"arm64","os":"linux","rootfs":{"diff_ids":[]}}"#.utf8))
        #expect(bare.config == nil)
        #expect(throws: ImageError.self) { try ImageConfig(bytes: Array(#"{"config":{"Env":"A=1"}}"#.utf8)) }
    }
}

/// manifest.json reference choice, c/image docker/internal/tarfile/reader.go cases.
@Suite struct DockerArchiveRefTests {
    let items = try! DockerManifestItem.parseList(Array("""
    [{"Config":"\(hex64("c")).json","RepoTags":["alpine:latest","alpine:3.19"],"Layers":["\(hex64("1"))/layer.tar"]},
     {"Config":"blobs/sha256/\(hex64("d"))","RepoTags":["quay.io/org/app:v1","localhost:5000/x/y:z"],"Layers":["blobs/sha256/\(hex64("2"))"]},
     {"Config":"\(hex64("e")).json","RepoTags":null,"Layers":[]}]
    """.utf8))

    static let cases: [(String?, Outcome)] = [
        ("alpine", .at(0)),
        ("alpine:latest", .at(0)),
        ("docker.io/library/alpine:3.19", .at(0)),
        ("index.docker.io/library/alpine", .at(0)),
        ("library/alpine:3.19", .at(0)),
        ("quay.io/org/app:v1", .at(1)),
        ("localhost:5000/x/y:z", .at(1)),
        ("@0", .at(0)),
        ("@2", .at(2)),
        ("alpine:edge", .error(#"Tag "docker.io/library/alpine:edge" not found"#)),
        ("quay.io/org/app", .error(#"Tag "quay.io/org/app:latest" not found"#)),
        ("@3", .error("Invalid source index @3, only 3 manifest items available")),
        (nil, .error("Unexpected tar manifest.json: expected 1 item, got 3")),
        ("Alpine", .error("invalid reference format: repository name (library/Alpine) must be lowercase")),
        ("alpine@sha256:\(hex64("a"))", .error(#"docker-archive doesn't support digest references: "alpine@sha256:\#(hex64("a"))""#)),
    ]

    @Test(arguments: cases.indices)
    func chooses(_ i: Int) {
        let (ref, want) = DockerArchiveRefTests.cases[i]
        do {
            let (n, _) = try ImageSelection.chooseItem(items, ArchiveSelector(parsing: ref))
            #expect(want == .at(n), "\(ref ?? "nil")")
        } catch {
            #expect(want == .error(error.message), "\(ref ?? "nil")")
        }
    }

    @Test func parsesItems() {
        #expect(items.count == 3)
        #expect(items[0].layers == ["\(hex64("1"))/layer.tar"])
        #expect(items[2].repoTags.isEmpty)
    }

    @Test func repositories() throws {
        let r = try DockerRepositories(bytes: Array(#"{"alpine":{"latest":"\#(hex64("1"))"}}"#.utf8))
        #expect(r.entries["alpine"]?["latest"] == hex64("1"))
    }
}

/// index.json reference choice: c/image oci/layout getManifestDescriptor, plus Docker ≥25's names.
@Suite struct LayoutRefTests {
    let idx = try! ImageIndex(json: JSONParser.parse(Array("""
    {"schemaVersion":2,"manifests":[
      {"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:\(hex64("1"))","size":1,
       "annotations":{"io.containerd.image.name":"docker.io/library/alpine:3.19","org.opencontainers.image.ref.name":"3.19"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\(hex64("2"))","size":1,
       "annotations":{"org.opencontainers.image.ref.name":"v1"}},
      {"mediaType":"application/vnd.example.sbom","digest":"sha256:\(hex64("3"))","size":1,
       "annotations":{"org.opencontainers.image.ref.name":"sbom"}}
    ]}
    """.utf8)))

    static let cases: [(String?, Outcome)] = [
        ("v1", .at(1)),
        ("3.19", .at(0)),
        ("alpine:3.19", .at(0)),                        // io.containerd.image.name
        ("docker.io/library/alpine:3.19", .at(0)),
        ("@2", .at(2)),
        ("sbom", .error(#"reference "sbom" matches unsupported manifest MIME types ["application/vnd.example.sbom"]"#)),
        ("v2", .error(#"no descriptor found for reference "v2""#)),
        ("other:3.19", .error(#"no descriptor found for reference "other:3.19""#)),
        ("@3", .error("index 3 is too large, only 3 entries available")),
        (nil, .error("more than one image in oci, choose an image")),
    ]

    @Test(arguments: cases.indices)
    func chooses(_ i: Int) {
        let (ref, want) = LayoutRefTests.cases[i]
        do {
            let (n, _) = try ImageSelection.chooseDescriptor(idx, LayoutSelector(parsing: ref))
            #expect(want == .at(n), "\(ref ?? "nil")")
        } catch {
            #expect(want == .error(error.message), "\(ref ?? "nil")")
        }
    }
}
