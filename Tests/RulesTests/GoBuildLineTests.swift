import Rules
import Testing

@Suite struct GoBuildLineTests {
    /// The package argument of the rebuilt `go build` line, relative to the main module.
    @Test(arguments: [
        ("example.com/app/cmd/server", "example.com/app", "./cmd/server"),
        ("example.com/app", "example.com/app", "."),
        ("example.com/application/x", "example.com/app", "example.com/application/x"),
        ("example.com/app/", "example.com/app", "./"),
        ("例子.com/app/cmd", "例子.com/app", "./cmd"),
        ("example.com/app/cmd", "", "example.com/app/cmd"),
        ("other.org/tool", "example.com/app", "other.org/tool"),
    ])
    func relativePackage(_ c: (String, String, String)) {
        #expect(GoBuildLine.relativePackage(c.0, module: c.1) == c.2)
    }

    @Test func packageWithoutPathOrModule() {
        #expect(GoBuildLine.relativePackage(nil, module: "example.com/app") == ".")
        #expect(GoBuildLine.relativePackage("command-line-arguments", module: nil) == ".")
        #expect(GoBuildLine.relativePackage("example.com/app/cmd", module: nil) == "example.com/app/cmd")
    }
}
