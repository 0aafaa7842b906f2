import Foundation
import Testing

@testable import Support
@testable import Corpora

@Suite("Re-splitting by stable hash")
struct SplitRecipeTests {
    static let ids = (0..<20_000).map { "doc\($0 / 37)-s\($0)" }

    @Test("FNV-1a 64 and SplitMix64 match their reference values")
    func referenceValues() {
        #expect(StableHash.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_F739_67E8)
        var rng = SplitMix64(seed: 1234567)
        #expect([rng.next(), rng.next(), rng.next()] == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
    }

    @Test("the same id always lands in the same split")
    func determinism() throws {
        let recipe = try SplitRecipe.hashed()
        let first = Self.ids.map { recipe.split(forSentenceID: $0) }
        let second = Self.ids.reversed().map { recipe.split(forSentenceID: $0) }.reversed()
        #expect(first == Array(second))
        #expect(try SplitRecipe.hashed(seed: 0).split(forSentenceID: "n01001011") == recipe.split(forSentenceID: "n01001011"))
    }

    @Test("proportions follow the fractions", arguments: [(0.8, 0.1, 0.1), (0.6, 0.2, 0.2), (0.5, 0.5, 0.0)])
    func proportions(train: Double, dev: Double, test: Double) throws {
        let recipe = try SplitRecipe.hashed(seed: 7, train: train, dev: dev, test: test)
        var counts = SplitCounts()
        for id in Self.ids { counts[recipe.split(forSentenceID: id)] += 1 }
        let n = Double(Self.ids.count)
        #expect(abs(Double(counts.train) / n - train) < 0.015)
        #expect(abs(Double(counts.dev) / n - dev) < 0.015)
        #expect(abs(Double(counts.test) / n - test) < 0.015)
    }

    @Test("a different seed gives a different split")
    func seeds() throws {
        let a = try SplitRecipe.hashed(seed: 0)
        let b = try SplitRecipe.hashed(seed: 1)
        let differing = Self.ids.prefix(2000).filter { a.split(forSentenceID: $0) != b.split(forSentenceID: $0) }.count
        #expect(differing > 400)
    }

    @Test("bad fractions are rejected")
    func badFractions() {
        #expect(throws: CorpusError.self) { try SplitRecipe.hashed(train: 0.8, dev: 0.1, test: 0.2) }
        #expect(throws: CorpusError.self) { try SplitRecipe.hashed(train: 1.1, dev: -0.1, test: 0) }
    }

    @Test("a corpus re-split is recorded and deterministic", .enabled(if: DataTestSupport.hasSharedTreebanks, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func corpusResplit() throws {
        let registry = try #require(DataTestSupport.sharedRegistry)
        let a = try LanguageCorpus.load(language: "English", from: registry)
        let b = try LanguageCorpus.load(language: "en", from: registry)
        #expect(a.recipe.method == .hashed)
        #expect(a.recipe.description.contains("80/10/10"))
        #expect(a.files.map(\.sentenceSplits) == b.files.map(\.sentenceSplits))
        let counts = a.sentenceCounts
        #expect(abs(Double(counts.train) / Double(counts.total) - 0.8) < 0.02)
        // Turkish IMST has all three splits: the automatic choice keeps them.
        let turkish = try LanguageCorpus.load(language: "Turkish", from: registry)
        #expect(turkish.recipe == .original)
        #expect(turkish.treebanks.map(\.name) == ["IMST"])
        #expect(turkish.files.map(\.name) == ["tr_imst-ud-train.conllu", "tr_imst-ud-dev.conllu", "tr_imst-ud-test.conllu"])
        #expect(throws: CorpusError.missingSplit(treebank: "English-EWT", split: .train)) {
            try LanguageCorpus.load(language: "English", from: registry, treebanks: ["EWT"], recipe: .original)
        }
        let pooled = try LanguageCorpus.load(language: "English", from: registry, treebanks: ["gum", "EWT"])
        #expect(pooled.treebanks.map(\.name) == ["EWT", "GUM"])
    }
}
