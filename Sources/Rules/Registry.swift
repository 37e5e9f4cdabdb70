/// Every rule, in ID order. Adding a rule is one file in Checks/ with its `RuleInfo` and
/// `check`, and its type named here; a test fails if a rule file is missing from this list.
public enum RuleRegistry {
    public static let all: [any Rule.Type] = [
        SE100NotELF.self,
        SE101MissingInterpreter.self,
        SE102MissingLibrary.self,
        SE103WrongArchitecture.self,
        SE104ScriptInterpreterMissing.self,
        SE105NotExecutable.self,
        SE106MalformedELF.self,
        SE109NotAProgram.self,
        SE200CgoDynamic.self,
        SE201PIEInterpreter.self,
        SE300TLSRoots.self,
        SE301Zoneinfo.self,
        SE302UserDatabase.self,
        SE303TempDir.self,
        SE400DebugInfo.self,
        SE401SymbolTable.self,
        SE402BuildPaths.self,
    ]

    public static var infos: [RuleInfo] { all.map { $0.info } }

    public static func info(_ id: String) -> RuleInfo? {
        let key = id.uppercased()
        return infos.first { $0.id == key || $0.name == id.lowercased() }
    }
}
