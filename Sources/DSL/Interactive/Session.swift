import Core
import Foundation

/// An interactive study: one line at a time, evaluated against cached activations and results.
///
/// A line is a DSL component exactly as in a script (`Layers(4)`, `Rank(.probeless, .gaussian)`),
/// which updates the session's study, or a short verb (`use minilm en Number 4`, `top 20`, `plot
/// accuracy`, …). Several lines can be joined with `;`. The REPL, `workbench -c` and
/// `workbench < file` all go through ``evaluate(_:)``.
public final class Session {
    /// What a line printed, and the figures it wrote.
    public struct Reply: Sendable {
        public var text: String
        public var figures: [URL] = []
        /// `quit` was typed.
        public var quits = false
    }

    /// The session's study, as components (a `Study` without a name).
    public private(set) var components: [any StudyComponent]
    public var options: StudyRunner.Options
    /// Where figures and exports go.
    public var folder: URL
    /// Terminal chart size and colour.
    public var chartWidth = 78, chartHeight = 18, color = false
    /// Messages while computing (extraction, probing).
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    /// The selected config's plan entry and result (while its curves are computed, the result
    /// with the curves so far).
    public var current: (planned: PlannedConfig, result: ConfigResult, plan: StudyPlan)? {
        guard let selected else { return nil }
        guard let job else { return selected }
        return (selected.planned, job.snapshot.result, selected.plan)
    }
    private var selected: (planned: PlannedConfig, result: ConfigResult, plan: StudyPlan)?
    /// Answer from a new config's rankings at once and compute its curves on another thread (the
    /// interactive REPL): `top`, `overlap` and `plot overlap` answer from the rankings, `probe` and
    /// `plot accuracy|selectivity` show the curves so far, and what needs every curve waits for
    /// them. Off (scripts, `-c`, standard input), `use` returns once the curves are done.
    public var answersEarly = false
    /// Runs on the curves' thread before their first curve (a test holds the curves back with it).
    public var beforeCurves: (@Sendable () -> Void)?
    /// The selected config's curves while they are computed (with ``answersEarly``).
    public private(set) var job: ProbingJob?
    private var scores: [String: [Double]] = [:]
    /// The learned masks of the last `run` (or of the folder `units FOLDER` read).
    public private(set) var masks: [MaskConfigResult] = []

    public init(options: StudyRunner.Options = StudyRunner.Options(), folder: URL = URL(fileURLWithPath: ResultsFolder.defaultPath("repl"), isDirectory: true)) {
        self.options = options
        self.folder = folder
        // The defaults of the README's study, so its cached configs answer at once: every ranking,
        // both probes at k = 1…150, a uniform control task.
        components = [Model(.minilm), Rank(.linear, .gaussian, .probeless, .random),
                      Probe(.linear, .gaussian, neurons: 1...150), Control(.uniform)]
    }

    public var study: Study { Study("repl", components: components) }

    /// The verbs, for completion and help.
    public static let verbs = ["use", "top", "probe", "overlap", "plot", "units", "show", "run", "export", "help", "quit"]

    // MARK: - Evaluation

    /// Evaluates one line (or several joined by `;`; empty commands between separators are skipped).
    ///
    /// A command the session rejects leaves the study as it was: each edit is checked (and the
    /// selected config recomputed) on a copy, which replaces the study only when all went well.
    ///
    /// - Throws: ``LineError`` (with a column) for what was typed; Core errors for what the data or
    ///   model say; `CancellationError` after Ctrl-C.
    public func evaluate(_ line: String) throws -> Reply {
        var text: [String] = [], figures: [URL] = []
        for part in Self.split(line) {
            let reply = try evaluateCommand(part)
            if !reply.text.isEmpty { text.append(reply.text) }
            figures += reply.figures
            if reply.quits { return Reply(text: text.joined(separator: "\n"), figures: figures, quits: true) }
        }
        return Reply(text: text.joined(separator: "\n"), figures: figures)
    }

    /// Evaluates one command (a line without `;`); first says so if the selected config's curves
    /// have finished since the last command.
    private func evaluateCommand(_ command: String) throws -> Reply {
        let note = adoptFinishedCurves()
        var reply = try evaluateVerb(command)
        if let note { reply.text = reply.text.isEmpty ? note : note + "\n" + reply.text }
        return reply
    }

    private func evaluateVerb(_ command: String) throws -> Reply {
        let trimmed = command.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("//") || trimmed.hasPrefix("#") { return Reply(text: "") }
        if let first = trimmed.first, first.isUppercase { return try component(trimmed) }
        let words = try Self.words(in: trimmed)
        let verb = words[0].text
        let arguments = words.dropFirst().map(\.text)
        switch verb {
        case "use": return try use(arguments, line: trimmed)
        case "top": return try top(arguments, line: trimmed)
        case "probe": return try probe(arguments, line: trimmed)
        case "overlap": return try overlap(arguments, line: trimmed)
        case "plot" where arguments.first == "mask" || arguments.first == "masks":
            return try plotMask(Array(arguments.dropFirst()), line: trimmed)
        case "plot": return try plot(arguments, line: trimmed)
        case "units": return try units(arguments, line: trimmed)
        case "show": return try show(arguments, line: trimmed)
        case "run": return try runStudy(arguments)
        case "export": return try export(arguments)
        case "help", "?": return Reply(text: Self.help(arguments.first))
        case "quit", "exit", "q":
            if words.count > 1 {
                throw LineError("\(verb) takes no arguments", column: words[1].column,
                                length: words.last!.column + words.last!.length - words[1].column)
            }
            finishCurves()
            return Reply(text: "", quits: true)
        default:
            throw LineError("unknown command '\(verb)'" + Suggestion.hint(for: verb, among: Self.verbs + ComponentReader.componentNames),
                            column: words[0].column, length: words[0].length)
        }
    }

    /// Splits at `;` outside quotes (`"…"`, `'…'`), backslash escapes and parentheses; the parts
    /// that hold nothing but spaces are left out (`;;;;` is an empty line).
    public static func split(_ line: String) -> [String] { commands(in: line).map(\.text) }

    /// ``split(_:)``'s parts with the 0-based column of each one's first non-space character in
    /// the line, so an error's column (counted in the trimmed command) can be placed in the line.
    public static func commands(in line: String) -> [(text: String, column: Int)] {
        var parts: [(text: String, column: Int)] = [], current = "", start = 0, depth = 0
        var quote: Character?, escaped = false
        func close() {
            let leading = current.prefix { $0 == " " || $0 == "\t" }.count
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append((current, start + leading)) }
        }
        for (offset, c) in line.enumerated() {
            if escaped {
                escaped = false
            } else if c == "\\" && quote != "'" {
                escaped = true
            } else if let open = quote {
                if c == open { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "(" || c == "[" {
                depth += 1
            } else if c == ")" || c == "]" {
                depth -= 1
            } else if c == ";" && depth == 0 {
                close()
                current = ""
                start = offset + 1
                continue
            }
            current.append(c)
        }
        close()
        return parts
    }

    /// A word of a verb line, with the columns it spans (quotes included).
    public struct Word: Equatable, Sendable {
        public var text: String
        /// 0-based offset of the word's first character (a quote, if it starts with one).
        public var column: Int
        /// Characters the word spans in the line.
        public var length: Int

        public init(_ text: String, column: Int, length: Int) {
            self.text = text
            self.column = column
            self.length = length
        }
    }

    /// Splits a verb line into words as a shell does: spaces separate, `"…"` and `'…'` keep
    /// spaces, a backslash takes the next character as it is (inside `'…'` it is a backslash).
    ///
    /// `export "/path with spaces/x"` → `export`, `/path with spaces/x`.
    /// - Throws: ``LineError`` at an unterminated quote, or a backslash that ends the line.
    public static func words(in line: String) throws -> [Word] {
        var words: [Word] = []
        var text = "", start: Int?, quote: (character: Character, column: Int)?, escaped = false
        func end(at column: Int) {
            if let first = start { words.append(Word(text, column: first, length: column - first)) }
            text = ""
            start = nil
        }
        for (column, c) in line.enumerated() {
            if escaped {
                text.append(c)
                escaped = false
                continue
            }
            if let open = quote {
                if c == open.character {
                    quote = nil
                } else if c == "\\" && open.character == "\"" {
                    escaped = true
                } else {
                    text.append(c)
                }
                continue
            }
            if c == " " || c == "\t" {
                end(at: column)
                continue
            }
            if start == nil { start = column }
            if c == "\"" || c == "'" {
                quote = (c, column)
            } else if c == "\\" {
                escaped = true
            } else {
                text.append(c)
            }
        }
        if let open = quote {
            throw LineError("the quote \(open.character) is never closed", column: open.column)
        }
        if escaped { throw LineError("a backslash ends the line (nothing to escape)", column: line.count - 1) }
        end(at: line.count)
        return words
    }

    /// The column where word `index` (counted as ``words(in:)`` splits) starts; the end of the
    /// line when there are fewer words.
    static func column(of index: Int, in line: String) -> Int {
        guard let words = try? words(in: line), index < words.count else { return line.count }
        return words[index].column
    }

    // MARK: - Components

    private func component(_ line: String) throws -> Reply {
        let component = try ComponentReader.read(line)
        let replaced = type(of: component).componentName
        // The edit is made on a copy, which becomes the study only once every check (and the
        // selected config's recomputation) has passed: a rejected line changes nothing.
        var edited = components
        // Model, Layers, Rank, Probe, Control, … replace the earlier line; Languages and Attributes
        // in the REPL replace too (one config at a time); Intervene, Mask and Report add up.
        if !["Intervene", "Mask", "Report"].contains(replaced) {
            edited.removeAll { type(of: $0).componentName == replaced }
        }
        // A Model and a user's Activations are two sources of the same rows: each replaces the other.
        if replaced == "Model" || replaced == "Activations" {
            edited.removeAll { ["Model", "Activations"].contains(type(of: $0).componentName) }
        }
        edited.append(component)
        let settings = Study("repl", components: edited).settings
        // The component's own problems, and contradictions it creates (not the parts still missing).
        let problems = component.problems() + settings.problems().filter {
            if case .missingComponent = $0 { return false } else { return true }
        }
        if let first = problems.first { throw first }
        if ["Model", "Layers"].contains(replaced) { try Self.checkModel(of: settings) }
        var text = "study: \(component)"
        // A narrower Rank needs no new work: keep the curves of the chosen rankings.
        if component is Rank, job != nil { try waitForCurves() }
        if let rank = component as? Rank, let selected {
            let computed = Set(selected.result.curves.map { $0.ranking.replacingOccurrences(of: "↑", with: "") })
            if rank.methods.allSatisfy({ computed.contains($0.rawValue) }) {
                var result = selected.result
                let kept = Set(rank.methods.map(\.rawValue))
                result.curves = result.curves.filter { kept.contains($0.ranking.replacingOccurrences(of: "↑", with: "")) }
                components = edited
                self.selected = (selected.planned, result, selected.plan)
                return Reply(text: text + "\n\(selected.planned.name): curves of \(rank.methods.map(\.rawValue).joined(separator: ", ")) (already computed)")
            }
        }
        // Lines that change what a config's result is recompute (or read back) the selected one.
        if Self.isSingleConfig(settings), ["Model", "Activations", "Languages", "Attributes", "Layers", "Rank", "Probe", "Control", "MinTypes", "Seed", "Durrani"].contains(replaced) {
            text += "\n" + (try select(settings))
        }
        components = edited
        return Reply(text: text)
    }

    /// The model of a study can be opened and has the study's layers (the planner checks the same
    /// again; the session checks it for a Model or Layers line even when no config is selected).
    static func checkModel(of settings: StudyDescription) throws {
        guard let name = settings.model else { return }
        let folder = ModelCatalog.resolve(name)
        guard let source = try? ModelSource(url: folder) else { throw StudyError.modelNotFound(name: name, folder: folder.path) }
        let shape = try source.shape()
        if let layer = settings.layers.first(where: { $0 > shape.layerCount }) {
            throw StudyError.layerBeyondModel(layer: layer, model: name, layerCount: shape.layerCount)
        }
    }

    static func isSingleConfig(_ settings: StudyDescription) -> Bool {
        if let activations = settings.activations { return activations.arrays.count == 1 }
        return settings.model != nil && settings.languages.count == 1 && settings.attributes.count == 1 && settings.layers.count == 1
    }

    /// Plans the single config `settings` describe and computes (or reads back) its result, which
    /// becomes the selected one; with ``answersEarly``, a config not in the cache becomes the
    /// selected one with its rankings, and its curves follow on another thread.
    private func select(_ settings: StudyDescription) throws -> String {
        var settings = settings
        settings.interventions = []
        if answersEarly, let text = try selectEarly(settings) { return text }
        let runner = StudyRunner(options: sessionOptions)
        let outcome = try runner.run(settings, log: log)
        guard let planned = outcome.plan.configs.first(where: { $0.work == .probing }), let result = outcome.results.first else {
            return "no config to probe: \(outcome.plan.notes.joined(separator: "; "))"
        }
        replaceJob(with: nil)
        selected = (planned, result, outcome.plan)
        scores = result.rankingScores ?? [:]
        return Self.describe(planned, result) + (outcome.cached > 0 ? " (cached)" : String(format: " (%.0f s)", result.provenance.seconds))
    }

    /// The first line of `use`: the config, its data and both probes on all neurons.
    static func describe(_ planned: PlannedConfig, _ result: ConfigResult) -> String {
        let accuracy = result.fullAccuracy.sorted { $0.key > $1.key }.map { "\($0.key) \(String(format: "%.1f%%", $0.value * 100))" }
        return "\(planned.name): \(result.neuronCount) neurons, labels \(result.labels.joined(separator: " ")), "
            + "train/dev/test \(result.examples.slashed); "
            + "all neurons: " + accuracy.joined(separator: ", ")
    }

    /// ``select(_:)`` with early answers: the cached result, or the rankings now and a ``ProbingJob``
    /// for the curves; nil when the study has no probing config (``select(_:)`` then says why).
    private func selectEarly(_ settings: StudyDescription) throws -> String? {
        let began = Date()
        guard let prepared = try StudyRunner(options: sessionOptions).prepareFirstConfig(settings, log: log) else { return nil }
        if let cached = prepared.cached {
            replaceJob(with: nil)
            selected = (prepared.planned, cached, prepared.plan)
            scores = cached.rankingScores ?? [:]
            return Self.describe(prepared.planned, cached) + " (cached)"
        }
        let ranked = try prepared.rank()
        let job = ProbingJob(probing: prepared.probing, ranked: ranked, cacheFile: prepared.cacheFile, withDurrani: prepared.withDurrani,
                             beforeCurves: beforeCurves)
        replaceJob(with: job)
        job.start()
        selected = (prepared.planned, ranked.partial, prepared.plan)
        scores = ranked.partial.rankingScores ?? [:]
        let coarse = ProbingJob.coarse(ranked.neuronCounts)
        let order = coarse.count < ranked.neuronCounts.count
            ? "k = " + coarse.prefix(3).map(String.init).joined(separator: ", ") + ", … first, then every k" : "every k"
        return Self.describe(prepared.planned, ranked.partial) + String(format: " (rankings in %.0f s)", Date().timeIntervalSince(began))
            + "\ntop and overlap answer now; \(ranked.combinations.count) curves are computing (\(order)) — plot accuracy shows them as they come"
    }

    /// Makes `job` the selected config's (nil: none), cancelling the one before.
    private func replaceJob(with job: ProbingJob?) {
        self.job?.cancel()
        self.job = job
    }

    /// When the selected config's curves have ended, takes their result and says so.
    private func adoptFinishedCurves() -> String? {
        guard let job, job.hasEnded, let selected else { return nil }
        let snapshot = job.snapshot
        self.selected = (selected.planned, snapshot.result, selected.plan)
        self.job = nil
        if let failure = snapshot.failure {
            return "(\(selected.planned.name): the curves stopped — \(failure); \(snapshot.complete) of \(snapshot.total) done)"
        }
        return "(\(selected.planned.name): all \(snapshot.total) curves done" + String(format: " in %.0f s", snapshot.elapsed) + ", cached)"
    }

    /// How far the selected config's curves are.
    private var curvesProgress: String {
        guard let snapshot = job?.snapshot else { return "all curves done" }
        return "\(snapshot.complete) of \(snapshot.total) curves on every k, \(snapshot.coarse) more on coarse k"
            + String(format: ", %.0f s so far", snapshot.elapsed)
    }

    /// Waits for the selected config's curves, for what needs all of them (Ctrl-C stops waiting; they go on).
    private func waitForCurves() throws {
        guard let job, let selected else { return }
        if !job.hasEnded { log("waiting for the curves of \(selected.planned.name): \(curvesProgress) (Ctrl-C stops waiting)") }
        do { _ = try job.wait(interrupted: { Interruption.requested }) } catch where !job.hasEnded { throw CancellationError() } catch {}
        if let note = adoptFinishedCurves() { log(note) }
    }

    /// Before the session ends: lets the selected config's curves finish so that they are cached
    /// (Ctrl-C drops them).
    public func finishCurves() {
        guard let job, !job.hasEnded else { return }
        Interruption.reset()
        do { try waitForCurves() } catch { job.cancel() }
    }

    /// The selected config's intervention sweeps (computed once, then from the cache).
    private func interventionResults() throws -> [InterventionResult] {
        try waitForCurves()
        let outcome = try StudyRunner(options: sessionOptions).run(study.settings, log: log)
        return outcome.interventions
    }

    private var sessionOptions: StudyRunner.Options {
        var options = self.options
        options.output = folder.appendingPathComponent("study", isDirectory: true)
        options.shard = .whole
        options.dryRun = false
        options.force = true   // the session's own folder: each config it selects replaces the last
        return options
    }

    // MARK: - Verbs

    /// `use MODEL LANGUAGE ATTRIBUTE LAYER`, e.g. `use minilm en Number 4`, or `use npy ARRAY LABELS…`.
    private func use(_ words: [String], line: String) throws -> Reply {
        if words.first?.lowercased() == "npy" { return try useArrays(Array(words.dropFirst()), line: line) }
        guard words.count == 4 else {
            throw LineError("use needs a model, a language, an attribute and a layer: use minilm en Number 4",
                            column: 0, length: line.count)
        }
        let model: Model.Choice
        switch words[0].lowercased() {
        case "minilm": model = .minilm
        case "mbert": model = .mbert
        case "xlmr": model = .xlmr
        case "bert": model = .bert
        case "gemma3": model = .gemma3
        default:
            guard words[0].contains("/") else {
                throw LineError("unknown model '\(words[0])'" + Suggestion.hint(for: words[0], among: ["minilm", "mbert", "xlmr", "bert"])
                                + " (or a folder path)", column: Self.column(of: 1, in: line), length: words[0].count)
            }
            model = .local(words[0])
        }
        guard let language = Self.language(words[1]) else {
            throw LineError("unknown language '\(words[1])'" + Suggestion.hint(for: words[1], among: Language.all.map(\.name) + Array(Self.languageCodes.keys).sorted()),
                            column: Self.column(of: 2, in: line), length: words[1].count)
        }
        let attributeNames = Attribute.all.map(\.name)
        guard let attribute = (try? UniMorphAttribute.parse(words[2], among: UniMorphAttribute.studied)).map({ Attribute($0.rawValue) }) else {
            throw LineError("unknown attribute '\(words[2])'" + Suggestion.hint(for: words[2], among: attributeNames + ["pos", "gender"]),
                            column: Self.column(of: 3, in: line), length: words[2].count)
        }
        guard let layer = Int(words[3]), layer >= 0 else {
            throw LineError("the layer must be a whole number ≥ 0, not '\(words[3])'", column: Self.column(of: 4, in: line), length: words[3].count)
        }
        var edited = components
        edited.removeAll { ["Model", "Activations", "Languages", "Attributes", "Layers"].contains(type(of: $0).componentName) }
        edited.insert(contentsOf: [Model(model), Languages(language), Attributes(attribute), Layers(layer)] as [any StudyComponent], at: 0)
        let text = try select(Study("repl", components: edited).settings)
        components = edited
        return Reply(text: text)
    }

    /// `use npy ARRAY LABELS` (a .tsv/.txt table), `use npy ARRAY A.conllu [B.conllu …] ATTRIBUTE`: a
    /// user's `.npy` activations as the selected config, through the same rankings and probes.
    private func useArrays(_ words: [String], line: String) throws -> Reply {
        let usage = "use npy needs an array and its labels: use npy acts.npy labels.tsv (or acts.npy a.conllu … Number)"
        guard words.count >= 2 else { throw LineError(usage, column: 0, length: line.count) }
        guard words[0].lowercased().hasSuffix(".npy") else {
            throw LineError("'\(words[0])' is not a .npy file (numpy.save writes one)", column: Self.column(of: 2, in: line), length: words[0].count)
        }
        var labels = Array(words.dropFirst())
        var attribute: String?
        let isCoNLLU = { (word: String) in word.lowercased().hasSuffix(".conllu") || word.lowercased().hasSuffix(".conll") }
        if labels.contains(where: isCoNLLU) {
            if let last = labels.last, !isCoNLLU(last) {
                guard (try? UniMorphAttribute.parse(last, among: UniMorphAttribute.studied)) != nil else {
                    throw LineError("unknown attribute '\(last)'" + Suggestion.hint(for: last, among: Attribute.all.map(\.name) + ["pos", "gender"]),
                                    column: Self.column(of: words.count + 1, in: line), length: last.count)
                }
                attribute = last
                labels.removeLast()
            }
            guard attribute != nil else {
                throw LineError("CoNLL-U labels need an attribute last: use npy acts.npy a.conllu Number", column: 0, length: line.count)
            }
        } else if labels.count > 1 {
            throw LineError("one labels table, or CoNLL-U files: " + usage, column: Self.column(of: 3, in: line), length: labels[0].count)
        }
        let component = Activations(ActivationImport(arrays: [words[0]], labels: labels, attribute: attribute))
        if let problem = component.problems().first { throw problem }
        var edited = components
        edited.removeAll { ["Model", "Activations", "Languages", "Attributes", "Layers"].contains(type(of: $0).componentName) }
        edited.insert(component, at: 0)
        let text = try select(Study("repl", components: edited).settings)
        components = edited
        return Reply(text: text)
    }

    static let languageCodes = ["ar": "Arabic", "bg": "Bulgarian", "en": "English", "fi": "Finnish", "fr": "French",
                                "hi": "Hindi", "ru": "Russian", "es": "Spanish", "tr": "Turkish"]

    static func language(_ word: String) -> Language? {
        if let name = languageCodes[word.lowercased()] { return Language(name) }
        return Language.all.first { $0.name.lowercased() == word.lowercased() }
    }

    private func requireConfig(_ line: String) throws -> (planned: PlannedConfig, result: ConfigResult, plan: StudyPlan) {
        guard let current else {
            throw LineError("no config selected — first: use minilm en Number 4", column: 0, length: line.count)
        }
        return current
    }

    private func ranking(_ word: String, in result: ConfigResult, line: String, wordIndex: Int) throws -> (name: String, order: [Int]) {
        let reversed = word.hasSuffix("↑") || word.hasSuffix("^")
        let base = reversed ? String(word.dropLast()) : word
        let known = result.rankings.keys.sorted()
        guard let order = result.rankings[base] ?? RankingMethod.allCases.first(where: { $0.caseName == base }).flatMap({ result.rankings[$0.rawValue] }) else {
            throw LineError("unknown ranking '\(word)'" + Suggestion.hint(for: base, among: known), column: Self.column(of: wordIndex, in: line), length: word.count)
        }
        let name = RankingMethod.allCases.first(where: { $0.caseName == base }).map(\.rawValue) ?? base
        return (name + (reversed ? "↑" : ""), reversed ? order.reversed() : order)
    }

    /// `top [N]` without N.
    static let defaultTop = 10
    /// `overlap A B [N]` without N.
    static let defaultOverlapTop = 100

    /// `top N [RANKING]`: the best N neurons with their scores.
    private func top(_ words: [String], line: String) throws -> Reply {
        let (planned, result, plan) = try requireConfig(line)
        let count = try words.first.map { word -> Int in
            guard let value = Int(word), value > 0 else {
                throw LineError("top needs a positive count, not '\(word)'", column: Self.column(of: 1, in: line), length: word.count)
            }
            return value
        } ?? Self.defaultTop
        let rankingName = words.count > 1 ? words[1] : (study.settings.rankings.first?.rawValue ?? "probeless")
        let (name, order) = try ranking(rankingName, in: result, line: line, wordIndex: 2)
        let base = name.replacingOccurrences(of: "↑", with: "")
        if scores[base] == nil, base == "probeless" || base == "linear" {
            let data = try StudyRunner(options: sessionOptions).probingData(for: planned, in: plan)
            // Built as the config's ranking was (same data, settings and seed), for a result cached without scores.
            let settings = result.provenance.settings, method: RankingMethod = base == "probeless" ? .probeless : .linear
            scores[base] = NeuronRankings([method], train: data.train, selection: data[settings.gaussianSelection], classCount: data.classCount,
                                          gaussianNeurons: settings.gaussianNeurons, randomSeed: settings.randomSeed, linearProbe: {
                                              LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                                                classCount: data.classCount, settings: settings.linear)
                                          })[method]?.scores
        }
        var rows = [["rank", "neuron", scoreHeader(base)]]
        for (rank, neuron) in order.prefix(count).enumerated() {
            var score = "—"
            if base == "gaussian", !name.hasSuffix("↑"), rank < result.gaussianMutualInformation.count {
                score = String(format: "%.4f", result.gaussianMutualInformation[rank])
            } else if let values = scores[base], neuron < values.count {
                score = String(format: "%.4f", values[neuron])
            }
            rows.append(["\(rank + 1)", "\(neuron)", score])
        }
        return Reply(text: "\(planned.name), top \(min(count, order.count)) by \(name):\n" + TextTable.render(rows))
    }

    private func scoreHeader(_ ranking: String) -> String {
        switch ranking {
        case "probeless": return "Σ|q(z)−q(z')|"
        case "linear": return "mean |w|"
        case "linear-mass": return "|w| mass"
        case "gaussian": return "MI (bits) so far"
        default: return "score"
        }
    }

    /// `probe CLASSIFIER by RANKING`: the accuracy curve of one combination.
    private func probe(_ words: [String], line: String) throws -> Reply {
        let (planned, result, _) = try requireConfig(line)
        guard words.count == 3, words[1] == "by" else {
            throw LineError("probe needs a classifier and a ranking: probe linear by gaussian", column: 0, length: line.count)
        }
        guard let classifier = ProbeKind(rawValue: words[0]) else {
            throw LineError("unknown classifier '\(words[0])'" + Suggestion.hint(for: words[0], among: ProbeKind.allCases.map(\.rawValue)),
                            column: Self.column(of: 1, in: line), length: words[0].count)
        }
        let (name, _) = try ranking(words[2], in: result, line: line, wordIndex: 3)
        let computing = job?.ranked.combinations.contains { $0.ranking.name == name && $0.classifier == classifier } == true
        guard let curve = result.curve(classifier, name) else {
            if computing { return Reply(text: "\(planned.name): the \(classifier.rawValue) curve of \(name) is still computing (\(curvesProgress))") }
            let present = result.curves.filter { $0.classifier == classifier }.map(\.ranking)
            throw LineError("no \(classifier.rawValue) curve for \(name) in this config (have: \(present.joined(separator: ", "))) — add it with Rank(…) / Probe(…)",
                            column: Self.column(of: 3, in: line), length: words[2].count)
        }
        var series = [LineChart.Series(name, x: curve.neuronCounts.map(Double.init), y: curve.accuracy.map { $0 * 100 }, color: Palette.color(0))]
        if let control = curve.controlAccuracy {
            series.append(.init("control task", x: curve.neuronCounts.map(Double.init), y: control.map { $0 * 100 }, color: .grey, dash: .dashed))
        }
        let chart = LineChart(title: "\(planned.name): \(classifier.rawValue) probe on the top k by \(name)",
                              x: Axis("neurons (k)"), y: Axis("test accuracy (%)"), series: series)
        var rows = [["k", "accuracy", "control", "selectivity"]]
        for k in [1, 10, 50, 100, 150] {
            guard let index = curve.neuronCounts.firstIndex(of: k) else { continue }
            rows.append(["\(k)", String(format: "%.1f", curve.accuracy[index] * 100),
                         curve.controlAccuracy.map { String(format: "%.1f", $0[index] * 100) } ?? "—",
                         curve.selectivity.map { String(format: "%+.1f", $0[index] * 100) } ?? "—"])
        }
        let partial = computing && curve.neuronCounts != job?.ranked.neuronCounts
        return Reply(text: chart.terminal(width: chartWidth, height: chartHeight, color: color) + "\n" + TextTable.render(rows)
                     + (partial ? "\ncoarse k so far (k = \(curve.neuronCounts.map(String.init).joined(separator: ", "))); refining — \(curvesProgress)" : ""))
    }

    /// `overlap A B [N]`: shared neurons among the top N (``defaultOverlapTop``) of two rankings.
    private func overlap(_ words: [String], line: String) throws -> Reply {
        let (planned, result, _) = try requireConfig(line)
        guard words.count >= 2 else { throw LineError("overlap needs two rankings: overlap probeless linear", column: 0, length: line.count) }
        let a = try ranking(words[0], in: result, line: line, wordIndex: 1)
        let b = try ranking(words[1], in: result, line: line, wordIndex: 2)
        var top = Self.defaultOverlapTop
        if words.count > 2 {
            guard let value = Int(words[2]), value >= 1 else {
                throw LineError("the top count must be a whole number ≥ 1, not '\(words[2])'", column: Self.column(of: 3, in: line), length: words[2].count)
            }
            top = min(value, result.neuronCount)
        }
        let shared = RankingOverlap.size([a.order, b.order], top: top)
        let expected = ExpectedOverlap.expected(rankings: 2, neurons: result.neuronCount, top: min(top, result.neuronCount))
        var text = "\(planned.name): top-\(top) of \(a.name) and \(b.name) share \(shared) neurons "
            + String(format: "(two random rankings: %.2f expected)", expected)
        let names = ["linear", "gaussian", "probeless", "random"].filter { result.rankings[$0] != nil }
        if names.count >= 2 {
            let matrix = RankingOverlap(names.map { result.rankings[$0]! }, top: top).matrix.map { $0.map(Double.init) }
            let heatmap = Heatmap(matrix, rows: names, columns: names, title: "top-\(top) overlap", range: 0...Double(top), colorBarLabel: "shared")
            text += "\n" + heatmap.terminal(width: min(chartWidth, 60), height: 12, color: color)
        }
        return Reply(text: text)
    }

    /// `plot accuracy|selectivity|overlap|clwv`: a terminal chart, and the same figure as SVG.
    private func plot(_ words: [String], line: String) throws -> Reply {
        let (planned, result, _) = try requireConfig(line)
        let kinds = ["accuracy", "selectivity", "overlap", "clwv", "mask"]
        guard let kind = words.first else { throw LineError("plot what? " + kinds.joined(separator: ", "), column: 0, length: line.count) }
        // While the curves are computed, the curve figures show those so far and say what is left.
        let curvesKind = kind == "accuracy" || kind == "selectivity"
        if curvesKind, job != nil, result.curves.isEmpty {
            return Reply(text: "\(planned.name): no curve yet — \(curvesProgress); top and overlap answer now")
        }
        let computing = curvesKind && job != nil ? "\nstill computing: \(curvesProgress) — plot again for more" : ""
        let figures = folder.appendingPathComponent("figures", isDirectory: true)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        let figure: any Figure
        switch kind {
        case "accuracy": figure = GridReport.curvesFigure(result)
        case "selectivity":
            guard result.curves.first?.selectivity != nil else {
                throw LineError("this config has no control task — add Control(.uniform)", column: Self.column(of: 1, in: line), length: kind.count)
            }
            figure = GridReport.curvesFigure(result, selectivity: true)
        case "overlap", "overlaps":
            guard let heatmap = GridReport.overlapFigure(result) else {
                throw LineError("overlaps need two rankings and at least 100 neurons", column: Self.column(of: 1, in: line), length: kind.count)
            }
            figure = heatmap
        case "clwv", "interventions":
            guard !study.settings.interventions.isEmpty else {
                throw LineError("no intervention in the study — add one first, e.g. Intervene(.translate(beta: 8))",
                                column: Self.column(of: 1, in: line), length: kind.count)
            }
            let sweeps = try interventionResults()
            guard !sweeps.isEmpty else { return Reply(text: "no intervention sweep for this config (layer 0 cannot be split)") }
            var text = ""
            var urls: [URL] = []
            for sweep in sweeps {
                let chart = InterventionReport.figure(sweep)
                let url = figures.appendingPathComponent("clwv-\(InterventionReport.slug(sweep)).svg")
                try chart.write(to: url)
                urls.append(url)
                text += chart.terminal(width: chartWidth, height: chartHeight + 4, color: color) + "\n"
            }
            return Reply(text: text + TextTable.render(InterventionReport(results: sweeps).tableRows)
                         + "\nwrote " + urls.map(\.path).joined(separator: ", "), figures: urls)
        default:
            throw LineError("unknown plot '\(kind)'" + Suggestion.hint(for: kind, among: kinds), column: Self.column(of: 1, in: line), length: kind.count)
        }
        let url = figures.appendingPathComponent("\(kind)-\(result.config.fileStem).svg")
        try figure.write(to: url)
        return Reply(text: figure.terminal(width: chartWidth, height: chartHeight * (curvesKind ? 2 : 1), color: color)
                     + "\nwrote \(url.path)" + computing, figures: [url])
    }

    /// `show config|study|plan`.
    private func show(_ words: [String], line: String) throws -> Reply {
        switch words.first ?? "config" {
        case "config":
            guard let current else { return Reply(text: "no config selected — use minilm en Number 4\n\n" + study.description) }
            let result = current.result
            return Reply(text: "\(current.planned.name) — model \(current.plan.modelFolder.path)\n"
                         + "labels \(result.labels.joined(separator: " ")); examples train \(result.examples.train), dev \(result.examples.dev), test \(result.examples.test)\n"
                         + "rankings \(result.rankings.keys.sorted().joined(separator: ", ")); curves "
                         + (job == nil ? "\(result.curves.count)" : "computing: \(curvesProgress)") + "\n"
                         + "split \(result.provenance.split)\n" + study.description)
        case "study": return Reply(text: study.description)
        case "plan":
            if let first = study.problems.first { throw first }
            let plan = try StudyPlanner(shared: options.shared).plan(study.settings)
            return Reply(text: plan.table())
        default:
            throw LineError("show config, show study or show plan", column: Self.column(of: 1, in: line), length: words[0].count)
        }
    }

    /// `run`: the session's whole study (all its configs), with its report.
    private func runStudy(_ words: [String]) throws -> Reply {
        try waitForCurves()
        var options = sessionOptions
        options.dryRun = words.first == "--dry-run"
        var lines: [String] = []
        let outcome = try study.run(options: options) { [log] in lines.append($0); log($0) }
        if !outcome.masks.isEmpty { masks = outcome.masks }
        return Reply(text: options.dryRun ? lines.joined(separator: "\n")
                     : "\(outcome.computed + outcome.cached) configs (\(outcome.computed) computed, \(outcome.cached) cached); report \(outcome.folder.path)/report.md")
    }

    /// The learned masks a mask verb reads: those of the results folder it names (kept as the
    /// session's), else those of the last `run`.
    private func requireMasks(_ words: [String], line: String, verb: String) throws -> [MaskConfigResult] {
        if let path = words.first {
            let folder = URL(fileURLWithPath: path, isDirectory: true)
            let found = try MaskReport.load(from: folder)
            guard !found.isEmpty else {
                throw LineError("\(folder.path) holds no learned mask — run a study with a Mask line there first",
                                column: Self.column(of: verb.split(separator: " ").count, in: line), length: path.count)
            }
            masks = found
        }
        guard !masks.isEmpty else {
            throw LineError("no learned mask yet — add Mask(.hardConcrete) and run, or name a results folder: \(verb) results/decao2022",
                            column: 0, length: line.count)
        }
        return masks
    }

    /// `units [FOLDER]`: the units each learned mask chose, with prevalence over seeds and baseline values.
    private func units(_ words: [String], line: String) throws -> Reply {
        let masks = try requireMasks(words, line: line, verb: "units")
        let rows = MaskReport.unitRows(masks), shown = 40
        let more = rows.count - 1 > shown ? "\n… \(rows.count - 1 - shown) more units (the study's report.md lists them all)" : ""
        return Reply(text: TextTable.render(MaskReport.methodRows(masks)) + "\n\n" + TextTable.render(Array(rows.prefix(shown + 1))) + more)
    }

    /// `plot mask [FOLDER]`: each learned mask's training curve and P(open) per unit, in the
    /// terminal and as SVG.
    private func plotMask(_ words: [String], line: String) throws -> Reply {
        let masks = try requireMasks(words, line: line, verb: "plot mask")
        let figures = folder.appendingPathComponent("figures", isDirectory: true)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        var text: [String] = [], urls: [URL] = []
        let charts: [(file: String, figure: any Figure)] = MaskReport.trainingFigures(masks).map { ($0.file, $0.figure) }
            + MaskReport.openFigures(masks).map { ($0.file, $0.figure) }
        for (file, figure) in charts {
            let url = figures.appendingPathComponent(file + ".svg")
            try figure.write(to: url)
            urls.append(url)
            text.append(figure.terminal(width: chartWidth, height: chartHeight, color: color))
        }
        return Reply(text: text.joined(separator: "\n") + "\nwrote " + urls.map(\.path).joined(separator: ", "), figures: urls)
    }

    /// `export [DIR]`: the selected config's report folder (tables, figures, JSON).
    private func export(_ words: [String]) throws -> Reply {
        try waitForCurves()
        guard let current else { return Reply(text: "nothing to export — use a config first") }
        let target = words.first.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? folder.appendingPathComponent("export", isDirectory: true)
        let report = GridReport(results: [current.result])
        try report.write(to: target)
        try JSONEncoder().encode(current.result).write(to: target.appendingPathComponent("config.json"), options: .atomic)
        return Reply(text: "wrote \(target.path) (config.json, curves.csv, overlaps.csv, figures/)")
    }

    // MARK: - Help

    public static func help(_ topic: String?) -> String {
        switch topic {
        case "use": return "use MODEL LANGUAGE ATTRIBUTE LAYER — select one config and compute (or read back) its rankings and curves\n  use minilm en Number 4\n  use /path/to/hf-folder French Gender 7\n"
            + "  (at the prompt, a new config's rankings answer top and overlap at once; its curves follow, coarse k first — plot shows those so far)\n"
            + "use npy ARRAY LABELS — the same for activations you extracted yourself ([words, neurons] .npy, float32/float16)\n"
            + "  use npy acts.npy labels.tsv          (label[<TAB>split[<TAB>word]] per row)\n"
            + "  use npy acts.npy en_ewt-ud-dev.conllu Number   (the files' words are the rows)"
        case "top": return "top [N] [RANKING] — the best N neurons (default \(defaultTop)) of a ranking (default: the first of Rank), with scores\n  top 20 gaussian\n  top 10 probeless↑   (bottom-to-top)"
        case "probe": return "probe CLASSIFIER by RANKING — accuracy of the linear or Gaussian probe on the top k of a ranking\n  probe linear by gaussian"
        case "overlap": return "overlap RANKING RANKING [N] — shared neurons among the top N (default \(defaultOverlapTop)), with the random expectation\n  overlap probeless linear"
        case "plot": return "plot accuracy|selectivity|overlap|clwv — a terminal chart, and the same figure as SVG under results/repl/figures\n"
            + "plot mask [FOLDER] — the learned masks' training curves and P(open) per unit (of the last run, or a results folder)"
        case "units": return "units [FOLDER] — the units each learned mask chose (method, direction, prevalence over seeds, baseline b), of the last run or a results folder\n  units results/decao2022"
        case "show": return "show config|study|plan — the selected config, the session's study as a script, or its plan"
        case "components", "dsl":
            return "Any DSL line updates the session's study and recomputes the selected config:\n"
                + "  Layers(7)   Rank(.probeless, .gaussian)   Probe(.linear, neurons: 1...150)   Control(.empirical)\n"
                + "  Intervene(.translate(beta: 8))   Report(.accuracyCurves)   MinTypes(50)\n"
                + "Components: " + ComponentReader.componentNames.joined(separator: ", ")
        default:
            return """
                use minilm en Number 4     select a config (model, language, attribute, layer)
                use npy acts.npy labels.tsv   or your own activations and labels (help use)
                top 20 [ranking]           best neurons with scores
                probe linear by gaussian   one accuracy curve
                overlap probeless linear   top-100 overlap of two rankings
                plot accuracy              curves as a terminal chart + SVG (also selectivity, overlap, clwv)
                units [FOLDER]             the learned masks' units and baselines (after a run with Mask, or a results folder)
                plot mask [FOLDER]         their training curves and P(open) per unit
                show config|study|plan     what is selected / the study as a script / its plan
                run [--dry-run]            run the session's whole study with its report
                export [DIR]               write the selected config's tables and figures
                Rank(.probeless, .gaussian), Layers(7), …   any DSL component (help components)
                help TOPIC, quit           (Tab completes; ↑ recalls history; Ctrl-C cancels a command)
                """
        }
    }

    // MARK: - Completion

    /// Completions of the word that ends at the end of `prefix` (the text before the cursor).
    public func completions(for prefix: String) -> [String] {
        let word = String(prefix.reversed().prefix { !" (,[".contains($0) }.reversed())
        let before = String(prefix.dropLast(word.count))
        if word.hasPrefix(".") {
            let component = ComponentReader.componentNames.last { before.contains($0 + "(") } ?? ""
            let cases = ComponentReader.caseNames[component] ?? ComponentReader.caseNames.values.flatMap { $0 }
            return Array(Set(cases.map { "." + $0 }.filter { $0.hasPrefix(word) })).sorted()
        }
        let words = before.split(separator: " ").map(String.init)
        if before.trimmingCharacters(in: .whitespaces).isEmpty {
            return (Self.verbs + ComponentReader.componentNames.map { $0 + "(" }).filter { $0.hasPrefix(word) }
        }
        switch words.first {
        case "use":
            let candidates: [String]
            switch words.count {
            case 1: candidates = ["minilm", "mbert", "xlmr", "bert", "npy"]
            case 2: candidates = Self.languageCodes.keys.sorted() + Language.all.map(\.name)
            case 3: candidates = ["Number", "Gender", "Tense", "pos", "Case", "Person", "Mood", "Aspect"]
            default: candidates = []
            }
            return candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
        case "top", "overlap":
            return ["linear", "gaussian", "probeless", "random", "linear-mass"].filter { $0.hasPrefix(word) }
        case "probe":
            return (words.count == 2 ? ["by"] : words.count == 1 ? ["linear", "gaussian"] : ["linear", "gaussian", "probeless", "random"])
                .filter { $0.hasPrefix(word) }
        case "plot": return ["accuracy", "selectivity", "overlap", "clwv", "mask"].filter { $0.hasPrefix(word) }
        case "show": return ["config", "study", "plan"].filter { $0.hasPrefix(word) }
        case "help": return (Self.verbs + ["components"]).filter { $0.hasPrefix(word) }
        default: return []
        }
    }
}
