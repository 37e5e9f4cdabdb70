import GoBinary
import Targets

/// Shared by the runtime-need rules (SE300–SE303): they speak of a binary that starts, or that
/// will start once its interpreter problem is fixed; a wrong format or architecture makes them
/// noise.
enum RuntimeNeeds {
    static func applies(_ c: RuleContext) -> Bool {
        guard c.go != nil else { return false }
        if c.verdict.ok { return true }
        switch c.verdict.cause {
        case .missingInterpreter, .missingLibrary: return true
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

    /// Go's zoneinfo directories (src/time/zoneinfo_unix.go platformZoneSources).
    static let zoneDirs = ["/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"]
}
