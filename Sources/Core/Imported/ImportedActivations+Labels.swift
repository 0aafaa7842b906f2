import Foundation
import Corpora
import Support

extension ImportedActivations {
    /// A user's activations opened with their labels: the source of rows, the dataset aligned with
    /// it, and what a report should say about how it was read.
    public struct Opened: Sendable {
        public var activations: ImportedActivations
        public var dataset: AttributeDataset
        /// How splits and control-task types were obtained, for the plan's notes.
        public var notes: [String]
    }

    /// Opens the arrays and labels of `spec` and builds the dataset: a label table row by row, or
    /// CoNLL-U words labelled by a UniMorph attribute (``LanguageCorpus/dataset(for:mapping:settings:)``,
    /// with its type filter of `minTypes`).
    ///
    /// - Throws: ``ActivationImportError`` (row counts, one class, unknown split, …),
    ///   ``NumpyArrayFile/Failure``, ``CoNLLUError``, ``UniMorphError``, file errors.
    public static func open(_ spec: ActivationImport, shared: SharedData = SharedData(), minTypes: Int = 100) throws -> Opened {
        if let problem = spec.problems().first { throw problem }
        let labelURLs = spec.labelURLs
        let labelHashes = try labelURLs.map { try ContentHash.ofFile($0) }
        let activations = try ImportedActivations(arrays: spec.arrayURLs, layers: spec.resolvedLayers, extraKey: labelHashes)
        if spec.labelsAreCoNLLU {
            return try activations.openCoNLLU(labelURLs, attribute: spec.attribute ?? "", seed: spec.splitSeed, shared: shared, minTypes: minTypes)
        }
        return try activations.openTable(labelURLs[0], seed: spec.splitSeed)
    }

    /// A label table: one "sentence" (id "") of the table's file, whose word i is row i.
    func openTable(_ url: URL, seed: UInt64) throws -> Opened {
        let ext = url.pathExtension.lowercased()
        guard ["tsv", "txt", "labels", ""].contains(ext) else {   // tab-separated: a .csv would be read wrong
            throw ActivationImportError.unsupportedLabels(url, reason: "labels are read from a .tsv or .txt table (one label per line) or CoNLL-U files")
        }
        let table = try LabelTable.read(url)
        guard table.rows.count == rowCount else {
            throw ActivationImportError.rowCountMismatch(array: firstArray, rows: rowCount, labels: url, labelCount: table.rows.count, unit: "labels")
        }
        let labels = Array(Set(table.rows.map(\.label))).sorted()
        guard labels.count >= 2 else { throw ActivationImportError.singleClass(labels: url, label: labels.first) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let recipe = try SplitRecipe.hashed(seed: seed)
        let fileName = url.lastPathComponent
        var splits: [[AttributeExample]] = [[], [], []]
        var tokens = Array(repeating: SplitCounts(), count: labels.count)
        var types = Array(repeating: [Set<String>(), [], []], count: labels.count)
        for (row, entry) in table.rows.enumerated() {
            let split = entry.split ?? recipe.split(forSentenceID: String(row))
            // Without a word column every row is its own type (the control task labels rows at random).
            let form = entry.word ?? "\u{1F}row \(row)"
            let label = index[entry.label]!   // every label is in `labels` by construction
            splits[split.index].append(AttributeExample(fileName: fileName, sentenceID: "", sentenceIndex: 0, wordIndex: row,
                                                        form: form, label: label))
            tokens[label][split] += 1
            types[label][split.index].insert(form)
        }
        let counts = SplitCounts(train: splits[0].count, dev: splits[1].count, test: splits[2].count)
        for split in DataSplit.allCases where counts[split] == 0 {
            throw ActivationImportError.emptySplit(labels: url, split: split, counts: counts)
        }
        if let label = labels.indices.first(where: { tokens[$0].train == 0 }) {
            throw ActivationImportError.labelWithoutTraining(labels: url, label: labels[label], counts: tokens[label])
        }
        setFirstRow(0, fileName: fileName, sentenceID: "")
        let splitText = table.hasSplits ? "the split column of \(fileName)"
            : "re-split \(Int(recipe.train * 100))/\(Int(recipe.dev * 100))/\(Int(recipe.test * 100)) by FNV-1a 64 of the row number mixed with SplitMix64, seed \(seed) (no split column)"
        let statistics = labels.indices.map { label in
            ValueStatistics(value: labels[label], tokens: tokens[label],
                            types: SplitCounts(train: types[label][0].count, dev: types[label][1].count, test: types[label][2].count), kept: true)
        }
        let attribute = UniMorphAttribute(rawValue: table.labelName)
        let language = url.deletingPathExtension().lastPathComponent
        let provenance = DatasetProvenance(
            language: language, attribute: attribute, treebanks: [], files: [fileName], recipe: table.hasSplits ? .original : recipe,
            split: splitText, minTypes: 1, typeUnit: table.hasWords ? DatasetSettings.typeUnit : "row", keptValues: statistics,
            droppedValues: [], examples: counts, wordsWithoutAttribute: SplitCounts(), wordsWithDroppedValue: SplitCounts(),
            conflicts: SplitCounts(), controlTask: nil)
        let dataset = AttributeDataset(language: language, attribute: attribute, labels: labels, train: splits[0], dev: splits[1],
                                       test: splits[2], files: [url], provenance: provenance)
        var notes: [String] = []
        if !table.hasSplits {
            notes.append("\(fileName) has no split column: its rows are split 80/10/10 by a hash of the row number with seed \(seed) "
                         + "(train/dev/test \(counts.train)/\(counts.dev)/\(counts.test)); add label<TAB>split lines to choose")
        }
        if !table.hasWords {
            notes.append("\(fileName) has no word column: the control task gives every row its own random label (no word types to share)")
        }
        return Opened(activations: self, dataset: dataset, notes: notes)
    }

    /// CoNLL-U labels: the files' syntactic words in order are the rows, labelled by `attribute`.
    func openCoNLLU(_ urls: [URL], attribute name: String, seed: UInt64, shared: SharedData, minTypes: Int) throws -> Opened {
        let names = urls.map(\.lastPathComponent)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ActivationImportError.unsupportedLabels(urls[0], reason: "two labels files are named \(repeated); rows are found by file name")
        }
        let attribute = try UniMorphAttribute.parse(name, among: UniMorphAttribute.studied)
        let files = try CoNLLUReader.readAll(urls)
        let words = files.reduce(0) { $0 + $1.wordCount }
        guard words == rowCount else {
            let labelsName = urls.count == 1 ? urls[0] : URL(fileURLWithPath: urls.map(\.path).joined(separator: " + "))
            throw ActivationImportError.rowCountMismatch(array: firstArray, rows: rowCount, labels: labelsName, labelCount: words,
                                                         unit: "syntactic words (multiword tokens expanded, empty nodes skipped)")
        }
        // Train, dev and test files (`…-train.conllu`) keep their splits; otherwise sentences are re-split by sent_id.
        let fileSplits = names.map(Self.split(ofFileNamed:))
        let original = Set(fileSplits.compactMap { $0 }).count == 3 && fileSplits.allSatisfy { $0 != nil }
        let recipe = original ? SplitRecipe.original : try SplitRecipe.hashed(seed: seed)
        let language = Self.corpusName(urls[0])
        let corpus = try LanguageCorpus(language: language, treebanks: [], recipe: recipe,
                                        files: zip(files, fileSplits).map { (Self.corpusName($0.url), $1 ?? .train, $0) })
        let mapping = try UniMorphMapping.load(from: shared)
        let dataset = corpus.dataset(for: attribute, mapping: mapping, settings: DatasetSettings(minTypes: minTypes, attributes: [attribute]))
        guard dataset.isTask else {
            let values = (dataset.provenance.keptValues + dataset.provenance.droppedValues).map(\.value).sorted()
            throw ActivationImportError.attributeNotATask(labels: urls[0], attribute: attribute.rawValue, values: values, minTypes: minTypes)
        }
        var row = 0
        for file in files {
            for sentence in file.sentences {
                setFirstRow(row, fileName: file.name, sentenceID: sentence.id)
                row += sentence.words.count
            }
        }
        var notes: [String] = []
        if !original {
            notes.append("\(names.joined(separator: ", ")): no train, dev and test files, so sentences are re-split 80/10/10 by a hash of sent_id with seed \(seed)")
        }
        return Opened(activations: self, dataset: dataset, notes: notes)
    }

    /// The split a UD file name announces (`en_ewt-ud-dev.conllu` → dev), if any.
    static func split(ofFileNamed name: String) -> DataSplit? {
        let stem = name.lowercased()
        for split in DataSplit.allCases where stem.contains("-\(split.rawValue).") || stem.contains("_\(split.rawValue).") { return split }
        return nil
    }

    /// `en_ewt` for `en_ewt-ud-train.conllu`, else the file's stem.
    static func corpusName(_ url: URL) -> String {
        let stem = url.deletingPathExtension().lastPathComponent
        return stem.components(separatedBy: "-ud-").first ?? stem
    }
}
