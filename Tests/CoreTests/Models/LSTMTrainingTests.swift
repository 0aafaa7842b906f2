import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Models
@testable import Analysis

/// A tiny LSTM and a segment of two streams from a carried (non-zero) state.
enum TinyLSTM {
    static let config = LSTMConfig(modelType: "lstm-lm", vocabSize: 7, embeddingSize: 4, hiddenSize: 4, layerCount: 2)

    /// PyTorch's initialisation with the embedding and decoder ten times larger, so that every
    /// weight's gradient stands well above Float32 finite-difference noise.
    static func model(seed: UInt64 = 3) -> LSTMModel {
        var random = SplitMix64(seed: seed)
        var model = LSTMModel.initialised(config, random: &random).model
        for i in model.embedding.scalars.indices { model.embedding.scalars[i] *= 10 }
        for i in model.decoderWeight.scalars.indices { model.decoderWeight.scalars[i] *= 10 }
        return model
    }

    static let segment = LSTMSegment(batch: PackedBatch(sequences: [[1, 4, 2, 6], [3, 3, 5, 0]]), targets: [4, 2, 6, 1, 3, 5, 0, 2])

    static func initialState() -> [LSTMRecurrentState] {
        var random = SplitMix64(seed: 11)
        return (0..<2).map { _ in
            LSTMRecurrentState(hidden: Tensor(shape: [2, 4], scalars: (0..<8).map { _ in Float(random.nextUnitDouble() - 0.5) }),
                               cell: Tensor(shape: [2, 4], scalars: (0..<8).map { _ in Float(random.nextUnitDouble() * 2 - 1) }))
        }
    }

    /// A corpus of short sentences over a handful of words (plural subjects take "are", singular "is").
    static func corpus(sentences: Int = 120) -> LanguageModelCorpus {
        var random = SplitMix64(seed: 5)
        let nouns = ["dog", "cat", "key"], adjectives = ["old", "red", "big"]
        var text: [[String]] = []
        for _ in 0..<sentences {
            let noun = nouns[Int(random.next() % 3)], plural = random.next() % 2 == 0
            text.append(["the", adjectives[Int(random.next() % 3)], plural ? noun + "s" : noun, plural ? "are" : "is", "here"])
        }
        return LanguageModelCorpus(training: text.enumerated().filter { $0.offset % 6 != 0 }.map(\.element),
                                   heldOut: text.enumerated().filter { $0.offset % 6 == 0 }.map(\.element), files: [])
    }

    static func settings(epochs: Int = 2) -> LSTMTrainingSettings {
        var settings = LSTMTrainingSettings()
        settings.layers = 2
        settings.width = 8
        settings.vocabularySize = 50
        settings.bptt = 5
        settings.batchSize = 4
        settings.evaluationBatchSize = 2
        settings.learningRate = 2
        settings.epochs = epochs
        return settings
    }

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("train-lm-\(UUID().uuidString)", isDirectory: true)
    }
}

@Suite("LSTM weight gradients")
struct LSTMWeightGradientTests {
    /// Every weight as a flat list of (name, count, read gradient, nudge).
    typealias Parameter = (name: String, count: Int, gradient: (LSTMGradients) -> Float32Array, nudge: (inout LSTMModel, Int, Float) -> Void)
    typealias Float32Array = [Float]

    static func parameters(_ model: LSTMModel) -> [Parameter] {
        var list: [Parameter] = [
            ("encoder.weight", model.embedding.count, { $0.embedding.scalars }, { $0.embedding.scalars[$1] += $2 }),
            ("decoder.weight", model.decoderWeight.count, { $0.decoderWeight.scalars }, { $0.decoderWeight.scalars[$1] += $2 }),
            ("decoder.bias", model.decoderBias.count, { $0.decoderBias.scalars }, { $0.decoderBias.scalars[$1] += $2 }),
        ]
        for layer in model.layers.indices {
            list.append(("weight_ih_l\(layer)", model.layers[layer].inputWeight.count, { $0.layers[layer].inputWeight.scalars },
                         { $0.layers[layer].inputWeight.scalars[$1] += $2 }))
            list.append(("weight_hh_l\(layer)", model.layers[layer].recurrentWeight.count, { $0.layers[layer].recurrentWeight.scalars },
                         { $0.layers[layer].recurrentWeight.scalars[$1] += $2 }))
            list.append(("bias_l\(layer)", model.layers[layer].bias.count, { $0.layers[layer].bias.scalars },
                         { $0.layers[layer].bias.scalars[$1] += $2 }))
        }
        return list
    }

    func loss(_ model: LSTMModel, dropout: Float) -> Double {
        var random = SplitMix64(seed: 99)
        var clock: LSTMTrainingClock?
        let pass = model.trainingPass(TinyLSTM.segment, initial: TinyLSTM.initialState(), dropout: dropout, random: &random,
                                      computeGradients: false, clock: &clock)
        return pass.lossSum / Double(pass.tokenCount)
    }

    @Test("every weight's gradient equals central differences of the mean cross-entropy (dropout and a carried state included)",
          arguments: [Float(0), 0.3])
    func finiteDifferences(dropout: Float) throws {
        let model = TinyLSTM.model()
        var random = SplitMix64(seed: 99)
        var clock: LSTMTrainingClock?
        let pass = model.trainingPass(TinyLSTM.segment, initial: TinyLSTM.initialState(), dropout: dropout, random: &random,
                                      computeGradients: true, clock: &clock)
        let gradients = try #require(pass.gradients)
        #expect(abs(pass.lossSum / 8 - loss(model, dropout: dropout)) < 1e-12, "the gradient pass computes the same loss")
        for parameter in Self.parameters(model) {
            let analytic = parameter.gradient(gradients)
            #expect(analytic.count == parameter.count)
            var worst = 0.0, largest = 0.0
            for index in 0..<parameter.count {
                let epsilon: Float = 5e-3
                var up = model, down = model
                parameter.nudge(&up, index, epsilon)
                parameter.nudge(&down, index, -epsilon)
                let numeric = (loss(up, dropout: dropout) - loss(down, dropout: dropout)) / Double(2 * epsilon)
                worst = max(worst, abs(numeric - Double(analytic[index])))
                largest = max(largest, abs(Double(analytic[index])))
            }
            #expect(largest > 1e-3, "\(parameter.name): some gradient")
            #expect(worst < 1e-4 + 1e-2 * largest, "\(parameter.name): largest difference \(worst) (largest gradient \(largest))")
        }
    }

    /// torch.autograd on the tiny converted LSTM (scripts/make-lstm-training-fixture.py).
    struct TorchReference: Decodable {
        var streams: [[Int]]
        var initial_hidden: [[[Float]]]
        var initial_cell: [[[Float]]]
        var final_hidden: [[[Float]]]
        var final_cell: [[[Float]]]
        var loss: Double
        var gradients: [String: [Float]]
    }

    @Test("the loss, the carried state and every weight's gradient equal torch.autograd's on the tiny converted LSTM")
    func matchesTorch() throws {
        let reference = try JSONDecoder().decode(TorchReference.self, from: Data(contentsOf: Fixtures.url("lstm/lstm-tiny-training.json")))
        let model = try LSTMModel.load(from: LSTMReference.folder)
        let segment = LSTMSegment(batch: PackedBatch(sequences: reference.streams.map { Array($0.dropLast()) }),
                                  targets: reference.streams.flatMap { $0.dropFirst() })
        let initial = (0..<model.layerCount).map { layer in
            LSTMRecurrentState(hidden: Tensor(shape: [2, 8], scalars: reference.initial_hidden[layer].flatMap { $0 }),
                               cell: Tensor(shape: [2, 8], scalars: reference.initial_cell[layer].flatMap { $0 }))
        }
        var random = SplitMix64(seed: 1)
        var clock: LSTMTrainingClock?
        let pass = model.trainingPass(segment, initial: initial, dropout: 0, random: &random, computeGradients: true, clock: &clock)
        #expect(abs(pass.lossSum / Double(pass.tokenCount) - reference.loss) < 1e-5)
        for layer in 0..<model.layerCount {
            #expect(pass.final[layer].hidden.maxAbsoluteDifference(Tensor(shape: [2, 8], scalars: reference.final_hidden[layer].flatMap { $0 })) < 1e-5)
            #expect(pass.final[layer].cell.maxAbsoluteDifference(Tensor(shape: [2, 8], scalars: reference.final_cell[layer].flatMap { $0 })) < 1e-5)
        }
        let gradients = try #require(pass.gradients)
        var ours: [String: [Float]] = ["encoder.weight": gradients.embedding.scalars, "decoder.weight": gradients.decoderWeight.scalars,
                                       "decoder.bias": gradients.decoderBias.scalars]
        for (index, layer) in gradients.layers.enumerated() {
            ours["rnn.weight_ih_l\(index)"] = layer.inputWeight.scalars
            ours["rnn.weight_hh_l\(index)"] = layer.recurrentWeight.scalars
            ours["rnn.bias_ih_l\(index)"] = layer.bias.scalars
            ours["rnn.bias_hh_l\(index)"] = layer.bias.scalars
        }
        #expect(Set(ours.keys) == Set(reference.gradients.keys))
        for (name, expected) in reference.gradients {
            let found = try #require(ours[name])
            #expect(found.count == expected.count, "\(name)")
            let worst = zip(found, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-6, "\(name): largest difference \(worst)")
        }
    }

    @Test("the embedding gradient is zero on rows of words absent from the segment")
    func embeddingRows() throws {
        var random = SplitMix64(seed: 1)
        var clock: LSTMTrainingClock?
        let pass = TinyLSTM.model().trainingPass(TinyLSTM.segment, initial: TinyLSTM.initialState(), dropout: 0, random: &random,
                                                 computeGradients: true, clock: &clock)
        let embedding = try #require(pass.gradients).embedding
        for word in 0..<7 {
            let row = embedding.row(word)
            let present = TinyLSTM.segment.batch.ids.contains(word)
            #expect(present == row.contains { $0 != 0 }, "word \(word)")
        }
    }

    @Test("a segment run from the state another left equals one run of both, bit for bit")
    func carriedState() {
        let model = TinyLSTM.model()
        var random = SplitMix64(seed: 1)
        var clock: LSTMTrainingClock?
        let whole = LSTMSegment(batch: PackedBatch(sequences: [[1, 4, 2, 6, 5, 3]]), targets: [4, 2, 6, 5, 3, 1])
        let first = LSTMSegment(batch: PackedBatch(sequences: [[1, 4, 2]]), targets: [4, 2, 6])
        let second = LSTMSegment(batch: PackedBatch(sequences: [[6, 5, 3]]), targets: [5, 3, 1])
        let all = model.trainingPass(whole, initial: model.zeroState(sequences: 1), dropout: 0, random: &random, computeGradients: false, clock: &clock)
        let head = model.trainingPass(first, initial: model.zeroState(sequences: 1), dropout: 0, random: &random, computeGradients: false, clock: &clock)
        let tail = model.trainingPass(second, initial: head.final, dropout: 0, random: &random, computeGradients: false, clock: &clock)
        #expect(tail.final == all.final)
        #expect(abs(head.lossSum + tail.lossSum - all.lossSum) < 1e-5)
    }

    @Test("the zero-state training graph without dropout gives the model's own logits")
    func sameForward() {
        let model = TinyLSTM.model()
        let batch = TinyLSTM.segment.batch
        let logits = model.logits(model.run(batch))!
        var expected = 0.0
        for (row, target) in TinyLSTM.segment.targets.enumerated() {
            let values = logits.row(row).map(Double.init)
            let top = values.max()!
            expected += log(values.map { exp($0 - top) }.reduce(0, +)) + top - values[target]
        }
        var random = SplitMix64(seed: 1)
        var clock: LSTMTrainingClock?
        let pass = model.trainingPass(TinyLSTM.segment, initial: model.zeroState(sequences: 2), dropout: 0, random: &random,
                                      computeGradients: false, clock: &clock)
        #expect(abs(pass.lossSum - expected) < 1e-4)
    }
}

@Suite("LSTM training")
struct LSTMTrainerTests {
    /// Every weight of a model, flat, by state-dict name.
    func weights(_ trainer: LSTMTrainer) -> [String: [Float]] { trainer.weights.mapValues(\.scalars) }

    @Test("one SGD step is p − lr · g for every weight when the norm is under the clip, and p − lr · (clip / ‖g‖) · g above it",
          arguments: [Float(1000), 0.05])
    func sgdStep(clip: Float) throws {
        var settings = TinyLSTM.settings()
        settings.clip = clip
        settings.dropout = 0
        var trainer = try LSTMTrainer(corpus: TinyLSTM.corpus(), settings: settings)
        let segment = LSTMTrainer.segment(trainer.trainingStreams, start: 0, bptt: settings.bptt)
        let initial = trainer.model.zeroState(sequences: settings.batchSize)
        var random = SplitMix64(seed: 1)
        var clock: LSTMTrainingClock?
        let gradients = try #require(trainer.model.trainingPass(segment, initial: initial, dropout: 0, random: &random,
                                                                computeGradients: true, clock: &clock).gradients)
        let norm = gradients.norm
        let factor = norm > Double(clip) ? Float(Double(clip) / (norm + 1e-6)) : 1
        #expect((clip < 1) == (factor < 1), "the small clip clips (norm \(norm))")
        let before = weights(trainer)
        trainer.step(segment, initial: initial, random: &random, clock: &clock)
        let after = weights(trainer)
        var expectedGradients: [String: [Float]] = ["encoder.weight": gradients.embedding.scalars,
                                                    "decoder.weight": gradients.decoderWeight.scalars, "decoder.bias": gradients.decoderBias.scalars]
        for (index, layer) in gradients.layers.enumerated() {
            expectedGradients["rnn.weight_ih_l\(index)"] = layer.inputWeight.scalars
            expectedGradients["rnn.weight_hh_l\(index)"] = layer.recurrentWeight.scalars
            expectedGradients["rnn.bias_ih_l\(index)"] = layer.bias.scalars
            expectedGradients["rnn.bias_hh_l\(index)"] = layer.bias.scalars
        }
        #expect(Set(expectedGradients.keys) == Set(before.keys))
        var updateSquares = 0.0
        for (name, gradient) in expectedGradients {
            for i in gradient.indices {
                let expected = before[name]![i] - settings.learningRate * (gradient[i] * factor)
                #expect(abs(after[name]![i] - expected) <= 1e-6 * max(1, abs(expected)), "\(name)[\(i)]")
                let step = Double(before[name]![i] - after[name]![i]) / Double(settings.learningRate)
                updateSquares += step * step
            }
        }
        // The applied step's norm is the clip when clipped (the biases count twice, as PyTorch's two bias parameters).
        if factor < 1 { #expect(abs(updateSquares.squareRoot() - Double(clip)) < 1e-3 * Double(clip)) }
        // The model's summed bias is rebuilt from both.
        for (index, layer) in trainer.model.layers.enumerated() {
            #expect(layer.bias == LSTMModel.sum(trainer.biases[index].input, trainer.biases[index].recurrent))
        }
    }

    @Test("the learning rate is divided by 4 when held-out loss does not beat the best, and the best is kept")
    func plateau() throws {
        var trainer = try LSTMTrainer(corpus: TinyLSTM.corpus(), settings: TinyLSTM.settings())
        #expect(trainer.finishEpoch(trainingLoss: 6, heldOutLoss: 5, seconds: 1) && trainer.state.learningRate == 2)
        #expect(trainer.finishEpoch(trainingLoss: 5, heldOutLoss: 4, seconds: 1) && trainer.state.learningRate == 2)
        #expect(!trainer.finishEpoch(trainingLoss: 4, heldOutLoss: 4, seconds: 1) && trainer.state.learningRate == 0.5)
        #expect(!trainer.finishEpoch(trainingLoss: 4, heldOutLoss: 4.5, seconds: 1) && trainer.state.learningRate == 0.125)
        #expect(trainer.finishEpoch(trainingLoss: 4, heldOutLoss: 3.9, seconds: 1) && trainer.state.learningRate == 0.125)
        #expect(trainer.state.bestEpoch == 5 && trainer.state.bestHeldOutLoss == 3.9 && trainer.state.epochsDone == 5)
        #expect(trainer.state.history.map(\.learningRate) == [2, 2, 2, 0.5, 0.125])
    }

    @Test("training lowers held-out perplexity on a regular toy corpus")
    func learns() throws {
        var settings = TinyLSTM.settings(epochs: 4)
        settings.width = 16
        var trainer = try LSTMTrainer(corpus: TinyLSTM.corpus(sentences: 400), settings: settings)
        let before = trainer.heldOutLoss()
        var clock: LSTMTrainingClock?
        for _ in 0..<4 {
            let loss = try trainer.trainEpoch(clock: &clock)
            trainer.finishEpoch(trainingLoss: loss, heldOutLoss: trainer.heldOutLoss(), seconds: 1)
        }
        let after = trainer.heldOutLoss()
        #expect(after < before - 1, "held-out loss \(before) → \(after)")
    }

    /// Trains `epochs` epochs into `folder` as the command does: start, then train + save per epoch.
    func train(_ trainer: inout LSTMTrainer, in folder: URL, until epochs: Int) throws {
        var clock: LSTMTrainingClock?
        while trainer.state.epochsDone < epochs {
            let loss = try trainer.trainEpoch(clock: &clock)
            let improved = trainer.finishEpoch(trainingLoss: loss, heldOutLoss: trainer.heldOutLoss(), seconds: 1)
            try LSTMCheckpoint.save(trainer, in: folder, improved: improved)
        }
    }

    @Test("2 epochs equal 1 epoch, a restart from the folder, and 1 more: bit-identical weights and state")
    func resume() throws {
        let corpusFile = TinyLSTM.temporaryFolder().appendingPathExtension("txt")
        try TinyLSTM.corpus().training.map { $0.joined(separator: " ") }.joined(separator: "\n").write(to: corpusFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: corpusFile) }
        let corpus = try LanguageModelCorpus.read([corpusFile], heldOutEvery: 10)
        let straight = TinyLSTM.temporaryFolder(), interrupted = TinyLSTM.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: interrupted) }

        var settings = TinyLSTM.settings(epochs: 2)
        settings.dropout = 0.3
        var first = try LSTMTrainer(corpus: corpus, settings: settings)
        try LSTMCheckpoint.start(first, in: straight)
        try train(&first, in: straight, until: 2)

        var second = try LSTMTrainer(corpus: corpus, settings: settings)
        try LSTMCheckpoint.start(second, in: interrupted)
        try train(&second, in: interrupted, until: 1)
        var resumed = try LSTMCheckpoint.resume(interrupted, files: [corpusFile])
        #expect(resumed.state.epochsDone == 1 && resumed.weights == second.weights)
        try train(&resumed, in: interrupted, until: 2)

        #expect(resumed.weights == first.weights)
        #expect(resumed.state == first.state)
        for name in ["model.safetensors", "training.safetensors", "config.json", "vocab.txt"] {
            let a = try Data(contentsOf: straight.appendingPathComponent(name)), b = try Data(contentsOf: interrupted.appendingPathComponent(name))
            #expect(a == b, "\(name)")
        }
        // No temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: interrupted.path)
        #expect(!names.contains { $0.contains(".partial") }, "\(names)")
        // Resuming with other text is refused.
        let other = TinyLSTM.temporaryFolder().appendingPathExtension("txt")
        try String(repeating: "the cat is here\nthe dogs are here\n", count: 10).write(to: other, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(throws: TrainingError.corpusChanged(path: interrupted.path)) { try LSTMCheckpoint.resume(interrupted, files: [other]) }
    }

    @Test("a failed write leaves the previous file whole and no temporary file")
    func atomicWrite() throws {
        let folder = TinyLSTM.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model.safetensors")
        try Data("previous".utf8).write(to: target)
        struct Crash: Error {}
        #expect(throws: CacheError.self) {
            try LSTMCheckpoint.replace(target) { partial in
                try Data("half".utf8).write(to: partial)
                throw Crash()
            }
        }
        #expect(try Data(contentsOf: target) == Data("previous".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test("the trained folder loads through ModelSource as an LSTM and predicts the next word")
    func loadsAndPredicts() throws {
        let folder = TinyLSTM.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = TinyLSTM.settings(epochs: 6)
        settings.width = 16
        settings.learningRate = 20
        var trainer = try LSTMTrainer(corpus: TinyLSTM.corpus(sentences: 400), settings: settings)
        try LSTMCheckpoint.start(trainer, in: folder)
        try train(&trainer, in: folder, until: 6)
        let source = try ModelSource(url: folder)
        #expect(source == .lstm(folder: folder))
        let (model, tokenizer) = try source.load()
        #expect(model.layerCount == 2 && model.hiddenSize == 16 && model.vocabularySize == trainer.vocabulary.count)
        let predictor = try NextTokenPredictor(model: model, tokenizer: tokenizer)
        // After "the ADJ" comes one of six nouns: they take most of the probability (more so in the
        // context training saw: after the previous sentence's <eos>).
        let nouns: Set<String> = ["dog", "cat", "key", "dogs", "cats", "keys"]
        for prompt in ["the old", "is here <eos> the old"] {
            let top = try predictor.top(after: prompt, count: 6)
            let mass = top.filter { nouns.contains($0.token) }.map(\.probability).reduce(0, +)
            #expect(mass > 0.5, "\(prompt): \(top.map { ($0.token, $0.probability) })")
        }
        let inContext = try predictor.top(after: "is here <eos> the old", count: 1)
        #expect(nouns.contains(inContext[0].token), "\(inContext)")
        // The best epoch's weights are what loaded.
        let loaded = try LSTMModel.load(from: folder)
        let best = try #require(trainer.state.bestEpoch)
        #expect(try SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors")).metadata["epoch"] == "\(best)")
        #expect(loaded.config == trainer.model.config)
    }
}

@Suite("Training input errors")
struct TrainingInputTests {
    @Test("an empty corpus, a file that is not text and a corpus too small to hold out are refused with one line")
    func badCorpus() throws {
        let folder = TinyLSTM.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.txt"), binary = folder.appendingPathComponent("weights.bin")
        let short = folder.appendingPathComponent("short.txt")
        try Data(" \n\n\t\n".utf8).write(to: empty)
        try Data([0x93, 0x4E, 0x55, 0x4D, 0x00, 0x01, 0xFF]).write(to: binary)
        try Data("one sentence\n".utf8).write(to: short)
        #expect(throws: TrainingError.emptyCorpus(files: [empty.path])) { try LanguageModelCorpus.read([empty], heldOutEvery: 10) }
        #expect(throws: TrainingError.notText(file: binary.path, reason: "byte 4 is NUL")) { try LanguageModelCorpus.read([binary], heldOutEvery: 10) }
        let latin1 = folder.appendingPathComponent("latin1.txt")
        try Data([0x63, 0x61, 0x66, 0xE9]).write(to: latin1)
        #expect(throws: TrainingError.notText(file: latin1.path, reason: "not UTF-8")) { try LanguageModelCorpus.read([latin1], heldOutEvery: 10) }
        #expect(throws: TrainingError.emptyHeldOut(sentences: 1, every: 10)) { try LanguageModelCorpus.read([short], heldOutEvery: 10) }
        for error in [TrainingError.emptyCorpus(files: [empty.path]), .notText(file: binary.path, reason: "byte 4 is NUL")] {
            #expect(!error.description.contains("\n") && error.description.contains(folder.path))
        }
    }

    @Test("an output folder of a user's files is refused without --force; a previous run needs --resume or --force")
    func outputFolder() throws {
        let folder = TinyLSTM.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try LSTMCheckpoint.check(folder, resume: false, force: false)   // absent: fine
        #expect(throws: TrainingError.nothingToResume(path: folder.path)) { try LSTMCheckpoint.check(folder, resume: true, force: false) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try LSTMCheckpoint.check(folder, resume: false, force: false)   // empty: fine
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.md"))
        #expect(throws: TrainingError.foreignOutput(path: folder.path, holds: "files that no training run wrote (notes.md)")) {
            try LSTMCheckpoint.check(folder, resume: false, force: false)
        }
        try LSTMCheckpoint.check(folder, resume: false, force: true)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("notes.md"))
        let trainer = try LSTMTrainer(corpus: TinyLSTM.corpus(), settings: TinyLSTM.settings())
        try LSTMCheckpoint.start(trainer, in: folder)
        #expect(throws: TrainingError.existingRun(path: folder.path, epochs: 0, of: 2)) { try LSTMCheckpoint.check(folder, resume: false, force: false) }
        try LSTMCheckpoint.check(folder, resume: true, force: false)
        try LSTMCheckpoint.check(folder, resume: false, force: true)
        // Starting over (--force) removes the previous run's best weights before anything else is written.
        try Data("old".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
        try LSTMCheckpoint.start(trainer, in: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
    }

    @Test("the vocabulary is <unk>, <eos>, then the most frequent training words, ties by bytes")
    func vocabulary() {
        let corpus = LanguageModelCorpus(training: [["b", "a", "c"], ["a", "b", "d"], ["a", "1 000"]], heldOut: [["x"]], files: [])
        #expect(corpus.vocabulary(size: 3) == ["<unk>", "<eos>", "a", "b", "c"])
    }
}
