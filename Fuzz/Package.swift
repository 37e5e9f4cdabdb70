// swift-tools-version:6.0
import Foundation
import PackageDescription

// A path dependency is named by its directory: the clone's, whatever it is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// libFuzzer targets for every reader (`make fuzz`): one executable, the reader chosen by
// FUZZ_TARGET. Fuzz/run.sh compiles every module with ASan and libFuzzer's coverage and links
// libFuzzer without its main (libclang_rt.fuzzer_no_main): this program's main hands control to
// LLVMFuzzerRunDriver. Never part of `swift test`.
let package = Package(
    name: "staticcheck-elf-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "Fuzz",
            dependencies: ["CFuzzDriver", .product(name: "StaticCheckELFReaders", package: root)]),
    ],
    swiftLanguageModes: [.v6]
)
