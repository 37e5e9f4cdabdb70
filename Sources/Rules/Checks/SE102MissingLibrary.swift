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
        guard let e = c.facts.elf, let interp = e.interpreter, c.target.fileExists(interp) else { return [] }
        let missing = e.needed.filter { LibraryResolver.find($0, facts: e, in: c.target, imagePath: c.imagePath) == nil }
        guard let first = missing.first else { return [] }
        let searched = (e.runpath.isEmpty ? e.rpath : e.runpath) + c.target.librarySearchPath
        return [finding("\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not found in \(c.target.name) (searched \(searched.joined(separator: ":"))); the program prints `\(c.imagePath): error while loading shared libraries: \(first): cannot open shared object file: No such file or directory`",
                        why: "The loader resolves every DT_NEEDED library before main runs and exits with status 127 when one is missing.",
                        fix: c.go != nil ? "build without cgo (CGO_ENABLED=0) or statically, or use a base image that ships \(missing.joined(separator: ", "))"
                                         : "link statically, or use a base image that ships \(missing.joined(separator: ", ")) (e.g. gcr.io/distroless/cc-debian12 for libstdc++/libgcc_s), or COPY the libraries into a directory on its RUNPATH")]
    }
}
