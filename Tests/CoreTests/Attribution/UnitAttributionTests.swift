import Foundation
import Testing

@testable import Models
@testable import Analysis

/// Attribution on a masked LM: the mask is the predicted position, the fillers are compared there,
/// and Integrated Gradients add up to the log-ratio's change (the encoders' blocks are not recurrent,
/// so the scaled path is straight).
@Suite("Unit attribution on masked LMs")
struct UnitAttributionTests {
    static func load(_ fixture: String) throws -> (TransformerEncoder, any Tokenizer) {
        let folder = Fixtures.url(fixture)
        return (try TransformerEncoder.load(from: folder), try TokenizerLoader.load(folder: folder))
    }

    @Test("the prompt's [MASK] word is read, and the log-ratio is the two fillers' logit difference there")
    func maskInPrompt() throws {
        let (model, tokenizer) = try Self.load("models/bert-cased-tiny")
        var attribution = try UnitAttribution(model: model, tokenizer: tokenizer)
        attribution.settings.steps = 32
        let results = try attribution.attribute(prompt: "the keys to the cabinet [MASK] to", first: "are", second: "is",
                                                sites: [.residual(1), .mlp(2)])
        #expect(results.count == 2)
        let result = try #require(results.first)
        #expect(result.ids[result.position] == tokenizer.id(of: "[MASK]"))
        #expect(result.position == result.ids.count - 3, "[CLS] … [MASK] to [SEP]: \(result.ids)")
        #expect(result.first == tokenizer.id(of: "are") && result.second == tokenizer.id(of: "is"))
        let final = model.run(PackedBatch(sequences: [result.ids]))
        let logits = try #require(model.logits(final, rows: [result.position], vocabulary: [result.first, result.second]))
        #expect(abs(result.logRatio - (logits.scalars[0] - logits.scalars[1])) < 1e-5)
        for result in results {
            let change = abs(result.logRatio - result.baselineLogRatio)
            #expect(change > 1e-3, "\(result.site): the baseline changes the prediction")
            #expect(abs(result.completenessGap) < 0.05 * change + 1e-3, "\(result.site): Σ IG vs the change: gap \(result.completenessGap) of \(change)")
            #expect(result.gradientTimesActivation.scalars.contains { $0 != 0 })
        }
    }

    @Test("without a mask word one is appended after the prompt; XLM-R's <mask> works the same")
    func appendedMask() throws {
        for (fixture, mask) in [("models/bert-cased-tiny", "[MASK]"), ("models/xlmr-tiny", "<mask>")] {
            let (model, tokenizer) = try Self.load(fixture)
            var attribution = try UnitAttribution(model: model, tokenizer: tokenizer)
            attribution.settings.steps = 2
            let result = try #require(try attribution.attribute(prompt: "the keys to the cabinet", first: "are", second: "is",
                                                                sites: [.residual(0)]).first)
            #expect(result.position == result.ids.count - 2, "\(fixture): the mask before the closing special token, \(result.ids)")
            #expect(result.ids[result.position] == tokenizer.id(of: mask), "\(fixture)")
            #expect(result.first != result.second)
        }
    }

    @Test("clear errors: two masks, a headless encoder, the same first token")
    func errors() throws {
        let (model, tokenizer) = try Self.load("models/bert-cased-tiny")
        let attribution = try UnitAttribution(model: model, tokenizer: tokenizer)
        #expect(throws: UnitAttribution.AttributionError.severalMasks("[MASK]", count: 2)) {
            try attribution.attribute(prompt: "[MASK] keys [MASK]", first: "are", second: "is", sites: [.residual(1)])
        }
        #expect(throws: UnitAttribution.AttributionError.sameFirstToken("are", "are")) {
            try attribution.attribute(prompt: "the keys [MASK]", first: "are", second: "are", sites: [.residual(1)])
        }
        let headless = TransformerEncoder(config: model.config, embeddings: model.embeddings, layers: model.layers, head: nil)
        #expect(throws: UnitAttribution.AttributionError.noHead(headless.summary)) {
            _ = try UnitAttribution(model: headless, tokenizer: tokenizer)
        }
        #expect(!UnitAttribution.AttributionError.noHead(headless.summary).description.contains("\n"))
    }
}
