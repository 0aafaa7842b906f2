import Foundation
import Testing

@testable import Corpora
@testable import Analysis

/// The analysers behind CLWV: Apertium (`lt-proc`, a real process) and the treebank lexicon.
@Suite("Morphological analysers")
struct AnalyserTests {
    /// The Apertium analyser of a language, or a recorded failure naming what to install.
    static func apertium(_ language: String) -> ApertiumAnalyser? {
        do {
            return try ApertiumAnalyser(language: language)
        } catch {
            Issue.record("Apertium is not set up (\(error)); run scripts/setup, which installs lttoolbox, apertium-eng-spa and apertium-fr-es")
            return nil
        }
    }

    static func has(_ readings: [MorphologicalReading], lemma: String, _ attribute: UniMorphAttribute, _ value: String) -> Bool {
        readings.contains { $0.lemma == lemma && ($0.values[attribute]?.contains(value) ?? false) }
    }

    @Test("Apertium English: walked → walk, PST; songs → song, PL")
    func english() throws {
        guard let analyser = Self.apertium("English") else { return }
        let readings = try analyser.analyse(["walked", "songs", "walks", "xqzzy"])
        #expect(Self.has(readings[0], lemma: "walk", .tense, "PST"), "\(readings[0])")
        #expect(Self.has(readings[1], lemma: "song", .number, "PL"), "\(readings[1])")
        #expect(Self.has(readings[2], lemma: "walk", .tense, "PRS"), "\(readings[2])")
        #expect(readings[3].isEmpty)
        #expect(analyser.name == "apertium:eng-spa")
    }

    @Test("Apertium Spanish: canciones → canción, PL, FEM; cantó → cantar, PST; cantará → FUT")
    func spanish() throws {
        guard let analyser = Self.apertium("Spanish") else { return }
        let readings = try analyser.analyse(["canciones", "cantó", "cantará", "Casa"])
        #expect(Self.has(readings[0], lemma: "canción", .number, "PL"), "\(readings[0])")
        #expect(Self.has(readings[0], lemma: "canción", .gender, "FEM"), "\(readings[0])")
        #expect(Self.has(readings[1], lemma: "cantar", .tense, "PST"), "\(readings[1])")
        #expect(Self.has(readings[2], lemma: "cantar", .tense, "FUT"), "\(readings[2])")
        #expect(Self.has(readings[3], lemma: "casa", .number, "SG"), "capitalised forms get lower-cased lemmas: \(readings[3])")
    }

    @Test("Apertium French: chansons → chanson, PL, FEM; chantait → chanter, PST")
    func french() throws {
        guard let analyser = Self.apertium("French") else { return }
        let readings = try analyser.analyse(["chansons", "chantait"])
        #expect(Self.has(readings[0], lemma: "chanson", .number, "PL"), "\(readings[0])")
        #expect(Self.has(readings[0], lemma: "chanson", .gender, "FEM"), "\(readings[0])")
        #expect(Self.has(readings[1], lemma: "chanter", .tense, "PST"), "\(readings[1])")
    }

    @Test("Apertium survives the stream format's reserved characters, combining marks and empty forms")
    func awkwardForms() throws {
        guard let analyser = Self.apertium("Spanish") else { return }
        let forms = ["$िक", "a[b]", "^x/y$", "", "<s>", "\\", "casas"]
        let readings = try analyser.analyse(forms)
        #expect(readings.count == forms.count)
        #expect(readings[3].isEmpty)
        #expect(Self.has(readings[6], lemma: "casa", .number, "PL"))
    }

    @Test("parsing lt-proc lines", arguments: [
        ("^walked/walk<vblex><past>/walk<vblex><pp>$", 1),
        ("^xqzzy/*xqzzy$", 0),
        ("^l/*l$^'/'<apos>$", 0),        // the form split into several units
        ("[x]", 0),
        ("^dárselo/dar<vblex><inf>+se<prn><enc>+lo<prn><enc>$", 1),
    ])
    func parse(line: String, readings: Int) {
        #expect(ApertiumAnalyser.parse(line: line).count == readings)
    }

    @Test("Apertium tags map to UniMorph values")
    func tags() {
        let values = ApertiumAnalyser.uniMorphValues(["n", "mf", "sp"])
        #expect(values[.gender] == ["MASC", "FEM"])
        #expect(values[.number] == ["SG", "PL"])
        #expect(ApertiumAnalyser.uniMorphValues(["vblex", "ifi", "p3", "sg"]) == [.tense: ["PST"], .number: ["SG"]])
        #expect(ApertiumAnalyser.uniMorphValues(["vblex", "fti"])[.tense] == ["FUT"])
        #expect(ApertiumAnalyser.uniMorphValues(["vblex", "pres"])[.tense] == ["PRS"])
        #expect(ApertiumAnalyser.uniMorphValues(["n", "nt", "sg"])[.gender] == ["NEUT"])
    }

    @Test("an unknown language names the analyser")
    func unsupported() {
        #expect(throws: AnalyserError.unsupportedLanguage("Klingon", analyser: "apertium")) { try ApertiumAnalyser(language: "Klingon") }
    }

    @Test("the treebank lexicon: walked → walk, PST; case-insensitive; unknown forms give no reading")
    func lexicon() throws {
        let row = { (fields: [String]) in fields.joined(separator: "\t") }
        let text = [
            "# sent_id = 1",
            row(["1", "Dogs", "dog", "NOUN", "_", "Number=Plur", "2", "nsubj", "_", "_"]),
            row(["2", "walked", "walk", "VERB", "_", "Tense=Past", "0", "root", "_", "_"]),
            "",
        ].joined(separator: "\n") + "\n"
        let file = try CoNLLUReader.parse(text, url: URL(fileURLWithPath: "/l.conllu"))
        let mapping = DataTestSupport.tinyMapping
        let analyser = LexiconAnalyser(lexicon: Lexicon(language: "Test", files: [file], mapping: mapping), tagSet: mapping.tagSet)
        let readings = analyser.analyse(["walked", "dogs", "cats"])
        #expect(Self.has(readings[0], lemma: "walk", .tense, "PST"))
        #expect(Self.has(readings[1], lemma: "dog", .number, "PL"))
        #expect(readings[2].isEmpty)
        #expect(analyser.name == "lexicon")
    }
}
