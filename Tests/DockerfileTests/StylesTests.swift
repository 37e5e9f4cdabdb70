import Foundation
import Testing
@testable import Dockerfile

/// Dockerfiles in the styles people write, each with its plan stated.
@Suite struct StylesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func multiStageWithAliasesAndBuildPlatform() throws {
        let text = """
        # syntax=docker/dockerfile:1.7
        ARG GO_VERSION=1.22
        ARG RUNTIME=gcr.io/distroless/static-debian12:nonroot

        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS deps
        WORKDIR /src
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod go mod download

        FROM deps AS build
        ARG TARGETOS TARGETARCH
        COPY . .
        RUN --mount=type=cache,target=/root/.cache/go-build \\
            CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\
            go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server

        FROM ${RUNTIME} AS runtime
        COPY --from=build --chown=nonroot:nonroot /out/server /server
        EXPOSE 8080
        ENTRYPOINT ["/server"]
        """
        let p = try Dockerfile.parse(text).resolve(platform: DockerfilePlatform(architecture: "arm64"), baseConfig: BaseImages.config(for:))
        #expect(p.stages.map(\.name) == ["deps", "build", "runtime"])
        #expect(p.stages.map(\.base) == [.image("golang:1.22-alpine"), .stage(0), .image("gcr.io/distroless/static-debian12:nonroot")])
        #expect(p.stages[0].platform == "linux/arm64")
        #expect(p.stages[1].platform == "linux/arm64")
        #expect(p.stages[0].copies[0].destination == "/src/")
        #expect(p.stages[1].copies[0].destination == "/src/")
        #expect(p.stages[1].runs[0].text == "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH     go build -trimpath -ldflags=\"-s -w\" -o /out/server ./cmd/server")
        #expect(p.stages[1].runs[0].location == SourceRange(startLine: 13, endLine: 15))
        #expect(p.stages[1].args == ["TARGETOS": "linux", "TARGETARCH": "arm64"])
        let t = p.target
        #expect(t.user == "65532")
        #expect(t.workdir == "/home/nonroot")
        #expect(t.copies.map(\.source) == [.stage(1)])
        #expect(t.copies[0].chown == "nonroot:nonroot")
        #expect(t.startArgv == ["/server"])
        #expect(p.copies(reaching: 1).map(\.location.startLine) == [7, 12])
    }

    @Test func lowercaseInstructionsAndMixedCaseAs() throws {
        let text = """
        from golang:1.21-bullseye as Builder
        workdir /app
        copy . .
        run go build -o app .
        from debian:bullseye-slim
        copy --from=builder /app/app /usr/local/bin/app
        user nobody
        cmd ["app"]
        """
        let p = try Dockerfile.parse(text).resolve(baseConfig: BaseImages.config(for:))
        #expect(p.stages[0].name == "builder")
        #expect(p.target.copies[0].source == .stage(0))
        #expect(p.target.copies[0].destination == "/usr/local/bin/app")
        #expect(p.target.user == "nobody")
        #expect(p.target.startArgv == ["app"])
        #expect(p.target.instructions.map(\.name) == ["COPY", "USER", "CMD"])
    }

    @Test func windowsStyleBacktickEscape() throws {
        let text = """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command"]
        ENV APP_HOME=C:\\app
        WORKDIR C:\\app
        RUN Write-Host `
            "hello"
        COPY bin\\ .\\
        CMD .\\app.exe
        """
        let df = try Dockerfile.parse(text)
        #expect(df.escape == "`")
        let s = try df.resolve().target
        #expect(env(s)["APP_HOME"] == "C:\\app")
        #expect(s.runs[0].argv == ["powershell", "-Command", "Write-Host     \"hello\""])
        #expect(s.cmd?.argv == ["powershell", "-Command", ".\\app.exe"])
        // Not Windows paths: the plan is for Linux images, so C:\app is a relative name.
        #expect(s.workdir == "/C:\\app")
    }

    @Test func heredocStyle() throws {
        let text = """
        FROM alpine:3.20
        RUN <<EOF
        set -eux
        apk add --no-cache ca-certificates tzdata
        adduser -D -u 10001 app
        EOF
        COPY --chmod=755 <<'EOF' /usr/local/bin/entry
        #!/bin/sh
        exec "$@"
        EOF
        USER 10001
        ENTRYPOINT ["/usr/local/bin/entry"]
        CMD ["/app"]
        """
        let s = try Dockerfile.parse(text).resolve().target
        #expect(s.runs[0].text.contains("adduser -D -u 10001 app"))
        #expect(s.runs[0].location == SourceRange(startLine: 2, endLine: 6))
        #expect(s.copies[0].inlineSources == [InlineSource(path: "EOF", data: "#!/bin/sh\nexec \"$@\"\n", expand: false)])
        #expect(s.copies[0].destination == "/usr/local/bin/entry")
        #expect(s.copies[0].location.startLine == 7)
        #expect(s.user == "10001")
        #expect(s.startArgv == ["/usr/local/bin/entry", "/app"])
    }

    /// docker-library's own golang Dockerfiles parse, and their final stage's config is the
    /// one BaseImages gives golang images (given buildpack-deps' and alpine's PATH).
    @Test(arguments: ["golang-1.27-trixie", "golang-1.27-alpine3.24"])
    func dockerLibraryGolang(_ name: String) throws {
        let text = String(decoding: try Data(contentsOf: Self.fixtures.appendingPathComponent("docker-library/\(name).Dockerfile")), as: UTF8.self)
        let base = BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: BaseImageConfig.defaultPath)])
        let p = try Dockerfile.parse(text, name: name).resolve(baseConfig: { _ in base })
        #expect(p.stages.count == 2)
        #expect(p.stages[0].name == "build")
        let t = p.target
        #expect(t.copies.map(\.source) == [.stage(0)])
        #expect(t.copies[0].link)
        #expect(t.copies[0].destination == "/")
        let facts = try #require(BaseImages.facts(for: name.replacingOccurrences(of: "golang-", with: "golang:")))
        #expect(t.workdir == facts.config.workingDir)
        #expect(t.env.filter { $0.name != "GOLANG_VERSION" } == facts.config.env)
        #expect(env(t)["GOLANG_VERSION"] == "1.27.0")
        #expect(p.stages[0].runs.count == 1)
        #expect(p.stages[0].runs[0].text.contains("tar -C /usr/local -xzf go.tgz"))
    }
}
