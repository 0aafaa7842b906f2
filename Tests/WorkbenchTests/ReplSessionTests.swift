import DSL
import Foundation
import Testing

/// The REPL's engine on a real treebank with the tiny fixture model, and the real terminal.
@Suite("REPL session", .serialized)
struct ReplSessionTests {
    static let tiny = WorkbenchProcess.fixtures.appendingPathComponent("models/bert-cased-tiny").path

    static func session(_ root: URL) -> Session {
        var options = StudyRunner.Options()
        options.shared = StudyDSLTests.shared
        options.activationCache = ActivationCache(root: root.appendingPathComponent("cache/activations"))
        let session = Session(options: options, folder: root.appendingPathComponent("repl"))
        session.log = { _ in }
        return session
    }

    @Test("use, rank, top, probe, overlap, plot, show and export on one config")
    func session() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let session = Self.session(root)
        let use = try session.evaluate("use \(Self.tiny) es Number 1")
        #expect(use.text.hasPrefix("Spanish Number L1: 16 neurons, labels PL SG"), "\(use.text)")
        let rank = try session.evaluate("Rank(.probeless, .gaussian)")
        #expect(rank.text.contains("study: Rank(.probeless, .gaussian)"))
        #expect(session.current?.result.curves.map(\.ranking).contains("linear") == false)
        let top = try session.evaluate("top 5")
        #expect(top.text.contains("top 5 by probeless"))
        #expect(top.text.split(separator: "\n").count == 1 + 2 + 5)
        #expect(try session.evaluate("top 3 gaussian").text.contains("MI (bits) so far"))
        let probe = try session.evaluate("probe linear by gaussian")
        #expect(probe.text.contains("selectivity"))
        let overlap = try session.evaluate("overlap probeless gaussian 8")
        #expect(overlap.text.contains("top-8 of probeless and gaussian share"))
        // How fast a re-plot answers is a benchmark's question, not a test's (a wall-clock bound fails on a busy machine).
        let plot = try session.evaluate("plot accuracy")
        #expect(plot.figures.count == 1 && FileManager.default.fileExists(atPath: plot.figures[0].path))
        #expect(try session.evaluate("show study").text.contains("Rank(.probeless, .gaussian)"))
        _ = try session.evaluate("Intervene(.translate(beta: 8), neurons: [0, 8, 16])")
        let clwv = try session.evaluate("plot clwv")
        #expect(clwv.figures.count == 2 && clwv.text.contains("translate β=8"), "\(clwv.text)")
        let export = try session.evaluate("export \(root.appendingPathComponent("out").path)")
        #expect(export.text.hasPrefix("wrote"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/curves.csv").path))
        #expect(try session.evaluate("quit").quits)
    }

    @Test("early answers: top and overlap answer while the curves are held back; the curves come coarse first, then equal a plain session's")
    func earlyAnswers() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let session = Self.session(root.appendingPathComponent("early"))
        session.answersEarly = true
        // The curves' thread stops at the gate before its first curve, and after the coarse pass.
        let atGate = DispatchSemaphore(value: 0), open = DispatchSemaphore(value: 0)
        session.beforeCurves = { atGate.signal(); open.wait() }
        let use = try session.evaluate("use \(Self.tiny) es Number 1")
        #expect(use.text.hasPrefix("Spanish Number L1: 16 neurons, labels PL SG"), "\(use.text)")
        #expect(use.text.contains("top and overlap answer now; 14 curves are computing (k = 1, 10, 16"), "\(use.text)")
        atGate.wait()
        // The curve phase is provably pending: its thread waits for `open`.
        let job = try #require(session.job)
        #expect(!job.hasEnded && job.snapshot.complete == 0 && job.snapshot.coarse == 0)
        #expect(session.current?.result.curves.isEmpty == true)
        let top = try session.evaluate("top 5")
        #expect(top.text.contains("top 5 by linear") && top.text.split(separator: "\n").count == 1 + 2 + 5, "\(top.text)")
        #expect(try session.evaluate("top 3 gaussian").text.contains("MI (bits) so far"))
        #expect(try session.evaluate("overlap probeless gaussian 8").text.contains("top-8 of probeless and gaussian share"))
        let plot = try session.evaluate("plot accuracy")
        #expect(plot.text.contains("no curve yet — 0 of 14 curves on every k") && plot.figures.isEmpty, "\(plot.text)")
        #expect(try session.evaluate("probe linear by gaussian").text.contains("the linear curve of gaussian is still computing"))
        #expect(try session.evaluate("show config").text.contains("curves computing: 0 of 14"))
        #expect(!job.hasEnded, "every answer above came before the curves")
        open.signal()
        let finished = try job.wait()
        let after = try session.evaluate("plot accuracy")
        #expect(after.text.hasPrefix("(Spanish Number L1: all 14 curves done in "), "\(after.text)")
        #expect(!after.text.contains("still computing") && after.figures.count == 1)
        #expect(session.job == nil && session.current?.result.curves.count == 14)
        // The same config in a session that waits for its curves (its own caches): the same result.
        let plain = Self.session(root.appendingPathComponent("plain"))
        _ = try plain.evaluate("use \(Self.tiny) es Number 1")
        let expected = try #require(plain.current?.result)
        #expect(finished.curves == expected.curves)
        #expect(finished.rankings == expected.rankings && finished.rankingScores == expected.rankingScores)
        #expect(finished.fullAccuracy == expected.fullAccuracy && finished.gaussianMutualInformation == expected.gaussianMutualInformation)
        #expect(try JSONEncoder().encode(finished.durrani) == JSONEncoder().encode(expected.durrani))
        // What the job stored is what a later `use` reads back.
        let again = Self.session(root.appendingPathComponent("early"))
        again.answersEarly = true
        #expect(try again.evaluate("use \(Self.tiny) es Number 1").text.hasSuffix("(cached)"))
        #expect(again.job == nil && again.current?.result.curves == finished.curves)
    }

    @Test("early answers: the coarse curves show before the rest, and plot says what is still computing")
    func coarseCurvesFirst() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let session = Self.session(root)
        session.answersEarly = true
        let atGate = DispatchSemaphore(value: 0), open = DispatchSemaphore(value: 0)
        session.beforeCurves = { atGate.signal(); open.wait() }
        _ = try session.evaluate("Rank(.probeless, .random)")
        _ = try session.evaluate("use \(Self.tiny) es Number 1")
        atGate.wait()
        let job = try #require(session.job)
        #expect(job.passes.prefix(6).map(\.neuronCounts) == Array(repeating: [1, 10, 16], count: 6), "coarse pass over every curve first")
        // Then each curve on its other k, one curve after another, the Gaussian probe's first.
        let rest = Array(job.passes.dropFirst(6))
        let refined = rest.map(\.index).reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
        #expect(Set(refined).count == 6 && refined.count == 6, "\(refined)")
        #expect(refined.map { job.ranked.combinations[$0].classifier } == [.gaussian, .gaussian, .gaussian, .linear, .linear, .linear])
        for index in 0..<6 {
            #expect(rest.filter { $0.index == index }.flatMap(\.neuronCounts) == [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15])
        }
        open.signal()
        _ = try job.wait()
        #expect(try session.evaluate("probe gaussian by probeless").text.contains("all 6 curves done in "))
    }

    @Test("a rejected line leaves the study and the selected config as they were; export honours quotes")
    func rejectedLinesChangeNothing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let session = Self.session(root)
        _ = try session.evaluate("use \(Self.tiny) es Number 1")
        let study = try session.evaluate("show study").text
        let selected = session.current?.planned.name
        #expect(study.contains("Layers(1)"), "\(study)")
        #expect(throws: StudyError.layerBeyondModel(layer: 99, model: Self.tiny, layerCount: 2)) { try session.evaluate("Layers(99)") }
        #expect(try session.evaluate("show study").text == study)
        #expect(throws: StudyError.modelNotFound(name: "/nonexistent", folder: "/nonexistent")) {
            try session.evaluate(#"Model(.local("/nonexistent"))"#)
        }
        #expect(try session.evaluate("show study").text == study)
        #expect(throws: (any Error).self) { try session.evaluate("use /nonexistent es Number 1") }
        #expect(try session.evaluate("show study").text == study)
        #expect(session.current?.planned.name == selected)
        // The session still works on what it had.
        #expect(try session.evaluate("top 3").text.contains("top 3 by"))
        // Neurons past the layer's width: the curves stop at the width, and the session says so.
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let logged = Lines()
        session.log = { logged.all.append($0) }
        _ = try session.evaluate("Probe(.linear, neurons: 1...100000)")
        #expect(logged.all.contains("Probe: neurons: k goes up to 100000, but a layer of \(Self.tiny) has 16 neurons — the curves stop at k = 16"),
                "\(logged.all)")
        #expect(session.current?.result.curves.first?.neuronCounts == Array(1...16))
        let spaced = root.appendingPathComponent("with spaces/out")
        let export = try session.evaluate("export \"\(spaced.path)\"")
        #expect(export.text == "wrote \(spaced.path) (config.json, curves.csv, overlaps.csv, figures/)", "\(export.text)")
        #expect(FileManager.default.fileExists(atPath: spaced.appendingPathComponent("curves.csv").path))
    }

    @Test("lines on standard input: an error names its line and column, ;;;; is an empty line, quit extra does not quit")
    func standardInput() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stdin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let input = "help use\n;;;;\ntpo 10\nquit extra\nSeed(-1)\nhelp top; quit\nhelp plot\n"
        let result = try WorkbenchProcess.run([], environment: ["HOME": root.path, "NEURON_CACHE": root.appendingPathComponent("cache").path],
                                              directory: root, input: input)
        #expect(result.status == 1, "\(result.errors)")
        let errors = result.errors.split(separator: "\n").map(String.init).filter { $0.contains("error") }
        #expect(errors == ["stdin:3:1: error: unknown command 'tpo' — did you mean 'top'?",
                           "stdin:4:6: error: quit takes no arguments",
                           "stdin:5:6: error: a seed is a whole number ≥ 0, not -1"], "\(result.errors)")
        #expect(result.output.contains(Session.help("top")), "the line after quit extra ran: \(result.output)")
        #expect(!result.output.contains(Session.help("plot")), "quit on line 6 ends the session: \(result.output)")
    }

    @Test("workbench < commands.txt: an error names the file, the line and the column in that line")
    func commandsFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stdin-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("commands.txt")
        try Data("help top\n\nhelp use;   tpo 10\n".utf8).write(to: file)
        let result = try WorkbenchProcess.run([], environment: ["HOME": root.path, "NEURON_CACHE": root.appendingPathComponent("cache").path],
                                              directory: root, inputFile: file)
        #expect(result.status == 1)
        let errors = result.errors.split(separator: "\n").map(String.init).filter { $0.contains("error") }
        #expect(errors == ["commands.txt:3:13: error: unknown command 'tpo' — did you mean 'top'?"], "\(result.errors)")
        #expect(Session.commands(in: "help use;   tpo 10; ;x").map(\.column) == [0, 12, 21])
    }

    @Test("a real terminal: completion, history, charts, errors and exit (tmux)")
    func terminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: scripts/setup installs it")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let name = "wb\(getpid())"
        // tmux's client forks the server, which outlives it: see DetachedSpawn for why not Process.
        // A server of its own (-L), apart from any tmux the person running the tests uses.
        func tmux(_ arguments: String...) throws -> String { try DetachedSpawn.run("/usr/bin/tmux", ["-L", name] + arguments).output }
        func screen() throws -> String { try tmux("capture-pane", "-p", "-S", "-200", "-t", name) }
        func waitFor(_ text: String, seconds: Double = 60) throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try screen().contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return false
        }
        func expectScreen(_ text: String, _ what: String = "", seconds: Double = 60) throws {
            if try !waitFor(text, seconds: seconds) { Issue.record("\(what) expected '\(text)' on the screen:\n\(try screen())") }
        }
        let environment = "HOME=\(root.path) NEURON_CACHE=\(root.path)/cache NEURON_SHARED=\(StudyDSLTests.shared.root.path) NO_COLOR=1"
        _ = try tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "50",
                     "cd \(root.path) && env \(environment) \(WorkbenchProcess.executable.path); sleep 30")
        defer { _ = try? tmux("kill-session", "-t", name) }
        try expectScreen("workbench>")
        _ = try tmux("send-keys", "-t", name, "use \(Self.tiny) es Number 1", "Enter")
        try expectScreen("Spanish Number L1: 16 neurons")
        _ = try tmux("send-keys", "-t", name, "Rank(.prob", "Tab")
        try expectScreen("Rank(.probeless", "completion of a case")
        _ = try tmux("send-keys", "-t", name, ", .gaussian)", "Enter")
        try expectScreen("study: Rank(.probeless, .gaussian)")
        _ = try tmux("send-keys", "-t", name, "to", "Tab", "5", "Enter")
        try expectScreen("top 5 by probeless", "completion of a verb")
        _ = try tmux("send-keys", "-t", name, "plot accuracy", "Enter")
        try expectScreen("wrote ")
        _ = try tmux("send-keys", "-t", name, "overlap probless gaussian", "Enter")
        try expectScreen("did you mean 'probeless'?")
        _ = try tmux("send-keys", "-t", name, "Up", "Enter")   // history recalls the last line
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try screen().components(separatedBy: "did you mean 'probeless'?").count < 3 {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let final = try screen()
        #expect(final.components(separatedBy: "did you mean 'probeless'?").count == 3, "\(final)")
        _ = try tmux("send-keys", "-t", name, "C-d")
        Thread.sleep(forTimeInterval: 1)
        // libedit's history file escapes spaces as \040.
        let history = ((try? String(contentsOf: root.appendingPathComponent(".neuron_workbench_history"), encoding: .utf8)) ?? "")
            .replacingOccurrences(of: "\\040", with: " ")
        #expect(history.contains("Rank(.probeless, .gaussian)"), "history: \(history)")
        #expect(history.contains("plot accuracy"))
    }
}
