import Archive
import CFuzzDriver
import Config
import Runner
import Dockerfile
import ELFKit
import GoBinary
import Image
import Loader
import Rules
import Targets

#if canImport(Glibc)
import Glibc
#endif

/// The readers libFuzzer drives, by FUZZ_TARGET. Each takes the input as a file's bytes and
/// must end in a value or an error: a crash, a trap, a hang or unbounded memory is the bug.
enum Target: String, CaseIterable {
    /// Format sniffing and every fact: ELF headers, program and section headers, dynamic,
    /// versions, symbols, notes, Mach-O, PE, scripts, ar; Go build info and pclntab; plus the
    /// verdict and every rule on the scratch profile.
    case elf
    /// glibc's ld.so.cache, both formats.
    case ldcache
    /// A tar stream (headers, PAX, GNU long names), every member's data read.
    case tar
    /// gzip or zstd (sniffed), decompressed under a small cap.
    case decompress
    /// gzip read forward with an access-point index, then resumed at every point: each resumed
    /// read must give exactly the forward bytes from there (a mismatch is a crash).
    case gzindex
    /// OCI/Docker JSON: index, manifest, config, manifest.json.
    case json
    /// The Dockerfile parser and the build plan.
    case dockerfile
    /// `.staticcheck-elf.yml`: YAML (Yams) and every key's check; the ignores' path globs.
    case config
}

nonisolated(unsafe) var target: Target = .elf
nonisolated(unsafe) var analyzer: Analyzer?

func initialize() {
    if let t = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let chosen = Target(rawValue: t) {
        target = chosen
    }
    if let p = TargetRoot.profile("scratch", platform: .host) { analyzer = Analyzer(target: p, platform: .host) }
}

func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case .elf:
        let view = ByteView(copying: bytes)
        _ = FactCollector.collect(view, mode: 0o755)
        _ = analyzer?.check(view, mode: 0o755, path: "fuzz", imagePath: "/fuzz")
    case .ldcache:
        _ = try? LDCache(ByteView(copying: bytes))
    case .tar:
        let reader = TarReader(MemoryStream(bytes, name: "fuzz.tar"), limits: TarLimits(maxMetadataBytes: 1 << 16, maxEntries: 4096))
        while let e = try? reader.next() {
            _ = try? TarPath.normalize(e.name)
            _ = try? reader.readData(cap: 1 << 20)
        }
    case .decompress:
        guard let s = try? DecompressingStream(MemoryStream(bytes, name: "fuzz"), limits: DecompressionLimits(maxDecompressedBytes: 16 << 20)) else { break }
        _ = try? s.readAll(cap: 16 << 20)
    case .gzindex:
        let index = GzipIndex(span: 4096, budget: IndexBudget(maxBytes: 16 * (32 << 10)))
        let limits = DecompressionLimits(maxDecompressedBytes: 4 << 20)
        guard let s = try? DecompressingStream(MemoryStream(bytes, name: "fuzz"), limits: limits, index: index),
              s.compression == .gzip, let all = try? s.readAll(cap: 4 << 20) else { break }
        for p in index.points {
            let from = Int(p.input) - (p.bits > 0 ? 1 : 0)
            guard from >= 0, from <= bytes.count, p.out <= UInt64(all.count) else { fatalError("point out of range: \(p.input) \(p.out)") }
            guard let r = try? DecompressingStream(resuming: p, from: MemoryStream(Array(bytes[from...]), name: "fuzz"), limits: limits),
                  let tail = try? r.readAll(cap: 4 << 20) else {
                // The forward read ended well: so must every resumed one (the same bytes).
                fatalError("resume at \(p.out) failed where the forward read did not")
            }
            guard tail[...] == all[Int(p.out)...] else { fatalError("resume at \(p.out) differs from the forward read") }
        }
    case .json:
        guard let v = try? JSONParser.parse(bytes) else { break }
        _ = try? ImageIndex(json: v)
        _ = try? ImageManifest(json: v)
        _ = try? ImageConfig(json: v)
        _ = try? DockerManifestItem.parseList(bytes)
    case .dockerfile:
        let text = String(decoding: bytes, as: UTF8.self)
        if let d = try? Dockerfile.parse(text) { _ = try? d.resolve() }
    case .config:
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let file) = ConfigFile.parse(text, path: "fuzz.yml") {
            for g in file.ignores { for p in g.paths { _ = PathGlob.matches(p, "dist/sub/app") } }
        }
    }
    return 0
}
