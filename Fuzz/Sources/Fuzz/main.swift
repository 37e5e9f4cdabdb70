// libFuzzer runs the chosen reader on each input (see Targets.swift).
import CFuzzDriver
import Glibc
initialize()
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
let status = withUnsafeMutablePointer(to: &argv) { pointer in
    pointer.withMemoryRebound(to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self, capacity: 1) { argvPointer in
        LLVMFuzzerRunDriver(&argc, argvPointer) { data, size in testOneInput(data, size) }
    }
}
exit(status)
