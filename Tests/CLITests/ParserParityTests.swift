import ArgumentParser
@testable import CLI
import Runner
import Testing

/// The hand-written fast parser and swift-argument-parser must read every command line the
/// fast one accepts to the same configuration: every option, in both spellings, alone and
/// together, with and without the `check` subcommand.
@Suite struct ParserParityTests {
    static let options: [(name: String, values: [String])] = [
        ("--target", ["scratch", "distroless-base", "alpine"]),
        ("--root", ["rootfs", "/srv/root"]),
        ("--image", ["docker-archive:app.tar", "oci:layout:latest", "app.tar"]),
        ("--at", ["/app/main"]),
        ("--platform", ["linux/arm64", "linux/386"]),
        ("--format", OutputFormat.allCases.map(\.rawValue)),
        ("--fail-on", FailOn.allCases.map(\.rawValue)),
        ("--color", ColorMode.allCases.map(\.rawValue)),
        ("--disable", ["SE101", "SE400,SE401", "debug-info"]),
        ("--enable", ["SE101", "SE400"]),
        ("--output", ["out.txt", "reports/out.sarif"]),
        ("--sarif-root", [".", "/srv/repo"]),
        ("--config", ["c.yml", "/etc/staticcheck-elf.yml"]),
    ]

    /// swift-argument-parser's reading of `args` as the configuration it produces.
    static func viaArgumentParser(_ args: [String]) throws -> RunConfiguration {
        let command = try StaticCheckELF.parseAsRoot(args)
        let check = try #require(command as? Check, "parsed as \(type(of: command))")
        return check.configuration
    }

    static var commandLines: [[String]] {
        var out: [[String]] = []
        for o in options {
            for v in o.values {
                out.append([o.name, v, "./main"])
                out.append(["\(o.name)=\(v)", "./main"])
                out.append(["./main", o.name, v, "dist/other"])
            }
        }
        // Everything at once, both spellings, repeated list options.
        out.append(["--target", "alpine", "--platform=linux/arm64", "--format", "sarif", "--fail-on=warning",
                    "--disable", "SE400", "--disable=SE401", "--enable", "SE401", "--color", "always", "a", "b"])
        out.append(["--target=debian-slim", "--platform", "linux/amd64", "--format=json", "--fail-on", "never", "--color=never", "a"])
        out.append(["--root", "rootfs", "--at=/app/server", "--format", "json", "dist/server"])
        out.append(["--format", "sarif", "-o", "results.sarif", "--sarif-root", "..", "dist"])
        out.append(["-o", "report.txt", "dist/main"])
        out.append(["--quiet", "dist"])
        out.append(["-q", "--fail-on", "warning", "dist", "--quiet"])
        out.append(["--quiet", "--format", "json", "dist"])
        // --image alone: no PATH, the image's own command.
        out.append(["--image", "docker-archive:app.tar"])
        out.append(["--image=oci-archive:app.tar:v1", "--format", "json"])
        return out
    }

    @Test(arguments: commandLines)
    func fastParseEqualsArgumentParser(_ args: [String]) throws {
        for line in [args, ["check"] + args] {
            let fast = try #require(FastParse.check(line), "the fast parser takes \(line)")
            if let problem = fast.problem {
                // An invalid line: the executable hands it to swift-argument-parser, which
                // must refuse it with the same words.
                #expect(throws: (any Error).self, "\(line)") { try Self.viaArgumentParser(line) }
                #expect(StaticCheckELF.message(for: CleanExit.helpRequest()) != problem)
                do { _ = try Self.viaArgumentParser(line) } catch { #expect(StaticCheckELF.message(for: error) == problem, "\(line)") }
            } else {
                #expect(fast == (try Self.viaArgumentParser(line)), "\(line)")
            }
        }
    }

    @Test func commandNamesAreTheSubcommands() {
        let names = Set(StaticCheckELF.configuration.subcommands.map { $0._commandName } + ["help"])
        #expect(FastParse.commandNames == names)
    }

    /// What the fast parser does not take goes to swift-argument-parser whole.
    @Test(arguments: [["--help"], ["help"], ["inspect", "x"], ["explain", "SE101"], ["list-rules"], ["--version"],
                      ["--format", "yaml", "x"], ["--fail-on=sometimes", "x"], ["--frobnicate", "x"], ["--target"],
                      ["--", "-weird-name"], ["-v", "x"], ["-o=out", "x"], ["-o"], ["--format", "--target", "x"],
                      ["--target", "alpine", "--root", "r", "x"], ["--root"], ["--image", "a.tar", "--root", "r"], ["--image"],
                      ["--color", "sometimes", "x"], ["--color"], ["--generate-completion-script", "bash"],
                      ["--generate-completion-script=zsh"], ["--experimental-dump-help"]])
    func fastParseDeclines(_ args: [String]) {
        #expect(FastParse.check(args) == nil, "\(args)")
    }
}
