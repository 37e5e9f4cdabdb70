import FileTree
import Render
import Targets

/// What a SARIF log's paths are relative to: `--sarif-root`, else the repository that holds
/// the working directory (the nearest parent with `.git`), else the working directory; and the
/// run's target named so it reads the same from any directory.
enum SARIFPlace {
    static func context(_ config: RunConfiguration, _ doc: RunDocument) -> SARIFContext {
        let cwd = HostTree.workingDirectory()
        let root: String
        if let given = config.sarifRoot {
            root = given.hasPrefix("/") ? given : cwd + "/" + given
        } else {
            root = Repository.root(containing: cwd) ?? cwd
        }
        var ctx = SARIFContext(workingDirectory: cwd, root: root, target: "")
        let key: String
        switch config.target {
        case .profile(let name): key = name
        case .root(let dir): key = "root:" + ctx.stable(dir)
        case .image:
            if let host = doc.image?.hostPath { key = "image:\(doc.image?.transport ?? "")-\(ctx.stable(host))" } else { key = "image:" + (doc.image?.reference ?? "") }
        case .dockerfile(let file):
            key = "dockerfile:" + (file == "-" ? "-" : ctx.stable(file)) + "#" + (doc.dockerfile?.stage ?? "")
        }
        ctx.target = "\(key) \(doc.platform)"
        return ctx
    }
}
