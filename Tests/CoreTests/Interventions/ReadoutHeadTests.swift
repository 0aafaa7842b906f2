import Foundation
import Testing

@testable import Kernels
@testable import Support
@testable import Models
@testable import Analysis

@Suite("Fitted readout head")
struct ReadoutHeadTests {
    @Test("tied and untied heads learn to read noisy copies of the embeddings back", arguments: [true, false])
    func fit(tied: Bool) {
        var random = SplitMix64(seed: 5)
        let vocab = 60, width = 12
        let embeddings = Tensor(shape: [vocab, width], scalars: (0..<(vocab * width)).map { _ in Float(random.nextUnitDouble() * 2 - 1) })
        let targets = (0..<600).map { _ in Int(random.next() % UInt64(vocab)) }
        let hidden = Tensor(shape: [targets.count, width], scalars: targets.flatMap { id in
            (0..<width).map { embeddings.scalars[id * width + $0] * 3 + Float(random.nextUnitDouble() - 0.5) * 0.3 }
        })
        var settings = ReadoutHead.Settings()
        settings.tied = tied
        settings.epochs = 20
        settings.batchSize = 64
        settings.learningRate = 0.05
        let head = ReadoutHead.fit(hidden: hidden, targets: targets, embeddings: embeddings, epsilon: 1e-12, settings: settings,
                                   heldOut: (hidden, targets))
        #expect(head.trainAccuracy > 0.9, "\(head.trainAccuracy)")
        #expect(head.heldOutAccuracy == head.trainAccuracy)
        #expect(head.logits(hidden.selectingRows([0, 1])).shape == [2, vocab])
        #expect(PredictionHead.fitted(head).label == "fitted readout head, not part of the pretrained model")
    }

    @Test("a head is stored by content key beside the cache, atomically, and reused")
    func cache() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelFolder = Fixtures.url("models/bert-cased-tiny")
        let model = try TransformerEncoder.load(from: modelFolder)
        let tokenizer = try TokenizerLoader.load(folder: modelFolder)
        let sentences = InterventionSweepTests.words.enumerated().map { TokenizedSentence(fileIndex: 0, id: "\($0)", words: $1, tokenizer: tokenizer) }
        var settings = ReadoutHead.Settings()
        settings.epochs = 2
        settings.tied = false
        var messages: [String] = []
        let first = try ReadoutHead.cached(model: model, modelName: "tiny", modelHash: "abc", train: sentences, heldOut: sentences,
                                           settings: settings, folder: folder) { messages.append($0) }
        #expect(first.url.lastPathComponent.hasPrefix("tiny-"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [first.url.lastPathComponent], "no partial file left")
        let second = try ReadoutHead.cached(model: model, modelName: "tiny", modelHash: "abc", train: sentences, heldOut: sentences,
                                            settings: settings, folder: folder) { messages.append($0) }
        #expect(messages.last?.hasPrefix("reusing readout head") == true, "\(messages)")
        #expect(second.url == first.url)
        #expect(second.head.normWeight == first.head.normWeight)
        #expect(second.head.decoderWeight == first.head.decoderWeight)
        #expect(second.head.heldOutAccuracy == Double(Float(first.head.heldOutAccuracy)))
        let other = try ReadoutHead.cached(model: model, modelName: "tiny", modelHash: "other", train: sentences, heldOut: sentences,
                                           settings: settings, folder: folder)
        #expect(other.url != first.url, "another model, another key")
    }
}
