/// Every rule, in ID order. Adding a rule is one file in Checks/, `SE123SomeName.swift`,
/// declaring `enum SE123SomeName: Rule` with its `RuleInfo` and `check`: RuleRegistryPlugin
/// generates the list from the file names at build time.
public enum RuleRegistry {
    /// The generator lists the types sorted by name, and a rule's type name starts with its ID
    /// (RuleExampleTests checks both), so this is ID order without building every RuleInfo.
    public static let all: [any Rule.Type] = generatedRules

    public static var infos: [RuleInfo] { all.map { $0.info } }

    public static func info(_ id: String) -> RuleInfo? {
        let key = id.uppercased()
        return all.first { $0.info.id == key || $0.info.name == id.lowercased() }?.info
    }
}
