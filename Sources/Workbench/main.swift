import CEditLine
import Core
import Foundation

/// Every subcommand of `workbench`, in the order `help` lists them.
let commands: [any Command.Type] = [
    ExtractCommand.self,
    BenchCommand.self,
    DataCommand.self,
    ProbeCommand.self,
    RunCommand.self,
    MergeCommand.self,
    InterventionCommand.self,
    NextCommand.self,
    AttributeCommand.self,
    AgreeCommand.self,
    MaskCommand.self,
    TrainLMCommand.self,
]

@MainActor func printHelp() {
    print("workbench — find the neurons of a language model that encode a linguistic property\n")
    print("usage: workbench <command> [options]\n")
    for command in commands { print("  \(command.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(command.summary)") }
    print("\nworkbench help <command> shows a command's options.")
    print("workbench with no command opens the interactive session (also: workbench -c \"use minilm en Number 4; top 10\").")
}

// OpenBLAS reads OPENBLAS_CORETYPE when it loads: on a VM that hides the CPU model it picks generic
// kernels, so re-launch once with the right ones (see BLAS+Kernels.swift).
if let coreType = BLAS.coreTypeCorrection {
    setenv("OPENBLAS_CORETYPE", coreType, 1)
    let argv = CommandLine.unsafeArgv
    execv("/proc/self/exe", argv)
}

MemoryAllocator.keepLargeBlocks()
cel_line_buffer_stdout()   // logs interleave with the progress bar on stderr, also in files
var arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else {
    // No command: the interactive session (libedit on a terminal, plain lines from a pipe or file).
    if isatty(0) != 0 { exit(Repl.interactive()) }
    var lines: [String] = []
    while let line = readLine() { lines.append(line) }
    exit(Repl.runLines(lines, session: Repl.makeSession(), origin: "stdin"))
}
if first == "-c" {
    guard arguments.count == 2 else {
        FileHandle.standardError.write(Data("error: -c takes one argument: workbench -c \"use minilm en Number 4; top 10\"\n".utf8))
        exit(64)
    }
    Interruption.install()
    exit(Repl.runLines([arguments[1]], session: Repl.makeSession()))
}
if first == "help" || first == "--help" || first == "-h" {
    if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
        print(command.usage)
    } else {
        printHelp()
    }
    exit(0)
}
guard let command = commands.first(where: { $0.name == first }) else {
    FileHandle.standardError.write(Data("error: unknown command '\(first)'; see `workbench help`\n".utf8))
    exit(64)
}
var list = ArgumentList(Array(arguments.dropFirst()))
do {
    try command.run(&list)
} catch is CancellationError {
    FileHandle.standardError.write(Data("\ninterrupted: stopped cleanly; nothing partial was kept\n".utf8))
    exit(130)
} catch {
    FileHandle.standardError.write(Data("error: \(ErrorMessage.text(for: error))\n".utf8))
    exit(error is UsageError ? 64 : 1)
}
