import ELFKit
import GoBinary
import Loader
import Targets

public enum SE107GlibcTooNew: Rule {
    public static let info = RuleInfo(
        id: "SE107", name: "glibc-too-new", title: "The program needs symbol versions the target's libraries do not have",
        summary: "The program (or a library it loads) requires a symbol version such as GLIBC_2.34 that the library found in the target does not define: `version 'GLIBC_2.34' not found`.",
        rationale: "A program linked on a newer glibc records the newest symbol versions it used (`__libc_start_main@GLIBC_2.34` for everything built on glibc 2.34 or later). After loading every library, ld.so checks each required version against the library it found and refuses to start the program when one is missing. This is what happens when the build image (golang:1.21 is Debian bookworm, glibc 2.36) is newer than the runtime image (bullseye or distroless-debian11, glibc 2.31). The same holds for GLIBCXX_, CXXABI_, GCC_ and OPENSSL_ versions.",
        fixBefore: "FROM golang:1.21 AS build          # bookworm: glibc 2.36\n...\nFROM gcr.io/distroless/base-debian11   # glibc 2.31",
        fixAfter: "FROM golang:1.21-bullseye AS build   # glibc 2.31, like the runtime\n...\nFROM gcr.io/distroless/base-debian11",
        severity: .error,
        examples: [
            .fires("go/server-cgo1", on: "debian:bullseye-slim", "built on glibc 2.36: needs GLIBC_2.34, bullseye has 2.31"),
            .fires("c/hello-dynamic", on: "debian:bullseye-slim", "any C program linked on glibc ≥ 2.34 needs __libc_start_main@GLIBC_2.34"),
            .silent("go/server-cgo1", on: "debian-slim", "bookworm's glibc 2.36 defines every version it needs"),
            .silent("go/server-cgo0", on: "debian:bullseye-slim", "static: no loader, no symbol versions"),
            .silent("go/server-cgo1", on: "scratch", "the loader is missing first (SE101)"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let load = c.loader else { return [] }
        let missing = load.missingVersions.filter { !$0.weak }
        guard let first = missing.first else { return [] }
        let newest = missing.map(\.version).max { GlibcVersionOrder.less($0, $1) } ?? first.version
        let glibcTarget = c.target.libc.flatMap { $0.kind == .glibc ? $0.version : nil }
        let theirs = glibcTarget.map { "the target's glibc is \($0)" } ?? "\(first.library) in \(c.target.name) does not define it"
        // The symbols of the program that bind to the missing versions: what `objdump -T` shows.
        var forcing: [String] = []
        if let elf = c.elf, let imports = try? elf.importedSymbols(), let needs = c.facts.elf.map({ _ in (try? elf.versionNeeds()) ?? [] }) {
            let wanted = Set(missing.filter { $0.requiredBy == c.imagePath }.map(\.version))
            let indexes = Set(needs.flatMap(\.requirements).filter { wanted.contains($0.name) }.map(\.index))
            forcing = imports.filter { indexes.contains($0.versionIndex) }.map(\.name)
        }
        let versions = sortedUnique(missing.map(\.version))
        let by = forcing.isEmpty ? "" : "; the symbols that need \(versions.count == 1 ? "it" : "them"): \(forcing.prefix(8).joined(separator: ", "))\(forcing.count > 8 ? " and \(forcing.count - 8) more" : "")"
        let line = load.messages(argv0: c.imagePath).first ?? ""
        return [finding("\(c.path) needs \(versions.joined(separator: ", ")) (newest \(newest)) and \(theirs)\(by); the loader prints `\(line)`",
                        why: "ld.so checks every required symbol version after loading the libraries and exits before main when one is missing.",
                        fix: fix(newest: newest, target: glibcTarget, go: c.go)).evidence(newest)]
    }

    static func fix(newest: String, target: String?, go: GoFacts?) -> String {
        guard newest.hasPrefix("GLIBC_") else {
            return "build on an image whose libraries are as old as the target's, or use a runtime base that ships the newer library (or link it statically)"
        }
        var parts: [String] = []
        if let target, let build = GlibcRelease.newestAtMost(target) {
            parts.append("build on glibc \(target) or older, e.g. FROM golang:<version>-\(build.debian) AS build (Debian \(build.debianNumber), glibc \(build.version))")
        }
        let needed = String(newest.dropFirst(6))
        if let run = GlibcRelease.oldestAtLeast(needed) {
            parts.append("or run on a base with glibc ≥ \(needed), e.g. FROM gcr.io/distroless/base-debian\(run.debianNumber) or debian:\(run.debian)-slim")
        }
        if let go {
            // Never CGO_ENABLED=0 when a module needs cgo: GoAdvice links it statically instead.
            if let (line, why) = GoAdvice.staticBuild(go) { parts.append("or build statically: \(line.withCaveat)   # \(why)") }
        } else {
            parts.append("or link statically")
        }
        return parts.joined(separator: ", ")
    }

    static func sortedUnique(_ v: [String]) -> [String] {
        Array(Set(v)).sorted { GlibcVersionOrder.less($0, $1) || (!GlibcVersionOrder.less($1, $0) && $0 < $1) }
    }
}
