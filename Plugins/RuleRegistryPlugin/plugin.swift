import PackagePlugin

/// Generates the rule registry from the files in Sources/Rules/Checks: every `SE*.swift` file
/// declares the rule type named like the file, so adding a rule is adding one file.
@main
struct RuleRegistryPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let checks = module.sourceFiles(withSuffix: "swift").map(\.url)
            .filter { $0.deletingLastPathComponent().lastPathComponent == "Checks" && $0.lastPathComponent.hasPrefix("SE") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "RuleRegistry+Generated.swift")
        return [
            .buildCommand(
                displayName: "Generating the rule registry from \(checks.count) rule files",
                executable: try context.tool(named: "RuleRegistryGen").url,
                arguments: [output.path] + checks.map(\.path),
                inputFiles: checks,
                outputFiles: [output]),
        ]
    }
}
