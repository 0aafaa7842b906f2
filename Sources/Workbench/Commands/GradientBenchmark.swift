import Core
import Foundation

/// `workbench bench gradient`: forward + backward of one intervention step — a sigmoid gate m = σ(g)
/// and a baseline b on one site's units at position 1 (ĥ = (1 − m) ⊙ h + m ⊙ b), loss = mean over
/// the batch of logit(a) − logit(b) at each sentence's last position, gradient back to g — through
/// `DifferentiableLanguageModel.gradient`, beside PyTorch autograd on the same weights, ids, gate
/// and baseline in the same run; checks that both compute the same loss and gradient.
struct GradientBenchmark {
    var models: [String]
    var treebank: URL
    var sentenceCount: Int
    var python: String?
    var threads: Int
    var repeats: Int
    /// Steps per timed round.
    var steps: Int

    /// Gemma 3's site: the output of block 6 (hidden state 6); the LSTM's: layer 1's h.
    static let position = 1

    func run() throws {
        if let unknown = models.first(where: { !["gemma3", "lstm"].contains($0) }) {
            throw UsageError("bench gradient: --models takes gemma3 and lstm, got '\(unknown)'")
        }
        BLAS.setThreadCount(threads)
        print("machine    \(ProcessorCores.available) cores; OpenBLAS \(BLAS.coreName) kernels; both sides \(threads) threads; "
              + String(format: "load average %@ at the start", loadAverage()))
        print(String(format: "sgemm      %.0f GFLOP/s (1024³, this run)", BenchmarkMeasures.measureSGEMM()))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-bench-gradient-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var summary: [[String]] = [["model", "ours ms/step", "PyTorch ms/step", "PyTorch / ours", "loss: ours", "loss: PyTorch", "gradient cosine", "max |Δ| / max |g|"]]
        for name in models {
            let row: [String]
            switch name {
            case "gemma3": row = try gemma(work: work)
            case "lstm": row = try lstm(work: work)
            default: throw UsageError("bench gradient: --models takes gemma3 and lstm, got '\(name)'")
            }
            summary.append(row)
        }
        print("")
        print(TextTable.render(summary))
        print("each side's best of \(repeats) rounds of \(steps) steps, the rounds alternating (ours, PyTorch, ours, …); "
              + String(format: "load average %@ at the end", loadAverage()))
    }

    // MARK: The two models

    func gemma(work: URL) throws -> [String] {
        let source = try ModelCatalog.source("gemma3")
        guard case .gguf(let file) = source else { throw UsageError("bench gradient: gemma3 is not a GGUF model (\(source))") }
        let (loaded, tokenizer) = try source.load()
        guard let model = loaded as? any DifferentiableLanguageModel else { throw UsageError("gemma3 has no pullbacks") }
        let sentences = try treebankSentences()
        var ids: [[Int]] = []
        for words in sentences {
            let encoded = tokenizer.encode(text: words.joined(separator: " ")).ids
            if (8...12).contains(encoded.count) { ids.append(encoded) }
            if ids.count == sentenceCount { break }
        }
        guard ids.count == sentenceCount else { throw UsageError("\(treebank.lastPathComponent): fewer than \(sentenceCount) sentences of 8–12 tokens") }
        let targets = [tokenizer.encode(text: "He said that he").ids.last!, tokenizer.encode(text: "He said that she").ids.last!]
        let setup = Step(model: model, site: .residual(6), ids: ids, targets: targets, seed: 6)
        print("")
        print("gemma3     \(model.summary) (\(file.lastPathComponent)); \(ids.count) sentences of \(ids.map(\.count).min()!)–\(ids.map(\.count).max()!) "
              + "tokens (BOS included) from \(treebank.lastPathComponent); gate at hidden state 6 (block 6's output), position \(Self.position); "
              + "loss = mean logit(\(targets[0])) − logit(\(targets[1])) at the last position")
        return try compare("gemma3", setup, anchor: ["kind": "gemma3", "gguf": file.path, "layer": 6], work: work)
    }

    func lstm(work: URL) throws -> [String] {
        let folder = work.appendingPathComponent("lstm-random")
        let sentences = try treebankSentences()
        try Self.writeRandomLSTM(to: folder, words: Array(sentences.joined()), seed: 650)
        let (loaded, tokenizer) = try ModelSource.lstm(folder: folder).load()
        guard let model = loaded as? any DifferentiableLanguageModel else { throw UsageError("the LSTM has no pullbacks") }
        var ids: [[Int]] = []
        for words in sentences where (8...12).contains(words.count) {
            ids.append(tokenizer.encode(words: words).ids)
            if ids.count == sentenceCount { break }
        }
        guard ids.count == sentenceCount else { throw UsageError("\(treebank.lastPathComponent): fewer than \(sentenceCount) sentences of 8–12 words") }
        let targets = [tokenizer.encode(words: ["he"]).ids[0], tokenizer.encode(words: ["she"]).ids[0]]
        let setup = Step(model: model, site: .residual(1), ids: ids, targets: targets, seed: 1)
        print("")
        print("lstm       random weights of Gulordava et al.'s size (2 × 650, \(model.vocabularySize)-word vocabulary: the treebank's words, then fillers), "
              + "seeded; \(ids.count) sentences of \(ids.map(\.count).min()!)–\(ids.map(\.count).max()!) words; gate at layer 1's h, position \(Self.position) "
              + "(inside the recurrence: later steps of layer 1 see the edit); loss = mean logit(he) − logit(she) at the last position")
        return try compare("lstm", setup, anchor: ["kind": "lstm", "folder": folder.path, "layer": 1], work: work)
    }

    /// Loads the anchor on the same step, then alternates rounds: ours, PyTorch's, ours, … (each
    /// side's best kept), and compares the loss and the gradient.
    func compare(_ name: String, _ step: Step, anchor: [String: Any], work: URL) throws -> [String] {
        let reference = step.gradient()   // warm-up, and what PyTorch is checked against
        var ours = Double.infinity
        func oursRound(_ label: String) {
            let start = Date()
            for _ in 0..<steps { _ = step.gradient() }
            let perStep = Date().timeIntervalSince(start) / Double(steps) * 1000
            ours = min(ours, perStep)
            print(String(format: "ours       %.1f ms/step (%@)", perStep, label))
        }
        var torch: Double?, torchLoss: Double?, cosine: Double?, relative: Double?
        var server: AnchorServer?
        if let python {
            var payload = anchor
            payload["ids"] = step.ids
            payload["targets"] = step.targets
            payload["position"] = Self.position
            payload["gate"] = step.gate.map(Double.init)
            payload["baseline"] = step.baseline.map(Double.init)
            let input = work.appendingPathComponent("\(name).json")
            try JSONSerialization.data(withJSONObject: payload).write(to: input)
            print("PyTorch    loading the same model and step (autograd) …")
            server = try AnchorServer(python: python, script: "scripts/bench_gradient_pytorch.py",
                                      arguments: ["--input", input.path, "--threads", String(threads), "--steps", String(steps), "--serve"])
            if let result = server?.read(), let loss = result["loss"] as? Double, let gradient = result["gate_gradient"] as? [Double] {
                torchLoss = loss
                let ourGradient = reference.gateGradient.map(Double.init)
                let dot = zip(ourGradient, gradient).reduce(0) { $0 + $1.0 * $1.1 }
                let norms = (ourGradient.reduce(0) { $0 + $1 * $1 }.squareRoot(), gradient.reduce(0) { $0 + $1 * $1 }.squareRoot())
                cosine = dot / max(norms.0 * norms.1, 1e-300)
                let largest = gradient.map(abs).max() ?? 0
                relative = zip(ourGradient, gradient).map { abs($0 - $1) }.max()! / max(largest, 1e-300)
                print(String(format: "check      loss: ours %.6f, PyTorch %.6f; ∂loss/∂g: cosine %.6f, max |Δ| %.2g of max |g| %.3g",
                             reference.loss, loss, cosine!, relative! * largest, largest))
            } else if let failed = server {
                print("PyTorch    failed to load (exit \(failed.close()))")
                server = nil
            }
        }
        for round in 1...repeats {
            oursRound("round \(round)")
            guard let anchor = server else { continue }
            anchor.send("round")
            guard let perStep = anchor.read()?["ms_per_step"] as? Double else {
                print("PyTorch    failed in round \(round) (exit \(anchor.close()))")
                server = nil
                continue
            }
            torch = min(torch ?? .infinity, perStep)
            print(String(format: "PyTorch    %.1f ms/step (round %d)", perStep, round))
        }
        _ = server?.close()
        try whereTheTimeGoes(step)
        return [name, String(format: "%.1f", ours), torch.map { String(format: "%.1f", $0) } ?? "—",
                torch.map { String(format: "%.2f×", $0 / ours) } ?? "—", String(format: "%.5f", reference.loss),
                torchLoss.map { String(format: "%.5f", $0) } ?? "—", cosine.map { String(format: "%.6f", $0) } ?? "—",
                relative.map { String(format: "%.1e", $0) } ?? "—"]
    }

    /// One more step, taken apart: the phases of `gradient` timed one by one (the same calls it makes).
    func whereTheTimeGoes(_ step: Step) throws {
        var phases: [(String, Double)] = []
        for _ in 0..<max(1, steps) {
            let timed = step.phases()
            if phases.isEmpty { phases = timed } else { for i in phases.indices { phases[i].1 = min(phases[i].1, timed[i].1) } }
        }
        let total = phases.reduce(0) { $0 + $1.1 }
        print("where our step's time goes (fastest of \(steps) for each phase):")
        print(TextTable.render([["phase", "ms", "share"]] + phases.map { [$0.0, String(format: "%.1f", $0.1 * 1000), String(format: "%.0f%%", 100 * $0.1 / total)] }))
        StageClock.start()
        _ = step.gradient()
        let stages = StageClock.stop()
        if !stages.isEmpty {
            print("the forward halves by stage (StageClock, one step; the pullbacks' own work is not counted): "
                  + stages.map { String(format: "%@ %.1f ms", $0.stage.rawValue, $0.seconds * 1000) }.joined(separator: ", "))
        }
    }

    // MARK: Inputs

    /// The treebank's sentences as word forms.
    func treebankSentences() throws -> [[String]] {
        try CoNLLUReader.read(treebank).sentences.map { $0.words.map(\.form) }
    }

    func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }

    /// A Gulordava-sized LSTM (2 × 650, 50,001 words) with PyTorch's default initialisation
    /// (uniform ±1/√650 for the LSTM, ±0.1 for the embedding and the decoder, zero decoder bias),
    /// written as the LSTM loader reads it; its vocabulary is `<unk>`, `<eos>`, the treebank's words,
    /// then fillers.
    static func writeRandomLSTM(to folder: URL, words: [String], seed: UInt64) throws {
        let vocabularySize = 50_001, width = 650
        var vocabulary = ["<unk>", "<eos>"], seen = Set(vocabulary)
        for word in words + ["he", "she"] where !word.contains(where: \.isWhitespace) && seen.insert(word).inserted && vocabulary.count < vocabularySize {
            vocabulary.append(word)
        }
        var filler = 0
        while vocabulary.count < vocabularySize { vocabulary.append("<filler\(filler)>"); filler += 1 }
        var generator = SplitMix64(seed: seed)
        func uniform(_ shape: [Int], _ bound: Float) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -bound...bound, using: &generator) })
        }
        let bound = 1 / Float(width).squareRoot()
        var tensors: [String: Tensor] = ["encoder.weight": uniform([vocabularySize, width], 0.1),
                                         "decoder.weight": uniform([vocabularySize, width], 0.1),
                                         "decoder.bias": Tensor(zeros: [vocabularySize])]
        for layer in 0..<2 {
            tensors["rnn.weight_ih_l\(layer)"] = uniform([4 * width, width], bound)
            tensors["rnn.weight_hh_l\(layer)"] = uniform([4 * width, width], bound)
            tensors["rnn.bias_ih_l\(layer)"] = uniform([4 * width], bound)
            tensors["rnn.bias_hh_l\(layer)"] = uniform([4 * width], bound)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try SafeTensorsWriter.write(tensors, to: folder.appendingPathComponent("model.safetensors"))
        let config = #"{"model_type": "lstm-lm", "vocab_size": \#(vocabularySize), "embedding_size": \#(width), "hidden_size": \#(width), "num_layers": 2}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data((vocabulary.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("vocab.txt"))
    }
}

/// One intervention step: the gated edit at `position` of every sentence, the loss, ∂loss/∂g.
struct GradientStep {
    let model: any DifferentiableLanguageModel
    let site: ModelSite
    let ids: [[Int]]
    let targets: [Int]
    /// g (the gate's logits) and b, seeded. [width]
    let gate: [Float], baseline: [Float]
    let batch: PackedBatch
    let editRows: [Int], lastRows: [Int]

    init(model: any DifferentiableLanguageModel, site: ModelSite, ids: [[Int]], targets: [Int], seed: UInt64) {
        self.model = model
        self.site = site
        self.ids = ids
        self.targets = targets
        var generator = SplitMix64(seed: seed)
        gate = (0..<model.hiddenSize).map { _ in Float.random(in: -2...2, using: &generator) }
        baseline = (0..<model.hiddenSize).map { _ in Float.random(in: -1...1, using: &generator) }
        let batch = PackedBatch(sequences: ids)
        self.batch = batch
        editRows = (0..<batch.sequenceCount).map { batch.starts[$0] + GradientBenchmark.position }
        lastRows = (0..<batch.sequenceCount).map { batch.starts[$0 + 1] - 1 }
    }

    var mask: [Float] { gate.map { 1 / (1 + exp(-$0)) } }

    /// ĥ = (1 − m) ⊙ h + m ⊙ b at the edit rows.
    var edit: SiteEdit {
        let mask = self.mask, baseline = self.baseline, rows = editRows
        return { state, _ in
            let width = state.columns, rowCount = state.rows
            state.scalars.withUnsafeMutableBufferPointer { h in
                for row in rows where row < rowCount {
                    for i in 0..<width { h[row * width + i] = (1 - mask[i]) * h[row * width + i] + mask[i] * baseline[i] }
                }
            }
        }
    }

    /// ∂ĥ/∂h = 1 − m at the edit rows (what the LSTM's recurrence passes back through).
    var editPullback: SiteEditPullback {
        let mask = self.mask, rows = editRows
        return { gradient, _ in
            let width = gradient.columns, rowCount = gradient.rows
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for row in rows where row < rowCount {
                    for i in 0..<width { g[row * width + i] *= 1 - mask[i] }
                }
            }
        }
    }

    /// The mean over sentences of logit(a) − logit(b) at the last row; logits are [sentences, 2].
    var loss: LogitLoss {
        { logits in
            let count = logits.rows
            var gradient = Tensor(zeros: logits.shape), total: Float = 0
            for s in 0..<count {
                total += logits.scalars[s * 2] - logits.scalars[s * 2 + 1]
                gradient.scalars[s * 2] = 1 / Float(count)
                gradient.scalars[s * 2 + 1] = -1 / Float(count)
            }
            return (total / Float(count), gradient)
        }
    }

    /// The step: forward with the edit, backward to ĥ, then ∂loss/∂g_i = m_i Σ_s ∂loss/∂ĥ_si (b_i − ĥ_si)
    /// (from ĥ − b = (1 − m)(h − b) and dm/dg = m(1 − m)).
    func gradient() -> (loss: Float, gateGradient: [Float]) {
        let result = model.gradient(batch, at: site, edits: [site: edit], editPullbacks: [site: editPullback],
                                    rows: lastRows, vocabulary: targets, loss: loss)
        return (result.loss, gateGradient(state: result.state, gradient: result.gradient))
    }

    func gateGradient(state: Tensor, gradient: Tensor) -> [Float] {
        let width = state.columns, mask = self.mask
        var out = [Float](repeating: 0, count: width)
        for row in editRows {
            for i in 0..<width { out[i] += gradient.scalars[row * width + i] * (baseline[i] - state.scalars[row * width + i]) }
        }
        for i in 0..<width { out[i] *= mask[i] }
        return out
    }

    /// The step's phases, timed: what `gradient(…)` does, call by call (seconds).
    func phases() -> [(String, Double)] {
        var clock = Date(), timings: [(String, Double)] = []
        func lap(_ name: String) { timings.append((name, Date().timeIntervalSince(clock))); clock = Date() }
        let edits: [ModelSite: SiteEdit] = [site: edit]
        var hidden: Tensor
        var pullbacks: [LayerPullback] = []
        var recurrentPullback: ((Tensor) -> RecurrentLayerGradients)?
        var state = Tensor(zeros: [0])
        if let recurrent = model as? any RecurrentDifferentiableLanguageModel {
            hidden = model.run(batch, upTo: site.layer - 1, edits: edits)
            lap("forward below the site (plain loop)")
            let (output, sites, pullback) = recurrent.applyRecurrentLayerWithPullback(site.layer, to: hidden, batch: batch, edits: edits,
                                                                                      editPullbacks: [site: editPullback])
            hidden = output
            state = sites[site]!
            recurrentPullback = pullback
        } else {
            hidden = model.run(batch, upTo: site.layer, edits: edits)
            state = hidden
            lap("forward below the site (plain loop)")
        }
        if site.layer < model.layerCount {
            for index in (site.layer + 1)...model.layerCount {
                let (next, pullback) = model.applyLayerWithPullback(index, to: hidden, batch: batch, mlp: nil)
                pullbacks.append(pullback)
                hidden = next
            }
        }
        lap(recurrentPullback == nil ? "traced forward above the site" : "traced forward: the site's block (with its edit) and above")
        let (logits, headPullback) = model.logitsWithPullback(hidden, rows: lastRows, vocabulary: targets)
        let (_, logitGradient) = loss(logits)
        lap("head forward (\(targets.count) entries) + loss")
        var gradient = headPullback(logitGradient)
        lap("head pullback")
        for pullback in pullbacks.reversed() { gradient = pullback.toInput(gradient) }
        if let recurrentPullback { gradient = recurrentPullback(gradient).sites[site]! }
        lap("block pullbacks" + (recurrentPullback == nil ? "" : " (through time in the site's block)"))
        _ = gateGradient(state: state, gradient: gradient)
        lap("∂loss/∂g from ∂loss/∂ĥ")
        return timings
    }
}

extension GradientBenchmark { typealias Step = GradientStep }

/// A PyTorch anchor kept running (`--serve`): it answers each line sent with one JSON line, so its
/// rounds alternate with ours under the same load.
final class AnchorServer {
    private let process: Process
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    /// nil (after saying why) when the script or the Python is missing.
    init?(python: String, script: String, arguments: [String]) throws {
        guard let process = PythonAnchor.process(python: python, script: script, arguments: arguments) else { return nil }
        self.process = process
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    func send(_ line: String) { try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) }

    /// The next line that is a JSON object; nil at the end of its output.
    func read() -> [String: Any]? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] { return object }
                continue
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// Closes its input (the script ends) and waits. - Returns: its exit status.
    @discardableResult
    func close() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
