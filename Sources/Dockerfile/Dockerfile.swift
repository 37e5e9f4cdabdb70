// A parsed Dockerfile: its directives, the global ARGs before the first FROM and its stages,
// each instruction with its lines (BuildKit instructions.Parse).

public struct Dockerfile: Equatable, Sendable {
    /// The file's name as errors print it (`Dockerfile`, `build/Dockerfile.prod`).
    public var name: String
    public var directives: [ParserDirective]
    /// `\` or `` ` `` (the `# escape=` directive).
    public var escape: Unicode.Scalar
    /// ARG instructions before the first FROM (usable in FROM and `--platform` only).
    public var globalArgs: [Instruction]
    public var stages: [BuildStage]
    /// The line parser's output (BuildKit's AST), for tools that want the raw arguments.
    public var syntax: SyntaxTree

    /// Parses a Dockerfile as BuildKit does; the first problem is thrown with its line and column.
    public static func parse(_ text: String, name: String = "Dockerfile") throws(DockerfileError) -> Dockerfile {
        let tree = try SyntaxTree.parse(text, name: name)
        let parser = InstructionParser(file: name)
        var stages: [BuildStage] = []
        var globalArgs: [Instruction] = []
        for node in tree.nodes {
            switch try parser.parse(node) {
            case .from(var stage):
                stage.index = stages.count
                // BuildKit's DuplicateStageName lint (an error under `# check=error=true`): made an
                // error here, since `--from` and `FROM` could not say which stage they mean.
                if let n = stage.name, stages.contains(where: { $0.name == n }) {
                    throw parser.fail("Duplicate stage name \(goQuote(n)), stage names should be unique", node)
                }
                stages.append(stage)
            case .instruction(let instruction):
                if stages.isEmpty {
                    guard case .arg = instruction.kind else {
                        throw parser.fail("no build stage in current context", node)
                    }
                    globalArgs.append(instruction)
                } else {
                    stages[stages.count - 1].instructions.append(instruction)
                }
            }
        }
        guard !stages.isEmpty else {
            throw DockerfileError(file: name, line: tree.nodes.last?.endLine ?? 1, message: "dockerfile contains no stages to build")
        }
        return Dockerfile(name: name, directives: tree.directives, escape: tree.escape, globalArgs: globalArgs,
                          stages: stages, syntax: tree)
    }

    /// The value of a parser directive (`syntax`, `escape`, `check`).
    public func directive(_ name: String) -> String? {
        directives.first { $0.name == name.lowercased() }?.value
    }
}
