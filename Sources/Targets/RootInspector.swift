import ELFKit
import FileTree

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads what an unpacked root holds: its C library (and glibc's version), the platform its
/// loader is built for, and where that loader looks for libraries. Everything is read through
/// the root's own tree, so no symlink or `..` in it reaches the host.
public enum RootInspector {
    /// The loaders a root may have, per platform (the glibc and musl names).
    static func loaders(_ p: Platform) -> (glibc: String, musl: String) {
        let paths = PlatformPaths(p)
        return (paths.glibcLoader, paths.muslLoader)
    }

    public static func target(_ dir: String, platform asked: Platform?) throws(TargetResolver.Failure) -> TargetRoot {
        let tree = HostTree(root: dir)
        let top: Entry
        do {
            top = try tree.stat("/")
        } catch {
            throw .notADirectory(dir, error.reason)
        }
        guard top.kind == .directory else { throw .notADirectory(dir, "not a directory") }
        var t = target(tree: tree, name: dir, platform: asked)
        t.hostRoot = tree.root
        return t
    }

    /// Any rooted tree as a target (a root directory, an image's squashed layers): its platform
    /// from its loader (else `asked`, else the host's), its C library and where its loader looks.
    public static func target(tree: any FileTree, name: String, platform asked: Platform?) -> TargetRoot {
        let platform = asked ?? ownPlatform(tree) ?? .host
        let l = loaders(platform)
        let paths = PlatformPaths(platform)
        let multiarch = tree.isDirectory("/lib/" + paths.triple) || tree.isDirectory("/usr/lib/" + paths.triple)
        var libc: Libc?
        var search: [String]
        if tree.isRegularFile(l.musl) && !tree.isRegularFile(l.glibc) {
            libc = Libc(.musl, nil)
            search = muslSearchPath(tree, loader: l.musl, arch: paths.muslArch)
        } else {
            search = multiarch ? ["/lib/\(paths.triple)", "/usr/lib/\(paths.triple)", "/lib", "/usr/lib"]
                               : (platform.executableKinds.first?.bits == 64 ? ["/lib64", "/usr/lib64"] : ["/lib", "/usr/lib"])
            if let path = search.map({ $0 + "/libc.so.6" }).first(where: tree.isRegularFile) {
                libc = Libc(.glibc, glibcVersion(tree, path))
            } else if tree.isRegularFile(l.glibc) {
                libc = Libc(.glibc, nil)
            }
        }
        var t = TargetRoot(name: name, tree: tree, libc: libc, librarySearchPath: search)
        t.platform = platform
        return t
    }

    /// The platform of the root's loader, from its ELF header: the first loader whose header
    /// agrees with the architecture its name stands for (a file that lies about it, say an
    /// i386 ELF at the x86-64 loader's path, says nothing of the root).
    static func ownPlatform(_ tree: any FileTree) -> Platform? {
        let candidates: [(path: String, arch: String)] = [
            ("/lib64/ld-linux-x86-64.so.2", "amd64"), ("/lib/ld-linux-aarch64.so.1", "arm64"), ("/lib/ld-linux-armhf.so.3", "arm"),
            ("/lib/ld-linux.so.2", "386"), ("/lib/ld-musl-x86_64.so.1", "amd64"), ("/lib/ld-musl-aarch64.so.1", "arm64"),
            ("/lib/ld64.so.1", "s390x"), ("/lib64/ld64.so.2", "ppc64le"), ("/lib/ld-linux-riscv64-lp64d.so.1", "riscv64"),
            ("/lib/ld-musl-armhf.so.1", "arm"), ("/lib/ld-musl-x86.so.1", "386"),
        ]
        for c in candidates {
            guard let bytes = try? tree.contents(c.path), let h = try? ELFFile(bytes.view).header,
                  Platform.goarch(machine: h.machine, bits: h.bits, order: h.order) == c.arch else { continue }
            return Platform(architecture: c.arch)
        }
        return nil
    }

    /// glibc's version from the banner in libc.so.6 (`… release version 2.36.`).
    static func glibcVersion(_ tree: any FileTree, _ path: String) -> String? {
        guard let bytes = try? tree.contents(path) else { return nil }
        let marker = Array("release version ".utf8)
        guard let at = bytes.view.firstOffset(of: marker) else { return nil }
        var out = ""
        var i = at + marker.count
        while let b = bytes.view[safe: i], (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "."), out.utf8.count < 16 {
            out.append(Character(Unicode.Scalar(b)))
            i += 1
        }
        while out.hasSuffix(".") { out.removeLast() }
        return out.isEmpty ? nil : out
    }

    /// musl's ldso/dynlink.c: `<loader prefix>/etc/ld-musl-ARCH.path`, split on `:` and newlines;
    /// absent: `/lib:/usr/local/lib:/usr/lib`; empty: no system directories.
    static func muslSearchPath(_ tree: any FileTree, loader: String, arch: String) -> [String] {
        // The loader's path minus its last two components (`/lib/ld-musl…` → ``).
        var prefix = Substring(loader)
        for _ in 0..<2 { if let s = prefix.lastIndex(of: "/") { prefix = prefix[..<s] } }
        let file = String(prefix) + "/etc/ld-musl-\(arch).path"
        guard let bytes = try? tree.contents(file) else { return ["/lib", "/usr/local/lib", "/usr/lib"] }
        return bytes.view.string.split(whereSeparator: { $0 == ":" || $0 == "\n" }).map(String.init)
    }
}
