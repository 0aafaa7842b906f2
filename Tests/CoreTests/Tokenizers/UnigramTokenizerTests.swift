import Foundation
import Testing
@testable import Models

@Suite("Unigram tokenizer")
struct UnigramTokenizerTests {
    /// `<s> <pad> </s> <unk>` then pieces; "▁ a aa" and "▁ aa a" tie at −4.
    static let tokenizer = UnigramTokenizer(
        pieces: [("<s>", 0), ("<pad>", 0), ("</s>", 0), ("<unk>", 0), ("▁", -1), ("a", -1), ("aa", -2),
                 ("▁ab", -1.5), ("b", -2), ("ab", -2.5)],
        unknownID: 3, prefixIDs: [0], suffixIDs: [2], padID: 1)

    @Test("Viterbi picks the best-scoring segmentation; ties go to the path found first (as HF)",
          arguments: [("ab", [7]), ("aab", [4, 5, 9]), ("aaa", [4, 5, 6]), ("ba", [4, 8, 5])])
    func viterbi(text: String, expected: [Int]) {
        #expect(Self.tokenizer.encode(text: text).ids == [0] + expected + [2])
    }

    @Test("consecutive unknown characters fuse into one <unk>")
    func unknownFusion() {
        #expect(Self.tokenizer.encode(text: "xy😀 a").ids == [0, 4, 3, 4, 5, 2])
        #expect(Self.tokenizer.encode(text: "a😀b").ids == [0, 4, 5, 3, 8, 2])
        #expect(Self.tokenizer.encode(text: "a😀b").tokens == ["<s>", "▁", "a", "<unk>", "b", "</s>"])
    }

    @Test("each pre-tokenized word gets its own ▁ and a span")
    func words() {
        let encoding = Self.tokenizer.encode(words: ["ab", "", "a"])
        #expect(encoding.ids == [0, 7, 4, 5, 2])
        #expect(encoding.wordSpans == [1..<2, 2..<2, 2..<4])
        #expect(Self.tokenizer.padID == 1)
    }

    @Test("xlmr-tiny reproduces transformers on every fixture sentence")
    func fixture() throws {
        let tokenizer = try TokenizerLoader.load(folder: TokenizerTestSupport.model("xlmr-tiny"))
        #expect(tokenizer is UnigramTokenizer)
        #expect(tokenizer.vocabularySize == 2002)
        #expect(tokenizer.padID == 1)
        #expect(tokenizer.id(of: "<mask>") == 2001)
        let comparison = try TokenizerTestSupport.expected("xlmr-tiny").compare(with: tokenizer)
        print("xlmr-tiny: \(comparison.summary)")
        #expect(comparison.allMatch, "\(comparison.summary)\n\(comparison.failures.joined(separator: "\n"))")
    }

    @Test("<mask> swallows the space before it (lstrip)")
    func maskLeftStrip() throws {
        let tokenizer = try TokenizerLoader.load(folder: TokenizerTestSupport.model("xlmr-tiny"))
        let spaced = tokenizer.encode(text: "a <mask>").ids
        let joined = tokenizer.encode(text: "a<mask>").ids
        #expect(spaced == joined)
        #expect(spaced.contains(2001))
    }
}
