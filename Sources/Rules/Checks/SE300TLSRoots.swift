import GoBinary
import Targets

public enum SE300TLSRoots: Rule {
    public static let info = RuleInfo(
        id: "SE300", name: "tls-roots", title: "TLS system roots are used and the image has no CA bundle",
        summary: "crypto/x509 loads the system's CA certificates, and the target has none: HTTPS calls fail with `x509: certificate signed by unknown authority`.",
        rationale: "On Linux, crypto/x509 reads /etc/ssl/certs/ca-certificates.crt (or one of five other files, or the /etc/ssl/certs directory). scratch has none, so every TLS connection to a public server fails verification. The build stage has the bundle; copy it, or link golang.org/x/crypto/x509roots/fallback.",
        fixBefore: "FROM scratch\nCOPY --from=build /app /app",
        fixAfter: "FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /app /app",
        severity: .warning,
        examples: [
            .fires("go/server-cgo0", "net/http client: system roots"),
            .fires("go119/server-cgo0", "Go 1.19"),
            .silent("go/server-cgo0", on: "distroless-static", "distroless has ca-certificates"),
            .silent("go/hello-cgo0", "no TLS"),
        ])

    public static func check(_ c: RuleContext) -> [Finding] {
        guard RuntimeNeeds.applies(c), let go = c.go, go.signals.x509SystemRoots, !go.signals.x509FallbackRoots else { return [] }
        let (files, dirs) = RuntimeNeeds.certPlaces(c.target)
        guard c.target.firstExistingFile(files) == nil, !dirs.contains(where: c.target.directoryExists) else { return [] }
        let old = (go.buildInfo?.versionNumbers).map { $0.major == 1 && $0.minor < 18 } ?? false
        let error = old ? "x509: failed to load system roots and no roots provided" : "x509: certificate signed by unknown authority"
        return [finding("\(RuntimeNeeds.when(c))crypto/x509 will look for CA certificates (\(RuntimeNeeds.certWhere(c.target))) and \(c.target.name) has none: HTTPS requests will fail with `\(error)`",
                        why: "Go verifies TLS servers against the system's roots, read from files at run time (\(go.signals.evidence(.x509SystemRoots)?.first ?? "crypto/x509.loadSystemRoots") is linked).",
                        fix: "add to the Dockerfile: COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/   (or import _ \"golang.org/x/crypto/x509roots/fallback\" to embed roots)")]
    }
}
