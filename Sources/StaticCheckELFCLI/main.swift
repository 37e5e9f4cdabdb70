import CLI

runCommandLine(Array(CommandLine.arguments.dropFirst()))
