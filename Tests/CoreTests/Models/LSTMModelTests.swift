import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Analysis

/// torch's outputs for the tiny converted LSTM (scripts/convert-gulordava-lstm.py --make-fixture).
struct LSTMReference: Decodable {
    struct Sentence: Decodable {
        var text: String
        var ids: [Int]
        /// [state 0…L][position][unit]
        var hidden_states: [[[Float]]]
        /// [layer 1…L][position][unit]
        var cell_states: [[[Float]]]
        var logits: [[Float]]
    }
    struct Edited: Decodable {
        var sentence: Int
        var layer: Int
        var position: Int
        var units: [Int]
        var hidden_states: [[[Float]]]
        var logits: [[Float]]
    }
    struct Gradient: Decodable {
        var ids: [Int]
        var first: Int
        var second: Int
        var loss: Float
        /// "residual:0", "cell:1", …: [position][unit]
        var gradients: [String: [[Float]]]
    }
    var sentences: [Sentence]
    var edited: Edited
    var gradient: Gradient

    static let folder = Fixtures.url("lstm/lstm-tiny")

    static func load() throws -> LSTMReference {
        try JSONDecoder().decode(LSTMReference.self, from: Data(contentsOf: Fixtures.url("lstm/lstm-tiny-expected.json")))
    }
}

@Suite("LSTM language model")
struct LSTMModelTests {
    /// The largest difference between rows `rows` of `state` and `expected`.
    func difference(_ state: Tensor, rows: Range<Int>, _ expected: [[Float]]) -> Float {
        var worst: Float = 0
        for (offset, row) in rows.enumerated() {
            for (unit, value) in expected[offset].enumerated() {
                worst = max(worst, abs(state.scalars[row * state.columns + unit] - value))
            }
        }
        return worst
    }

    @Test("the converted tiny model loads through ModelSource as an LSTM with its word tokenizer")
    func loads() throws {
        let source = try ModelSource(url: LSTMReference.folder)
        #expect(source == .lstm(folder: LSTMReference.folder))
        #expect(source.objective == .nextToken && source.defaultAggregation == .last)
        let shape = try source.shape()
        #expect(shape == ModelSource.Shape(layerCount: 2, hiddenSize: 8, isRecurrent: true))
        let (model, tokenizer) = try source.load()
        #expect(model.architecture == "lstm" && model.layerCount == 2 && model.hiddenSize == 8 && model.vocabularySize == 30)
        #expect(model.isRecurrent && model.hasOutputHead && model.objective == .nextToken)
        #expect(tokenizer.idRange == 0...29)
        #expect(try source.definingFiles().map(\.lastPathComponent).sorted() == ["config.json", "model.safetensors", "vocab.txt"])
    }

    @Test("hidden states, cell states and logits of three packed sentences equal torch's (1e-5)")
    func forwardMatchesTorch() throws {
        let reference = try LSTMReference.load()
        let (model, tokenizer) = try ModelSource(url: LSTMReference.folder).load()
        let sequences = reference.sentences.map { tokenizer.encode(text: $0.text).ids }
        #expect(sequences == reference.sentences.map(\.ids))
        let batch = PackedBatch(sequences: sequences)
        var hidden: [Int: Tensor] = [:], cells: [Int: Tensor] = [:]
        let last = model.run(batch, visitInner: true) { site, state in
            switch site {
            case .residual(let layer): hidden[layer] = state
            case .cell(let layer): cells[layer] = state
            case .mlp(let layer): #expect(state.shape == [batch.tokenCount, 32], "gates of block \(layer)")
            }
        }
        let logits = try #require(model.logits(last, rows: nil, vocabulary: nil))
        for (s, sentence) in reference.sentences.enumerated() {
            let rows = batch.rows(of: s)
            for layer in 0...2 {
                let state = try #require(hidden[layer])
                #expect(difference(state, rows: rows, sentence.hidden_states[layer]) < 1e-5, "sentence \(s), state \(layer)")
            }
            for layer in 1...2 {
                let state = try #require(cells[layer])
                #expect(difference(state, rows: rows, sentence.cell_states[layer - 1]) < 1e-5, "sentence \(s), cell \(layer)")
            }
            #expect(difference(logits, rows: rows, sentence.logits) < 1e-5, "sentence \(s), logits")
        }
        // Chosen rows and words: the same numbers.
        let some = try #require(model.logits(last, rows: [3, 9], vocabulary: [12, 13, 0]))
        for (i, row) in [3, 9].enumerated() {
            for (j, word) in [12, 13, 0].enumerated() { #expect(some.scalars[i * 3 + j] == logits.scalars[row * 30 + word]) }
        }
    }

    @Test("an edit at h_t of layer 1 acts inside the recurrence, as torch stepping the edited cell")
    func editInsideRecurrenceMatchesTorch() throws {
        let reference = try LSTMReference.load()
        let model = try ModelSource(url: LSTMReference.folder).loadModel()
        let batch = PackedBatch(sequences: reference.sentences.map(\.ids))
        let edited = reference.edited
        let row = batch.starts[edited.sentence] + edited.position
        let edit = NeuronEdit.ablate.siteEdit(ranking: edited.units, k: edited.units.count, rows: [(row: row, label: 0)], directions: [])
        var states: [Tensor] = []
        let last = model.run(batch, edits: [.residual(edited.layer): edit]) { site, state in
            if case .residual = site { states.append(state) }
        }
        let rows = batch.rows(of: edited.sentence)
        for layer in 0...2 {
            #expect(difference(states[layer], rows: rows, edited.hidden_states[layer]) < 1e-5, "state \(layer)")
        }
        let logits = try #require(model.logits(last, rows: nil, vocabulary: nil))
        #expect(difference(logits, rows: rows, edited.logits) < 1e-5)
        // The other sentences of the batch are untouched.
        for s in 1..<reference.sentences.count {
            #expect(difference(states[2], rows: batch.rows(of: s), reference.sentences[s].hidden_states[2]) < 1e-5, "sentence \(s)")
        }
    }

    @Test("an edit at position t changes nothing before t and the same layer's states after t", arguments: [
        ModelSite.residual(1), .cell(1), .mlp(1), .residual(2), .cell(2),
    ])
    func editAtOnePosition(site: ModelSite) throws {
        let model = try ModelSource(url: LSTMReference.folder).loadModel()
        let batch = PackedBatch(sequences: [[2, 8, 10, 2, 11, 13, 27, 29], [3, 4, 14]])
        let position = 3, row = batch.starts[0] + position
        let width = site.kind.width(in: model)
        let edit: SiteEdit = { state, _ in
            for unit in 0..<width { state.scalars[row * width + unit] += 0.5 }
        }
        func states(_ edits: [ModelSite: SiteEdit]) -> [ModelSite: Tensor] {
            var seen: [ModelSite: Tensor] = [:]
            model.run(batch, edits: edits, visitInner: true) { site, state in seen[site] = state }
            return seen
        }
        let plain = states([:]), edited = states([site: edit])
        func rowsDiffer(_ a: Tensor, _ b: Tensor, _ row: Int) -> Bool {
            let w = a.columns
            return a.scalars[(row * w)..<((row + 1) * w)] != b.scalars[(row * w)..<((row + 1) * w)]
        }
        for layer in 1...2 {
            for kind in [SiteKind.residual, .cell] {
                let here = kind.site(layer)
                let a = try #require(plain[here]), b = try #require(edited[here])
                for t in 0..<position { #expect(!rowsDiffer(a, b, batch.starts[0] + t), "\(here) at \(t), before the edit") }
                for r in batch.rows(of: 1) { #expect(!rowsDiffer(a, b, r), "\(here): the other sequence") }
                guard layer >= site.layer else {
                    for r in batch.rows(of: 0) { #expect(!rowsDiffer(a, b, r), "\(here): below the edited block") }
                    continue
                }
                // After t, the recurrence carries the change (the edit's own row too, except h/c below it).
                for t in (position + 1)..<8 { #expect(rowsDiffer(a, b, batch.starts[0] + t), "\(here) at \(t), after the edit") }
            }
        }
        // Below the edited block nothing changes at all.
        #expect(plain[.residual(site.layer - 1)] == edited[.residual(site.layer - 1)])
        // A split run from the state below the block, with the same edit, is the whole run.
        let below = model.run(batch, upTo: site.layer - 1)
        #expect(model.run(batch, from: (site.layer - 1, below), edits: [site: edit]) == edited[.residual(2)])
    }

    @Test("a sequence's states do not depend on the batch it is packed in")
    func packing() throws {
        let model = try ModelSource(url: LSTMReference.folder).loadModel()
        let sequences = [[2, 8, 10], [3, 4, 14, 2, 6, 7, 12], [5], [9, 9, 9, 9]]
        let together = model.hiddenStates(PackedBatch(sequences: sequences))
        let batch = PackedBatch(sequences: sequences)
        for (s, sequence) in sequences.enumerated() {
            let alone = model.hiddenStates(PackedBatch(sequences: [sequence]))
            for layer in 0...2 {
                let rows = batch.rows(of: s)
                let part = together[layer].selectingRows(Array(rows))
                #expect(part.maxAbsoluteDifference(alone[layer]) < 1e-6, "sequence \(s), state \(layer)")
            }
        }
    }

    /// The error loading a scratch copy of the tiny model after `damage`.
    func loadError(_ damage: (URL) throws -> Void) throws -> String {
        let folder = try HostileFiles.scratchModel("../lstm/lstm-tiny")
        defer { try? FileManager.default.removeItem(at: folder) }
        try damage(folder)
        let error = #expect(throws: (any Error).self) { _ = try ModelSource(url: folder).load() }
        return error.map { "\($0)" }?.replacingOccurrences(of: folder.path + "/", with: "") ?? ""
    }

    @Test("config sizes that do not match the safetensors header are refused before loading", arguments: [
        ("num_layers", "3", "config.json: num_layers = 3 does not match model.safetensors, which holds 2 LSTM layers (0…1)"),
        ("num_layers", "1e12", "config.json: num_layers = 1000000000000 does not match model.safetensors, which holds 2 LSTM layers (0…1)"),
        ("hidden_size", "1099511627776", "config.json: embedding_size = 8 (must equal hidden_size = 1099511627776: hidden states 0…L share one width) is not supported"),
        ("vocab_size", "50001", "config.json: vocab_size = 50001 does not match model.safetensors, whose encoder.weight has 30 rows"),
        ("vocab_size", "30.5", "config.json: key vocab_size must be an integer, got 30.5"),
        ("num_layers", "0", "config.json: num_layers must be positive, got 0"),
    ])
    func configSizes(key: String, raw: String, message: String) throws {
        let text = try loadError { try HostileFiles.setConfig($0, key: key, rawValue: raw) }
        #expect(text == message)
    }

    @Test("a NaN weight is refused with the tensor's name; missing and unexpected weights are named")
    func hostileWeights() throws {
        let nan = try loadError { folder in
            try HostileFiles.rewriteWeights(folder) { $0["rnn.weight_hh_l1"]!.scalars[5] = .nan }
        }
        #expect(nan == "model.safetensors: tensor 'rnn.weight_hh_l1' holds nan at element 5; a model with non-finite weights is refused")
        let missing = try loadError { folder in try HostileFiles.rewriteWeights(folder) { $0["decoder.bias"] = nil } }
        #expect(missing.hasSuffix(": missing weights: decoder.bias"), "\(missing)")
        let extra = try loadError { folder in
            try HostileFiles.rewriteWeights(folder) { $0["rnn.weight_ih_l0_reverse"] = Tensor(zeros: [32, 8]) }
        }
        #expect(extra.hasSuffix(": unexpected weights: rnn.weight_ih_l0_reverse"), "\(extra)")
        let shape = try loadError { folder in
            try HostileFiles.rewriteWeights(folder) { $0["rnn.bias_hh_l0"] = Tensor(zeros: [31]) }
        }
        #expect(shape.hasSuffix(": tensor 'rnn.bias_hh_l0' has shape [31], expected [32]"), "\(shape)")
        // A vocabulary longer than the embedding: the pairing check names both files.
        let vocabulary = try loadError { folder in
            let url = folder.appendingPathComponent("vocab.txt")
            try Data((String(decoding: try Data(contentsOf: url), as: UTF8.self) + "zebra\n").utf8).write(to: url)
        }
        #expect(vocabulary == "vocab.txt: the tokenizer can produce token id 30, but the token embedding in model.safetensors has 30 rows "
            + "(ids 0…29); the tokenizer and the model do not belong together")
    }
}

@Suite("LSTM gradients")
struct LSTMGradientTests {
    static let sites: [ModelSite] = [.residual(0), .residual(1), .cell(1), .mlp(1), .residual(2), .cell(2), .mlp(2)]

    func model() throws -> LSTMModel { try LSTMModel.load(from: LSTMReference.folder) }

    /// logit(first) − logit(second) at each of `rows`, summed.
    func difference(rows: Int, first: Int, second: Int) -> LogitLoss {
        { logits in
            var value: Float = 0
            for row in 0..<rows { value += logits.scalars[row * 2] - logits.scalars[row * 2 + 1] }
            return (value, Tensor(shape: [rows, 2], scalars: (0..<rows).flatMap { _ in [Float(1), -1] }))
        }
    }

    @Test("the gradient at every site equals torch.autograd's, the recurrence included (1e-5)")
    func matchesTorch() throws {
        let reference = try LSTMReference.load().gradient
        let model = try model()
        let batch = PackedBatch(sequences: [reference.ids])
        for (name, expected) in reference.gradients {
            let parts = name.split(separator: ":")
            let layer = try #require(Int(parts[1]))
            let site: ModelSite = parts[0] == "cell" ? .cell(layer) : .residual(layer)
            let result = model.gradient(batch, at: site, rows: [reference.ids.count - 1], vocabulary: [reference.first, reference.second],
                                        loss: difference(rows: 1, first: 0, second: 1))
            #expect(abs(result.loss - reference.loss) < 1e-5)
            var worst: Float = 0
            for (position, row) in expected.enumerated() {
                for (unit, value) in row.enumerated() { worst = max(worst, abs(result.gradient.scalars[position * 8 + unit] - value)) }
            }
            #expect(worst < 1e-5, "\(site): largest difference \(worst)")
        }
    }

    @Test("the gradient at each site, through an edit applied at every step, matches central differences", arguments: sites)
    func finiteDifferences(site: ModelSite) throws {
        let model = try model()
        let batch = PackedBatch(sequences: [[2, 8, 10, 2, 11, 13, 27], [3, 4, 14, 2, 5]])
        let rows = [batch.starts[1] - 1, batch.tokenCount - 1]
        let loss = difference(rows: 2, first: 0, second: 1)
        let vocabulary = [13, 12]
        let scale: SiteEdit = { state, _ in for i in state.scalars.indices { state.scalars[i] *= 0.7 } }
        let result = model.gradient(batch, at: site, edits: [site: scale], editPullbacks: [site: scale], rows: rows,
                                    vocabulary: vocabulary, loss: loss)
        let width = result.state.columns
        #expect(result.gradient.shape == result.state.shape)
        func value(_ unit: Int, row: Int, _ epsilon: Float) -> Float {
            let change: SiteEdit = { state, _ in
                for i in state.scalars.indices { state.scalars[i] *= 0.7 }
                state.scalars[row * width + unit] += epsilon
            }
            let last = model.run(batch, edits: [site: change])
            return loss(model.logits(last, rows: rows, vocabulary: vocabulary)!).value
        }
        var worst: Float = 0, largest: Float = 0
        for row in [0, 2, 5, 7, 9, 11] {
            for unit in stride(from: site.layer % 2, to: width, by: 3) {
                let epsilon: Float = 1e-2
                let numeric = (value(unit, row: row, epsilon) - value(unit, row: row, -epsilon)) / (2 * epsilon)
                let analytic = result.gradient.scalars[row * width + unit]
                worst = max(worst, abs(numeric - analytic))
                largest = max(largest, abs(analytic))
            }
        }
        #expect(largest > 1e-3, "\(site): some gradient")
        #expect(worst < 2e-3, "\(site): largest difference \(worst) (largest gradient \(largest))")
        // An earlier position of the first sequence reaches its loss row through the recurrence.
        #expect(result.gradient.scalars[(rows[0] - 2) * width..<(rows[0] - 1) * width].contains { $0 != 0 })
    }

    @Test("the traced forward equals the plain block, bit for bit")
    func forwardHalf() throws {
        let model = try model()
        let batch = PackedBatch(sequences: [[2, 8, 10, 2, 11], [3, 4, 14]])
        let embedded = model.embed(batch)
        let scale: SiteEdit = { state, _ in for i in state.scalars.indices { state.scalars[i] *= 0.5 } }
        for index in 1...2 {
            #expect(model.applyLayerWithPullback(index, to: embedded, batch: batch, mlp: nil).output
                    == model.applyLayer(index, to: embedded, batch: batch, mlp: nil))
            let edits: [ModelSite: SiteEdit] = [.cell(index): scale, .mlp(index): scale]
            let traced = model.applyRecurrentLayerWithPullback(index, to: embedded, batch: batch, edits: edits, editPullbacks: edits)
            #expect(traced.output == model.applyLayer(index, to: embedded, batch: batch, edits: edits, visitInner: nil))
        }
    }
}

@Suite("Word vocabulary tokenizer")
struct WordVocabularyTokenizerTests {
    let file = URL(fileURLWithPath: "/models/lstm/vocab.txt")

    @Test("a word is a token; a word outside the vocabulary is <unk>; no <eos> is added")
    func encodes() throws {
        let tokenizer = try WordVocabularyTokenizer(lines: "<unk>\n<eos>\nthe\nkeys\nare\n", file: file)
        let encoding = tokenizer.encode(text: "the  keys\tare zebras")
        #expect(encoding.ids == [2, 3, 4, 0] && encoding.tokens == ["the", "keys", "are", "<unk>"])
        let words = tokenizer.encode(words: ["the", "zebras", "are"])
        #expect(words.ids == [2, 0, 4] && words.wordSpans == [0..<1, 1..<2, 2..<3])
        #expect(tokenizer.idRange == 0...4 && tokenizer.vocabularySize == 5 && tokenizer.padID == 1)
        #expect(tokenizer.id(of: "keys") == 3 && tokenizer.token(of: 4) == "are" && tokenizer.token(of: 5) == nil)
        // Windows line ends read the same.
        let crlf = try WordVocabularyTokenizer(lines: "<unk>\r\n<eos>\r\nthe\r\n", file: file)
        #expect(crlf.words == ["<unk>", "<eos>", "the"])
    }

    @Test("a malformed vocabulary names the file and the line", arguments: [
        ("<unk>\n<eos>\n\nthe\n", "/models/lstm/vocab.txt:3: empty line"),
        ("<unk>\n<eos>\nthe\nthe\n", "/models/lstm/vocab.txt:4: \"the\" repeats line 3"),
        ("<unk>\n<eos>\nthe cat\n", "/models/lstm/vocab.txt:3: \"the cat\" holds whitespace (one word per line)"),
        ("<unk>\nthe\n", "/models/lstm/vocab.txt: the vocabulary has no <eos> (one word per line; <eos> must be one of them)"),
        ("", "/models/lstm/vocab.txt: the vocabulary is empty"),
    ])
    func malformed(text: String, message: String) throws {
        let error = #expect(throws: TokenizerError.self) { try WordVocabularyTokenizer(lines: text, file: file) }
        #expect(error?.description == message)
    }
}
