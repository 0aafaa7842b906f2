import Core
import DSL
import Foundation

/// `workbench run study.swift`: compiles a study script against the DSL (no Package.swift edit)
/// and runs it; flags after the script go to the study (`--dry-run`, `--shard i/n`, `--out DIR`, …).
enum RunCommand: Command {
    static let name = "run"
    static let summary = "compile and run a study script written with the DSL (Study { Model(.minilm); … })"
    static var usage: String {
        let flags = StudyRunner.Options.flags.map { flag in
            let name = [flag.name, flag.value].compactMap { $0 }.joined(separator: " ")
            return "  " + name.padding(toLength: max(21, name.count + 1), withPad: " ", startingAt: 0) + flag.help
        }
        return """
            usage: workbench run SCRIPT.swift [--dry-run] [--shard i/n] [--out DIR] [--force] [--shared DIR] [--cache DIR]
                   workbench run SCRIPT.swift --slurm N [--partition P] [--time T] [--cpus-per-task C] [--mem M] …

            Compiles SCRIPT.swift with swiftc against the DSL library this workbench was built with
            (`import DSL`), caches the program by the script's hash, and runs it. Its flags reach the
            study's `run()` (`--flag value` or `--flag=value`):
            \(flags.joined(separator: "\n"))
            --out is refused when it holds anything but this study's results (its shards' included)
            unless --force. --slurm writes job.sbatch (the array, one shard per task), merge.sbatch
            (afterok on the array) and submit into the job folder, and prints each shard's estimate.
            Paper presets: scripts/studies/*.swift.
            """
    }

    static func run(_ arguments: inout ArgumentList) throws {
        let all = arguments.rest()
        guard let script = all.first, !script.hasPrefix("--") else { throw UsageError("workbench run needs a script: workbench run study.swift") }
        let scriptURL = URL(fileURLWithPath: script)
        guard FileManager.default.fileExists(atPath: scriptURL.path) else { throw UsageError("no script at \(scriptURL.path)") }
        let program = try StudyScript.compile(scriptURL)
        Interruption.install()
        // A script that throws at top level or traps ends in one line (where and why), not a dump.
        // What --slurm writes into its job scripts: this workbench and this script.
        var environment = [SlurmJobArray.Program.workbenchVariable: StudyScript.executable.path,
                           SlurmJobArray.Program.scriptVariable: scriptURL.absoluteURL.standardizedFileURL.path]
        // The script is compiled elsewhere: it finds the shared data where this workbench does.
        if ProcessInfo.processInfo.environment["NEURON_SHARED"].map({ $0.isEmpty }) ?? true {
            environment["NEURON_SHARED"] = SharedData().root.path
        }
        let status = try ScriptRunner.run(program, arguments: Array(all.dropFirst()), script: scriptURL, reports: StudyScript.folder,
                                          environment: environment)
        if status != 0 { exit(status) }
    }
}

/// Compiles study scripts against the DSL library built beside the `workbench` executable.
enum StudyScript {
    /// This `workbench` executable.
    static var executable: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
    }

    /// The folder holding `workbench`, `libNeuronWorkbench.so` and `Modules/`.
    static var buildFolder: URL { executable.deletingLastPathComponent() }

    /// The package root (for the C module maps Core's module needs).
    static func packageRoot(from folder: URL) -> URL? {
        var candidate = folder
        while candidate.path != "/" {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Sources/COpenBLAS/module.modulemap").path) {
                return candidate
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return nil
    }

    /// Where compiled scripts (and the crash reports of scripts that failed) are kept.
    static var folder: URL {
        ActivationCache.defaultCacheRoot.appendingPathComponent("scripts", isDirectory: true)
    }

    /// Optimised, with debug information: a crash's backtrace then names the script's line.
    static let compilerFlags = ["-O", "-g"]

    /// The compiled program for a script, built now unless the same script was compiled against
    /// the same library before.
    static func compile(_ script: URL) throws -> URL {
        let build = buildFolder
        let library = build.appendingPathComponent("libNeuronWorkbench.so")
        let modules = build.appendingPathComponent("Modules")
        guard FileManager.default.fileExists(atPath: library.path),
              FileManager.default.fileExists(atPath: modules.appendingPathComponent("DSL.swiftmodule").path) else {
            throw UsageError("the DSL library is missing beside \(build.path): build the package (swift build -c release) first")
        }
        guard let root = packageRoot(from: build) else { throw UsageError("cannot find the package sources above \(build.path)") }
        let source = try Data(contentsOf: script)
        let libraryStamp = try ContentHash.ofFile(library)
        let key = ContentHash.combine([String(decoding: source, as: UTF8.self), libraryStamp, BuildInfo.version, compilerFlags.joined(separator: " ")])
        let folder = Self.folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let program = folder.appendingPathComponent(script.deletingPathExtension().lastPathComponent + "-" + key)
        if FileManager.default.isExecutableFile(atPath: program.path) { return program }
        // Shards started together compile the script once: the others wait, then run that program.
        let lock = try EntryLock.acquire(for: program) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        defer { lock.release() }
        if FileManager.default.isExecutableFile(atPath: program.path) { return program }
        let partial = folder.appendingPathComponent(program.lastPathComponent + ".partial-\(getpid())")
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["swiftc"] + compilerFlags + ["-module-name", "StudyScript", script.path,
                              "-I", modules.path, "-I", root.appendingPathComponent("Sources/COpenBLAS").path,
                              "-I", root.appendingPathComponent("Sources/CEditLine").path,
                              "-L", build.path, "-lNeuronWorkbench", "-Xlinker", "-rpath", "-Xlinker", build.path,
                              "-o", partial.path]
        FileHandle.standardError.write(Data("compiling \(script.lastPathComponent)…\n".utf8))
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw UsageError("\(script.path) does not compile (swiftc's messages above)")
        }
        try FileManager.default.moveItem(at: partial, to: program)
        return program
    }
}
