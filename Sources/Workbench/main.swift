import CEditLine
import Core
import DSL
import Foundation

/// Every subcommand of `workbench`, in the order `help` lists them.
let commands: [any Command.Type] = [
    ExtractCommand.self,
    BenchCommand.self,
    DataCommand.self,
    ProbeCommand.self,
    RankCommand.self,
    RunCommand.self,
    MergeCommand.self,
    InterventionCommand.self,
    NextCommand.self,
    AttributeCommand.self,
    AgreeCommand.self,
    MaskCommand.self,
    TrainLMCommand.self,
    TinyModelCommand.self,
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
    exit(Repl.runLines(lines, session: Repl.makeSession(), origin: Repl.standardInputName))
}
if first == "-c" {
    guard arguments.count == 2 else {
        FileHandle.standardError.write(Data("error: -c takes one argument: workbench -c \"use minilm en Number 4; top 10\"\n".utf8))
        exit(64)
    }
    Interruption.install()
    exit(Repl.runLines([arguments[1]], session: Repl.makeSession()))
}
/// "unknown command 'x'" with the closest command's name, if one is close.
@MainActor func unknownCommand(_ name: String) -> Never {
    let hint = Suggestion.closest(to: name, among: commands.map { $0.name }).map { " — did you mean '\($0)'?" } ?? ""
    FileHandle.standardError.write(Data("error: unknown command '\(name)'\(hint); see `workbench help`\n".utf8))
    exit(64)
}

if first == "help" || first == "--help" || first == "-h" {
    guard arguments.count > 1 else {
        printHelp()
        exit(0)
    }
    guard let command = commands.first(where: { $0.name == arguments[1] }) else { unknownCommand(arguments[1]) }
    print(command.usage)
    exit(0)
}
guard let command = commands.first(where: { $0.name == first }) else { unknownCommand(first) }
// `workbench extract --help`: the command's usage (for `run`, only right after it: later flags are the script's).
let helpWords: Set<String> = ["--help", "-h"]
if let next = arguments.dropFirst().first, helpWords.contains(next) || (command.name != "run" && arguments.dropFirst().contains(where: helpWords.contains)) {
    print(command.usage)
    exit(0)
}
var list = ArgumentList(Array(arguments.dropFirst()))
do {
    try command.run(&list)
} catch is CancellationError {
    FileHandle.standardError.write(Data("\ninterrupted: stopped cleanly; nothing partial was kept\n".utf8))
    exit(130)
} catch let error as UsageError {
    FileHandle.standardError.write(Data("error: \(error.withSuggestion(fromUsage: command.usage))\n".utf8))
    exit(64)
} catch {
    FileHandle.standardError.write(Data("error: \(ErrorMessage.text(for: error))\n".utf8))
    exit(1)
}
