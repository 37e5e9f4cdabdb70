import ELFKit
import Rules

/// GitHub Actions workflow commands: annotations on the files.
public enum GitHubRenderer {
    /// The annotations, most severe first (a step shows only the first 10 of each level, so
    /// errors must not wait behind infos), in input order within a level; then the run's
    /// summary as a plain log line.
    public static func render(_ doc: RunDocument) -> String {
        var lines: [(rank: Int, line: String)] = []
        for r in doc.reports {
            if let e = r.error {
                lines.append((3, "::error file=\(property(visible(r.path))),title=\(property("cannot read"))::\(data(visible(e)))\n"))
            }
            for f in r.findings {
                let cmd: String
                switch f.severity {
                case .error: cmd = "error"
                case .warning: cmd = "warning"
                case .info: cmd = "notice"
                }
                var text = visible(f.message) + "\nfix: " + visible(f.fix)
                // A Dockerfile finding annotates the line to change; the message names the binary.
                var place = "file=\(property(visible(r.path)))"
                if let l = f.location {
                    place = "file=\(property(visible(l.file))),line=\(l.line),endLine=\(l.endLine)"
                    text = visible(r.path) + ": " + text
                    if let edit = l.edit, let t = l.text {
                        text += "\n" + (edit == .replace ? "line \(l.line) becomes: " : "after line \(l.endLine), add: ") + visible(t)
                    }
                }
                let rank = f.severity == .error ? 2 : f.severity == .warning ? 1 : 0
                lines.append((rank, "::\(cmd) \(place),title=\(property("\(f.rule) \(f.name)"))::\(data(text))\n"))
            }
        }
        // A stable sort: Swift's sort is not, so the input index breaks ties.
        let ordered = lines.enumerated().sorted { ($0.element.rank, -$0.offset) > ($1.element.rank, -$1.offset) }.map(\.element.line)
        return ordered.joined() + "\(toolName): \(TextRenderer.summary(doc))\n"
    }

    /// Workflow-command data: control characters escaped first (`visible`), then GitHub's
    /// own escapes for `%`, CR and LF (so the line break between message and fix is `%0A`).
    static func data(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}
