import ELFKit
import Loader
import Targets

public enum SE110UndefinedSymbol: Rule {
    public static let info = RuleInfo(
        id: "SE110", name: "undefined-symbol", title: "The program imports a symbol no library in the target defines",
        summary: "Every library is found and every version is there, but a symbol the program imports is defined by none of them: `symbol lookup error: undefined symbol` (glibc) or `Error relocating …: symbol not found` (musl).",
        rationale: "After loading the libraries, ld.so binds each imported symbol to the first loaded object that defines it with the version the program asks for. A library of the right name and version that lacks the symbol (an older build of the same soname, a stand-in such as gcompat for glibc on alpine) leaves it unbound. glibc binds data references and, with BIND_NOW (`-z now`), every call before main: the program never starts. Otherwise a call is bound at its first use, and the program dies there with status 127. musl binds everything at start. `ldd` shows every library found and says nothing of this.",
        fixBefore: "COPY --from=build /usr/lib/libmini.so.1 /lib/   # an older libmini.so.1 than the program was linked against",
        fixAfter: "COPY the library the program was linked against (the one that defines the symbol), or build against the target's own library",
        severity: .error,
        examples: [
            .fires("c/mini-call-now", on: "root:symroots/glibc-old", "-z now: demo_answer@MINI_2 is bound at start and the old libmini.so.1 lacks it"),
            .fires("c/mini-call", on: "root:symroots/glibc-old", "lazy: the program starts, then dies at its first call of demo_answer"),
            .fires("c/mini-call-musl", on: "root:symroots/musl-old", "musl binds every symbol at start"),
            .silent("c/mini-call-now", on: "root:symroots/glibc-new", "the library it was linked against defines demo_answer@MINI_2"),
            .silent("c/mini-call-now", on: "debian-slim", "a built-in profile holds paths, not the libraries' symbols: only a real root or image can tell"),
            .silent("go/server-cgo1", on: "root:symroots/glibc-old", "libc.so.6 is missing first (SE102)"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let load = c.loader, let undefined = load.undefinedSymbols, let first = undefined.first else { return [] }
        let atStart = undefined.filter(\.atStart)
        let later = undefined.filter { !$0.atStart }
        var parts: [String] = []
        if !atStart.isEmpty {
            let line = load.messages(argv0: c.imagePath).first ?? ""
            parts.append("\(list(atStart.map(\.displayName))) \(atStart.count == 1 ? "is" : "are") bound at start, so it never starts: `\(line)`")
        }
        if !later.isEmpty {
            parts.append("\(list(later.map(\.displayName))) \(later.count == 1 ? "is" : "are") bound at first call: the program starts, then dies with status 127 there (`\(load.lookupError(later[0], argv0: c.imagePath))`)")
        }
        let libraries = load.objects.dropFirst().filter { o in
            first.versionFile.map { $0 == o.name || $0 == o.soname } ?? false
        }.map(\.path)
        let from = libraries.first.map { " \($0) is loaded, but" } ?? ""
        let what = "\(c.path) imports symbols that no library loaded in \(c.target.name) defines;\(from) \(parts.joined(separator: "; "))"
        let fix: String
        if let file = first.versionFile, let lib = libraries.first {
            fix = "use the \(file) the program was linked against (the build image's, which defines \(first.displayName)) instead of \(lib), or build the program against the target's \(file)"
        } else {
            fix = "copy the library that defines \(first.displayName) into the target, or build on the target's own libraries (its libc: golang:alpine for alpine)"
        }
        return [finding(what, why: "ld.so binds every imported symbol to a loaded library that defines it; a symbol nothing defines ends the program with status 127 at start or at its first call.", fix: fix).evidence(undefined.map(\.displayName))]
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(6).joined(separator: ", ")
        return names.count > 6 ? "\(shown) and \(names.count - 6) more" : shown
    }
}
