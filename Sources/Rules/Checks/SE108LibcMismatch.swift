import GoBinary
import Loader
import Targets

public enum SE108LibcMismatch: Rule {
    public static let info = RuleInfo(
        id: "SE108", name: "libc-mismatch", title: "The program is linked against another C library than the target has",
        summary: "A musl-linked program on a glibc target, or a glibc-linked one on a musl target: the loader or the libraries it needs are not there.",
        rationale: "A dynamically linked program names its C library's loader in PT_INTERP: /lib/ld-musl-ARCH.so.1 for musl (alpine), /lib64/ld-linux-x86-64.so.2 and the like for glibc (Debian, distroless). On a target with the other C library that loader is missing (`no such file or directory` for a file that is there), or, with gcompat on alpine, musl's loader stands in for glibc's and relocation fails on glibc-only symbols (`Error relocating …: __vfprintf_chk: symbol not found`).",
        fixBefore: "FROM golang:1.22 AS build        # Debian: glibc\n...\nFROM alpine:3.20                  # musl",
        fixAfter: "FROM golang:1.22-alpine AS build # musl, like the runtime\n...\nFROM alpine:3.20",
        severity: .error,
        examples: [
            .fires("go/server-cgo1", on: "alpine", "a cgo build on Debian (glibc) copied into alpine (musl)"),
            .fires("c/hello-musl-dynamic", on: "debian-slim", "built with musl-gcc, run on Debian"),
            .silent("c/hello-musl-dynamic", on: "alpine", "musl on musl"),
            .silent("c/hello-dynamic", on: "debian-slim", "glibc on glibc"),
            .silent("go/server-cgo0", on: "alpine", "static: no C library needed"),
            .silent("go/server-cgo1", on: "scratch", "scratch has no C library at all: SE101 says what is missing"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let interp = c.facts.elf?.interpreter, let flavor = LoaderFlavor(interpreter: interp), let libc = c.target.libc else { return [] }
        let programLibc: Libc.Kind = flavor == .musl ? .musl : .glibc
        guard programLibc != libc.kind else { return [] }
        let theirs = "\(libc.kind.rawValue)\(libc.version.map { " \($0)" } ?? "")"
        let outcome = c.verdict.message.map { "; it fails with `\($0)`" } ?? ""
        // Never CGO_ENABLED=0 when a module needs cgo: GoAdvice says how to link it statically.
        let staticLine = c.go.flatMap(GoAdvice.staticBuild).map { "build statically: \($0.line.withCaveat)   # \($0.explanation)" }
        let fix: String
        switch (programLibc, c.go != nil) {
        case (.glibc, true):
            fix = ["build in golang:<version>-alpine to link musl", staticLine, "run on a glibc base (gcr.io/distroless/base-debian12, debian:bookworm-slim)"]
                .compactMap { $0 }.joined(separator: ", or ")
        case (.glibc, false): fix = "build on Alpine (musl-gcc or apk add build-base) to link musl, or link statically, or run on a glibc base (gcr.io/distroless/base-debian12)"
        case (.musl, true):
            fix = ["build on Debian (golang:<version>-bookworm) to link glibc", staticLine, "run on alpine"].compactMap { $0 }.joined(separator: ", or ")
        case (.musl, false): fix = "build with the target's gcc (glibc), or link statically (musl-gcc -static), or run on alpine"
        }
        return [finding("\(c.path) is linked against \(programLibc.rawValue) (PT_INTERP \(interp)) and \(c.target.name) has \(theirs)\(outcome)",
                        why: "A program runs only with the C library it was linked against: its loader path and symbol names belong to that library.",
                        fix: fix).evidence(interp, libc.kind.rawValue)]
    }
}
