import Testing
@testable import Dockerfile

func plan(_ text: String, buildArgs: [String: String] = [:], target: String? = nil,
          platform: DockerfilePlatform = .linuxAMD64, baseConfig: (String) -> BaseImageConfig? = { _ in nil }) throws -> BuildPlan {
    try Dockerfile.parse(text).resolve(buildArgs: buildArgs, target: target, platform: platform, baseConfig: baseConfig)
}

func planError(_ text: String, buildArgs: [String: String] = [:], target: String? = nil) -> String? {
    do throws(DockerfileError) {
        _ = try Dockerfile.parse(text).resolve(buildArgs: buildArgs, target: target)
        return nil
    } catch {
        return error.description
    }
}

func env(_ stage: ResolvedStage) -> [String: String] {
    Dictionary(stage.env.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
}

@Suite struct DockerfilePlanTests {
    // MARK: ARG and --build-arg

    @Test func globalArgsTemplateFrom() throws {
        let text = """
        ARG GO_VERSION=1.22
        ARG VARIANT=bookworm
        ARG BASE=golang:${GO_VERSION}-${VARIANT}
        FROM ${BASE} AS build
        FROM gcr.io/distroless/static-debian12:${TAG:-nonroot}
        """
        let p = try plan(text)
        #expect(p.stages[0].base == .image("golang:1.22-bookworm"))
        #expect(p.stages[0].writtenBase == "${BASE}")
        #expect(p.stages[1].base == .image("gcr.io/distroless/static-debian12:nonroot"))
        // --build-arg beats the default, and later defaults see it.
        let q = try plan(text, buildArgs: ["GO_VERSION": "1.21", "TAG": "latest"])
        #expect(q.stages[0].base == .image("golang:1.21-bookworm"))
        // TAG is not declared by an ARG: a --build-arg of that name is not used.
        #expect(q.stages[1].base == .image("gcr.io/distroless/static-debian12:nonroot"))
        let r = try plan("ARG TAG\n" + text, buildArgs: ["TAG": "latest"])
        #expect(r.stages[1].base == .image("gcr.io/distroless/static-debian12:latest"))
        #expect(q.targetIndex == 1)
    }

    @Test func globalArgsAreNotInStagesUntilRedeclared() throws {
        let text = """
        ARG VERSION=1.2.3
        ARG UNSET
        FROM alpine
        RUN echo $VERSION
        LABEL before=$VERSION
        ARG VERSION
        LABEL after=$VERSION unset=${UNSET:-none}
        """
        let s = try plan(text).stages[0]
        #expect(s.labels.map(\.value) == ["", "1.2.3", "none"])
        #expect(s.args == ["VERSION": "1.2.3"])
        // ARGs are not in the image config's Env.
        #expect(env(s)["VERSION"] == nil)
    }

    @Test func stageArgPrecedence() throws {
        let text = """
        ARG G=global
        FROM alpine
        ARG A=default
        ARG G
        ARG B=${A}-b
        LABEL a=$A g=$G b=$B
        ENV A=env
        LABEL a2=$A
        ARG A=again
        LABEL a3=$A
        """
        #expect(try plan(text).stages[0].labels.map(\.value) == ["default", "global", "default-b", "env", "again"])
        // A --build-arg beats a stage default too; an undeclared build arg is not in scope.
        let s = try plan(text, buildArgs: ["A": "cli", "G": "g-cli", "OTHER": "x"]).stages[0]
        #expect(s.labels.map(\.value) == ["cli", "g-cli", "cli-b", "env", "cli"])
        #expect(s.scope["OTHER"] == nil)
    }

    @Test func automaticPlatformArgs() throws {
        let text = """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        ARG TARGETOS TARGETARCH TARGETVARIANT
        RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
        LABEL os=$TARGETOS arch=$TARGETARCH variant=$TARGETVARIANT platform=$TARGETPLATFORM
        FROM --platform=linux/${TARGETARCH} scratch
        COPY --from=build /out/app /app
        """
        let p = try plan(text, platform: DockerfilePlatform(architecture: "arm", variant: "v7"))
        #expect(p.stages[0].platform == "linux/arm/v7")
        #expect(p.stages[0].labels.map(\.value) == ["linux", "arm", "v7", ""])
        #expect(p.stages[1].platform == "linux/arm")
        #expect(p.globalArgs["TARGETPLATFORM"] == "linux/arm/v7")
        #expect(p.globalArgs["TARGETSTAGE"] == "default")
        let b = try plan(text, buildArgs: ["BUILDPLATFORM": "linux/amd64"], platform: DockerfilePlatform(architecture: "arm64"))
        #expect(b.stages[0].platform == "linux/amd64")
        #expect(b.stages[0].labels.map(\.value) == ["linux", "arm64", "", ""])
    }

    @Test func fromErrors() {
        #expect(planError("ARG BASE\nFROM $BASE\n") == "Dockerfile:2:1: base name ($BASE) should not be blank")
        #expect(planError("ARG P\nFROM --platform=$P alpine\n") == "Dockerfile:2:1: empty platform value from expression $P")
        #expect(planError("FROM ${X:?required}\n") == "Dockerfile:1:1: failed to process \"${X:?required}\": X: required")
        #expect(planError("FROM alpine\nFROM ${}\n") == "Dockerfile:2:1: failed to process \"${}\": syntax error: bad substitution")
        #expect(planError("FROM alpine\nFROM ${BAD\n") == "Dockerfile:2:1: failed to process \"${BAD\": unsupported modifier (\u{FFFD}) in substitution")
    }

    // MARK: stages

    @Test func stageBases() throws {
        let p = try plan("""
        FROM golang:1.22 AS Build
        FROM build AS test
        FROM Build AS odd
        FROM scratch
        COPY --from=BUILD /a /a
        """)
        #expect(p.stages.map(\.base) == [.image("golang:1.22"), .stage(0), .image("Build"), .scratch])
        #expect(p.stages.map(\.rootBase) == [.image("golang:1.22"), .image("golang:1.22"), .image("Build"), .scratch])
        #expect(p.stages[3].copies[0].source == .stage(0))
        #expect(p.chain(of: 1).map(\.index) == [1, 0])
    }

    @Test func laterStageNameIsAnImageInFrom() throws {
        // FROM only sees earlier stages; --from sees every stage.
        let p = try plan("FROM later AS first\nCOPY --from=later /x /x\nFROM alpine AS later\n")
        #expect(p.stages[0].base == .image("later"))
        #expect(p.stages[0].copies[0].source == .stage(1))
    }

    @Test func targetStage() throws {
        let text = "FROM golang AS build\nFROM alpine AS Runtime\nFROM scratch\n"
        #expect(try plan(text).targetIndex == 2)
        #expect(try plan(text, target: "RUNTIME").targetIndex == 1)
        #expect(try plan(text, target: "build").target.base == .image("golang"))
        #expect(try plan(text, target: "build").globalArgs["TARGETSTAGE"] == "build")
        #expect(planError(text, target: "prod") == "Dockerfile:1:1: target stage \"prod\" could not be found; stages: build, runtime")
        #expect(planError(text, target: "buidl") == "Dockerfile:1:1: target stage \"buidl\" could not be found (did you mean build?); stages: build, runtime")
        #expect(planError("FROM a\n", target: "x") == "Dockerfile:1:1: target stage \"x\" could not be found; the stages have no names")
    }

    // MARK: COPY / ADD

    @Test func copyFrom() throws {
        let p = try plan("""
        FROM golang AS build
        FROM alpine
        COPY --from=0 /a /a
        COPY --from=build /b /b
        COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/
        COPY local /l
        """)
        #expect(p.stages[1].copies.map(\.source) == [.stage(0), .stage(0), .image("nginx:latest"), .context])
        #expect(planError("FROM a AS x\nFROM b\nCOPY --from=$STAGE /a /a\n") ==
                "Dockerfile:3:1: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround")
        #expect(planError("FROM a\nCOPY --from=${X:-x} /a /a\n") ==
                "Dockerfile:2:1: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround")
        #expect(planError("FROM a\nFROM b\nCOPY --from=5 /a /a\n") == "Dockerfile:3:1: invalid stage index 5")
        #expect(planError("FROM a AS x\nCOPY --from=x /a /a\n") == "Dockerfile:2:1: circular dependency detected on stage: x")
    }

    @Test func copyDestinations() throws {
        let p = try plan("""
        FROM alpine
        COPY a /x
        COPY a /x/
        WORKDIR /app
        COPY a .
        COPY a rel
        COPY a rel/
        COPY a b dir/
        WORKDIR sub/../bin
        COPY ["app", "./"]
        COPY a /abs/../kept/
        COPY <<EOF /etc/conf
        x
        EOF
        """)
        let c = p.stages[0].copies
        #expect(c.map(\.destination) == ["/x", "/x/", "/app/", "/app/rel", "/app/rel/", "/app/dir/", "/app/bin/", "/abs/../kept/", "/etc/conf"])
        #expect(c[0].path(ofSource: "a") == "/x")
        #expect(c[1].path(ofSource: "./build/a") == "/x/a")
        #expect(c[2].path(ofSource: "dist/main") == "/app/main")
        #expect(c[3].path(ofSource: "a") == "/app/rel")
        #expect(c[5].destinationIsDirectory)
        #expect(c[5].path(ofSource: "b") == "/app/dir/b")
        #expect(c[6].path(ofSource: "app") == "/app/bin/app")
        #expect(c[8].inlineSources == [InlineSource(path: "EOF", data: "x\n", expand: true)])
        #expect(c.map(\.location.startLine) == [2, 3, 5, 6, 7, 8, 10, 11, 12])
    }

    @Test func copyExpandsAndKeepsFlags() throws {
        let p = try plan("""
        FROM alpine
        ARG UID=1000
        ENV APP=/srv/app
        COPY --chown=${UID}:${UID} --chmod=0755 --link --parents --exclude=*.md bin/$APP_NAME $APP/
        ADD --chmod=u+x,g-w https://example.com/x.tgz /opt/
        COPY <<EOF <<'RAW' /etc/
        app=$APP
        EOF
        app=$APP
        RAW
        """)
        let c = p.stages[0].copies
        #expect(c[0].chown == "1000:1000")
        #expect(c[0].chmod == "0755")
        #expect(c[0].link && c[0].parents)
        #expect(c[0].excludes == ["*.md"])
        #expect(c[0].sources == ["bin/"])
        #expect(c[0].destination == "/srv/app/")
        #expect(c[1].isAdd && c[1].chmod == "u+x,g-w")
        #expect(c[2].inlineSources.map(\.data) == ["app=/srv/app\n", "app=$APP\n"])
        #expect(planError("FROM a\nCOPY --chmod=17777 a /b\n") == "Dockerfile:2:1: invalid chmod parameter: '17777'. it should be octal string and between 0 and 07777")
    }

    // MARK: ENV, WORKDIR, USER

    @Test func envForms() throws {
        let s = try plan("""
        FROM scratch
        ENV GOPATH /go
        ENV PATH=$GOPATH/bin:$PATH A=1 B=$A
        ENV A=2 C="$A and ${B:-unset}"
        ENV D='$literal' E=\\$escaped
        """).stages[0]
        let e = env(s)
        #expect(e["GOPATH"] == "/go")
        #expect(e["PATH"] == "/go/bin:" + BaseImageConfig.defaultPath)
        // One ENV line expands all its values before setting any (BuildKit's Expand).
        #expect(e["B"] == "")
        #expect(e["C"] == "1 and unset")
        #expect(e["D"] == "$literal")
        #expect(e["E"] == "$escaped")
        #expect(s.env.map(\.name) == ["PATH", "GOPATH", "A", "B", "C", "D", "E"])
    }

    @Test func workdir() throws {
        let s = try plan("FROM scratch\nWORKDIR app\nWORKDIR ../src/./x/\nENV D=/opt\nWORKDIR $D/bin\nWORKDIR rel\n").stages[0]
        #expect(s.workdir == "/opt/bin/rel")
        #expect(try plan("FROM scratch\nWORKDIR /a/../b/\n").stages[0].workdir == "/a/../b/")
        #expect(try plan("FROM scratch\nWORKDIR a/../b/\n").stages[0].workdir == "/b")
        #expect(try plan("FROM alpine\n").stages[0].workdir == "/")
    }

    @Test func user() throws {
        let s = try plan("FROM alpine\nARG U=app\nUSER $U:${G:-staff}\n").stages[0]
        #expect(s.user == "app:staff")
        #expect(s.userLocation == SourceRange(startLine: 3, endLine: 3, column: 1))
    }

    // MARK: ENTRYPOINT and CMD

    @Test func execAndShellForms() throws {
        // (`CMD --port 8080` would be a flag error: leading --words are flags on every instruction.)
        #expect(planError("FROM alpine\nCMD --port 8080\n") == "Dockerfile:2:1: unknown flag: --port")
        let s = try plan("FROM alpine\nENTRYPOINT [\"/app\", \"serve\"]\nCMD -p  8080\n").stages[0]
        #expect(s.entrypoint == ImageCommand(argv: ["/app", "serve"], shellForm: false, location: SourceRange(startLine: 2, endLine: 2), stageIndex: 0))
        #expect(s.cmd?.argv == ["/bin/sh", "-c", "-p  8080"])
        #expect(s.cmd?.shellForm == true)
        #expect(s.startArgv == ["/app", "serve", "/bin/sh", "-c", "-p  8080"])
    }

    /// The seed tutorial's `ENTRYPOINT [/usr/local/binary]`: not JSON, so shell form.
    @Test func invalidJSONEntrypointIsWrappedInTheShell() throws {
        let s = try plan("FROM alpine\nENTRYPOINT [/usr/local/binary]\nCMD [run]\n").stages[0]
        #expect(s.entrypoint?.argv == ["/bin/sh", "-c", "[/usr/local/binary]"])
        #expect(s.cmd?.argv == ["/bin/sh", "-c", "[run]"])
    }

    @Test func shellInstructionWrapsLaterShellForms() throws {
        let s = try plan("FROM alpine\nCMD before\nSHELL [\"/bin/bash\", \"-c\"]\nENTRYPOINT exec app\nRUN echo hi\n").stages[0]
        #expect(s.entrypoint?.argv == ["/bin/bash", "-c", "exec app"])
        #expect(s.shell == ["/bin/bash", "-c"])
        #expect(s.runs[0].argv == ["/bin/bash", "-c", "echo hi"])
        // CMD came earlier in the same stage: ENTRYPOINT keeps it.
        #expect(s.cmd?.argv == ["/bin/sh", "-c", "before"])
    }

    @Test func entrypointDropsCMDUnlessSetInTheSameStage() throws {
        let text = """
        FROM alpine AS base
        CMD ["serve"]
        FROM base AS a
        ENTRYPOINT ["/app"]
        FROM base AS b
        CMD ["other"]
        ENTRYPOINT ["/app"]
        FROM base AS c
        ENTRYPOINT ["/app"]
        CMD ["late"]
        FROM base AS d
        """
        let p = try plan(text)
        #expect(p.stages[1].cmd == nil)
        #expect(p.stages[1].startArgv == ["/app"])
        #expect(p.stages[2].startArgv == ["/app", "other"])
        #expect(p.stages[3].startArgv == ["/app", "late"])
        // Inherited unchanged, with the line and stage that set it.
        #expect(p.stages[4].cmd == ImageCommand(argv: ["serve"], shellForm: false, location: SourceRange(startLine: 2, endLine: 2), stageIndex: 0))
    }

    @Test func baseImageConfigIsInherited() throws {
        let config = BaseImageConfig(env: [EnvironmentVariable(name: "PATH", value: "/busybox:/bin")], workingDir: "/home/nonroot",
                                 user: "65532", entrypoint: ["/busybox/sh"], cmd: nil, shell: nil)
        let p = try plan("FROM base:debug\nCMD [\"-c\", \"echo\"]\nFROM unknown:1\nENTRYPOINT [\"/x\"]\n",
                         baseConfig: { $0 == "base:debug" ? config : nil })
        let s = p.stages[0]
        #expect(s.baseConfigKnown)
        #expect(s.workdir == "/home/nonroot")
        #expect(s.user == "65532")
        #expect(s.entrypoint == ImageCommand(argv: ["/busybox/sh"], shellForm: false, location: nil, stageIndex: nil))
        #expect(s.startArgv == ["/busybox/sh", "-c", "echo"])
        #expect(env(s)["PATH"] == "/busybox:/bin")
        #expect(p.stages[1].baseConfigKnown == false)
        #expect(p.stages[1].env.isEmpty)
    }

    @Test func fromStageInheritsConfigAndScope() throws {
        let p = try plan("""
        FROM alpine AS base
        ARG V=1
        ENV E=2
        WORKDIR /w
        USER nobody
        SHELL ["/bin/ash", "-c"]
        COPY a /a
        FROM base
        LABEL v=$V e=$E
        CMD run
        COPY b /b
        """)
        let s = p.stages[1]
        #expect(s.labels.map(\.value) == ["1", "2"])
        #expect(s.workdir == "/w")
        #expect(s.user == "nobody")
        #expect(s.cmd?.argv == ["/bin/ash", "-c", "run"])
        #expect(s.copies.map(\.destination) == ["/b"])
        #expect(p.copies(reaching: 1).map(\.destination) == ["/a", "/b"])
    }

    // MARK: RUN, EXPOSE, VOLUME, others

    @Test func runText() throws {
        let s = try plan("""
        FROM golang:alpine
        RUN --mount=type=cache,target=/go/pkg CGO_ENABLED=0 go build -o /app .
        RUN ["adduser", "-D", "gopher"]
        RUN <<EOF
        set -e
        go build -ldflags="-s -w" ./cmd/x
        EOF
        """).stages[0]
        #expect(s.runs.map(\.text) == ["CGO_ENABLED=0 go build -o /app .", "adduser -D gopher",
                                       "<<EOF\nset -e\ngo build -ldflags=\"-s -w\" ./cmd/x\n"])
        #expect(s.runs[0].mounts == ["type=cache,target=/go/pkg"])
        #expect(s.runs[0].argv == ["/bin/sh", "-c", "CGO_ENABLED=0 go build -o /app ."])
        #expect(s.runs[1].argv == ["adduser", "-D", "gopher"])
        #expect(s.runs.map(\.location.startLine) == [2, 3, 4])
        #expect(s.runs[2].location.endLine == 7)
    }

    @Test func exposeVolumeStopsignalHealthcheckOnbuild() throws {
        let s = try plan("""
        FROM alpine
        ARG PORT=8080
        EXPOSE $PORT 9090/udp
        VOLUME ["/data", "$PORT"]
        STOPSIGNAL ${SIG:-SIGQUIT}
        HEALTHCHECK CMD wget -q localhost:$PORT
        ONBUILD RUN echo $PORT
        MAINTAINER me
        """).stages[0]
        #expect(s.exposedPorts == ["8080", "9090/udp"])
        #expect(s.volumes == ["/data", "8080"])
        #expect(s.stopSignal == "SIGQUIT")
        #expect(s.healthcheck?.test == ["CMD-SHELL", "wget -q localhost:$PORT"])
        #expect(s.onbuild == ["RUN echo $PORT"])
    }

    @Test func platformParsing() {
        #expect(DockerfilePlatform.parse("linux/amd64") == DockerfilePlatform(architecture: "amd64"))
        #expect(DockerfilePlatform.parse("linux/arm64/v8") == DockerfilePlatform(architecture: "arm64"))
        #expect(DockerfilePlatform.parse("linux/arm") == DockerfilePlatform(architecture: "arm", variant: "v7"))
        #expect(DockerfilePlatform.parse("arm64") == DockerfilePlatform(architecture: "arm64"))
        #expect(DockerfilePlatform.parse("linux/x86_64") == DockerfilePlatform(architecture: "amd64"))
        #expect(DockerfilePlatform.parse("bogus/amd64") == nil)
        #expect(DockerfilePlatform.parse("linux//amd64") == nil)
        #expect(planError("FROM --platform=nope/x alpine\n") == "Dockerfile:1:1: failed to parse platform nope/x: \"nope/x\": unknown operating system or architecture")
    }
}
