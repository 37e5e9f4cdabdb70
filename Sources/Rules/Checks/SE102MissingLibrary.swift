import Targets

public enum SE102MissingLibrary: Rule {
    public static let info = RuleInfo(
        id: "SE102", name: "missing-library", title: "A needed shared library is missing in the target",
        summary: "A DT_NEEDED library is not on the loader's search path in the image: `error while loading shared libraries`.",
        rationale: "When the loader exists, it then looks for every DT_NEEDED library in DT_RPATH/DT_RUNPATH and the system's library directories. A missing one stops the program before main with `error while loading shared libraries: libX.so: cannot open shared object file`.",
        fixBefore: "FROM gcr.io/distroless/base-debian12   # has glibc, not libstdc++",
        fixAfter: "FROM gcr.io/distroless/cc-debian12     # adds libgcc_s, libstdc++",
        severity: .error,
        examples: [
            .fires("c/hello-cxx", on: "distroless-base", "a C++ program: distroless/base has glibc but not libstdc++.so.6"),
            .silent("c/hello-cxx", on: "distroless-cc", "distroless/cc adds libstdc++ and libgcc_s"),
            .silent("c/hello-dynamic", on: "distroless-base", "distroless/base has libc.so.6"),
            .silent("c/hello-cxx", "on scratch the interpreter is missing first (SE101)"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        // The loader runs only when it exists; without it SE101 says what is wrong.
        guard let load = c.loader, let first = load.missing.first else { return [] }
        let missing = load.missing.map { $0.neededBy == c.imagePath ? $0.name : "\($0.name) (needed by \($0.neededBy))" }
        let names = load.missing.map(\.name).joined(separator: ", ")
        let searched = first.searched
        let line = load.messages(argv0: c.imagePath).first ?? ""
        return [finding("\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not found in \(c.target.name) (searched \(searched.joined(separator: ":"))); the program prints `\(line)`",
                        why: "The loader resolves every DT_NEEDED library before main runs and exits with status 127 when one is missing.",
                        fix: c.go != nil ? "build without cgo (CGO_ENABLED=0) or statically, or use a base image that ships \(names)"
                                         : cFix(load.missing.map(\.name), names: names, c)).evidence(load.missing.map(\.name))]
    }

    /// For C programs: a static link, a base that has the libraries (distroless/cc for the C++
    /// runtime), or the library copied where the program looks first.
    static func cFix(_ missing: [String], names: String, _ c: RuleContext) -> String {
        let cxx = missing.contains { $0.hasPrefix("libstdc++") || $0.hasPrefix("libgcc_s") || $0.hasPrefix("libgomp") }
        var fix = "link statically, or use a base image that ships \(names)" + (cxx ? " (e.g. gcr.io/distroless/cc-debian12 for libstdc++/libgcc_s)" : "")
        let e = c.facts.elf
        if let dir = c.loader?.missing.first?.searched.first, e?.runpath.isEmpty == false || e?.rpath.isEmpty == false {
            fix += ", or COPY \(names) into \(dir) (the first directory of its \(e?.runpath.isEmpty == false ? "RUNPATH" : "RPATH"))"
        } else {
            fix += ", or COPY the libraries into one of the directories searched"
        }
        return fix
    }
}
