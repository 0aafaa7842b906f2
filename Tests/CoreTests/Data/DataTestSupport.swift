import Foundation
import Testing

@testable import Corpora

/// Shared inputs of the data tests.
enum DataTestSupport {
    /// Whether `../shared` (or `$NEURON_SHARED`) holds the UniMorph tables.
    static let hasSharedTables = FileManager.default.fileExists(
        atPath: Fixtures.shared.appendingPathComponent("data/ud-unimorph-mapping.tsv").path)

    /// Whether `../shared/ud` holds the treebanks.
    static let hasSharedTreebanks = FileManager.default.fileExists(
        atPath: Fixtures.shared.appendingPathComponent("ud/UD_English-EWT").path)

    /// The real mapping, read from the shared tables.
    static let sharedMapping: UniMorphMapping? = try? UniMorphMapping.load(from: SharedData(root: Fixtures.shared))

    /// The real registry of shared treebanks.
    static let sharedRegistry: CorpusRegistry? = try? CorpusRegistry.scan(Fixtures.shared.appendingPathComponent("ud"))

    /// A small hand-made mapping for tests that must not depend on the shared files.
    static let tinyMapping: UniMorphMapping = {
        let tags = UniMorphTagSet(
            dimensions: [
                ("Part of Speech", ["N", "V", "ADJ", "V.PTCP"]), ("Number", ["SG", "PL"]),
                ("Case", ["NOM", "ACC", "IN", "ESS"]), ("Tense", ["PRS", "PST"]), ("Aspect", ["PRF"]),
            ],
            ordering: ["Part of Speech", "Case", "Number", "Tense", "Aspect"])
        return UniMorphMapping(
            rows: [
                "NOUN": "N", "VERB": "V", "ADJ": "ADJ", "PUNCT": "", "Number=Sing": "SG", "Number=Plur": "PL",
                "Case=Nom": "NOM", "Case=Ine": "IN+ESS", "Case=Add": "IN+ESS;LGSPEC1", "Tense=Past": "PST",
                "Tense=Pqp": "PST+PRF", "VerbForm=Part": "V.PTCP", "Case=Xyz": "FOO", "Case=Dis": "NOM/ACC",
            ],
            tagSet: tags)
    }()

    /// A tiny corpus: `count` one-word sentences per value, each word its own type, so that
    /// every value has exactly as many types as words in each split.
    static func syntheticCorpus(valueTypes: [String: [DataSplit: Int]]) throws -> LanguageCorpus {
        var files: [(treebank: String, split: DataSplit, contents: TreebankFile)] = []
        for split in DataSplit.allCases {
            var sentences: [TreebankSentence] = []
            for (value, perSplit) in valueTypes.sorted(by: { $0.key < $1.key }) {
                for index in 0..<(perSplit[split] ?? 0) {
                    let form = "\(value.lowercased())\(index)"
                    let word = TreebankWord(id: 1, form: form, lemma: form, upos: "NOUN", features: ["Number": value])
                    // Two tokens of the same type: tokens double, types do not.
                    sentences.append(TreebankSentence(id: "\(split)-\(value)-\(index)", words: [word, TreebankWord(id: 2, form: form, upos: "NOUN", features: ["Number": value])]))
                }
            }
            files.append(("T", split, TreebankFile(url: URL(fileURLWithPath: "/synthetic/x-ud-\(split).conllu"), sentences: sentences)))
        }
        let info = TreebankInfo(language: "Test", name: "T", code: "xx", directory: URL(fileURLWithPath: "/synthetic"), files: [:])
        return try LanguageCorpus(language: "Test", treebanks: [info], recipe: .original, files: files)
    }
}
