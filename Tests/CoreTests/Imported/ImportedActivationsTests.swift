import Foundation
import Testing

@testable import Support
@testable import Corpora
@testable import Storage
@testable import Analysis

/// A user's `.npy` activations go through the same pipeline as the cache: same matrices, same
/// rankings, same curves; and every bad input is refused in one line.
@Suite("Imported activations")
struct ImportedActivationsTests {
    static let npy = Fixtures.url("npy")
    static let tiny = Fixtures.url("models/bert-cased-tiny")

    /// A temporary folder, removed by `remove()`.
    struct Scratch {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-test-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        func write(_ text: String, to name: String) throws -> URL {
            let url = self.url(name)
            try Data(text.utf8).write(to: url)
            return url
        }
        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Small settings: every ranking, both probes, k = 1…width, a control task, no Durrani.
    static func settings(width: Int) -> ConfigProbing.Settings {
        var settings = ConfigProbing.Settings(model: "test")
        settings.neuronCounts = Array(1...width)
        settings.durrani = nil
        return settings
    }

    /// The parts of two results that must agree when the same vectors and labels go in.
    static func expectSameResults(_ a: ConfigResult, _ b: ConfigResult, _ comment: Comment) {
        #expect(a.labels == b.labels, comment)
        #expect(a.examples == b.examples, comment)
        #expect(a.rankings == b.rankings, comment)
        #expect(a.gaussianMutualInformation == b.gaussianMutualInformation, comment)
        #expect(a.fullAccuracy == b.fullAccuracy, comment)
        #expect(a.curves.count == b.curves.count && a.curves.count > 0, comment)
        for (x, y) in zip(a.curves, b.curves) {
            #expect(x.combination == y.combination, comment)
            #expect(x.accuracy == y.accuracy, "\(x.combination): \(comment)")
            #expect(x.controlAccuracy == y.controlAccuracy, "\(x.combination) control: \(comment)")
        }
    }

    // MARK: - The cache and a user's arrays give the same results

    @Test("vectors exported from the cache (extract --export) and labelled by the same CoNLL-U files or by a .tsv rank and probe exactly as the cache does")
    func sameAsCache() throws {
        guard DataTestSupport.hasSharedTables, DataTestSupport.hasSharedTreebanks else {
            Issue.record("../shared (UD treebanks and UniMorph tables) is missing beside the repository")
            return
        }
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Short sentences of UD English EWT dev and test (the tiny model reads at most 64 tokens), as train/dev/test files.
        let ewt = Fixtures.shared.appendingPathComponent("ud/UD_English-EWT")
        func shortSentences(_ name: String) throws -> [String] {
            try String(contentsOf: ewt.appendingPathComponent(name), encoding: .utf8).components(separatedBy: "\n\n").filter { block in
                let lines = block.split(separator: "\n")
                let words = lines.filter { $0.first?.isNumber == true }.count
                let characters = lines.first { $0.hasPrefix("# text = ") }?.count ?? .max
                return words > 0 && words <= 12 && characters <= 60
            }
        }
        let dev = try shortSentences("en_ewt-ud-dev.conllu"), test = try shortSentences("en_ewt-ud-test.conllu")
        var files: [URL] = []
        for (split, sentences) in [("train", dev.prefix(280)), ("dev", dev.dropFirst(280).prefix(100)), ("test", test.prefix(100))] {
            files.append(try scratch.write(sentences.joined(separator: "\n\n") + "\n\n", to: "en_ewt-ud-\(split).conllu"))
        }
        let store = try ActivationCache(root: scratch.url("cache"))
            .activations(for: ExtractionRequest(modelFolder: Self.tiny, corpusFiles: files, layers: [2]), showProgress: false)
        #expect(store.manifest.skipped.isEmpty, "\(store.manifest.skipped.count) sentences skipped")

        // The cache's route, as a study takes it.
        let parsed = try CoNLLUReader.readAll(files)
        let corpus = try LanguageCorpus(language: "en_ewt", treebanks: [], recipe: .original,
                                        files: zip(parsed, [DataSplit.train, .dev, .test]).map { ("en_ewt", $1, $0) })
        let shared = SharedData(root: Fixtures.shared)
        let dataset = corpus.dataset(for: .number, mapping: try UniMorphMapping.load(from: shared),
                                     settings: DatasetSettings(minTypes: 5, attributes: [.number]))
        #expect(dataset.isTask && dataset.test.count > 20, "\(dataset.provenance.summary)")
        let probing = ConfigProbing(settings: Self.settings(width: store.width), resultCache: scratch.url("results"))
        let config = ProbingConfig(model: "tiny", language: "en_ewt", attribute: "Number", layer: 2)
        let fromCache = try probing.result(for: config, dataset: dataset, store: store, layers: [2], withDurrani: false, log: { _ in })
        #expect(!fromCache.cached)

        // The same vectors as plain .npy (what `workbench extract --export` writes), labelled by the CoNLL-U files.
        try store.export(to: scratch.url("export"))
        let exported = scratch.url("export").appendingPathComponent(store.manifest.arrays[0].file)
        let spec = ActivationImport(arrays: [exported.path], labels: files.map(\.path), attribute: "number")
        #expect(spec.resolvedLayers == [2])
        let opened = try ImportedActivations.open(spec, shared: shared, minTypes: 5)
        #expect(opened.notes.isEmpty, "\(opened.notes)")
        #expect(opened.dataset.labels == dataset.labels)
        let viaCoNLLU = try ProbingData.load(store: opened.activations, dataset: opened.dataset, layers: [2])
        let cached = try ProbingData.load(store: store, dataset: dataset, layers: [2])
        #expect(viaCoNLLU.train.features.scalars == cached.train.features.scalars)
        #expect(viaCoNLLU.test.labels == cached.test.labels)
        let fromCoNLLU = try probing.result(for: config, dataset: opened.dataset, store: opened.activations, layers: [2],
                                            withDurrani: false, log: { _ in })
        #expect(!fromCoNLLU.cached)
        Self.expectSameResults(fromCache.result, fromCoNLLU.result, "CoNLL-U labels")

        // The dataset's rows alone, written with numpy's layout, and a label<TAB>split<TAB>word table.
        var rows: [Int] = []
        var lines: [String] = []
        for split in DataSplit.allCases {
            let aligned = dataset.rows(for: split) { store.firstRow(fileName: $0, sentenceID: $1) }
            rows += aligned.rows
            for (example, label) in zip(dataset[split], aligned.labels) { lines.append("\(dataset.labels[label])\t\(split)\t\(example.form)") }
        }
        let array = scratch.url("number.npy")
        try NumpyArrayFile.write(try store.rows(rows, layer: 2), to: array)
        let table = try scratch.write(lines.joined(separator: "\n") + "\n", to: "number.tsv")
        let fromTable = try ImportedActivations.open(ActivationImport(arrays: [array.path], labels: [table.path], layers: [2]))
        #expect(fromTable.notes.isEmpty, "\(fromTable.notes)")
        let viaTable = try probing.result(for: config, dataset: fromTable.dataset, store: fromTable.activations, layers: [2],
                                          withDurrani: false, log: { _ in })
        Self.expectSameResults(fromCache.result, viaTable.result, "label table")
        // A second run reads the imported config back from the result cache.
        let again = try probing.result(for: config, dataset: fromTable.dataset, store: fromTable.activations, layers: [2],
                                       withDurrani: false, log: { _ in })
        #expect(again.cached)
    }

    @Test("an all-layers config's cache key names the layers side by side (layers 2, 4, 6 are not layer 4 alone)")
    func allLayersCacheKey() throws {
        let opened = try ImportedActivations.open(ActivationImport(arrays: [Self.npy.appendingPathComponent("acts-f32.npy").path],
                                                                   labels: [Self.npy.appendingPathComponent("labels.tsv").path]))
        let probing = ConfigProbing(settings: Self.settings(width: 24), resultCache: URL(fileURLWithPath: "/results"))
        func file(_ layer: Int?, _ layers: [Int]) -> String {
            probing.cacheFile(for: ProbingConfig(model: "m", language: "labels", attribute: "label", layer: layer), dataset: opened.dataset,
                              store: opened.activations, layers: layers, withDurrani: false).lastPathComponent
        }
        #expect(file(nil, [4]) != file(nil, [2, 4, 6]))
        #expect(file(nil, [2, 4, 6]) == file(nil, [2, 4, 6]))
        #expect(file(4, [4]) != file(nil, [4]))
    }

    // MARK: - Arrays written by numpy

    @Test("numpy's float32 and float16 files read as written (float16 = the float32 values rounded), and the rankings find the planted neurons")
    func pythonFixtures() throws {
        let f32 = try ImportedActivations(arrays: [Self.npy.appendingPathComponent("acts-f32.npy")], layers: [0])
        let f16 = try ImportedActivations(arrays: [Self.npy.appendingPathComponent("acts-f16.npy")], layers: [0])
        #expect(f32.rowCount == 240 && f32.width == 24)
        let full = try f32.rows(nil, layer: 0), halves = try f16.rows(nil, layer: 0)
        #expect(halves.scalars == full.scalars.map { Float(Float16($0)) })
        #expect(try f32.rows([17, 3], layer: 0).scalars == Array(full.scalars[17 * 24..<18 * 24] + full.scalars[3 * 24..<4 * 24]))

        let opened = try ImportedActivations.open(ActivationImport(arrays: [Self.npy.appendingPathComponent("acts-f32.npy").path],
                                                                   labels: [Self.npy.appendingPathComponent("labels.tsv").path]))
        #expect(opened.dataset.labels == ["Dual", "Plur", "Sing"])
        let counts: [Int] = [opened.dataset.train.count, opened.dataset.dev.count, opened.dataset.test.count]
        #expect(counts == [162, 39, 39])
        #expect(opened.dataset.train.first?.form == "w0")
        let scratch = try Scratch()
        defer { scratch.remove() }
        let probing = ConfigProbing(settings: Self.settings(width: 24), resultCache: scratch.url("results"))
        let config = ProbingConfig(model: "acts-f32", language: "labels", attribute: "label", layer: 0)
        let result = try probing.result(for: config, dataset: opened.dataset, store: opened.activations, layers: [0],
                                        withDurrani: false, log: { _ in }).result
        for method in ["linear", "gaussian", "probeless"] {
            #expect(Set(result.rankings[method]?.prefix(2) ?? []) == [3, 7], "\(method): \(result.rankings[method] ?? [])")
        }
        let linear = try #require(result.curve(.linear, "linear"))
        #expect(linear.accuracy[1] > 0.8, "\(linear.accuracy)")   // two neurons carry the labels
        #expect((linear.controlAccuracy?[1] ?? 1) < linear.accuracy[1])

        // The same matrix written by the workbench's own writer gives the same results.
        let copy = scratch.url("copy.npy")
        try NumpyArrayFile.write(full, to: copy)
        let reopened = try ImportedActivations.open(ActivationImport(arrays: [copy.path], labels: [Self.npy.appendingPathComponent("labels.tsv").path]))
        let other = ConfigProbing(settings: Self.settings(width: 24), resultCache: scratch.url("results-copy"))
        let copied = try other.result(for: config, dataset: reopened.dataset, store: reopened.activations, layers: [0],
                                      withDurrani: false, log: { _ in })
        #expect(!copied.cached)
        Self.expectSameResults(result, copied.result, "numpy's file vs the workbench's writer")
    }

    @Test("numpy's file, read as an entry of the workbench's own activation cache and as a user's array, ranks and probes identically")
    func pythonArrayAsCacheEntry() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let python = Self.npy.appendingPathComponent("acts-f32.npy")
        let labels = Self.npy.appendingPathComponent("labels.tsv")
        let opened = try ImportedActivations.open(ActivationImport(arrays: [python.path], labels: [labels.path]))

        // A cache entry whose layer 0 is numpy's bytes, and whose one "sentence" is the table's rows.
        let entry = scratch.url("cache-entry")
        try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: python, to: entry.appendingPathComponent("layer-00.npy"))
        let words = Data((0..<240).map { "labels\t\($0 + 1)\tw\($0 % 60)\n" }.joined().utf8)
        try words.write(to: entry.appendingPathComponent("words.tsv"))
        let (hash, size) = try ContentHash.ofFileWithSize(entry.appendingPathComponent("layer-00.npy"))
        let manifest = ActivationManifest(
            format: ActivationManifest.currentFormat, key: "python",
            model: .init(path: "numpy", name: "numpy", contentHash: "numpy", modelType: "numpy", hiddenSize: 24, hiddenStateCount: 1),
            corpus: [.init(path: labels.path, name: labels.lastPathComponent, contentHash: try ContentHash.ofFile(labels),
                           sentenceCount: 1, wordCount: 240)],
            layers: [0], site: .residual, rowWidth: 24, aggregation: .mean, dtype: .float32, rowCount: 240,
            sentences: [.init(file: 0, id: "", firstRow: 0, wordCount: 240, tokenCount: 240)], skipped: [], substitutedWords: 0,
            arrays: [.init(layer: 0, file: "layer-00.npy", byteCount: size, contentHash: ContentHash.hex(hash))],
            wordsFile: .init(layer: -1, file: "words.tsv", byteCount: words.count,
                             contentHash: words.withUnsafeBytes { ContentHash.hex(ContentHash.xxh64($0)) }),
            provenance: .init(created: "", tool: "test", seconds: 0, tokenCount: 240, tokensPerSecond: 0))
        try JSONEncoder().encode(manifest).write(to: entry.appendingPathComponent("manifest.json"))
        let store = try ActivationStore(directory: entry)

        let probing = ConfigProbing(settings: Self.settings(width: 24), resultCache: scratch.url("results"))
        let config = ProbingConfig(model: "acts-f32", language: "labels", attribute: "label", layer: 0)
        let fromCache = try probing.result(for: config, dataset: opened.dataset, store: store, layers: [0], withDurrani: false, log: { _ in })
        let fromArray = try probing.result(for: config, dataset: opened.dataset, store: opened.activations, layers: [0],
                                           withDurrani: false, log: { _ in })
        #expect(!fromCache.cached && !fromArray.cached, "two sources, two result-cache keys")
        Self.expectSameResults(fromCache.result, fromArray.result, "cache entry vs user's array")
    }

    @Test("without a split column rows are split 80/10/10 by a seeded hash of the row number, and the notes say so")
    func seededSplit() throws {
        func open(seed: UInt64) throws -> ImportedActivations.Opened {
            try ImportedActivations.open(ActivationImport(arrays: [Self.npy.appendingPathComponent("acts-f32.npy").path],
                                                          labels: [Self.npy.appendingPathComponent("labels-only.txt").path], splitSeed: seed))
        }
        let first = try open(seed: 0), again = try open(seed: 0), other = try open(seed: 3)
        let counts: [Int] = [first.dataset.train.count, first.dataset.dev.count, first.dataset.test.count]
        #expect(counts.reduce(0, +) == 240 && counts.allSatisfy { $0 > 10 })
        #expect(counts[0] > 150 && counts[0] < 220, "\(counts)")
        #expect(first.dataset.test.map(\.wordIndex) == again.dataset.test.map(\.wordIndex))
        #expect(first.dataset.test.map(\.wordIndex) != other.dataset.test.map(\.wordIndex))
        #expect(first.notes.contains { $0.contains("no split column") && $0.contains("seed 0") }, "\(first.notes)")
        #expect(first.notes.contains { $0.contains("no word column") }, "\(first.notes)")
        #expect(first.dataset.provenance.split.contains("row number"))
    }

    // MARK: - Bad input: one line that names the file

    @Test("a 3-D array, a float64 array, a file that is not .npy: refused, naming the file and what to do")
    func badArrays() throws {
        let labels = Self.npy.appendingPathComponent("labels.tsv").path
        let threeD = Self.npy.appendingPathComponent("acts-3d.npy")
        #expect(throws: ActivationImportError.notTwoDimensional(array: threeD, shape: [2, 12, 24])) {
            try ImportedActivations.open(ActivationImport(arrays: [threeD.path], labels: [labels]))
        }
        let message = ActivationImportError.notTwoDimensional(array: threeD, shape: [2, 12, 24]).description
        #expect(message.contains("acts-3d.npy: shape (2, 12, 24) is 3-D") && message.contains("reshape"))

        let float64 = Self.npy.appendingPathComponent("acts-f64.npy")
        do {
            _ = try ImportedActivations(arrays: [float64], layers: [0])
            Issue.record("a float64 array was read")
        } catch {
            let text = ErrorMessage.text(for: error)
            #expect(text.contains("acts-f64.npy") && text.contains("'<f8' (float64)") && text.contains("astype(numpy.float32)"), "\(text)")
        }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let text = try scratch.write("Sing\nPlur\n", to: "not-an-array.npy")
        #expect(throws: NumpyArrayFile.Failure.self) { try ImportedActivations(arrays: [text], layers: [0]) }
        let missing = scratch.url("missing.npy")
        #expect(throws: NumpyArrayFile.Failure.self) { try ImportedActivations(arrays: [missing], layers: [0]) }
    }

    @Test("a NaN row is named by its row and neuron (counted from 0, as numpy counts) before any ranking sees it")
    func nonFiniteRow() throws {
        let array = Self.npy.appendingPathComponent("acts-nan.npy")
        let opened = try ImportedActivations.open(ActivationImport(arrays: [array.path], labels: [Self.npy.appendingPathComponent("labels.tsv").path]))
        do {
            _ = try ProbingData.load(store: opened.activations, dataset: opened.dataset, layers: [0])
            Issue.record("a NaN row was loaded")
        } catch let error as ActivationImportError {
            guard case .nonFinite(let url, let row, let neuron, let value) = error else { Issue.record("\(error)"); return }
            #expect(url == array && row == 17 && neuron == 5 && value.isNaN)
            #expect(error.description.contains("acts-nan.npy: row 17 (counting from 0) holds nan at neuron 5"), "\(error)")
        }
    }

    @Test("row counts that differ, one class, an unknown split, an empty split, a label never trained on, a short line: refused with the file (and line)")
    func badLabels() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let array = Self.npy.appendingPathComponent("acts-f32.npy")
        func open(_ labels: URL) throws -> ImportedActivations.Opened {
            try ImportedActivations.open(ActivationImport(arrays: [array.path], labels: [labels.path]))
        }
        let rows = try String(contentsOf: Self.npy.appendingPathComponent("labels.tsv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)

        let short = try scratch.write(rows.dropLast().joined(separator: "\n") + "\n", to: "short.tsv")
        #expect(throws: ActivationImportError.rowCountMismatch(array: array, rows: 240, labels: short, labelCount: 239, unit: "labels")) {
            try open(short)
        }
        let mismatch = ActivationImportError.rowCountMismatch(array: array, rows: 240, labels: short, labelCount: 239, unit: "labels").description
        #expect(mismatch.contains("acts-f32.npy has 240 rows but") && mismatch.contains("short.tsv has 239 labels"), "\(mismatch)")

        let oneClass = try scratch.write(String(repeating: "Sing\n", count: 240), to: "one.txt")
        #expect(throws: ActivationImportError.singleClass(labels: oneClass, label: "Sing")) { try open(oneClass) }

        var edited = rows
        edited[4] = "Sing\tvalidate\tw4"
        let unknown = try scratch.write(edited.joined(separator: "\n"), to: "unknown.tsv")
        #expect(throws: ActivationImportError.unknownSplit(labels: unknown, line: 5, value: "validate")) { try open(unknown) }
        #expect(ActivationImportError.unknownSplit(labels: unknown, line: 5, value: "validate").description.hasSuffix(
            "unknown.tsv:5: unknown split 'validate' — the split column holds train, dev (or validation) or test"))

        let allTrain = try scratch.write(rows.map { $0.replacingOccurrences(of: "\tdev\t", with: "\ttrain\t") }.joined(separator: "\n"),
                                         to: "no-dev.tsv")
        #expect(throws: ActivationImportError.emptySplit(labels: allTrain, split: .dev, counts: SplitCounts(train: 201, dev: 0, test: 39))) {
            try open(allTrain)
        }

        edited = rows
        edited[6] = "Rare\ttest\tw6"
        let rare = try scratch.write(edited.joined(separator: "\n"), to: "rare.tsv")
        #expect(throws: ActivationImportError.labelWithoutTraining(labels: rare, label: "Rare", counts: SplitCounts(train: 0, dev: 0, test: 1))) {
            try open(rare)
        }

        let commas = try scratch.write(rows.map { $0.replacingOccurrences(of: "\t", with: ",") }.joined(separator: "\n"), to: "labels.csv")
        #expect(throws: ActivationImportError.self) { try open(commas) }   // tab-separated only: a .csv would be read as one label per line

        edited = rows
        edited[9] = "Sing"
        let ragged = try scratch.write(edited.joined(separator: "\n"), to: "ragged.tsv")
        #expect(throws: ActivationImportError.self) { try open(ragged) }
        do { _ = try open(ragged) } catch { #expect("\(error)".contains("ragged.tsv:10: 1 tab-separated column, expected 3 (label, split, word)"), "\(error)") }
    }

    @Test("CoNLL-U labels whose words do not match the array's rows are refused, naming both counts")
    func conlluMismatch() throws {
        guard DataTestSupport.hasSharedTables else {
            Issue.record("../shared (UniMorph tables) is missing beside the repository")
            return
        }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let conllu = try scratch.write("# sent_id = a1\n1\tcats\tcat\tNOUN\t_\tNumber=Plur\t0\troot\t_\t_\n\n", to: "tiny.conllu")
        let spec = ActivationImport(arrays: [Self.npy.appendingPathComponent("acts-f32.npy").path], labels: [conllu.path], attribute: "Number")
        do {
            _ = try ImportedActivations.open(spec, shared: SharedData(root: Fixtures.shared))
            Issue.record("240 rows were aligned with one word")
        } catch {
            #expect("\(error)".contains("has 240 rows but") && "\(error)".contains("tiny.conllu has 1 syntactic words"), "\(error)")
        }
        #expect(ActivationImport(arrays: ["a.npy"], labels: [conllu.path]).problems().contains {
            $0.description.contains("CoNLL-U labels need an attribute")
        })
    }
}
