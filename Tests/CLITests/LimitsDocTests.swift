import Archive
import Config
@testable import Dockerfile
import ELFKit
import FileTree
import Foundation
import Image
import Render
@testable import Runner
import TestSupport
import Testing

/// The README's Limits table is the code's: every row names a constant that exists in the file
/// it names and has the value the row gives, and every cap is in the table.
@Suite struct LimitsDocTests {
    /// Each cap by the name the README gives it, with its value in the README's unit (bytes,
    /// entries, levels).
    static let caps: [String: Int] = [
        "InputWalker.maxEntries": InputWalker.maxEntries,
        "TreeResolver.maxLinks": TreeResolver.maxLinks,
        "Builder.maxLinks": LayerTree.Builder.maxLinks,
        "Builder.maxLayers": LayerTree.Builder.maxLayers,
        "ImageLimits.maxArchiveLinks": ImageLimits.maxArchiveLinks,
        "TarLimits.defaultMaxEntries": TarLimits.defaultMaxEntries,
        "TarLimits.defaultMaxNameBytes": TarLimits.defaultMaxNameBytes,
        "TarLimits.defaultMaxMetadataBytes": TarLimits.defaultMaxMetadataBytes,
        "ImageReaderOptions.defaultMaxDecompressedBytes": Int(ImageReaderOptions.defaultMaxDecompressedBytes),
        "DecompressionLimits.defaultMaxZstdWindowLog": 1 << Int(DecompressionLimits.defaultMaxZstdWindowLog),
        "ImageReaderOptions.defaultMaxFileBytes": ImageReaderOptions.defaultMaxFileBytes,
        "ImageLimits.maxManifestBytes": ImageLimits.maxManifestBytes,
        "ImageLimits.maxDockerManifestBytes": ImageLimits.maxDockerManifestBytes,
        "ImageLimits.maxIndexDepth": ImageLimits.maxIndexDepth,
        "JSONParser.defaultMaxDepth": JSONParser.defaultMaxDepth,
        "ByteView.maxStringLength": ByteView.maxStringLength,
        "DockerfileRun.maxDockerfileBytes": DockerfileRun.maxDockerfileBytes,
        "SyntaxTree.maxLineBytes": SyntaxTree.maxLineBytes,
        "ShellLex.maximumNesting": ShellLex.maximumNesting,
        "maximumJSONDepth": maximumJSONDepth,
        "StageFiles.maxNodes": StageFiles.maxNodes,
        "StageFiles.maxCopiedNodes": StageFiles.maxCopiedNodes,
        "ConfigFile.maxBytes": ConfigFile.maxBytes,
        "ConfigFile.maxNodes": ConfigFile.maxNodes,
        "SARIFRenderer.maxResults": SARIFRenderer.maxResults,
    ]

    struct Row {
        var value: String
        var file: String
        var name: String
    }

    /// The rows of the table under `### Limits`: value, `Module/File.swift` and `Type.name`.
    static func rows() throws -> [Row] {
        let readme = try String(contentsOf: TestPaths.repo.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "### Limits"), "README has no Limits section")
        var rows: [Row] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("| "), !line.hasPrefix("| limit |") else { continue }
            let cells = line.dropFirst(2).components(separatedBy: " | ")
            try #require(cells.count == 4, "a Limits row has four cells: \(line)")
            let code = cells[2].components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            try #require(code.count == 2, "the constant cell is `Module/File.swift` `name`: \(line)")
            rows.append(Row(value: cells[1], file: code[0], name: code[1]))
        }
        return rows
    }

    /// "1,000,000", "4096 bytes", "64 KiB", "1 GiB" as a number.
    static func number(_ s: String) -> Int? {
        let parts = s.replacingOccurrences(of: ",", with: "").split(separator: " ")
        guard let first = parts.first, let n = Int(first) else { return nil }
        switch parts.dropFirst().first {
        case nil, "bytes": return n
        case "KiB": return n << 10
        case "MiB": return n << 20
        case "GiB": return n << 30
        default: return nil
        }
    }

    @Test func tableValuesAreTheConstants() throws {
        let rows = try Self.rows()
        #expect(rows.count == Self.caps.count, "rows: \(rows.map(\.name))")
        #expect(Set(rows.map(\.name)) == Set(Self.caps.keys))
        for row in rows {
            let value = try #require(Self.number(row.value), "\(row.name): value \(row.value) is not a number")
            #expect(Self.caps[row.name] == value, "README says \(row.name) is \(row.value), the code \(Self.caps[row.name].map(String.init) ?? "has no such cap")")
            // The constant is declared in the file the row names.
            let source = (try? String(contentsOf: TestPaths.repo.appendingPathComponent("Sources/" + row.file), encoding: .utf8)) ?? ""
            let member = row.name.split(separator: ".").last.map(String.init) ?? row.name
            #expect(source.range(of: "let \(member)(: [A-Za-z0-9]+)? = ", options: .regularExpression) != nil, "\(row.file) declares no \(member)")
        }
    }

    @Test func numbersAreReadAsWritten() {
        #expect(Self.number("1,000,000") == 1_000_000)
        #expect(Self.number("4096 bytes") == 4096)
        #expect(Self.number("64 KiB") == 65536)
        #expect(Self.number("64 GiB") == 64 << 30)
        #expect(Self.number("2^27") == nil)
    }
}
