import Foundation
@testable import Runner
import Testing

/// What the Dockerfile target reads of RUN lines, COPY patterns and hostile shapes.
@Suite struct DockerfileStageTests {
    @Test func globIsFnmatch() {
        #expect(Glob.matches("*.crt", "ca-certificates.crt"))
        #expect(Glob.matches("lib?.so.[0-9]", "libc.so.6"))
        #expect(!Glob.matches("lib?.so.[!0-9]", "libc.so.6"))
        #expect(Glob.matches("*", ""))
        #expect(!Glob.matches("a*b", "ac"))
        #expect(Glob.matches("a*b*c", "axxbyyc"))
        // A pattern that is exponential for a naive backtracker ends at once.
        #expect(!Glob.matches(String(repeating: "*a", count: 40) + "b", String(repeating: "a", count: 4000)))
    }

    @Test func runLinesTheTargetReads() {
        #expect(RunEffects.commands("apk add --no-cache tzdata && adduser -D -g '' gopher; echo \"a b\"") ==
                [["apk", "add", "--no-cache", "tzdata"], ["adduser", "-D", "-g", "", "gopher"], ["echo", "a b"]])
        #expect(RunEffects.goBuildOutput(["-o", "/out/app", "./cmd/app"], workdir: "/src") == "/out/app")
        #expect(RunEffects.goBuildOutput(["-ldflags=-s -w", "-o=bin/", "./cmd/server"], workdir: "/src") == "/src/bin/server")
        #expect(RunEffects.goBuildOutput(["helloworld.go"], workdir: "/") == "/helloworld")
        #expect(RunEffects.goBuildOutput(["."], workdir: "/build") == "/build/build")
        var s = StageFiles()
        RunEffects.addUser(["-S", "-D", "-H", "-h", "/app", "appuser"], tool: "adduser", to: &s)
        RunEffects.addUser(["--system", "--uid", "1001", "--ingroup", "app", "svc"], tool: "adduser", to: &s)
        RunEffects.addUser(["-r", "-u", "999", "-g", "999", "worker"], tool: "useradd", to: &s)
        #expect(s.users.map(\.name) == ["appuser", "svc", "worker"])
        #expect(s.users.map(\.id) == [100, 1001, 999])
        #expect(s.users[0].home == "/app")
        #expect(s.groups.map(\.name) == ["appuser"], "adduser makes a group of the user's name unless one is given")
    }

    /// Fifty stages, each copying the whole previous one twice: the model stops at its caps
    /// (paths per stage, paths copied in all) and says so, instead of doubling 2^50 times.
    @Test func stagesCopiedIntoEachOtherAreCapped() throws {
        var text = "FROM debian:bookworm-slim AS s0\n"
        for i in 1...50 { text += "FROM scratch AS s\(i)\nCOPY --from=s\(i - 1) / /a\nCOPY --from=s\(i - 1) / /b\n" }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-hostile-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var c = RunConfiguration()
        c.target = .dockerfile(url.path)
        let doc = try Runner.check(c)
        let notes = doc.dockerfile?.notes ?? []
        #expect(notes.contains(StageFiles.budgetNote) || notes.contains(StageFiles.cutNote), "\(notes)")
    }

    static func notes(_ text: String) throws -> [String] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-caps-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var c = RunConfiguration()
        c.target = .dockerfile(url.path)
        return try Runner.check(c).dockerfile?.notes ?? []
    }

    /// Each cap on its own. A chain of stages each holding the one before twice grows past a
    /// stage's 20,000 paths having copied about twice that in all: the stage's cap, not the
    /// build's. Then stages each holding one copy of a stage of half that: the build's cap, and
    /// no stage is cut.
    @Test func eachStageCapOnItsOwn() throws {
        func chain(_ n: Int) -> String {
            var t = "FROM debian:bookworm-slim AS s0\n"
            for i in 1...n { t += "FROM scratch AS s\(i)\nCOPY --from=s\(i - 1) / /a\nCOPY --from=s\(i - 1) / /b\n" }
            return t
        }
        // The smallest chain whose last stage is cut.
        var n = 1
        var notes = try Self.notes(chain(n))
        while !notes.contains(StageFiles.cutNote), n < 30 {
            n += 1
            notes = try Self.notes(chain(n))
        }
        #expect(notes.contains(StageFiles.cutNote) && !notes.contains(StageFiles.budgetNote), "\(n) stages: \(notes)")
        // Stages of about 10,000 paths (uncut), copied whole until the build's budget is spent.
        #expect(n >= 2)
        var many = chain(max(n - 2, 0))
        for i in 1...12 { many += "FROM scratch AS t\(i)\nCOPY --from=s\(n - 2) / /x\n" }
        // The target stage takes one path of each, so that every one is built.
        many += "FROM scratch\n"
        let inside = n - 2 >= 1 ? "/x/a/etc/passwd" : "/x/etc/passwd"
        for i in 1...12 { many += "COPY --from=t\(i) \(inside) /t\(i)\n" }
        let b = try Self.notes(many)
        #expect(b.contains(StageFiles.budgetNote) && !b.contains(StageFiles.cutNote), "\(b)")
    }

    /// A Dockerfile larger than `maxDockerfileBytes` is refused before it is read (a sparse
    /// file: its size is what is checked), naming the file and the limit.
    @Test func dockerfileSizeIsCapped() throws {
        #expect(DockerfileRun.maxDockerfileBytes == 4 << 20)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sce-big-dockerfile-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data("FROM scratch\n".utf8)))
        defer { try? FileManager.default.removeItem(at: url) }
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: UInt64(DockerfileRun.maxDockerfileBytes) + 1)
        try h.close()
        var c = RunConfiguration()
        c.target = .dockerfile(url.path)
        do { _ = try Runner.check(c); Issue.record("a Dockerfile past the cap was read") } catch {
            #expect("\(error)" == "--dockerfile \(url.path): larger than 4 MiB (the limit for a Dockerfile)")
        }
        // At the limit, it is read (and parsed: NULs are no instruction).
        let h2 = try FileHandle(forWritingTo: url)
        try h2.truncate(atOffset: UInt64(DockerfileRun.maxDockerfileBytes))
        try h2.close()
        do { _ = try Runner.check(c) } catch {
            #expect(!"\(error)".contains("the limit for a Dockerfile"), "\(error)")
        }
    }
}
