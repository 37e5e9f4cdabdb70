import ELFKit
import FileTree
import Targets

/// Which dynamic loader a program names in PT_INTERP, and so whose rules apply.
public enum LoaderFlavor: String, Sendable, Hashable {
    case glibc, musl

    /// `ld-musl-*.so.1` is musl's; `ld-linux*.so.*`, `ld64.so.*` and `ld.so.1` are glibc's.
    public init?(interpreter: String) {
        let base = interpreter.split(separator: "/").last.map(String.init) ?? interpreter
        if base.hasPrefix("ld-musl-") { self = .musl; return }
        if base.hasPrefix("ld-linux") || base.hasPrefix("ld64.so.") || base == "ld.so.1" { self = .glibc; return }
        return nil
    }
}

/// One object the loader maps: the program, then its libraries in load order.
public struct LoadedObject: Sendable, Hashable {
    /// The name it was asked for (the DT_NEEDED string); the image path for the program.
    public var name: String
    /// Its path in the target, as the loader opened it.
    public var path: String
    /// Who asked for it (the requesting object's path); nil for the program.
    public var neededBy: String?
    public var soname: String?
    public var needed: [String]
    public var rpath: [String]
    public var runpath: [String]
    public var noDefaultLib: Bool
    /// Version requirements per needed file (`.gnu.version_r`).
    public var versionNeeds: [VersionNeed]
    /// Versions it defines (`.gnu.version_d`); nil when its bytes are not known (a profile).
    public var versionDefinitions: [String]?
    /// False when the target holds only its path (a built-in profile): its own dependencies
    /// and versions are then unknown.
    public var contentsKnown: Bool
}

/// A library the loader could not find.
public struct MissingLibrary: Sendable, Hashable {
    public var name: String
    /// The path of the object whose DT_NEEDED names it.
    public var neededBy: String
    /// The directories searched, in order.
    public var searched: [String]
    /// A file of the right name but the wrong ELF class met on the way, and its class
    /// (glibc then says `wrong ELF class: ELFCLASS32`).
    public var wrongClass: String?
    public var wrongClassBits: Int?
}

/// A required symbol version the library that was found does not define.
public struct MissingVersion: Sendable, Hashable {
    public var version: String
    /// The path of the library that lacks it.
    public var library: String
    /// The path of the object that requires it.
    public var requiredBy: String
    public var weak: Bool
}

/// A symbol the program imports that no loaded object defines (with the version it asks for).
public struct UndefinedSymbol: Sendable, Hashable {
    public var name: String
    /// The version the reference names (`GLIBC_2.34`), nil for an unversioned reference.
    public var version: String?
    /// The file the version is required from (`libc.so.6`), from `.gnu.version_r`.
    public var versionFile: String?
    /// The path of the object whose relocation names it.
    public var requiredBy: String
    /// True when ld.so binds it while loading (BIND_NOW, a data or address reference, or musl,
    /// which binds everything at start); false for a PLT call bound at its first call.
    public var atStart: Bool

    /// `name@version` (the name alone for an unversioned reference), as `objdump -T` shows it.
    public var displayName: String { name + (version.map { "@" + $0 } ?? "") }
}

/// What ld.so would do with a program in a target: the objects it maps, the first (glibc) or
/// every (musl) library it cannot find, the versions it finds missing, and the program's
/// symbols no loaded object defines.
public struct LoadResult: Sendable, Hashable {
    public var flavor: LoaderFlavor
    public var objects: [LoadedObject]
    public var missing: [MissingLibrary]
    public var missingVersions: [MissingVersion]
    /// The program's imports that nothing loaded defines, the ones bound at start first, in the
    /// order ld.so binds them; nil when not every object's contents are known (a profile).
    public var undefinedSymbols: [UndefinedSymbol]? = nil

    /// The loader's own lines on stderr, as it prints them before exiting (glibc: the first
    /// missing library; or every missing version; musl: every missing library).
    public func messages(argv0: String) -> [String] {
        switch flavor {
        case .glibc:
            if let m = missing.first {
                let what = m.wrongClass != nil ? "wrong ELF class: \(m.wrongClassName)" : "cannot open shared object file: No such file or directory"
                return ["\(argv0): error while loading shared libraries: \(m.name): \(what)"]
            }
            let versions = missingVersions.filter { !$0.weak }.map {
                "\(argv0): \($0.library): version `\($0.version)' not found (required by \($0.requiredBy == objects.first?.path ? argv0 : $0.requiredBy))"
            }
            if !versions.isEmpty { return versions }
            // elf/dl-lookup.c `_dl_lookup_symbol_x`: the first reference that cannot be bound.
            return undefinedAtStart.first.map { [lookupError($0, argv0: argv0)] } ?? []
        case .musl:
            if !missing.isEmpty {
                return missing.map { "Error loading shared library \($0.name): No such file or directory (needed by \($0.neededBy == objects.first?.path ? argv0 : $0.neededBy))" }
            }
            // ldso/dynlink.c `do_relocs`: every reference that cannot be bound, then exit 127.
            return undefinedAtStart.map { "Error relocating \($0.requiredBy == objects.first?.path ? argv0 : $0.requiredBy): \($0.name): symbol not found" }
        }
    }

    /// glibc's line for a reference it cannot bind, at start or at the first call:
    /// `/app: symbol lookup error: /app: undefined symbol: x, version V`.
    public func lookupError(_ u: UndefinedSymbol, argv0: String) -> String {
        let by = u.requiredBy == objects.first?.path ? argv0 : u.requiredBy
        return "\(argv0): symbol lookup error: \(by): undefined symbol: \(u.name)\(u.version.map { ", version \($0)" } ?? "")"
    }

    /// The undefined symbols ld.so binds while loading: the program then never starts.
    public var undefinedAtStart: [UndefinedSymbol] { (undefinedSymbols ?? []).filter(\.atStart) }

    /// True when ld.so finds every library and version (symbol binding aside).
    public var librariesLoad: Bool { missing.isEmpty && !missingVersions.contains { !$0.weak } }

    /// True when ld.so gets as far as running the program.
    public var loads: Bool { librariesLoad && undefinedAtStart.isEmpty }
}

extension MissingLibrary {
    var wrongClassName: String { "ELFCLASS\(wrongClassBits ?? 0)" }
}

/// ld.so's search, modelled on glibc's elf/dl-load.c `_dl_map_object` and elf/dl-deps.c
/// `_dl_map_object_deps` (breadth-first in DT_NEEDED order, each object once), and on musl's
/// ldso/dynlink.c `load_library`. It reads the target only through its tree.
public struct DynamicLoader {
    public var target: TargetRoot
    public var platform: Platform
    /// The target's `/etc/ld.so.cache` (glibc), when it has a readable one.
    public var cache: LDCache?
    /// Each path of the target the loads looked at, read and parsed once for the run (every
    /// program asks for libc): shared by the copies of this loader, on every checking thread.
    let libraries = LibraryCache()

    /// Reads the target's ld.so.cache once (none for a target of paths only, or a malformed one:
    /// glibc then ignores it too).
    public init(target: TargetRoot, platform: Platform) {
        self.target = target
        self.platform = platform
        self.cache = (try? LDCache.load(from: target.tree)) ?? nil
    }

    /// Loads the program (already read: `elf`) at `imagePath` with the loader `interpreter`.
    /// The objects come in load order: the program, the loader itself, then the libraries.
    public func load(program elf: ELFFile, imagePath: String, interpreter: String, flavor: LoaderFlavor) -> LoadResult {
        let h = elf.header
        let arch = CacheArch(h)
        let main = object(elf, name: imagePath, path: imagePath, neededBy: nil)
        var result = LoadResult(flavor: flavor, objects: [main], missing: [], missingVersions: [])
        // Names already satisfied, by the object that satisfies them (-1: known missing).
        var known: [String: Int] = [:]
        // The loader is mapped before anything else and answers to its path and its soname
        // (glibc's `_dl_name_match_p`; musl's ldso entry).
        var rtld: LoadedObject
        switch verify(interpreter, bits: h.bits, machine: h.machine, flavor: .musl) {
        case .ok(let o?): rtld = o
        default:
            rtld = LoadedObject(name: interpreter, path: interpreter, neededBy: nil, soname: nil, needed: [], rpath: [], runpath: [],
                                noDefaultLib: false, versionNeeds: [], versionDefinitions: nil, contentsKnown: false)
        }
        rtld.name = interpreter
        rtld.neededBy = imagePath
        rtld.needed = []   // its own needs are its business
        result.objects.append(rtld)
        known[interpreter] = 1
        known[basename(interpreter)] = 1
        if let so = rtld.soname { known[so] = 1 }
        // Breadth-first: the program's DT_NEEDED in order, then each library's own.
        var queue: [Int] = [0]
        var head = 0
        while head < queue.count {
            let requester = result.objects[queue[head]]
            let chain = loaderChain(result, from: queue[head])
            head += 1
            for name in requester.needed {
                if known[name] != nil { continue }
                if flavor == .musl, MuslNames.isLibc(name) {
                    known[name] = 1   // musl is libc, libm, libpthread… itself
                    continue
                }
                switch find(name, requester: requester, chain: chain, bits: h.bits, machine: h.machine, arch: arch, flavor: flavor) {
                case .found(let path, let obj):
                    // The same file under another name (a soname met before) is loaded once.
                    if let so = obj?.soname, let i = known[so], i >= 0 {
                        known[name] = i
                        continue
                    }
                    var o = obj ?? LoadedObject(name: name, path: path, neededBy: requester.path, soname: nil, needed: [], rpath: [],
                                                runpath: [], noDefaultLib: false, versionNeeds: [], versionDefinitions: nil, contentsKnown: false)
                    o.name = name
                    o.neededBy = requester.path
                    result.objects.append(o)
                    let i = result.objects.count - 1
                    known[name] = i
                    if let so = o.soname { known[so] = i }
                    queue.append(i)
                case .missing(let searched, let wrongClass):
                    result.missing.append(MissingLibrary(name: name, neededBy: requester.path, searched: searched,
                                                         wrongClass: wrongClass?.path, wrongClassBits: wrongClass?.bits))
                    // glibc stops at the first (`messages` prints only that one); the rest are
                    // found too, so that one report names every missing library.
                    known[name] = -1
                }
            }
        }
        // Versions are checked once every object is loaded (rtld.c `version_check_doit`).
        if flavor == .glibc && result.missing.isEmpty { result.missingVersions = versionCheck(result.objects) }
        // Then relocation binds each imported symbol (only when every object's bytes are known).
        if result.librariesLoad, result.objects.allSatisfy(\.contentsKnown) {
            result.undefinedSymbols = undefinedSymbols(program: elf, result: result, flavor: flavor)
        }
        return result
    }

    func basename(_ p: String) -> String {
        p.split(separator: "/").last.map(String.init) ?? p
    }

    // MARK: - Search

    enum Found {
        case found(String, LoadedObject?)
        case missing([String], (path: String, bits: Int)?)
    }

    /// The objects from `index` up the loading chain to the program (for inherited RPATH).
    func loaderChain(_ r: LoadResult, from index: Int) -> [LoadedObject] {
        var out: [LoadedObject] = []
        var current: LoadedObject? = r.objects[index]
        var guardCount = 0
        while let c = current, guardCount < r.objects.count + 1 {
            out.append(c)
            guardCount += 1
            current = c.neededBy.flatMap { by in r.objects.first { $0.path == by } }
        }
        return out
    }

    func find(_ name: String, requester: LoadedObject, chain: [LoadedObject], bits: Int, machine: Machine, arch: CacheArch?,
              flavor: LoaderFlavor) -> Found {
        var wrongClass: (path: String, bits: Int)?
        var searched: [String] = []
        func attempt(_ path: String) -> LoadedObject?? {
            switch verify(path, bits: bits, machine: machine, flavor: flavor) {
            case .absent: return nil
            case .wrongClass(let b):
                if wrongClass == nil { wrongClass = (path, b) }
                return nil
            case .ok(let o): return .some(o)
            }
        }
        // A name with a slash is opened as is (relative to the working directory, / here).
        if name.utf8.contains(UInt8(ascii: "/")) {
            let p = name.hasPrefix("/") ? name : "/" + name
            if let o = attempt(p) { return .found(p, o) }
            return .missing([], wrongClass)
        }
        var dirs: [String] = []
        let env = target.environment["LD_LIBRARY_PATH"].map { splitPath($0, separators: flavor == .glibc ? ":;" : ":") } ?? []
        switch flavor {
        case .glibc:
            // RPATH of the requester and up its chain, only when the requester has no RUNPATH.
            if requester.runpath.isEmpty {
                for o in chain where o.runpath.isEmpty { dirs += expand(o.rpath, for: o) }
            }
            dirs += env
            dirs += expand(requester.runpath, for: requester)
        case .musl:
            dirs += env
            // RPATH and RUNPATH alike, inherited up the chain.
            for o in chain { dirs += expand(o.rpath + o.runpath, for: o, musl: true) }
        }
        for d in dirs {
            let p = join(d, name)
            searched.append(d)
            if let o = attempt(p) { return .found(p, o) }
        }
        if flavor == .glibc, !requester.noDefaultLib, let cache, let arch {
            searched.append("/etc/ld.so.cache")
            if let p = cache.lookup(name, for: arch).path, let o = attempt(p) { return .found(p, o) }
        }
        if flavor == .glibc && requester.noDefaultLib { return .missing(searched, wrongClass) }
        for d in target.librarySearchPath {
            let p = join(d, name)
            searched.append(d)
            if let o = attempt(p) { return .found(p, o) }
        }
        return .missing(searched, wrongClass)
    }

    enum Verified {
        case absent
        case wrongClass(Int)
        case ok(LoadedObject?)
    }

    /// glibc's `open_verify`: a missing file is skipped, a file of the wrong class or machine is
    /// skipped (the class remembered for the message). musl takes the first file that opens.
    func verify(_ path: String, bits: Int, machine: Machine, flavor: LoaderFlavor) -> Verified {
        switch libraries.read(path, with: read) {
        case .absent: return .absent
        case .contentsUnknown: return .ok(nil)
        case .notELF: return flavor == .musl ? .ok(nil) : .absent
        case .elf(let lib):
            if flavor == .glibc {
                if lib.bits != bits { return .wrongClass(lib.bits) }
                if lib.machine != machine { return .absent }
            }
            return .ok(lib.object)
        }
    }

    /// What the target holds at `path`, read and parsed (once per run: `libraries`).
    func read(_ path: String) -> LibraryCache.Read {
        guard target.tree.isRegularFile(path) else { return .absent }
        let bytes: FileBytes
        do {
            bytes = try target.tree.contents(path)
        } catch {
            // A tree of paths only: the file is there, its contents unknown.
            return .contentsUnknown
        }
        guard let elf = try? ELFFile(bytes.view) else { return .notELF }
        var versions: [UInt16: String] = [:]
        let defs = (try? elf.versionDefinitionTable()) ?? []
        for d in defs where !d.isBase { versions[d.index] = d.name }
        return .elf(LibraryCache.Library(bits: elf.header.bits, machine: elf.header.machine,
                                         object: object(elf, name: path, path: path, neededBy: nil),
                                         symbols: try? elf.dynamicSymbolTable(), versions: versions, versioned: !defs.isEmpty))
    }

    func object(_ elf: ELFFile, name: String, path: String, neededBy: String?) -> LoadedObject {
        let dyn = (try? elf.dynamic()) ?? nil
        return LoadedObject(
            name: name, path: path, neededBy: neededBy, soname: dyn?.soname, needed: dyn?.needed ?? [],
            rpath: dyn?.rpath ?? [], runpath: dyn?.runpath ?? [], noDefaultLib: dyn?.flags1.contains(.noDefaultLib) ?? false,
            versionNeeds: (try? elf.versionNeeds()) ?? [], versionDefinitions: (try? elf.versionDefinitions()) ?? [],
            contentsKnown: true)
    }

    // MARK: - Dynamic string tokens

    /// Expands `$ORIGIN`, `$LIB`, `$PLATFORM` (and `${…}`) in each element; glibc drops an
    /// element whose token has no value, musl drops an element with any `$` but `$ORIGIN`.
    func expand(_ list: [String], for o: LoadedObject, musl: Bool = false) -> [String] {
        var out: [String] = []
        for element in list.flatMap({ splitPath($0, separators: ":") }) {
            if let e = substitute(element, origin: origin(of: o), musl: musl) { out.append(e) }
        }
        return out
    }

    func origin(of o: LoadedObject) -> String {
        // The program's origin is its real directory (/proc/self/exe); a library's is the
        // directory it was opened from.
        let p = o.neededBy == nil ? ((try? target.tree.resolve(o.path, followLast: true)) ?? o.path) : o.path
        guard let slash = p.lastIndex(of: "/"), slash != p.startIndex else { return "/" }
        return String(p[..<slash])
    }

    func substitute(_ s: String, origin: String, musl: Bool) -> String? {
        guard s.contains("$") else { return s }
        var out = ""
        var rest = Substring(s)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            var name: Substring
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { return nil }
                name = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? rest.endIndex
                name = rest[..<end]
                rest = rest[end...]
            }
            switch name {
            case "ORIGIN": out += origin
            case "LIB" where !musl:
                guard let lib = libToken else { return nil }
                out += lib
            case "PLATFORM" where !musl:
                guard let p = platformToken else { return nil }
                out += p
            default:
                if musl { return nil }
                out += "$" + name   // glibc keeps an unknown `$X` literally
            }
        }
        return out + rest
    }

    /// `$LIB`: Debian's glibc builds use the multiarch directory, upstream `lib64`/`lib`.
    var libToken: String? {
        let paths = PlatformLibraryPaths(platform)
        return target.directoryExists("/lib/" + paths.triple) ? "lib/" + paths.triple : paths.upstreamLib
    }

    /// `$PLATFORM`: AT_PLATFORM of the kernel.
    var platformToken: String? {
        switch platform.architecture {
        case "amd64": return "x86_64"
        case "arm64": return "aarch64"
        case "386": return "i686"
        case "s390x": return "s390x"
        case "ppc64le": return "ppc64le"
        case "riscv64": return "riscv64"
        default: return nil
        }
    }

    func splitPath(_ s: String, separators: String) -> [String] {
        s.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) }).map { $0.isEmpty ? "." : String($0) }
    }

    func join(_ dir: String, _ name: String) -> String {
        let d = dir == "." ? "/" : dir
        return d.hasSuffix("/") ? d + name : d + "/" + name
    }

    // MARK: - Versions

    /// The glibc version a target claims for libraries whose bytes it does not hold (a built-in
    /// profile's data, a Dockerfile stage's base).
    var profileGlibcVersion: String? {
        guard let libc = target.libc, libc.kind == .glibc else { return nil }
        return libc.version
    }

    /// glibc's `_dl_check_all_versions`: every object's requirements against the definitions
    /// of the object that was loaded for that file name (elf/dl-version.c).
    func versionCheck(_ objects: [LoadedObject]) -> [MissingVersion] {
        var out: [MissingVersion] = []
        for o in objects where o.contentsKnown {
            for need in o.versionNeeds {
                guard let lib = objects.first(where: { ($0.name == need.file || $0.soname == need.file) && $0.neededBy != nil }) else { continue }
                if lib.contentsKnown, let defs = lib.versionDefinitions, !defs.isEmpty {
                    for r in need.requirements where !defs.contains(r.name) {
                        out.append(MissingVersion(version: r.name, library: lib.path, requiredBy: o.path, weak: r.weak))
                    }
                } else if !lib.contentsKnown, let glibc = profileGlibcVersion, GlibcLibraries.isGlibc(need.file) {
                    // A target of paths only: its data says which glibc it has, and glibc's
                    // libraries define every GLIBC_x.y up to their own release.
                    for r in need.requirements where r.name.hasPrefix("GLIBC_") && r.name != "GLIBC_PRIVATE" {
                        let v = String(r.name.dropFirst(6))
                        if GlibcVersionOrder.less(glibc, v) {
                            out.append(MissingVersion(version: r.name, library: lib.path, requiredBy: o.path, weak: r.weak))
                        }
                    }
                }
            }
        }
        return out
    }
}

/// The libraries of glibc itself, which all carry its `GLIBC_x.y` versions.
enum GlibcLibraries {
    static let prefixes = ["libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libresolv.so", "libutil.so",
                           "libanl.so", "libnss_", "ld-linux", "ld64.so", "libmvec.so", "libBrokenLocale.so"]
    static func isGlibc(_ name: String) -> Bool { prefixes.contains { name.hasPrefix($0) } }
}

/// musl's ldso/dynlink.c: these names are the C library itself, never searched for.
enum MuslNames {
    static let reserved = ["c", "pthread", "rt", "m", "dl", "util", "xnet"]
    static func isLibc(_ name: String) -> Bool {
        guard name.hasPrefix("lib") else { return false }
        let rest = name.dropFirst(3)
        return reserved.contains { r in rest.hasPrefix(r + ".") }
    }
}

/// The directories of a platform's C library, as Debian and upstream glibc name them.
public struct PlatformLibraryPaths: Sendable {
    public var triple: String
    public var upstreamLib: String

    public init(_ p: Platform) {
        switch p.architecture {
        case "arm64": triple = "aarch64-linux-gnu"; upstreamLib = "lib64"
        case "386": triple = "i386-linux-gnu"; upstreamLib = "lib"
        case "arm": triple = "arm-linux-gnueabihf"; upstreamLib = "lib"
        case "s390x": triple = "s390x-linux-gnu"; upstreamLib = "lib64"
        case "ppc64le": triple = "powerpc64le-linux-gnu"; upstreamLib = "lib64"
        case "riscv64": triple = "riscv64-linux-gnu"; upstreamLib = "lib64/lp64d"
        default: triple = "x86_64-linux-gnu"; upstreamLib = "lib64"
        }
    }

    /// Where glibc's ld.so looks last: Debian's multiarch directories when the root has them
    /// (debian/rules, local-ld-multiarch.diff), else upstream's `slibdir:libdir`.
    public func systemDirectories(multiarch: Bool) -> [String] {
        multiarch ? ["/lib/\(triple)", "/usr/lib/\(triple)", "/lib", "/usr/lib"] : ["/\(upstreamLib)", "/usr/\(upstreamLib)"]
    }
}

// MARK: - Symbol binding

/// What the loads of one run read in the target, by path: each path read and parsed once,
/// however many programs ask for it. Thread-safe (the lock is held only to look up and to
/// store; two threads may read one path at once, and either result is kept).
final class LibraryCache: @unchecked Sendable {
    enum Read: Sendable {
        case absent
        /// A tree of paths only: the file is there, its contents unknown.
        case contentsUnknown
        case notELF
        case elf(Library)
    }

    /// An ELF file the loader may map: what verifying and loading it needs, and its tables for
    /// symbol binding (views into its bytes, kept mapped for the run).
    struct Library: Sendable {
        let bits: Int
        let machine: Machine
        let object: LoadedObject
        let symbols: DynamicSymbolTable?
        /// Version names by index (the base definition left out).
        let versions: [UInt16: String]
        let versioned: Bool
    }

    private let lock = Lock()
    // Guarded by `lock`.
    nonisolated(unsafe) private var entries: [String: Read] = [:]

    func read(_ path: String, with reader: (String) -> Read) -> Read {
        if let hit = lock.locked({ entries[path] }) { return hit }
        let r = reader(path)
        lock.locked { entries[path] = r }
        return r
    }
}

extension DynamicLoader {
    /// The program's imported symbols that no loaded object defines, modelled on glibc's
    /// elf/dl-lookup.c (`do_lookup_x`, `check_match`: versions must match, a hidden version only
    /// binds a reference naming it) and musl's `find_sym` (no versions). Weak references and
    /// symbols no relocation names never fail. Ordered as the loader binds them: glibc the
    /// DT_RELA/DT_REL relocations, then the PLT with BIND_NOW; musl the PLT first.
    func undefinedSymbols(program elf: ELFFile, result: LoadResult, flavor: LoaderFlavor) -> [UndefinedSymbol] {
        guard let table = try? elf.dynamicSymbolTable() else { return [] }
        let needs = (try? elf.versionNeeds()) ?? []
        var requirement: [UInt16: (file: String, name: String)] = [:]
        for n in needs { for r in n.requirements { requirement[r.index] = (n.file, r.name) } }
        // The imports, and the program's own copies of library data (copy relocations: defined
        // in its .bss with a version it needs from a library, their value copied from there).
        var imports: [DynamicSymbol] = []
        var i = 1
        while i < table.count {
            if let s = try? table.symbol(i), !s.name.isEmpty,
               !s.isDefined || (s.versionIndex >= 2 && requirement[s.versionIndex] != nil && s.type == 1) {
                imports.append(s)
            }
            i += 1
        }
        if imports.isEmpty { return [] }
        // The libraries' tables, as the loads read them (the loader itself included).
        var libraries: [(table: DynamicSymbolTable, versions: [UInt16: String], versioned: Bool)] = []
        for o in result.objects.dropFirst() {
            guard case .elf(let lib) = self.libraries.read(o.path, with: read), let t = lib.symbols else { continue }
            libraries.append((t, lib.versions, lib.versioned))
        }
        var unbound: [(symbol: DynamicSymbol, wanted: (file: String, name: String)?)] = []
        for s in imports where !s.isWeak {
            let wanted = flavor == .glibc && s.versionIndex >= 2 ? requirement[s.versionIndex] : nil
            var defined = false
            for lib in libraries {
                guard let defs = try? lib.table.definitions(of: s.name) else { continue }
                for d in defs {
                    if flavor == .musl || !lib.versioned {
                        defined = true
                    } else if let wanted {
                        let name = lib.versions[d.versionIndex]
                        defined = name == wanted.name || (name == nil && !d.hidden)
                    } else {
                        defined = d.versionIndex < 3 || !d.hidden
                    }
                    if defined { break }
                }
                if defined { break }
            }
            if !defined { unbound.append((s, wanted)) }
        }
        if unbound.isEmpty { return [] }
        // Only now the relocations (a large program has tens of thousands): which references
        // are bound at start, which at first call, which never (no relocation names them).
        let relocs = try? elf.relocationSymbols()
        var position: [Int: Int] = [:]   // symbol index → the order ld.so binds it in
        var atStart: Set<Int> = []
        var bound: Set<Int> = []
        if let r = relocs {
            let order = flavor == .musl ? r.lazy + r.immediate : r.immediate + r.lazy
            for (i, s) in order.enumerated() where position[s] == nil { position[s] = i }
            bound = Set(r.immediate + r.lazy)
            atStart = flavor == .musl || r.bindNow ? bound : Set(r.immediate)
        }
        let copies = Set(relocs?.copies ?? [])
        var out: [(UndefinedSymbol, Int)] = []
        for (s, wanted) in unbound {
            if relocs != nil {
                if !bound.contains(s.index) { continue }
                if s.isDefined && !copies.contains(s.index) { continue }
            }
            let start = relocs == nil ? true : atStart.contains(s.index)
            out.append((UndefinedSymbol(name: s.name, version: wanted?.name, versionFile: wanted?.file,
                                        requiredBy: result.objects.first?.path ?? "", atStart: start), position[s.index] ?? Int.max))
        }
        return out.sorted { ($0.0.atStart ? 0 : 1, $0.1) < ($1.0.atStart ? 0 : 1, $1.1) }.map(\.0)
    }
}
