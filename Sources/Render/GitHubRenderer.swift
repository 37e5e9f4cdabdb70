import ELFKit
import Rules

/// GitHub Actions workflow commands: annotations on the files.
public enum GitHubRenderer {
    public static func render(_ doc: RunDocument) -> String {
        var out = ""
        for r in doc.reports {
            for f in r.findings {
                let cmd: String
                switch f.severity {
                case .error: cmd = "error"
                case .warning: cmd = "warning"
                case .info: cmd = "notice"
                }
                out += "::\(cmd) file=\(property(visible(r.path))),title=\(property("\(f.rule) \(f.name)"))::\(data(visible(f.message) + "\nfix: " + visible(f.fix)))\n"
            }
            if let e = r.error {
                out += "::error file=\(property(visible(r.path))),title=\(property("cannot read"))::\(data(visible(e)))\n"
            }
        }
        return out
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
