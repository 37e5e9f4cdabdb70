import Foundation
import TestSupport
import Testing

/// `--image` end to end, through the executable: hostile archives end with an error naming
/// the layer and member (exit 2) or with a verdict, in bounded memory, writing nothing; the
/// JSON names the image and its stage.
@Suite(.enabled(if: TestImages.configured, "the images are not built: run `make images`"))
struct ImageCLITests {
    /// Peak RSS in KiB by GNU time (`/usr/bin/time -f %M`), with the run's status and streams.
    func measured(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String, peakKiB: Int?) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            let r = try sce(args)
            return (r.status, r.stdout, r.stderr, nil)
        }
        let marker = "SCE-PEAK-KIB="
        let r = try run("/usr/bin/time", ["-f", marker + "%M", cli] + args, environment: ["PATH": "/usr/bin:/bin"], cwd: nil)
        let lines = r.stderr.split(separator: "\n")
        let peak = lines.last { $0.hasPrefix(marker) }.flatMap { Int($0.dropFirst(marker.count)) }
        let stderr = lines.filter { !$0.hasPrefix(marker) && !$0.hasPrefix("Command exited") }.joined(separator: "\n")
        return (r.status, r.stdout, stderr, peak)
    }

    @Test func hostileArchivesAreRefusedOrJudgedAndNothingIsWritten() throws {
        let expected: [String: String] = [
            "traversal": "member \"../../staticcheck-elf-hostile-traversal\"",
            "hardlink-outside": "hard link target ../outside is outside the root",
            "short-member": "member \"app/big\" is truncated",
            "digest-mismatch": "layer 1 (blobs/sha256/",
            "layer-outside": "manifest.json[0].Layers[0] \"../x\" is outside the archive",
        ]
        for h in try TestImages.hostile() {
            let r = try measured(["--image", h.ref])
            if let words = expected[h.name] {
                #expect(r.status == 2, "\(h.name): exit \(r.status)")
                #expect(r.stderr.contains(words), "\(h.name): \(r.stderr)")
                #expect(r.stderr.hasPrefix("staticcheck-elf: --image \(h.ref): ") && !r.stderr.contains("\(h.ref): \(h.ref)"), "\(h.name): \(r.stderr)")
            } else {
                // symlink-escape and zero-bomb are images that can be judged: a verdict, exit 1.
                #expect(r.status == 1, "\(h.name): exit \(r.status) \(r.stderr)")
                #expect(r.stdout.contains("will not start"), "\(h.name): \(r.stdout)")
            }
            if let peak = r.peakKiB { #expect(peak < 128 * 1024, "\(h.name): peak RSS \(peak) KiB") }
            if h.mustNotExist.hasPrefix("/") { #expect(!FileManager.default.fileExists(atPath: h.mustNotExist), "\(h.name) wrote \(h.mustNotExist)") }
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/staticcheck-elf-pwned"))
    }

    @Test func jsonNamesTheImageAndTheRuntimeStage() throws {
        let image = try #require(try TestImages.all().first { $0.name == "user-name-nopasswd" })
        let ref = try #require(image.refs["oci_archive"])
        let r = try sce(["--image", ref, "--format", "json"])
        #expect(r.status == 1)
        let o = try json(r.stdout)
        let target = try #require(o["target"] as? [String: Any])
        #expect(target["reference"] as? String == ref)
        #expect(target["transport"] as? String == "oci-archive")
        #expect((target["digest"] as? String)?.hasPrefix("sha256:") == true)
        #expect((target["configDigest"] as? String)?.hasPrefix("sha256:") == true)
        #expect(target["layers"] as? Int == image.layers)
        #expect(target["entrypoint"] as? [String] == image.argv)
        #expect(target["user"] as? String == "app")
        let file = try #require((o["files"] as? [[String: Any]])?.first)
        #expect(file["path"] as? String == "/app/main")
        #expect(file["imagePath"] as? String == "/app/main")
        let start = try #require(file["start"] as? [String: Any])
        #expect(start["ok"] as? Bool == false)
        #expect(start["stage"] as? String == "runtime")
        #expect(start["message"] as? String == "unable to find user app: no matching entries in passwd file")
        let rules = (file["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("SE111"))
        #expect((file["provenance"] as? [String])?.contains("no layer has /etc/passwd") == true)
    }

    /// SARIF for an image validates and carries the image rule.
    @Test func sarifForAnImage() throws {
        let image = try #require(try TestImages.all().first { $0.name == "shell-form-nosh" })
        let r = try sce(["--image", try #require(image.refs["docker_archive"]), "--format", "sarif"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\"ruleId\": \"SE112\"") || r.stdout.contains("\"ruleId\":\"SE112\""), "\(r.stdout.prefix(400))")
    }
}
