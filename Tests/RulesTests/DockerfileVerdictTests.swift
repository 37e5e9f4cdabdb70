import Foundation
import Rules
import Runner
import Targets
import TestSupport
import Testing

/// `--dockerfile` against the truth of real roots: a debootstrap `--variant=minbase` root of
/// bookworm and of bullseye holds what `debian:*-slim` holds in libraries and libc, so the
/// verdict for every TestBinaries artifact COPY'd into `FROM debian:bullseye-slim` (through a
/// build stage, as users write it) must be what execve of it does in the bullseye root, and so on.
@Suite(.serialized, .enabled(if: TestRoots.configured, "the roots are not built: run `make roots`"))
struct DockerfileVerdictTests {
    init() throws {
        try #require(getuid() == 0, "the oracle needs root for chroot")
        try #require(FileManager.default.isExecutableFile(atPath: Oracle.helper), "exec-in-root is not built")
    }

    static func dockerfile(_ base: String) throws -> String {
        let text = """
        # syntax=docker/dockerfile:1
        ARG BASE=\(base)
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/app ./cmd/app

        FROM ${BASE}
        COPY --from=build /out/app /app
        ENTRYPOINT ["/app"]

        """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-dockerfile-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test(arguments: [("bookworm", "debian:bookworm-slim"), ("bullseye", "debian:bullseye-slim")])
    func verdictEqualsExecveInTheRoot(_ root: String, _ base: String) throws {
        let file = try Self.dockerfile(base)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var compared = 0
        for b in TestBinaries.all {
            var c = RunConfiguration()
            c.target = .dockerfile(file)
            c.paths = [b.path]
            c.at = "/app"
            c.workers = 1
            let doc = try Runner.check(c)
            #expect(doc.dockerfile?.base == base && doc.dockerfile?.baseKnown == true)
            let r = try #require(doc.reports.first, "\(b.name)")
            #expect(doc.reports.count == 1, "\(b.name): the given file is the entrypoint")
            let v = try #require(r.start, "\(b.name): \(r.error ?? "")")
            let observed = try RootOracle.observe(binary: b, root: root)
            // runc's exec.LookPath refuses a file without an execute bit before execve (runtime
            // stage, "permission denied"): where execve itself says EACCES.
            let runcFirst = v.stage == .runtime && v.errno == "EACCES" && observed == .execFailed("EACCES")
            #expect(Oracle.agrees(v, observed) || runcFirst, "\(base) \(b.name): predicted \(v), observed \(observed)")
            if case .loaderFailed(let line) = observed {
                #expect(line.split(separator: "\n").first.map(String.init) == v.message, "\(base) \(b.name): the loader's line")
            }
            // Every finding of the Dockerfile target points at a line of it.
            for f in r.findings { #expect(f.location?.file == file, "\(b.name) \(f.rule) has no Dockerfile line") }
            compared += 1
        }
        #expect(compared == TestBinaries.all.count)
    }
}
