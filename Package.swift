// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only downward:
//   ELFKit (bytes, ELF, Mach-O, PE, scripts) → GoBinary (build info, pclntab)
//   → FileTree (where files come from: the host, a root directory, a profile's paths)
//   → Loader (what the dynamic loader reads in a target: ld.so.cache)
//   → Targets (what an image holds, built from a target spec) → Rules (start verdict, findings)
//   → Render (text, JSON, SARIF, GitHub) → Runner (configuration → run → document, exit policy)
//   → CLI (argv → configuration) → StaticCheckELFCLI (the executable: one call).
// CrossCheck loads libelf at run time (dlopen), so libelf is never a build requirement.
// Release builds reach generic metadata through accessor calls rather than by mangled name:
// resolving a name at run time demangles it and scans every protocol conformance in the
// binary, which cost more start-up time than checking a file.
let fastStart: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
]

let package = Package(
    name: "staticcheck-elf",
    products: [
        .executable(name: "staticcheck-elf", targets: ["StaticCheckELFCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ELFKit", swiftSettings: fastStart),
        .target(name: "GoBinary", dependencies: ["ELFKit"], swiftSettings: fastStart),
        .target(name: "FileTree", dependencies: ["ELFKit"], swiftSettings: fastStart),
        .target(name: "Targets", dependencies: ["ELFKit", "FileTree"], swiftSettings: fastStart),
        .target(name: "Loader", dependencies: ["ELFKit", "FileTree"], swiftSettings: fastStart),
        .target(name: "Rules", dependencies: ["ELFKit", "GoBinary", "FileTree", "Targets"], swiftSettings: fastStart, plugins: ["RuleRegistryPlugin"]),
        // Adding a rule is adding one file in Sources/Rules/Checks: the registry is generated.
        .executableTarget(name: "RuleRegistryGen"),
        .plugin(name: "RuleRegistryPlugin", capability: .buildTool(), dependencies: ["RuleRegistryGen"]),
        .target(name: "Render", dependencies: ["Rules"], swiftSettings: fastStart),
        .target(name: "CElfShim", linkerSettings: [.linkedLibrary("dl")]),
        // libelf's headers and library, linked by the tests only (apt: libelf-dev).
        .systemLibrary(name: "CLibelf", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        .target(name: "CrossCheck", dependencies: ["ELFKit", "CElfShim"], swiftSettings: fastStart),
        .target(name: "Runner", dependencies: ["FileTree", "Targets", "Rules", "Render", "CrossCheck"], swiftSettings: fastStart),
        .target(
            name: "CLI",
            dependencies: ["Runner", "Rules", "Render", "Targets", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: fastStart
        ),
        .executableTarget(name: "StaticCheckELFCLI", dependencies: ["CLI"], swiftSettings: fastStart),
        .testTarget(name: "ELFKitTests", dependencies: ["ELFKit", "TestSupport"]),
        .testTarget(name: "GoBinaryTests", dependencies: ["GoBinary", "ELFKit", "TestSupport"]),
        .testTarget(name: "FileTreeTests", dependencies: ["FileTree", "ELFKit", "TestSupport"]),
        .testTarget(name: "LoaderTests", dependencies: ["Loader", "ELFKit", "FileTree", "TestSupport"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Targets", "FileTree", "GoBinary", "ELFKit", "TestSupport"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "Rules", "Render", "Targets", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Rules", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "CrossCheckTests", dependencies: ["CrossCheck", "CElfShim", "CLibelf", "ELFKit", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Runner", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Shared helpers for tests: locating TestBinaries/out, running tools, temp roots.
        .target(name: "TestSupport", dependencies: ["ELFKit"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v5]
)
