import ELFKit

public enum SE109NotAProgram: Rule {
    public static let info = RuleInfo(
        id: "SE109", name: "not-a-program", title: "An ELF file that is not a program",
        summary: "A relocatable object (.o), a core dump, or a shared library with no entry point cannot be run.",
        rationale: "Only ET_EXEC and ET_DYN files with an entry point are programs. The kernel refuses a .o or a core file with ENOEXEC; a shared library without an entry point is mapped and then crashes at address 0.",
        fixBefore: "gcc -c main.c -o app",
        fixAfter: "gcc main.c -o app",
        severity: .error,
        examples: [
            .fires("c/hello.o", "relocatable object"),
            .fires("c/libdemo.so", "shared library, no entry point"),
            .fires("c/libdemo-entry.so", "a shared library with an entry point (old GNU ld gave -shared output e_entry = start of .text): SIGSEGV"),
            .fires("c/hello-dynamic.debug", "objcopy --only-keep-debug of a dynamic program: ENOEXEC"),
            .fires("c/hello-static.debug", "objcopy --only-keep-debug of a static program: SIGSEGV"),
            .silent("c/hello-static-pie", "a static PIE is a program"),
            .silent("c/hello-dynamic", "a PIE executable"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard let e = c.facts.elf else { return [] }
        let what: String
        switch e.type {
        case _ where e.debugInfoFile:
            what = "a separate debug-info file (objcopy --only-keep-debug: DWARF and symbols, no code)\(e.buildID.map { ", build ID \($0)" } ?? "")"
        case .rel: what = "a relocatable object file (ET_REL), the input of a linker"
        case .core: what = "a core dump (ET_CORE)"
        case .dyn where e.entry == 0 && e.interpreter == nil:
            what = "a shared library\(e.soname.map { " (\($0))" } ?? "") with no entry point"
        case .dyn where e.sharedLibrary:
            what = "a shared library\(e.soname.map { " (\($0))" } ?? ""), not a program (no PT_INTERP, no DF_1_PIE; its e_entry is only the start of its code)"
        default: return []
        }
        let outcome = c.verdict.message.map { "docker run: `\($0)`" } ?? "it will not run"
        return [finding("\(c.path) is \(what); \(outcome)",
                        why: "Only executables (ET_EXEC, or ET_DYN with an entry point) can be started.",
                        fix: e.debugInfoFile ? "copy the program itself (the stripped binary), not its .debug file; keep the debug file outside the image or under /usr/lib/debug"
                                             : "copy the linked program instead: build an executable (go build, or gcc without -c / -shared)")]
    }
}
