@testable import Rules
import TestSupport
import Testing

@Suite struct GoBuildLineTests {
    /// The package argument of the rebuilt `go build` line, relative to the main module.
    @Test(arguments: [
        ("example.com/app/cmd/server", "example.com/app", "./cmd/server"),
        ("example.com/app", "example.com/app", "."),
        ("example.com/application/x", "example.com/app", "example.com/application/x"),
        ("example.com/app/", "example.com/app", "./"),
        ("例子.com/app/cmd", "例子.com/app", "./cmd"),
        ("example.com/app/cmd", "", "example.com/app/cmd"),
        ("other.org/tool", "example.com/app", "other.org/tool"),
    ])
    func relativePackage(_ c: (String, String, String)) {
        #expect(GoBuildLine.relativePackage(c.0, module: c.1) == c.2)
    }

    @Test func packageWithoutPathOrModule() {
        #expect(GoBuildLine.relativePackage(nil, module: "example.com/app") == ".")
        #expect(GoBuildLine.relativePackage("command-line-arguments", module: nil) == ".")
        #expect(GoBuildLine.relativePackage("example.com/app/cmd", module: nil) == "example.com/app/cmd")
    }
}

/// Recorded flags as a shell reads them back: whitespace collapsed (tabs and newlines in a
/// recorded -ldflags, as Debian's dockerd has), every word quoted so bash gives back exactly
/// the words meant.
@Suite struct GoBuildLineQuotingTests {
    /// The words bash reads from `line` (after `go build`, with the environment words first).
    func bashWords(_ line: String) throws -> [String] {
        let r = try run("/bin/bash", ["-c", "set -- \(line); for w in \"$@\"; do printf '%s\\0' \"$w\"; done"])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func debianDockerdStyleLdflags() throws {
        var line = GoBuildLine(package: "./cmd/dockerd")
        line.ldflags = "-X \"github.com/docker/docker/dockerversion.Version=20.10.24+dfsg1\"\n\t-X \"github.com/docker/docker/dockerversion.GitCommit=5d6db84\"\n\t\t-s -w  "
        line.setEnv("CGO_ENABLED", "0")
        let rendered = line.rendered
        #expect(!rendered.contains("\n") && !rendered.contains("\t"), "\(rendered)")
        let words = try bashWords(rendered)
        #expect(words == ["CGO_ENABLED=0", "go", "build",
                          "-ldflags=-X \"github.com/docker/docker/dockerversion.Version=20.10.24+dfsg1\" -X \"github.com/docker/docker/dockerversion.GitCommit=5d6db84\" -s -w",
                          "./cmd/dockerd"], "\(words)")
    }

    @Test(arguments: [
        ("-s -w", "-ldflags=\"-s -w\""),
        ("-X main.v=$HOME", "-ldflags='-X main.v=$HOME'"),
        ("-X 'main.name=it'\"'\"'s'", nil),
        ("-X main.v=`id` -s", "-ldflags='-X main.v=`id` -s'"),
        ("-extldflags \"-static\"", "-ldflags='-extldflags \"-static\"'"),
    ] as [(String, String?)])
    func ldflagsAreOneWord(_ c: (ldflags: String, expected: String?)) throws {
        var line = GoBuildLine()
        line.ldflags = c.ldflags
        let rendered = line.rendered
        if let e = c.expected { #expect(rendered == "go build \(e) .", "\(rendered)") }
        let words = try bashWords(rendered)
        #expect(words.count == 4 && words[2] == "-ldflags=" + GoBuildLine.splitFlags(c.ldflags).joined(separator: " "), "\(words)")
    }

    @Test func tagsEnvAndPackageAreQuotedWhenNeeded() throws {
        var line = GoBuildLine(package: "./cmd/my server")
        line.addTags(["netgo", "osusergo"])
        line.setEnv("GOEXPERIMENT", "a b")
        #expect(line.rendered == "GOEXPERIMENT='a b' go build -tags=netgo,osusergo './cmd/my server'")
        #expect(try bashWords(line.rendered) == ["GOEXPERIMENT=a b", "go", "build", "-tags=netgo,osusergo", "./cmd/my server"])
    }
}
