import Foundation

/// Runs a compiled study script: its standard error passes through as it comes, and a script
/// that throws at top level, traps or dies of a signal ends in one line saying where and why,
/// with the runtime's raw crash report kept in a file that line names.
enum ScriptRunner {
    /// Runs `program` and returns the exit status `workbench run` should end with.
    ///
    /// - Parameters:
    ///   - script: the script's source file (where a crash is located)
    ///   - reports: the folder the raw crash report goes to
    ///   - environment: variables set for the script besides this process's own
    static func run(_ program: URL, arguments: [String], script: URL, reports: URL, environment extra: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        // The runtime's backtracer: no pause for a debugger, no colour (the report goes to a file).
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no" }
        // Its standard error is a pipe now: the progress bar should still redraw in place.
        if isatty(STDERR_FILENO) != 0 { environment["NEURON_PROGRESS_TERMINAL"] = "1" }
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let relay = StandardErrorRelay()
        let reader = pipe.fileHandleForReading
        while true {
            let data = reader.availableData
            if data.isEmpty { break }
            relay.take(data)
        }
        process.waitUntilExit()
        relay.finish()
        let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        guard relay.crashed || signal != nil else { return process.terminationStatus }
        if signal == SIGINT {
            FileHandle.standardError.write(Data("\ninterrupted\n".utf8))
            return 130
        }
        let failure = ScriptFailure(errors: String(decoding: relay.captured, as: UTF8.self), script: script, signal: signal)
        var reportNote = "the full report is lost"
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let report = reports.appendingPathComponent("\(script.deletingPathExtension().lastPathComponent)-\(stamp)-\(getpid()).crash.txt")
        do {
            try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
            var text = relay.captured
            text.append(Data("\n[workbench run] \(program.path) \(signal.map { "died of signal \($0)" } ?? "exited with status \(process.terminationStatus)")\n".utf8))
            try text.write(to: report, options: .atomic)
            reportNote = "full report: \(report.path)"
        } catch {
            reportNote = "the full report could not be written to \(report.path): \(error.localizedDescription)"
        }
        FileHandle.standardError.write(Data("error: \(failure.summary) (\(reportNote))\n".utf8))
        return 1
    }
}

/// Passes a child's standard error through line by line until the Swift runtime starts its crash
/// output (`…: Fatal error: …`, `*** Program crashed …`), which is kept instead of shown.
final class StandardErrorRelay {
    /// Everything the child wrote, up to the last ``limit`` bytes.
    private(set) var captured = Data()
    /// The runtime's crash output has begun: nothing more is passed through.
    private(set) var crashed = false
    private var pending = Data()
    private var blankLines = Data()
    private let limit = 4 << 20

    func take(_ data: Data) {
        captured.append(data)
        if captured.count > limit { captured.removeFirst(captured.count - limit) }
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex...newline]
            pending = Data(pending[pending.index(after: newline)...])
            pass(Data(line))
        }
        // A line still being written (a progress bar redrawn after \r) goes out at once, unless it
        // may be the start of the runtime's crash output.
        if !pending.isEmpty, !crashed, !Self.mayBeginCrash(String(decoding: pending, as: UTF8.self)) {
            FileHandle.standardError.write(pending)
            pending = Data()
        }
    }

    func finish() {
        if !pending.isEmpty { pass(pending) }
        pending = Data()
        if !crashed { FileHandle.standardError.write(blankLines) }
        blankLines = Data()
    }

    private func pass(_ line: Data) {
        let text = String(decoding: line, as: UTF8.self)
        if !crashed, Self.isCrashLine(text) { crashed = true }
        guard !crashed else { return }
        // A blank line waits for the next one: the runtime starts its crash output with one.
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            blankLines.append(line)
            return
        }
        FileHandle.standardError.write(blankLines + line)
        blankLines = Data()
    }

    /// A line the Swift runtime writes when a program traps, throws at top level or gets a signal.
    static func isCrashLine(_ line: String) -> Bool {
        line.contains(": Fatal error: ") || line.hasPrefix("Fatal error: ") || line.hasPrefix("*** Signal ")
            || line.hasPrefix("*** Program crashed") || line.hasPrefix("*** Swift runtime failure") || line.hasPrefix("💣 Program crashed")
            || line.hasPrefix("swift-runtime: ")
    }

    static func mayBeginCrash(_ text: String) -> Bool {
        text.hasPrefix("*") || text.contains(".swift:") || text.contains("Fatal") || text.hasPrefix("💣") || text.hasPrefix("swift-runtime")
    }
}

/// What a crashed script's standard error says: why it stopped and where in the script.
struct ScriptFailure: Equatable {
    /// `study.swift:12:7` (or `study.swift:12`), when the runtime's messages place it in the script.
    var location: String?
    var reason: String
    var scriptName: String

    /// `study.swift:12:7: the script failed: Index out of range`.
    var summary: String { "\(location ?? scriptName): the script failed: \(reason)" }

    init(errors: String, script: URL, signal: Int32?) {
        let name = script.lastPathComponent
        scriptName = name
        let lines = errors.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var message: String?, messageLocation: String?
        if let fatal = lines.first(where: { $0.contains("Fatal error: ") }), let range = fatal.range(of: "Fatal error: ") {
            message = String(fatal[range.upperBound...])
            // `StudyScript/study.swift:7: Fatal error: …` — the runtime names the file and line of a
            // failed check in the script (and of the standard library's own, which are not the script's).
            let place = fatal[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            let parts = place.split(separator: ":")
            if parts.count >= 2, let line = Int(parts[parts.count - 1]) {
                let file = parts[..<(parts.count - 1)].joined(separator: ":")
                if file == name || file.hasSuffix("/" + name) { messageLocation = "\(name):\(line)" }
            }
        }
        if message == nil, let failure = lines.first(where: { $0.hasPrefix("*** Swift runtime failure: ") }) {
            message = String(failure.dropFirst("*** Swift runtime failure: ".count)).replacingOccurrences(of: " ***", with: "")
        }
        // The innermost frame of the backtrace in the script itself (compiled with -g):
        // `1  0x… main + 537 in study-… at /path/study.swift:6:46`.
        let marker = " at \(script.path):"
        let frame = lines.first { $0.contains(marker) }.flatMap { line -> String? in
            guard let range = line.range(of: marker) else { return nil }
            let position = line[range.upperBound...].prefix { $0.isNumber || $0 == ":" }
            return position.isEmpty ? nil : "\(name):\(position)"
        }
        location = frame ?? messageLocation
        if var message {
            let topLevel = "Error raised at top level: "
            if message.hasPrefix(topLevel) {
                message = "it threw an error at the top level: "
                    + message.dropFirst(topLevel.count).replacingOccurrences(of: "StudyScript.", with: "")
            }
            reason = message
        } else {
            // No message (an optimised check, a signal): what crashed, and the function it was in.
            let crash = lines.first { $0.hasPrefix("*** Program crashed: ") }.map {
                String($0.dropFirst("*** Program crashed: ".count).prefix { $0 != "*" })
                    .replacingOccurrences(of: #" at 0x[0-9a-f]+"#, with: "", options: .regularExpression)
                    .trimmingCharacters(in: .whitespaces)
            }
            let function = lines.first { $0.range(of: #"^\s*0\s"#, options: .regularExpression) != nil }.flatMap(Self.function)
            let kind = crash ?? signal.map { String(cString: strsignal($0)) } ?? "it crashed"
            let number = signal.map { ", signal \($0)" } ?? ""
            if let function, kind == "Illegal instruction" || kind == "Trace/breakpoint trap" {
                reason = "a runtime check failed in \(function) (\(kind.lowercased())\(number))"
            } else if let function {
                reason = "\(kind.lowercased()) in \(function)\(number)"
            } else {
                reason = "\(kind.lowercased())\(number)"
            }
        }
    }

    /// The function of a backtrace frame line: `0 [inlined] [system] 0x… specialized Array.subscript.getter in prog at …`.
    static func function(_ frame: String) -> String? {
        guard let address = frame.range(of: #"0x[0-9a-f]+ "#, options: .regularExpression) else { return nil }
        var rest = frame[address.upperBound...]
        if let inImage = rest.range(of: " in ", options: .backwards) { rest = rest[..<inImage.lowerBound] }
        var name = rest.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("specialized ") { name = String(name.dropFirst("specialized ".count)) }
        name = name.replacingOccurrences(of: #" \+ \d+$"#, with: "", options: .regularExpression)
        return name.isEmpty ? nil : name
    }
}
