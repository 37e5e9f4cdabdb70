import ELFKit
import FileTree
import Loader
import Targets

/// Will the file start when a container runtime execs it in the target? Modelled on what the
/// kernel (fs/exec.c, fs/binfmt_elf.c load_elf_binary, fs/binfmt_script.c) and then the
/// dynamic loader do, in their order: the first failure is the one `docker run` prints.
public struct StartVerdict: Sendable, Hashable {
    /// `runtime`: the container runtime fails before execve (USER lookup, `exec.LookPath`,
    /// the working directory); `kernel`: execve fails; `loader`: ld.so starts, then fails;
    /// `program`: the program runs and cannot go on (a shell that cannot find the command it
    /// was given).
    public enum Stage: String, Sendable { case runtime, kernel, loader, program }

    /// Why it will not start (or nil when it will).
    public enum Cause: Sendable, Hashable {
        case notExecutable
        case emptyFile
        case notELF(FileFormat)
        case malformed(String)
        case wrongArchitecture
        case notAProgram
        case missingInterpreter(String)
        case scriptInterpreterMissing(String)
        case scriptLineUnreadable
        case missingLibrary(String)
        /// A symbol version (`GLIBC_2.34`) the library found does not define.
        case missingVersion(String)
        /// A symbol the program imports that no loaded library defines, bound at start.
        case undefinedSymbol(String)
        /// The PT_INTERP file exists but the kernel cannot use it (not ELF, another machine).
        case interpreterInvalid(String)
        case interpreterWrongFormat(String)
        case truncatedSegments
        case noEntryPoint
        /// A shared library (DT_SONAME or DT_NEEDED, no PT_INTERP, no DF_1_PIE) with an entry.
        case sharedLibrary
        /// A separate debug-info file (`objcopy --only-keep-debug`): no code bytes.
        case debugInfoFile
        /// The image's USER names a user or group its /etc/passwd or /etc/group lacks.
        case userNotFound(String)
        /// runc's `exec.LookPath` of argv[0] fails: no such file, not on PATH, a dangling link.
        case programNotFound(String)
        /// The same for the shell of a shell-form command (`/bin/sh`).
        case shellMissing(String)
        /// The shell starts and cannot find the command it runs first.
        case shellCommandNotFound(String)
        /// Neither ENTRYPOINT nor CMD, or a working directory runc cannot enter.
        case noCommand
        case workingDirectory(String)
        /// An ELF program for another OS (`freebsd`, `openbsd`, …): Linux execs it, and it dies
        /// at its first system call.
        case wrongOS(String)
    }

    public var ok: Bool
    /// False when the target is not known well enough to say (an unknown base image in a
    /// Dockerfile): `ok` is then false and means nothing, and JSON writes `ok: null`.
    public var known = true
    public var stage: Stage?
    /// `ENOENT`, `ENOEXEC`, `EACCES`, `EIO`, or nil.
    public var errno: String?
    /// The line the container runtime prints (runc wording), or nil when the program starts.
    public var message: String?
    /// One sentence on why, naming the file, path or field involved.
    public var reason: String
    public var cause: Cause?

    public init(ok: Bool, stage: Stage?, errno: String?, message: String?, reason: String, cause: Cause?) {
        self.ok = ok
        self.stage = stage
        self.errno = errno
        self.message = message
        self.reason = reason
        self.cause = cause
    }

    /// The verdict that cannot be given: `reason` says why and how to find out for real.
    public static func unknown(_ reason: String) -> StartVerdict {
        var v = StartVerdict(ok: false, stage: nil, errno: nil, message: nil, reason: reason, cause: nil)
        v.known = false
        return v
    }

    public static func starts(_ reason: String) -> StartVerdict {
        StartVerdict(ok: true, stage: nil, errno: nil, message: nil, reason: reason, cause: nil)
    }
}

public enum StartPredictor {
    /// runc's wording for a failed execve (`exec /main: no such file or directory`).
    static func execMessage(_ path: String, _ errno: String) -> String {
        let text: String
        switch errno {
        case "ENOENT": text = "no such file or directory"
        case "ENOEXEC": text = "exec format error"
        case "EACCES": text = "permission denied"
        case "EIO": text = "input/output error"
        case "ELOOP": text = "too many levels of symbolic links"
        case "ELIBBAD": text = "accessing a corrupted shared library"
        default: text = errno
        }
        return "exec \(path): \(text)"
    }

    static func kernelFailure(_ path: String, _ errno: String, _ cause: StartVerdict.Cause, _ reason: String) -> StartVerdict {
        StartVerdict(ok: false, stage: .kernel, errno: errno, message: execMessage(path, errno), reason: reason, cause: cause)
    }

    /// Predicts the start of the file at `path` in the target (its image path) with `facts` (and its ELF view, when it has
    /// one) in `target` on `platform`.
    public static func predict(imagePath path: String, facts f: FileFacts, elf: ELFFile?, view: ByteView? = nil, target: TargetRoot, platform: Platform,
                               load: LoadResult? = nil) -> StartVerdict {
        // fs/exec.c: the file must be executable (root too needs one x bit).
        if !f.executable {
            return kernelFailure(path, "EACCES", .notExecutable,
                                 "the file has no execute permission (mode \(octal(f.mode))); execve refuses it before reading a byte")
        }
        if f.fileBytes == 0 {
            return kernelFailure(path, "ENOEXEC", .emptyFile, "the file is empty; no binary format handler accepts it")
        }
        switch f.format {
        case .elf:
            return predictELF(path: path, facts: f, elf: elf, view: view, target: target, platform: platform, load: load)
        case .script:
            return predictScript(path: path, facts: f, target: target, platform: platform)
        case .macho, .pe, .archive, .unknown:
            let what: String
            let cpus = f.foreign?.cpus ?? []
            switch f.format {
            case .macho: what = "a Mach-O file (macOS\(cpus.isEmpty ? "" : ", \(cpus.joined(separator: "+"))"))"
            case .pe: what = "a PE file (Windows\(cpus.isEmpty ? "" : ", \(cpus.joined(separator: "+"))"))"
            case .archive: what = "an ar archive (a static library, not a program)"
            default: what = "neither ELF nor a #! script"
            }
            return kernelFailure(path, "ENOEXEC", .notELF(f.format), "the file is \(what); a Linux kernel executes only ELF and #! scripts")
        }
    }

    static func predictELF(path: String, facts f: FileFacts, elf: ELFFile?, view: ByteView?, target: TargetRoot, platform: Platform,
                           load: LoadResult?) -> StartVerdict {
        // With an invalid EI_CLASS or EI_DATA the kernel still reads the header in the machine's
        // own layout (binfmt_elf checks e_machine, not the class); a header too short for that
        // is ENOEXEC.
        let native = platform.executableKinds.first.map { (bits: $0.bits, order: $0.order) }
        guard let elf = elf ?? view.flatMap({ v in try? ELFFile(v, assuming: native) }) else {
            return kernelFailure(path, "ENOEXEC", .malformed("header"), "the ELF header is truncated or invalid, so the kernel rejects the file")
        }
        // A header read only in the native layout has no collected facts: it still gives the
        // machine and the interpreter; the dynamic section and the rest stay unread (empty).
        let e = f.elf ?? {
            var e = ELFFacts(header: elf.header)
            e.interpreter = try? elf.interpreter()
            return e
        }()
        let h = elf.header
        // load_elf_binary: type, then arch (machine with the class and byte order it implies).
        guard h.type == .exec || h.type == .dyn else {
            return kernelFailure(path, "ENOEXEC", .notAProgram,
                                 "the ELF type is \(h.type == .rel ? "a relocatable object (.o)" : h.type == .core ? "a core dump" : "e_type \(h.type)"); only ET_EXEC and ET_DYN files can be executed")
        }
        guard platform.canExecute(machine: h.machine, bits: h.bits, order: h.order) else {
            return kernelFailure(path, "ENOEXEC", .wrongArchitecture,
                                 "the file is \(e.machine) (ELF\(h.bits), \(h.order)-endian) and a \(platform) kernel does not execute that")
        }
        // load_elf_phdrs: e_phentsize must match and the table must be 1..4096 bytes, read whole.
        let phdrs: [ProgramHeader]
        switch elf.programHeaderResult {
        case .success(let p): phdrs = p
        case .failure(let e):
            return kernelFailure(path, "ENOEXEC", .malformed(e.description), "the kernel cannot read the program headers: \(e.description)")
        }
        let tableSize = phdrs.count * h.programHeaderSize
        if phdrs.isEmpty || tableSize > 65536 || tableSize > 4096 {
            return kernelFailure(path, "ENOEXEC", .malformed("e_phnum"),
                                 "the program header table (\(phdrs.count) entries, \(tableSize) bytes) is \(phdrs.isEmpty ? "empty" : "larger than the kernel's limit of one page")")
        }
        // A separate debug-info file keeps the program headers with their file sizes zeroed:
        // a PT_INTERP of 0 bytes is refused, else the kernel maps pages of nothing and runs them.
        if e.debugInfoFile {
            let what = "the file is a separate debug-info file (objcopy --only-keep-debug), not a program: its code sections (.text) hold no bytes"
            if let p = phdrs.first(where: { $0.type == .interp }), p.filesz < 2 || p.filesz > 4096 {
                return kernelFailure(path, "ENOEXEC", .debugInfoFile, "\(what), and its stale PT_INTERP has \(p.filesz) bytes, which the kernel refuses")
            }
            return StartVerdict(ok: false, stage: .kernel, errno: nil,
                                message: "\(path) crashes as it starts (SIGSEGV, exit code 139, as a rule)",
                                reason: "\(what); the kernel maps its segments (zeros where the code was) and jumps into them", cause: .debugInfoFile)
        }
        // PT_INTERP: size 2..PATH_MAX, read whole (short read = EIO), NUL-terminated.
        if let p = phdrs.first(where: { $0.type == .interp }) {
            if p.filesz < 2 || p.filesz > 4096 {
                return kernelFailure(path, "ENOEXEC", .malformed("PT_INTERP"), "the PT_INTERP segment has an impossible size (\(p.filesz) bytes)")
            }
            guard elf.view.contains(p.offset, p.filesz) else {
                return kernelFailure(path, "EIO", .malformed("PT_INTERP"),
                                     "the PT_INTERP segment (\(p.filesz) bytes at \(hex(p.offset))) lies past the end of the file (\(f.fileBytes) bytes): the file is truncated")
            }
            guard let interp = e.interpreter else {
                return kernelFailure(path, "ENOEXEC", .malformed("PT_INTERP"), "the PT_INTERP path is not NUL-terminated")
            }
            guard target.fileExists(interp) else {
                if target.directoryExists(interp) {
                    return kernelFailure(path, "EACCES", .interpreterInvalid(interp),
                                         "the ELF interpreter \(interp) named in PT_INTERP is a directory in \(target.name); the kernel refuses to execute it")
                }
                let libs = e.needed.isEmpty ? "" : " (it would then load \(e.neededList))"
                return kernelFailure(path, "ENOENT", .missingInterpreter(interp),
                                     "the ELF interpreter \(interp) named in PT_INTERP does not exist in \(target.name)\(libs); the kernel reports the missing interpreter as if the program itself were missing")
            }
            if let bad = interpreterProblem(interp, program: h, target: target) {
                return kernelFailure(path, bad.errno, .interpreterInvalid(interp), bad.reason)
            }
            // The kernel maps that loader and jumps to it: a foreign program's loader is the
            // foreign OS's, and dies as its program would.
            if let os = e.os, !os.isLinux { return wrongOS(path, os, loader: interp) }
            if let libc = target.libc, let mismatch = libcMismatch(interp, libc) {
                return StartVerdict(ok: false, stage: .loader, errno: nil,
                                    message: "\(path): \(mismatch)", reason: mismatch, cause: .interpreterWrongFormat(interp))
            }
            // The loader: every DT_NEEDED, breadth-first, then the symbol versions.
            if let load, !load.loads {
                let line = load.messages(argv0: path).first
                if let m = load.missing.first {
                    let by = m.neededBy == path ? "DT_NEEDED" : "DT_NEEDED of \(m.neededBy)"
                    let seen = m.wrongClass.map { "; \($0) is there but of the wrong ELF class" } ?? ""
                    return StartVerdict(ok: false, stage: .loader, errno: nil, message: line,
                                        reason: "the loader \(interp) starts, then cannot find \(m.name) (\(by)) in \(target.name)\(seen)",
                                        cause: .missingLibrary(m.name))
                }
                if let v = load.missingVersions.first(where: { !$0.weak }) {
                    let by = v.requiredBy == path ? "the program" : v.requiredBy
                    return StartVerdict(ok: false, stage: .loader, errno: nil, message: line,
                                        reason: "the loader \(interp) loads \(v.library), which does not define the symbol version \(v.version) that \(by) requires",
                                        cause: .missingVersion(v.version))
                }
                if let u = load.undefinedAtStart.first {
                    let when = load.flavor == .musl ? "musl binds every symbol at start" : "it is bound at start (BIND_NOW or a data/address reference)"
                    return StartVerdict(ok: false, stage: .loader, errno: nil, message: line,
                                        reason: "the loader \(interp) finds every library, but none of them defines \(u.displayName), which the program imports; \(when)",
                                        cause: .undefinedSymbol(u.name))
                }
            }
        }
        // Segments that claim file bytes past the end: execve succeeds, the first touch of a
        // missing page raises SIGBUS.
        if let p = phdrs.first(where: { $0.type == .load && !elf.view.contains($0.offset, $0.filesz) }) {
            return StartVerdict(ok: false, stage: .kernel, errno: nil,
                                message: "\(path) is killed by SIGBUS as it starts (exit code 135)",
                                reason: "a PT_LOAD segment (\(p.filesz) bytes at \(hex(p.offset))) lies past the end of the file (\(f.fileBytes) bytes): the file is truncated",
                                cause: .truncatedSegments)
        }
        if e.sharedLibrary && h.entry != 0 {
            let name = e.soname.map { " (\($0))" } ?? ""
            return StartVerdict(ok: false, stage: .kernel, errno: nil,
                                message: "\(path) crashes as it starts (SIGSEGV, exit code 139, as a rule)",
                                reason: "the file is a shared library\(name), not a program: it has no PT_INTERP and no DF_1_PIE, so the kernel maps it alone, without the libraries it names or any relocation, and jumps to e_entry (\(hex(h.entry)), the start of its code), which is no program's start",
                                cause: .sharedLibrary)
        }
        if h.entry == 0 && e.interpreter == nil {
            return StartVerdict(ok: false, stage: .kernel, errno: nil,
                                message: "\(path) is killed by SIGSEGV as it starts (exit code 139)",
                                reason: "the file has no entry point (e_entry is 0) and no interpreter: it is \(e.soname != nil ? "a shared library (\(e.soname ?? ""))" : "not a program"), so execution jumps to address 0",
                                cause: .noEntryPoint)
        }
        if let os = e.os, !os.isLinux { return wrongOS(path, os, loader: nil) }
        if let interp = e.interpreter {
            return .starts("the interpreter \(interp) and \(e.needed.isEmpty ? "no libraries" : e.neededList) are present in \(target.name)")
        }
        return .starts(e.staticPie ? "a static PIE: no interpreter, no libraries" : "statically linked: no interpreter, no libraries")
    }

    /// A program for another OS (`ProgramOS`): execve succeeds, the first system call does
    /// not do what the program asked, and the program dies (the execve oracle sees SIGSEGV).
    static func wrongOS(_ path: String, _ os: ProgramOS, loader: String?) -> StartVerdict {
        let via = loader.map { " (and its loader \($0))" } ?? ""
        return StartVerdict(ok: false, stage: .program, errno: nil,
                            message: "\(path) is killed by SIGSEGV as it starts (exit code 139)",
                            reason: "the program is built for \(os.displayName) (\(os.evidence)), not Linux: the kernel execs it\(via), and its first system call, made with \(os.displayName)'s numbers and conventions, does not do what it asks, so it dies at once",
                            cause: .wrongOS(os.name))
    }

    /// The kernel's checks of the interpreter it opens (fs/binfmt_elf.c): shorter than an ELF
    /// header is EIO, no ELF magic or another machine or class is ELIBBAD. Nil when it passes,
    /// or when the target holds only paths.
    static func interpreterProblem(_ interp: String, program: ELFHeader, target: TargetRoot) -> (errno: String, reason: String)? {
        // open_exec: execute permission first (fs/exec.c do_open_execat, may_open MAY_EXEC).
        if let e = try? target.tree.stat(interp), e.kind == .regular, e.mode & 0o111 == 0, !(target.tree is PathTree) {
            return ("EACCES", "the ELF interpreter \(interp) in \(target.name) has no execute permission (mode \(octal(e.mode))); the kernel refuses to open it")
        }
        guard let bytes = try? target.tree.contents(interp) else { return nil }
        if bytes.view.count < 52 {
            return ("EIO", "the ELF interpreter \(interp) in \(target.name) is \(bytes.view.count) bytes, shorter than an ELF header: the kernel's read of it comes up short")
        }
        guard bytes.view.hasBytes(ELFFile.magic), let h = try? ELFFile(bytes.view).header else {
            return ("ELIBBAD", "the ELF interpreter \(interp) in \(target.name) is not an ELF file; the kernel rejects it as a corrupted shared library")
        }
        if h.machine != program.machine || h.bits != program.bits {
            return ("ELIBBAD", "the ELF interpreter \(interp) in \(target.name) is \(h.machine.factName(bits: h.bits, order: h.order)) (ELF\(h.bits)) but the program is \(program.machine.factName(bits: program.bits, order: program.order)) (ELF\(program.bits)): the kernel rejects it")
        }
        return nil
    }

    /// A musl loader where glibc is, or the reverse.
    static func libcMismatch(_ interp: String, _ libc: Libc) -> String? {
        let musl = interp.hasPrefix("/lib/ld-musl")
        switch (musl, libc.kind) {
        case (true, .glibc): return "the musl loader \(interp) runs, but the target's libraries are glibc's"
        case (false, .musl) where interp.hasPrefix("/lib64/ld-linux") || interp.hasPrefix("/lib/ld-linux"): return "the glibc loader \(interp) is present but the target's libraries are musl's"
        default: return nil
        }
    }

    static func predictScript(path: String, facts f: FileFacts, target: TargetRoot, platform: Platform) -> StartVerdict {
        guard let sb = f.script?.shebang, !sb.truncated else {
            return kernelFailure(path, "ENOEXEC", .scriptLineUnreadable,
                                 "the #! line names no interpreter the kernel can read (empty, or longer than the kernel's 256-byte buffer)")
        }
        let shown = sb.interpreter.replacingCR
        if sb.interpreter.hasSuffix("\r") {
            return kernelFailure(path, "ENOENT", .scriptInterpreterMissing(sb.interpreter),
                                 "the #! line ends in CR LF, so the kernel looks for an interpreter named \"\(shown)\" (with a carriage return), which exists nowhere")
        }
        guard target.fileExists(sb.interpreter) else {
            return kernelFailure(path, "ENOENT", .scriptInterpreterMissing(sb.interpreter),
                                 "the script's interpreter \(sb.interpreter) (from its #! line) does not exist in \(target.name)")
        }
        return .starts("the script's interpreter \(sb.interpreter) is present in \(target.name)")
    }

    static func octal(_ mode: UInt32) -> String {
        let s = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

extension String {
    var replacingCR: String { replacingAll("\r", with: "\\r") }
}
