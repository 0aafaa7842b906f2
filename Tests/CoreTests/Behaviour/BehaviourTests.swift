import Foundation
import Testing
@testable import Models
@testable import Analysis

@Suite("Next-token predictions and agreement scoring")
struct BehaviourTests {
    static func tiny() throws -> NextTokenPredictor {
        let source = try ModelSource(url: Gemma3ModelTests.tinyURL)
        return try NextTokenPredictor(model: try source.loadModel(), tokenizer: try source.loadTokenizer())
    }

    @Test("a continuation's log-probability is the sum of each token's log-softmax, batched or alone")
    func continuation() throws {
        let predictor = try Self.tiny()
        let scored = try predictor.continuation("cabinet keys", after: "The keys to the")
        #expect(scored.ids.count >= 2)
        // By hand: the full sequence, full logits, log-softmax in Double.
        let encoding = predictor.tokenizer.encode(words: ["The", "keys", "to", "the", "cabinet", "keys"])
        let model = predictor.model
        let last = model.run(PackedBatch(sequences: [encoding.ids]))
        let logits = try #require(model.logits(last, rows: nil, vocabulary: nil))
        let start = encoding.wordSpans[4].lowerBound
        var expected = 0.0
        for position in start..<encoding.ids.count {
            let row = logits.row(position - 1).map(Double.init)
            let largest = row.max()!
            let normaliser = largest + log(row.reduce(0) { $0 + exp($1 - largest) })
            expected += row[encoding.ids[position]] - normaliser
        }
        #expect(abs(scored.logProbability - expected) < 1e-3, "\(scored.logProbability) vs \(expected)")
        let batched = try predictor.continuations([("is", "The keys"), ("cabinet keys", "The keys to the"), ("are", "The keys")])
        #expect(abs(batched[1].logProbability - scored.logProbability) < 1e-4)
        #expect(abs(batched[0].logProbability - (try predictor.continuation("is", after: "The keys")).logProbability) < 1e-4)
        let top = try predictor.top(after: "The keys to the", count: 5)
        #expect(top.count == 5 && zip(top, top.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        #expect(top.reduce(0) { $0 + $1.probability } <= 1.0001)
    }

    @Test("an encoder is refused with a sentence that names what is needed; empty prompts too")
    func errors() throws {
        let encoder = try TransformerEncoder.load(from: Fixtures.url("models/bert-cased-tiny"))
        let tokenizer = try TokenizerLoader.load(folder: Fixtures.url("models/bert-cased-tiny"))
        #expect { try NextTokenPredictor(model: encoder, tokenizer: tokenizer) } throws: {
            "\($0)".contains("masked-LM encoder: next-token predictions need a causal model such as gemma3")
        }
        let predictor = try Self.tiny()
        #expect(throws: NextTokenPredictor.PredictorError.emptyText) { try predictor.top(after: "  ", count: 3) }
        #expect(throws: NextTokenPredictor.PredictorError.emptyContinuation) { try predictor.continuation(" ", after: "The") }
    }

    @Test("Lakretz stimuli read as pairs per condition; a broken file names its line")
    func stimuli() throws {
        let folder = Fixtures.shared.appendingPathComponent("agreement/lakretz2019")
        guard FileManager.default.fileExists(atPath: folder.path) else { Issue.record("../shared/agreement is missing"); return }
        let pairs = try AgreementStimuli.lakretz(folder: folder)
        #expect(pairs.count == 12_000)
        let simple = pairs.filter { $0.condition == "simple singular" }
        #expect(simple.count == 300)
        #expect(simple.first == AgreementPair(condition: "simple singular", prefix: "The athlete", correct: simple.first!.correct,
                                              wrong: simple.first!.wrong, origin: "simple.txt:1"))
        #expect(Set(pairs.map(\.condition)).count == 18)
        let gulordava = try AgreementStimuli.gulordava(file: Fixtures.shared.appendingPathComponent("agreement/gulordava2018/English/generated.tab"),
                                                       condition: "gulordava English")
        #expect(gulordava.count == 410)
        #expect(gulordava[0] == AgreementPair(condition: "gulordava English", prefix: "An agreeable insight executed in fifty",
                                              correct: "represents", wrong: "represent", origin: "generated.tab:2"))
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: broken) }
        try Data("The dog runs\tsingular\tcorrect\tid1\nThe cat run\tsingular\twrong\tid1\n".utf8).write(to: broken)
        #expect(throws: AgreementStimuli.FormatError(file: broken.path, line: 2,
                                                     problem: "expected the other version of sentence id1 (line 1): same prefix, id and number, the other label")) {
            try AgreementStimuli.lakretz(file: broken)
        }
    }

    @Test("the real Gemma 3 prefers the agreeing verb: are after 'The keys to the cabinet', and simple sentences")
    func realAgreement() throws {
        guard FileManager.default.fileExists(atPath: Gemma3ModelTests.realURL.path) else {
            Issue.record("Gemma 3 270M is not installed: run scripts/setup"); return
        }
        let source = try ModelSource(url: Gemma3ModelTests.realURL)
        let predictor = try NextTokenPredictor(model: try source.loadModel(), tokenizer: try source.loadTokenizer())
        let are = try predictor.continuation("are", after: "The keys to the cabinet")
        let isForm = try predictor.continuation("is", after: "The keys to the cabinet")
        #expect(are.logProbability - isForm.logProbability > 2, "\(are) \(isForm)")
        #expect(try predictor.top(after: "The keys to the cabinet", count: 1).first?.token == "▁are")
        let pairs = try AgreementStimuli.lakretz(file: Fixtures.shared.appendingPathComponent("agreement/lakretz2019/simple.txt"))
        let scores = try AgreementScorer(predictor: predictor).score(Array(pairs.prefix(20)) + Array(pairs.suffix(20)))
        #expect(scores.map(\.condition) == ["simple singular", "simple plural"])
        #expect(scores.allSatisfy { $0.accuracy >= 0.9 }, "\(scores)")
    }
}
