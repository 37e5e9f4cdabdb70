import GoBinary
import Targets

/// Shared by the runtime-need rules (SE300–SE303): they speak of a binary that starts, or that
/// will start once its interpreter problem is fixed; a wrong format or architecture makes them
/// noise.
enum RuntimeNeeds {
    static func applies(_ c: RuleContext) -> Bool {
        guard c.go != nil else { return false }
        // A program for another OS never gets as far as its needs (SE113).
        if let os = c.facts.elf?.os, !os.isLinux { return false }
        if c.verdict.ok { return true }
        switch c.verdict.cause {
        case .missingInterpreter, .missingLibrary, .userNotFound, .workingDirectory, .shellMissing: return true
        default: return false
        }
    }

    /// "once it starts" when it does not start yet.
    static func when(_ c: RuleContext) -> String { c.verdict.ok ? "" : "once it starts, " }

    /// Go's CA bundle and directories (src/crypto/x509/root_linux.go), in the order it tries them.
    static let certFiles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ]
    static let certDirs = ["/etc/ssl/certs", "/etc/pki/tls/certs"]

    /// The places of `certPlaces` in words.
    static func certWhere(_ target: TargetRoot) -> String {
        var parts: [String] = []
        if let f = target.environment["SSL_CERT_FILE"], !f.isEmpty { parts.append("SSL_CERT_FILE=\(f)") }
        if let d = target.environment["SSL_CERT_DIR"], !d.isEmpty { parts.append("SSL_CERT_DIR=\(d)") }
        return parts.isEmpty ? "/etc/ssl/certs/ca-certificates.crt and five other places" : parts.joined(separator: ", ") + ", from the image's Env"
    }

    /// Where crypto/x509 looks in this target: `SSL_CERT_FILE` replaces the files and
    /// `SSL_CERT_DIR` (colon-separated) the directories, when the image's Env sets them
    /// (root_unix.go `loadSystemRoots`).
    static func certPlaces(_ target: TargetRoot) -> (files: [String], dirs: [String]) {
        let files = target.environment["SSL_CERT_FILE"].map { $0.isEmpty ? certFiles : [$0] } ?? certFiles
        let dirs = target.environment["SSL_CERT_DIR"].map { $0.isEmpty ? certDirs : $0.split(separator: ":").map(String.init) } ?? certDirs
        return (files, dirs)
    }

    /// Go's zoneinfo directories (src/time/zoneinfo_unix.go platformZoneSources).
    static let zoneDirs = ["/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"]
}
