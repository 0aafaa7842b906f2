import Foundation

/// Runs a PyTorch anchor script of `scripts/` for a benchmark and reads the JSON object it prints
/// on its last line. Returns nil (after saying why) when no usable Python or script is found, or
/// the script fails: a benchmark then prints its own figures without a ratio.
enum PythonAnchor {
    static func run(python: String, script: String, arguments: [String]) throws -> [String: Any]? {
        guard let process = process(python: python, script: script, arguments: arguments) else { return nil }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            print("PyTorch    failed (exit \(process.terminationStatus))")
            return nil
        }
        return object
    }
}

extension PythonAnchor {
    /// The anchor's process, not started: offline, quiet transformers. nil (after saying why) when
    /// the script or the Python is missing.
    static func process(python: String, script: String, arguments: [String]) -> Process? {
        guard FileManager.default.fileExists(atPath: script) else {
            print("PyTorch    skipped: run from the repository root (\(script) not found)")
            return nil
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            print("PyTorch    skipped: no Python at \(python) (scripts/make-fixtures creates .venv with torch; or pass --python)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        environment["TRANSFORMERS_VERBOSITY"] = "error"
        environment["TQDM_DISABLE"] = "1"
        process.environment = environment
        return process
    }
}
