import Core
import Foundation

/// Runs the built `workbench` executable, as a user would, and captures what it prints.
struct WorkbenchProcess {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// The executable next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("workbench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "workbench")
    }

    /// `Tests/CoreTests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("CoreTests/Fixtures")

    /// The tiny random-weight Gemma 3 GGUF (`TinyGemma3`), written once per test process under the
    /// temporary folder: no model file is kept in the repository.
    static let tinyGemma3: String = ((try? TinyGemma3.temporaryFile()) ?? fixtures.appendingPathComponent("gemma3-tiny-not-written.gguf")).path

    /// - Parameter quiet: run with `NEURON_QUIET` (no progress bars); false leaves it out.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], directory: URL? = nil,
                    input: String? = nil, inputFile: URL? = nil, quiet: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NEURON_QUIET"] = quiet ? "1" : nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        if let inputFile { process.standardInput = try FileHandle(forReadingFrom: inputFile) }
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                      errors: String(decoding: err, as: UTF8.self))
    }

    /// Starts every command at once (each its own process) and waits for all of them, as
    /// `parallel workbench …` or a Slurm array would; output goes through files, so no process
    /// waits on a full pipe.
    static func runTogether(_ commands: [[String]], environment extra: [String: String] = [:]) throws -> [Result] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("together-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["NEURON_QUIET"] = "1"
        for (key, value) in extra { environment[key] = value }
        var started: [(process: Process, output: URL, errors: URL)] = []
        for (index, arguments) in commands.enumerated() {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = environment
            let output = folder.appendingPathComponent("\(index).out"), errors = folder.appendingPathComponent("\(index).err")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            process.standardInput = FileHandle.nullDevice
            started.append((process, output, errors))
        }
        for entry in started { try entry.process.run() }
        return try started.map { entry in
            entry.process.waitUntilExit()
            return Result(status: entry.process.terminationStatus,
                          output: try String(contentsOf: entry.output, encoding: .utf8),
                          errors: try String(contentsOf: entry.errors, encoding: .utf8))
        }
    }
}
