import Foundation
import Testing
@testable import Dockerfile

/// The seed tutorials' Dockerfiles (Fixtures/seeds/README.md): each parses, and its plan is
/// written out here — the final stage's base, start argv, USER, and what it copies from where.
@Suite struct SeedTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/seeds")

    static func text(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: dir.appendingPathComponent(name + ".Dockerfile")), as: UTF8.self)
    }

    static func plan(_ name: String) throws -> BuildPlan {
        try Dockerfile.parse(try text(name), name: name).resolve(baseConfig: BaseImages.config(for:))
    }

    struct Copy: Equatable, CustomStringConvertible {
        var source: CopySource
        var from: [String]
        var to: String
        var line: Int
        var description: String { "\(source) \(from) -> \(to) @\(line)" }
    }

    static func copies(_ s: ResolvedStage) -> [Copy] {
        s.copies.map { Copy(source: $0.source, from: $0.sources, to: $0.destination, line: $0.location.startLine) }
    }

    @Test func everySeedButTheSketchParses() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix(".Dockerfile") }
        #expect(names.count == 13)
        for name in names where !name.contains("sketch") {
            #expect(throws: Never.self, "\(name)") { _ = try Self.plan(String(name.dropLast(".Dockerfile".count))) }
        }
    }

    @Test func scratchHello() throws {
        let p = try Self.plan("000-scratch")
        #expect(p.target.base == .scratch)
        #expect(p.target.entrypoint == ImageCommand(argv: ["/hello"], shellForm: false, location: SourceRange(startLine: 3, endLine: 3), stageIndex: 0))
        #expect(p.target.cmd == nil)
        #expect(p.target.user == nil)
        #expect(Self.copies(p.target) == [Copy(source: .context, from: ["./hello"], to: "/hello", line: 2)])
        #expect(p.target.copies[0].path(ofSource: "./hello") == "/hello")
    }

    @Test func onbuildImage() throws {
        let p = try Self.plan("001-onbuild")
        #expect(p.target.base == .image("golang:onbuild"))
        #expect(p.target.instructions.isEmpty)
        #expect(p.target.baseConfigKnown == false)
    }

    @Test func golangSingleStage() throws {
        let p = try Self.plan("001-golang")
        let s = p.target
        #expect(s.base == .image("golang:latest"))
        #expect(s.baseConfigKnown)
        #expect(s.runs.map(\.text) == ["mkdir /app", "go build -o main ."])
        #expect(Self.copies(s) == [Copy(source: .context, from: ["."], to: "/app/", line: 3)])
        #expect(s.copies[0].isAdd)
        #expect(s.workdir == "/app")
        #expect(s.startArgv == ["/app/main"])
        #expect(env(s)["GOPATH"] == "/go")
    }

    @Test func scratchAdd() throws {
        let s = try Self.plan("001-scratch").target
        #expect(s.base == .scratch)
        #expect(s.copies[0].destination == "/")
        #expect(s.copies[0].path(ofSource: "main") == "/main")
        #expect(s.startArgv == ["/main"])
    }

    @Test func alpineShellFormCmd() throws {
        let s = try Self.plan("002-alpine").target
        #expect(s.base == .image("alpine:latest"))
        #expect(s.copies[0].path(ofSource: "mybinary") == "/mybinary")
        #expect(s.cmd == ImageCommand(argv: ["/bin/sh", "-c", "./mybinary"], shellForm: true, location: SourceRange(startLine: 3, endLine: 3), stageIndex: 0))
        #expect(s.workdir == "/")
    }

    @Test func multistageToAlpine() throws {
        let p = try Self.plan("002-multistage")
        #expect(p.stages.map(\.name) == ["builder", nil])
        #expect(p.stages[0].runs.map(\.text) == ["go build -o /tmp/binary ."])
        #expect(p.target.base == .image("alpine:latest"))
        #expect(Self.copies(p.target) == [Copy(source: .stage(0), from: ["/tmp/binary"], to: "/usr/local/binary", line: 6)])
        #expect(p.target.startArgv == ["/bin/sh", "-c", "/usr/local/binary"])
    }

    /// The sketch is not a Dockerfile (`FROM` alone, then `...`); filled in, its exec form
    /// without quotes is shell form, as BuildKit treats it.
    @Test func entrypointSketch() throws {
        let sketch = try Self.text("002-entrypoint-sketch")
        #expect(parseError(sketch) == "Dockerfile:1:1: FROM requires either one or three arguments")
        let filled = sketch.replacingOccurrences(of: "FROM\n", with: "FROM alpine\n")
        #expect(parseError(filled) == "Dockerfile:2:1: unknown instruction: ...")
        let s = try Dockerfile.parse(filled.replacingOccurrences(of: "...\n", with: "")).resolve().target
        #expect(s.entrypoint?.argv == ["/bin/sh", "-c", "[/usr/local/binary]"])
        #expect(s.entrypoint?.shellForm == true)
        #expect(s.cmd?.argv == ["/bin/sh", "-c", "[run]"])
    }

    @Test(arguments: [("003-stretch", "golang:stretch"), ("003-golang-latest", "golang:latest"), ("003-golang-alpine", "golang:alpine")])
    func helloworldOnGolang(_ name: String, _ image: String) throws {
        let s = try Self.plan(name).target
        #expect(s.base == .image(image))
        #expect(s.workdir == "/")
        #expect(Self.copies(s) == [Copy(source: .context, from: ["helloworld.go"], to: "/", line: 3)])
        #expect(s.runs.map(\.text) == ["go build helloworld.go"])
        #expect(s.startArgv == ["./helloworld"])
    }

    @Test func multistageAlpineWithUser() throws {
        let p = try Self.plan("003-multistage-alpine")
        #expect(p.stages.map(\.base) == [.image("golang:alpine"), .image("alpine")])
        let s = p.target
        #expect(s.runs.map(\.text) == ["adduser -S -D -H -h /app appuser"])
        #expect(s.user == "appuser")
        #expect(s.userLocation?.startLine == 11)
        #expect(Self.copies(s) == [Copy(source: .stage(0), from: ["/build/main"], to: "/app/", line: 12)])
        #expect(s.copies[0].path(ofSource: "/build/main") == "/app/main")
        #expect(s.workdir == "/app")
        #expect(s.startArgv == ["./main"])
        #expect(s.location.startLine == 9)
    }

    @Test func multistageScratch() throws {
        let s = try Self.plan("003-multistage-scratch").target
        #expect(s.base == .scratch)
        #expect(s.copies[0].path(ofSource: "/build/main") == "/app/main")
        #expect(s.workdir == "/app")
        #expect(s.startArgv == ["./main"])
        #expect(s.user == nil)
    }

    @Test func gopherfile() throws {
        let p = try Self.plan("004-gopherfile")
        let build = p.stages[0]
        #expect(build.name == "build")
        #expect(env(build)["GOPATH"] == "/go")
        #expect(build.runs.map(\.location.startLine) == [7, 12, 13, 16, 17, 18, 20])
        #expect(build.runs[0].text == "adduser -D -g '' gopher")
        #expect(build.runs[6].text == "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -a -installsuffix cgo -ldflags=\"-w -s\" -o /go/bin/exec")
        #expect(build.workdir == "/go/src/docker")
        let s = p.target
        #expect(s.base == .scratch)
        #expect(Self.copies(s) == [
            Copy(source: .stage(0), from: ["/etc/ssl/certs/ca-certificates.crt"], to: "/etc/ssl/certs/", line: 24),
            Copy(source: .stage(0), from: ["/etc/passwd"], to: "/etc/passwd", line: 25),
            Copy(source: .stage(0), from: ["/go/bin/exec"], to: "/go/bin/exec", line: 26),
        ])
        #expect(s.copies[0].path(ofSource: "/etc/ssl/certs/ca-certificates.crt") == "/etc/ssl/certs/ca-certificates.crt")
        #expect(s.user == "gopher")
        #expect(s.userLocation?.startLine == 27)
        #expect(s.entrypoint == ImageCommand(argv: ["/go/bin/exec"], shellForm: false, location: SourceRange(startLine: 29, endLine: 29), stageIndex: 1))
        #expect(s.exposedPorts == ["3000"])
        #expect(s.location.startLine == 22)
    }
}
