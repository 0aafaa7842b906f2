import Foundation
import Testing

@testable import Corpora

@Suite("Attribute datasets and value filtering")
struct AttributeDatasetTests {
    let mapping = DataTestSupport.tinyMapping

    @Test("a value is kept only with enough types in every split")
    func filtering() throws {
        let corpus = try DataTestSupport.syntheticCorpus(valueTypes: [
            "Sing": [.train: 12, .dev: 5, .test: 5],
            "Plur": [.train: 30, .dev: 4, .test: 9],
        ])
        let settings = DatasetSettings(minTypes: 5, attributes: [.number])
        let summary = corpus.summary(mapping: mapping, settings: settings)
        let number = try #require(summary.attributes.first)
        #expect(number.keptValues.map(\.value) == ["SG"])
        #expect(number.droppedValues.map(\.value) == ["PL"])
        #expect(number.values.first { $0.value == "PL" }?.types == SplitCounts(train: 30, dev: 4, test: 9))
        #expect(number.values.first { $0.value == "PL" }?.tokens == SplitCounts(train: 60, dev: 8, test: 18))
        #expect(!number.isTask)

        let lenient = corpus.summary(mapping: mapping, settings: DatasetSettings(minTypes: 4, attributes: [.number]))
        #expect(lenient.attributes[0].keptValues.map(\.value).sorted() == ["PL", "SG"])
        #expect(lenient.attributes[0].isTask)
    }

    @Test("examples carry file, sentence and word position; dropped values are reported")
    func examples() throws {
        let corpus = try DataTestSupport.syntheticCorpus(valueTypes: [
            "Sing": [.train: 6, .dev: 5, .test: 5], "Plur": [.train: 6, .dev: 5, .test: 5],
        ])
        let dataset = corpus.dataset(for: .number, mapping: mapping, settings: DatasetSettings(minTypes: 5))
        #expect(dataset.labels == ["PL", "SG"])
        #expect(dataset.train.count == 24)
        #expect(dataset.dev.count == 20)
        let first = try #require(dataset.train.first)
        #expect(first.fileName == "x-ud-train.conllu")
        #expect(first.wordIndex == 0)
        #expect(dataset.labels[first.label] == (first.form.hasPrefix("pl") ? "PL" : "SG"))
        #expect(dataset.provenance.examples == SplitCounts(train: 24, dev: 20, test: 20))
        #expect(dataset.provenance.droppedValues.isEmpty)
        #expect(dataset.provenance.split == "original treebank splits")

        let strict = corpus.dataset(for: .number, mapping: mapping, settings: DatasetSettings(minTypes: 6))
        #expect(strict.labels.isEmpty && !strict.isTask)
        #expect(strict.provenance.wordsWithDroppedValue.total == 64)
    }

    @Test("words without the attribute are outside the task")
    func outsideTask() throws {
        let corpus = try DataTestSupport.syntheticCorpus(valueTypes: ["Sing": [.train: 2, .dev: 2, .test: 2]])
        let dataset = corpus.dataset(for: .case, mapping: mapping, settings: DatasetSettings(minTypes: 1))
        #expect(dataset.train.isEmpty)
        #expect(dataset.provenance.wordsWithoutAttribute == SplitCounts(train: 4, dev: 4, test: 4))
    }

    @Test("rows align with an activation cache that skipped a sentence")
    func alignment() throws {
        let corpus = try DataTestSupport.syntheticCorpus(valueTypes: [
            "Sing": [.train: 2, .dev: 2, .test: 2], "Plur": [.train: 2, .dev: 2, .test: 2],
        ])
        let dataset = corpus.dataset(for: .number, mapping: mapping, settings: DatasetSettings(minTypes: 1))
        // Files in extraction order: train (4 sentences × 2 words), dev, test. Skip one dev sentence.
        let skipped = corpus.files[1].contents.sentences[0].id
        let index = SentenceRowIndex(files: corpus.files.map(\.contents)) { _, id in id == skipped }
        #expect(index.rowCount == 22)
        let train = dataset.rows(for: .train, rowOfSentence: index.row)
        #expect(train.rows == Array(0..<8))
        #expect(train.droppedForSkippedSentences == 0)
        let dev = dataset.rows(for: .dev, rowOfSentence: index.row)
        #expect(dev.rows == Array(8..<14))
        #expect(dev.droppedForSkippedSentences == 2)
        #expect(dev.labelNames == ["PL", "SG"])
        let test = dataset.rows(for: .test, rowOfSentence: index.row)
        #expect(test.rows == Array(14..<22))
    }

    @Test("duplicate sentence ids in a file are an error")
    func duplicateIDs() throws {
        let word = TreebankWord(id: 1, form: "a")
        let file = TreebankFile(url: URL(fileURLWithPath: "/d.conllu"), sentences: [
            TreebankSentence(id: "s", words: [word], line: 1), TreebankSentence(id: "s", words: [word], line: 4),
        ])
        #expect(throws: CorpusError.duplicateSentenceID(file: "d.conllu", line: 4, id: "s")) {
            try LanguageCorpus(language: "X", treebanks: [], recipe: .original, files: [("T", .dev, file)])
        }
    }

    @Test("English datasets: Number survives with SG and PL", .enabled(if: DataTestSupport.hasSharedTreebanks && DataTestSupport.hasSharedTables, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func english() throws {
        let registry = try #require(DataTestSupport.sharedRegistry)
        let mapping = try #require(DataTestSupport.sharedMapping)
        let corpus = try LanguageCorpus.load(language: "English", from: registry)
        let number = corpus.dataset(for: .number, mapping: mapping)
        #expect(number.labels == ["PL", "SG"])
        #expect(number.provenance.keptValues.allSatisfy { $0.types.minimum >= 100 })
        #expect(number.train.count > number.dev.count * 5)
        let index = SentenceRowIndex(files: corpus.files.map(\.contents))
        let aligned = number.rows(for: .test, rowOfSentence: index.row)
        #expect(aligned.count == number.test.count)
        #expect(aligned.rows.allSatisfy { $0 < index.rowCount })
    }
}

@Suite("Attribute dataset loading")
struct AttributeDatasetLoadingTests {
    @Test("one call builds a dataset from the shared data", .enabled(if: DataTestSupport.hasSharedTreebanks && DataTestSupport.hasSharedTables, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func load() throws {
        let shared = SharedData(root: Fixtures.shared)
        let dataset = try AttributeDataset.load(language: "Turkish", attribute: .case, shared: shared, udRoot: shared.root.appendingPathComponent("ud"))
        #expect(dataset.provenance.recipe == .original)
        #expect(dataset.labels.contains("NOM") && dataset.labels.contains("AT+ABL"))
        #expect(dataset.files.map(\.lastPathComponent) == ["tr_imst-ud-train.conllu", "tr_imst-ud-dev.conllu", "tr_imst-ud-test.conllu"])
        #expect(dataset.train.allSatisfy { $0.fileName == "tr_imst-ud-train.conllu" })
    }
}
