import Foundation
import Testing

@testable import Corpora

@Suite("Lexicon")
struct LexiconTests {
    @Test("forms, lemmas and features from a small file")
    func small() throws {
        let text = [
            "# sent_id = 1",
            row("1", "Dogs", "dog", "NOUN", "_", "Number=Plur", "2", "nsubj", "_", "_"),
            row("2", "walked", "walk", "VERB", "_", "Tense=Past", "0", "root", "_", "_"),
            "",
            "# sent_id = 2",
            row("1", "dogs", "dog", "NOUN", "_", "Number=Plur", "0", "root", "_", "_"),
            row("2", "walked", "walk", "VERB", "_", "Tense=Past|VerbForm=Part", "1", "acl", "_", "_"),
            row("3", "walked", "walk", "VERB", "_", "Tense=Past", "1", "acl", "_", "_"),
            "",
        ].joined(separator: "\n")
        let file = try CoNLLUReader.parse(text, url: URL(fileURLWithPath: "/l.conllu"))
        let lexicon = Lexicon(language: "Test", files: [file], mapping: DataTestSupport.tinyMapping)
        #expect(lexicon.formCount == 3)
        let walked = lexicon.analyses(of: "walked")
        #expect(walked.map(\.bundle) == ["V;PST", "V.PTCP;PST"])
        #expect(walked.map(\.count) == [2, 1])
        #expect(lexicon.lemma(of: "walked") == "walk")
        #expect(lexicon.analyses(of: "DOGS").isEmpty)
        #expect(lexicon.analyses(of: "DOGS", ignoringCase: true).map(\.count) == [2])
        #expect(lexicon.forms(of: "dog") == ["Dogs", "dogs"])
        #expect(lexicon.forms(of: "walk", with: ["V.PTCP"]) == ["walked"])
        #expect(lexicon.forms(of: "walk", with: ["SG"]).isEmpty)
    }

    @Test("English EWT: walked → walk, V;PST", .enabled(if: DataTestSupport.hasSharedTreebanks && DataTestSupport.hasSharedTables, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func english() throws {
        let registry = try #require(DataTestSupport.sharedRegistry)
        let mapping = try #require(DataTestSupport.sharedMapping)
        let corpus = try LanguageCorpus.load(language: "English", from: registry, treebanks: ["EWT"])
        let lexicon = Lexicon(corpus: corpus, mapping: mapping)
        let walked = try #require(lexicon.analyses(of: "walked").first)
        #expect(walked.lemma == "walk")
        #expect(walked.has(["V", "PST"]))
        #expect(lexicon.forms(of: "walk", with: ["V", "PST"]).contains("walked"))
    }

    @Test("Spanish: canciones → canción, PL", .enabled(if: DataTestSupport.hasSharedTreebanks && DataTestSupport.hasSharedTables, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func spanish() throws {
        let registry = try #require(DataTestSupport.sharedRegistry)
        let mapping = try #require(DataTestSupport.sharedMapping)
        let lexicon = Lexicon(corpus: try LanguageCorpus.load(language: "Spanish", from: registry), mapping: mapping)
        let analyses = lexicon.analyses(of: "canciones")
        try #require(!analyses.isEmpty, "canciones is not in the Spanish treebanks")
        #expect(analyses[0].lemma == "canción")
        #expect(analyses[0].has(["N", "PL"]))
    }
}
