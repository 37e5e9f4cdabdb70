import Foundation
import TestSupport
import Testing

/// Shell completions and the man page are swift-argument-parser's, made from the command's own
/// options (`make completions`, `make man`, both run by `make install`).
@Suite struct CompletionAndManTests {
    /// The fast parser leaves `--generate-completion-script` to swift-argument-parser, whose
    /// script names the check options and the values of --format.
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptNamesTheOptions(_ shell: String) throws {
        let r = try sce(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r.stderr)")
        for option in ["target", "dockerfile", "image", "root", "format", "fail-on", "color", "disable"] {
            #expect(r.stdout.contains(shell == "fish" ? "-l '\(option)'" : "--\(option)"), "\(shell): \(option)")
        }
        let formats = shell == "fish" ? ["'text json sarif github'"] : ["'text'", "'json'", "'sarif'", "'github'"]
        for value in formats { #expect(r.stdout.contains(value), "\(shell): --format \(value)") }
        for command in ["inspect", "explain", "list-rules"] { #expect(r.stdout.contains(command), "\(shell): \(command)") }
        if shell == "bash" {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sce-completion-\(UUID().uuidString).bash")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(r.stdout.utf8).write(to: file)
            let syntax = try run("/bin/bash", ["-n", file.path])
            #expect(syntax.status == 0, "\(syntax.stderr)")
        }
    }

    /// `make completions man`, as `make install` runs them, on the built CLI: the files in the
    /// installed layout, and a man page that lists the options and the exit codes.
    @Test(.timeLimit(.minutes(10))) func makeWritesCompletionsAndAManPage() throws {
        let make = try #require(which("make"), "make")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sce-share-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let env = ProcessInfo.processInfo.environment
        let r = try run(make, ["-C", TestPaths.repo.path, "completions", "man", "BIN=\(cli)", "SHARE_OUT=\(out.path)"],
                        environment: ["PATH": env["PATH"] ?? "/usr/bin:/bin", "HOME": env["HOME"] ?? "/root"])
        #expect(r.status == 0, "\(r.stdout.suffix(2000)) \(r.stderr.suffix(2000))")
        for file in ["bash-completion/completions/staticcheck-elf", "zsh/site-functions/_staticcheck-elf",
                     "fish/vendor_completions.d/staticcheck-elf.fish"] {
            let text = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("dockerfile"), "\(file)")
        }
        let man = try String(contentsOf: out.appendingPathComponent("man/man1/staticcheck-elf.1"), encoding: .utf8)
        #expect(man.contains(".Dt STATICCHECK-ELF 1"))
        for option in ["target", "dockerfile", "format", "fail-on", "color"] { #expect(man.contains(".It Fl -\(option)"), "\(option)") }
        for line in ["EXIT CODES:", "  0   no finding at or above --fail-on", "  1   a finding at or above --fail-on",
                     "  2   an input could not be read or parsed", "  64  usage error"] {
            #expect(man.contains(line), "\(line)")
        }
        #expect(!man.contains(".Ex -std"), "the generic exit sentence is replaced")
    }

    /// `make install PREFIX=…` as the README gives it: the static binary (built by `make
    /// static`, which `make test` runs for the image), its completions and man page.
    @Test(.timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: TestPaths.repo.appendingPathComponent(".build-static/release/staticcheck-elf").path),
                                              "the static build is missing: run `make static`"))
    func makeInstallPutsEverythingUnderThePrefix() throws {
        let make = try #require(which("make"), "make")
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("sce-prefix-\(UUID().uuidString)")
        let share = FileManager.default.temporaryDirectory.appendingPathComponent("sce-share-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix); try? FileManager.default.removeItem(at: share) }
        let env = ProcessInfo.processInfo.environment
        let r = try run(make, ["-C", TestPaths.repo.path, "install", "PREFIX=\(prefix.path)", "SHARE_OUT=\(share.path)"],
                        environment: ["PATH": env["PATH"] ?? "/usr/bin:/bin", "HOME": env["HOME"] ?? "/root"])
        #expect(r.status == 0, "\(r.stdout.suffix(2000)) \(r.stderr.suffix(2000))")
        for file in ["bin/staticcheck-elf", "share/bash-completion/completions/staticcheck-elf", "share/zsh/site-functions/_staticcheck-elf",
                     "share/fish/vendor_completions.d/staticcheck-elf.fish", "share/man/man1/staticcheck-elf.1"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file)")
        }
        let bin = prefix.appendingPathComponent("bin/staticcheck-elf").path
        #expect(try run(bin, ["--version"]).stdout == "0.1.0\n")
        // Fully static: no interpreter, as the README says.
        let check = try run(bin, ["--format", "json", bin])
        #expect(check.status == 0 && check.stdout.contains("\"interpreter\": null"), "\(check.stdout.prefix(800))")
    }
}
