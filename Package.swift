// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only downward:
//   ELFKit (bytes, ELF, Mach-O, PE, scripts) → GoBinary (build info, pclntab)
//   → FileTree (where files come from: the host, a root directory, a profile's paths)
//   Dockerfile (on nothing: BuildKit's parser, a build's stages, what known base images hold)
//   Archive (beside FileTree, on ELFKit only: byte streams, gzip/zstd, tar, sha256 — the bytes of
//   container images, read without a daemon)
//   → Targets (what an image holds, built from a target spec; profiles from Dockerfile's base-image table)
//   → Image (container images in memory: manifests, platforms, layers as a FileTree, the image's start)
//   → Loader (what ld.so does in a target: search, ld.so.cache, versions) → Rules (start verdict, findings)
//   → Render (text, JSON, SARIF, GitHub) → Runner (configuration → run → document, exit policy)
//   → Config (.staticcheck-elf.yml, with Yams) → CLI (argv → configuration) → StaticCheckELFCLI (the executable: one call).
// CrossCheck loads libelf at run time (dlopen), so libelf is never a build requirement.
// No unsafeFlags here: SwiftPM refuses them in a dependency. The release recipe's speed flag
// is in the Makefile.

let package = Package(
    name: "staticcheck-elf",
    products: [
        .executable(name: "staticcheck-elf", targets: ["StaticCheckELFCLI"]),
        // The readers, for the fuzzing package in Fuzz/ (its own package: libFuzzer brings its
        // own main, which needs -parse-as-library, an unsafe flag this package must not use).
        .library(name: "StaticCheckELFReaders", targets: ["ELFKit", "GoBinary", "FileTree", "Targets", "Archive", "Image", "Loader", "Rules", "Dockerfile", "Runner", "Config"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "ELFKit"),
        .target(name: "GoBinary", dependencies: ["ELFKit"]),
        .target(name: "FileTree", dependencies: ["ELFKit"]),
        // zlib and libzstd for layers (apt: zlib1g-dev, libzstd-dev), SHA-256 in C (SHA-NI when the
        // processor has it: as fast as swift-crypto, without its build time).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CSHA256"),
        .target(name: "Archive", dependencies: ["ELFKit", "CZlib", "CZstd", "CSHA256"]),
        .target(name: "Targets", dependencies: ["ELFKit", "FileTree", "Dockerfile"]),
        // Dockerfiles as BuildKit parses them (directives, continuations, heredocs, exec/shell
        // forms, ARG and variable expansion, stages) and what known base images hold, as data.
        // Depends on nothing: Targets makes profiles of its base-image facts, Runner targets of its plans.
        .target(name: "Dockerfile"),
        // What execve and then ld.so would do with a file in a target (glibc and musl rules).
        .target(name: "Loader", dependencies: ["ELFKit", "FileTree", "Targets"]),
        // Container images read in memory: JSON, manifests and platforms, layers squashed into
        // a FileTree, and how runc would start the image's own command.
        .target(name: "Image", dependencies: ["ELFKit", "FileTree", "Targets", "Archive"]),
        .target(name: "Rules", dependencies: ["ELFKit", "GoBinary", "FileTree", "Targets", "Loader", "Image"], plugins: ["RuleRegistryPlugin"]),
        // Adding a rule is adding one file in Sources/Rules/Checks: the registry is generated.
        .executableTarget(name: "RuleRegistryGen"),
        .plugin(name: "RuleRegistryPlugin", capability: .buildTool(), dependencies: ["RuleRegistryGen"]),
        .target(name: "Render", dependencies: ["ELFKit", "GoBinary", "FileTree", "Loader", "Rules", "Targets", "Archive"]),
        .target(name: "CElfShim", linkerSettings: [.linkedLibrary("dl")]),
        // libelf's headers and library, linked by the tests only (apt: libelf-dev).
        .systemLibrary(name: "CLibelf", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        .target(name: "CrossCheck", dependencies: ["ELFKit", "CElfShim"]),
        .target(name: "Runner", dependencies: ["FileTree", "Targets", "Image", "Rules", "Render", "CrossCheck", "Dockerfile"]),
        // .staticcheck-elf.yml: found, read with Yams, checked key by key, folded into a run.
        .target(name: "Config", dependencies: ["Runner", "Rules", "Targets", "FileTree", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "CLI",
            dependencies: ["Runner", "Rules", "Render", "Targets", "Config", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "StaticCheckELFCLI", dependencies: ["CLI"]),
        .testTarget(name: "ELFKitTests", dependencies: ["ELFKit", "TestSupport"]),
        .testTarget(name: "GoBinaryTests", dependencies: ["GoBinary", "ELFKit", "TestSupport"]),
        .testTarget(name: "FileTreeTests", dependencies: ["FileTree", "ELFKit", "TestSupport"]),
        .testTarget(name: "ImageTests", dependencies: ["Image", "Archive", "FileTree", "Targets", "ELFKit", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DockerfileTests", dependencies: ["Dockerfile"], exclude: ["Fixtures"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "ELFKit", "TestSupport"]),
        .testTarget(name: "LoaderTests", dependencies: ["Loader", "ELFKit", "FileTree", "TestSupport"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Targets", "FileTree", "GoBinary", "ELFKit", "Image", "Loader", "Runner", "Render", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Runner", "Rules", "Targets", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "Rules", "Render", "Targets", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Rules", "ELFKit", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "CrossCheckTests", dependencies: ["CrossCheck", "CElfShim", "CLibelf", "ELFKit", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Runner", "Config", "Dockerfile", "Image", "Archive", "FileTree", "ELFKit", "Render", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                    exclude: ["Schema"]),
        // Shared helpers for tests: locating TestBinaries/out, running tools, temp roots.
        .target(name: "TestSupport", dependencies: ["ELFKit"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
