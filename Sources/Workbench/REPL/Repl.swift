import CEditLine
import Core
import DSL
import Foundation

/// `workbench` with no arguments: the interactive session. With a terminal, lines are read with
/// libedit (history in ~/.neuron_workbench_history, Tab completion); otherwise (`workbench <
/// commands.txt`) or with `-c "…; …"`, the same lines are evaluated without the line editor.
enum Repl {
    /// The session the completion callback reads (libedit's C callbacks carry no context we own).
    nonisolated(unsafe) static var session: Session?

    static var historyFile: String {
        let home = ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".neuron_workbench_history").path
    }

    /// Evaluates lines without a line editor; returns the exit status (1 if any line failed).
    ///
    /// - Parameter origin: where the lines come from (`stdin`): errors then start with
    ///   `stdin:3:`, the number of the line that failed.
    static func runLines(_ lines: [String], session: Session, origin: String? = nil) -> Int32 {
        var status: Int32 = 0
        for (index, line) in lines.enumerated() {
            if !evaluate(line, in: session, location: origin.map { "\($0):\(index + 1)" }) { status = 1 }
            if quitRequested { break }
        }
        return status
    }

    /// What errors of lines read from standard input are located by: the file's path when
    /// standard input is a file (`workbench < commands.txt` → `commands.txt:3:11`), else `stdin`.
    static var standardInputName: String {
        var status = stat()
        guard fstat(0, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
              let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/0") else { return "stdin" }
        let directory = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(directory) ? String(path.dropFirst(directory.count)) : path
    }

    nonisolated(unsafe) static var quitRequested = false

    /// Evaluates one line, command by command (`;` joins them; empty ones are skipped), and prints
    /// each reply or the error that stops the line; returns false on error.
    ///
    /// - Parameter location: what to put before an error (`stdin:3`), if anything.
    @discardableResult
    static func evaluate(_ line: String, in session: Session, location: String? = nil) -> Bool {
        let prefix = location.map { "\($0): " } ?? ""
        for (command, column) in Session.commands(in: line) {
            Interruption.reset()
            do {
                let reply = try session.evaluate(command)
                if !reply.text.isEmpty { print(reply.text) }
                if reply.quits {
                    quitRequested = true
                    return true
                }
                continue
            } catch let error as LineError {
                // The column in the whole line: `commands.txt:3:11: error: …`.
                let place = location.map { "\($0):\(column + error.column + 1): " } ?? ""
                FileHandle.standardError.write(Data((place + error.rendered(line: command.trimmingCharacters(in: .whitespaces)) + "\n").utf8))
            } catch is CancellationError {
                FileHandle.standardError.write(Data("\(prefix)cancelled\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("\(prefix)error: \(ErrorMessage.text(for: error))\n".utf8))
            }
            return false
        }
        return true
    }

    static func makeSession() -> Session {
        let session = Session()
        session.color = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 40 {
            session.chartWidth = min(Int(size.ws_col) - 2, 110)
            session.chartHeight = max(10, min(Int(size.ws_row) / 3, 24))
        }
        return session
    }

    /// The interactive loop with libedit.
    static func interactive() -> Int32 {
        Interruption.install()
        Interruption.secondPressExits = false
        let session = makeSession()
        session.answersEarly = true   // a new config's rankings answer while its curves are computed
        self.session = session
        print("Neuron Workbench \(BuildInfo.version) — type help, or: use minilm en Number 4 (Tab completes, Ctrl-D quits)")
        guard let input = fdopen(0, "r"), let output = fdopen(1, "w"), let errors = fdopen(2, "w"),
              let editor = el_init("workbench", input, output, errors) else {
            var lines: [String] = []
            while let line = readLine() { lines.append(line) }
            return runLines(lines, session: session, origin: standardInputName)
        }
        let history = history_init()
        defer {
            if let history {
                cel_history_save(history, historyFile)
                history_end(history)
            }
            el_end(editor)
        }
        if let history {
            cel_history_set_size(history, 1000)
            cel_history_set_unique(history, 1)
            cel_el_set_history(editor, history)
            cel_history_load(history, historyFile)
        }
        cel_el_set_editor(editor, "emacs")
        cel_el_set_prompt(editor) { _ in Repl.prompt }
        cel_el_add_function(editor, "workbench-complete", "complete a verb, component, case or name") { editor, _ in
            Repl.complete(editor)
        }
        cel_el_bind(editor, "^I", "workbench-complete")
        cel_el_source_default(editor)
        while true {
            var count: Int32 = 0
            guard let raw = el_gets(editor, &count) else {
                print("")
                session.finishCurves()   // Ctrl-D: the curves being computed are finished and cached
                break
            }
            let line = String(cString: raw).trimmingCharacters(in: .newlines)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if let history {
                cel_history_enter(history, line)
                cel_history_save(history, historyFile)
            }
            evaluate(line, in: session)
            if quitRequested { break }
        }
        return 0
    }

    nonisolated(unsafe) static let prompt: UnsafeMutablePointer<CChar> = strdup("workbench> ")!

    /// Tab: completes the word before the cursor, or lists the choices.
    static func complete(_ editor: OpaquePointer?) -> UInt8 {
        guard let editor, let session, let info = el_line(editor) else { return UInt8(CC_NORM) }
        let start = info.pointee.buffer!, cursor = info.pointee.cursor!
        let length = cursor - start
        let prefix = String(decoding: UnsafeRawBufferPointer(start: start, count: length).bindMemory(to: UInt8.self), as: UTF8.self)
        let choices = session.completions(for: prefix)
        let word = String(prefix.reversed().prefix { !" (,[".contains($0) }.reversed())
        guard !choices.isEmpty else { return UInt8(CC_NORM) }
        let common = choices.dropFirst().reduce(choices[0]) { partial, choice in
            String(zip(partial, choice).prefix { $0 == $1 }.map(\.0))
        }
        if common.count > word.count {
            var addition = String(common.dropFirst(word.count))
            if choices.count == 1, !addition.hasSuffix("("), !word.hasPrefix(".") { addition += " " }
            _ = addition.withCString { el_insertstr(editor, $0) }
            return UInt8(CC_REFRESH)
        }
        if choices.count > 1 {
            print("\n" + choices.joined(separator: "  "))
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_NORM)
    }
}
