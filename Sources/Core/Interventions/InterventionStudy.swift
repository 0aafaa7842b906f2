import Foundation
import Corpora
import Models
import Support
import Probing
import Storage

/// The intervention study of Antverg & Belinkov 2022 §4 over a grid of configs (language ×
/// attribute × layer): rankings from cached activations (Linear, Gaussian, Probeless, each also
/// bottom-to-top, and Random), ablation and translation sweeps over k on the test split, CLWV and
/// error rate from a pluggable analyser, saturation points, and optionally β chosen on dev.
public struct InterventionStudy: Sendable {
    public struct Settings: Sendable, Codable, Hashable {
        public var model: String
        public var languages: [String]
        public var attributes: [String]
        /// Hidden states to edit.
        public var layers: [Int]
        public var edits: [NeuronEdit] = [.ablate, .translate(beta: 8)]
        /// k = 0, step, 2·step, …, D.
        public var step: Int = 10
        /// Explicit k values instead (those above D are dropped); nil: the ticks of `step`.
        public var neuronCounts: [Int]? = nil
        /// Intervene on the first N sentences (corpus order) that have relevant words; nil: all.
        public var maxSentences: Int? = 100
        /// Analysers that score the same predictions (one result each).
        public var analysers: [AnalyserKind] = [.lexicon]
        /// Ranking methods evaluated top-to-bottom and bottom-to-top; random is always added.
        public var methods: [RankingMethod] = [.linear, .gaussian, .probeless]
        /// Greedy Gaussian ranking length; the rest is completed in Probeless order (as the probing grid).
        public var gaussianNeurons: Int = 50
        public var linear: LinearProbeSettings = .pitfalls
        public var randomSeed: UInt64 = 1
        public var splitSeed: UInt64 = 0
        public var minTypes: Int = DatasetSettings().minTypes
        /// The readout head fitted for models without a masked-LM head.
        public var readout: ReadoutHead.Settings = ReadoutHead.Settings()
        /// β candidates swept on dev for every translation edit (empty: use the edit's β).
        public var betaSweep: [Double] = []
        /// A chosen target value z′ (e.g. `PL`); nil translates to the next value (cyclic).
        public var target: String?

        public init(model: String, languages: [String], attributes: [String], layers: [Int]) {
            self.model = model
            self.languages = languages
            self.attributes = attributes
            self.layers = layers
        }
    }

    public var settings: Settings
    public var shared: SharedData
    public var activationCache: ActivationCache

    public init(settings: Settings, shared: SharedData = SharedData(), activationCache: ActivationCache = ActivationCache()) {
        self.settings = settings
        self.shared = shared
        self.activationCache = activationCache
    }

    /// Where fitted readout heads are stored: beside the activation cache.
    public var readoutFolder: URL { activationCache.folder("readout-heads") }

    /// What a run reads before any model loads, checked: the corpora, the mapping, the attributes
    /// (and the target value, a label of every dataset it would translate).
    public struct Inputs: Sendable {
        public var mapping: UniMorphMapping
        public var attributes: [UniMorphAttribute]
        public var datasetSettings: DatasetSettings
        public var corpora: [LanguageCorpus]
    }

    /// A masked LM and its tokenizer, loaded once and shared by every config of a run (a study
    /// loads it once for all its sweeps).
    public struct LoadedModel: @unchecked Sendable {
        public var url: URL
        public var model: any LanguageModel
        public var tokenizer: any Tokenizer

        public init(url: URL, model: any LanguageModel, tokenizer: any Tokenizer) {
            self.url = url
            self.model = model
            self.tokenizer = tokenizer
        }

        /// Loads `name` (a catalog name or a path); a causal model is refused.
        public static func load(_ name: String) throws -> LoadedModel {
            let url = try ModelCatalog.locate(name)
            let source = try ModelSource(url: url)
            guard source.objective == .maskedToken else { throw InterventionError.causalModel(source.name) }
            let (model, tokenizer) = try source.load()
            return LoadedModel(url: url, model: model, tokenizer: tokenizer)
        }
    }

    /// Reads and checks what was typed, before the model loads or any extraction starts.
    public func inputs() throws -> Inputs {
        let registry = try CorpusRegistry.scan(shared.udRoot())
        let mapping = try UniMorphMapping.load(from: shared)
        let attributes = try settings.attributes.map { try UniMorphAttribute.parse($0, among: UniMorphAttribute.studied) }
        let datasetSettings = DatasetSettings(minTypes: settings.minTypes, attributes: attributes)
        var corpora: [LanguageCorpus] = []
        for language in settings.languages {
            let corpus = try LanguageCorpus.load(language: language, from: registry, seed: settings.splitSeed)
            corpora.append(corpus)
            guard let target = settings.target else { continue }
            for attribute in attributes {
                let dataset = corpus.dataset(for: attribute, mapping: mapping, settings: datasetSettings)
                if dataset.isTask, !dataset.labels.contains(target) {
                    throw InterventionError.unknownTarget(target, attribute: attribute.rawValue, labels: dataset.labels)
                }
            }
        }
        guard !settings.analysers.isEmpty else { throw InterventionError.noAnalyser }
        return Inputs(mapping: mapping, attributes: attributes, datasetSettings: datasetSettings, corpora: corpora)
    }

    /// Runs every config and returns one result per config × edit × analyser.
    ///
    /// - Parameter loaded: the model, when the caller holds it already (else loaded here, after the
    ///   inputs are checked).
    public func run(model loaded: LoadedModel? = nil, log: (String) -> Void = { print($0) }) throws -> [InterventionResult] {
        let inputs = try inputs()
        return try run(inputs: inputs, model: try loaded ?? LoadedModel.load(settings.model), log: log)
    }

    /// Runs every config on inputs checked by ``inputs()`` and a loaded model.
    public func run(inputs: Inputs, model loaded: LoadedModel, log: (String) -> Void = { print($0) }) throws -> [InterventionResult] {
        let layers = Array(Set(settings.layers)).sorted()
        for layer in layers where !(0..<loaded.model.hiddenStateCount).contains(layer) {
            throw InterventionError.layerOutOfRange(layer, hiddenStates: loaded.model.hiddenStateCount)
        }
        var results: [InterventionResult] = []
        for corpus in inputs.corpora {
            results += try run(corpus: corpus, inputs: inputs, loaded: loaded, layers: layers, log: log)
        }
        return results
    }

    /// One language: its analysers, activations and prediction head, then each attribute.
    func run(corpus: LanguageCorpus, inputs: Inputs, loaded: LoadedModel, layers: [Int], log: (String) -> Void) throws -> [InterventionResult] {
        let analysers: [any MorphologicalAnalyser] = try settings.analysers.map { kind in
            switch kind {
            case .lexicon: return LexiconAnalyser(lexicon: Lexicon(corpus: corpus, mapping: inputs.mapping), tagSet: inputs.mapping.tagSet)
            case .apertium: return try ApertiumAnalyser(language: corpus.language)
            }
        }
        let store = try activationCache.activations(for: ExtractionRequest(modelFolder: loaded.url, corpusFiles: corpus.fileURLs, layers: layers), log: log)
        let (head, headFile) = try predictionHead(model: loaded.model, tokenizer: loaded.tokenizer, corpus: corpus, modelURL: loaded.url, store: store, log: log)
        var results: [InterventionResult] = []
        for attribute in inputs.attributes {
            let dataset = corpus.dataset(for: attribute, mapping: inputs.mapping, settings: inputs.datasetSettings)
            guard dataset.isTask else {
                log("\(corpus.language) \(attribute): fewer than 2 values survive (min \(settings.minTypes) types per split) — skipped")
                continue
            }
            let target = try settings.target.map { value -> Int in
                guard let index = dataset.labels.firstIndex(of: value) else {
                    throw InterventionError.unknownTarget(value, attribute: attribute.rawValue, labels: dataset.labels)
                }
                return index
            }
            let (model, tokenizer) = (loaded.model, loaded.tokenizer)
            let test = interventionSentences(corpus: corpus, dataset: dataset, split: .test, tokenizer: tokenizer,
                                             maxLength: model.maxSequenceLength, excluding: target)
            let dev = settings.betaSweep.isEmpty ? nil : interventionSentences(corpus: corpus, dataset: dataset, split: .dev, tokenizer: tokenizer,
                                                                               maxLength: model.maxSequenceLength, excluding: target)
            let language = Language(corpus: corpus, dataset: dataset, attribute: attribute, target: target, test: test, dev: dev,
                                    store: store, head: head, headFile: headFile, analysers: analysers)
            for layer in layers {
                results += try run(language, layer: layer, loaded: loaded, log: log)
            }
        }
        return results
    }

    /// What the layers of one language × attribute share.
    struct Language {
        var corpus: LanguageCorpus
        var dataset: AttributeDataset
        var attribute: UniMorphAttribute
        /// The value every edited word is translated to, if one was chosen (its words are left out).
        var target: Int?
        var test: SplitSentences
        /// Dev sentences, when β is chosen on dev.
        var dev: SplitSentences?
        var store: ActivationStore
        var head: PredictionHead
        var headFile: URL?
        var analysers: [any MorphologicalAnalyser]
    }

    /// One config (language × attribute × layer): rankings and class means from the cached
    /// activations, then each edit swept over the rankings and scored by every analyser.
    func run(_ language: Language, layer: Int, loaded: LoadedModel, log: (String) -> Void) throws -> [InterventionResult] {
        let (corpus, dataset, model, tokenizer) = (language.corpus, language.dataset, loaded.model, loaded.tokenizer)
        let (target, test, dev) = (language.target, language.test, language.dev)
        let started = Date()
        let data = try ProbingData.load(store: language.store, dataset: dataset, layers: [layer])
        let rankings = self.rankings(data)
        let means = ProbelessRanking.classMeans(features: data.train.features, labels: data.train.labels, classCount: data.classCount)
            .map { $0.map(Float.init) }
        let scorers = language.analysers.map { InterventionScorer(analyser: $0, attribute: language.attribute, labels: dataset.labels, tokenizer: tokenizer) }
        let context = Context(model: model, head: language.head, scorer: scorers[0],
                              directions: InterventionSweep.directions(means: means, target: target), layer: layer,
                              ticks: settings.neuronCounts.map { Array(Set($0.filter { $0 <= model.hiddenSize })).sorted() }
                                  ?? InterventionSweep.Settings.ticks(neuronCount: model.hiddenSize, step: settings.step))
        log(String(format: "%@ %@ layer %d: q(z) and rankings from %d train words (%.1f s); %d test sentences, %d relevant words",
                   corpus.language, language.attribute.rawValue, layer, data.train.count, Date().timeIntervalSince(started), test.sentences.count,
                   test.gold.count))
        var results: [InterventionResult] = []
        for edit in settings.edits {
            var chosenEdit = edit
            var selection: BetaSelection?
            if let dev, !settings.betaSweep.isEmpty, edit != .ablate {
                selection = try selectBeta(edit, dev: dev, rankings: rankings.filter { !$0.reversed && $0.method != .random }, context: context, log: log)
                chosenEdit = withBeta(edit, selection?.chosen ?? 8)
            }
            let editStarted = Date()
            let predictions = try predict(chosenEdit, sentences: test, rankings: rankings, context: context)
            let seconds = Date().timeIntervalSince(editStarted)
            for scorer in scorers {
                let result = try self.result(scorer: scorer, predictions: predictions, edit: chosenEdit, selection: selection, seconds: seconds,
                                             test: test, rankings: rankings, context: context, language: language, loaded: loaded)
                log("  \(result.editName): " + result.curves.filter { !$0.ranking.hasSuffix("↑") && $0.ranking != "random" }.map { curve in
                    curve.saturation.map { String(format: "%@ CLWV %.2f at %d", curve.ranking, $0.clwv, $0.neurons) } ?? "\(curve.ranking) no saturation"
                }.joined(separator: ", ") + String(format: " (%.0f s; %@; %@)", seconds, scorer.analyser.name, language.head.label))
                results.append(result)
            }
        }
        return results
    }

    /// One sweep's predictions scored by one analyser, with where they came from.
    func result(scorer: InterventionScorer, predictions: SweepPredictions, edit: NeuronEdit, selection: BetaSelection?, seconds: Double,
                test: SplitSentences, rankings: [NeuronRanking], context: Context, language: Language, loaded: LoadedModel) throws -> InterventionResult {
        let scored = try scorer.score(predictions, gold: test.gold, rankingNames: rankings.map(\.name), neuronCounts: context.ticks)
        let (dataset, store, head) = (language.dataset, language.store, language.head)
        return InterventionResult(
            model: loaded.url.standardizedFileURL.lastPathComponent, language: language.corpus.language, attribute: language.attribute.rawValue,
            layer: context.layer, edit: edit, split: DataSplit.test.rawValue, head: head.label,
            headHeldOutAccuracy: { if case .fitted(let fitted) = head { return fitted.heldOutAccuracy } else { return nil } }(),
            analyser: scorer.analyser.name, labels: dataset.labels, sentences: test.sentences.count, words: test.gold.count,
            curves: scored.curves, distinctWrongPredictions: scored.distinctWrong, unanalysedPredictions: scored.distinctUnanalysed,
            betaSelection: selection,
            sentencesPerSecond: Double(test.sentences.count * rankings.count * max(1, scored.curves.first?.neuronCounts.count ?? 1)) / max(seconds, 1e-9),
            provenance: InterventionProvenance(
                origin: store.origin, dataset: dataset.provenance, settings: settings, created: Date(), seconds: seconds,
                readoutHead: language.headFile?.path))
    }

    /// The model's own masked-LM head, or a readout head fitted on the corpus' training split
    /// (cached beside the activation cache) when the model has none.
    public func predictionHead(model: any LanguageModel, tokenizer: any Tokenizer, corpus: LanguageCorpus, modelURL: URL,
                               store: ActivationStore, log: (String) -> Void) throws -> (PredictionHead, URL?) {
        guard !(model.hasOutputHead && model.objective == .maskedToken) else { return (.pretrained, nil) }
        let fitted = try ReadoutHead.cached(
            model: model, modelName: modelURL.standardizedFileURL.lastPathComponent, modelHash: store.manifest.model.contentHash,
            train: sentences(of: corpus, split: .train, tokenizer: tokenizer), heldOut: sentences(of: corpus, split: .dev, tokenizer: tokenizer),
            settings: settings.readout, folder: readoutFolder, log: log)
        return (.fitted(fitted.head), fitted.url)
    }

    /// What every sweep of one config shares.
    struct Context {
        var model: any LanguageModel
        var head: PredictionHead
        var scorer: InterventionScorer
        var directions: [[Float]]
        var layer: Int
        var ticks: [Int]
    }

    /// The sentences of a split with their relevant words and gold forms and lemmas.
    public struct SplitSentences: Sendable {
        public var sentences: [InterventionSentence]
        /// Per relevant word (sentence order): treebank form and lemma.
        public var gold: [(form: String, lemma: String?)]
    }

    /// Runs and scores one sweep.
    func sweep(_ edit: NeuronEdit, sentences: SplitSentences, rankings: [NeuronRanking], context: Context)
        throws -> (curves: [InterventionCurve], distinctWrong: Int, distinctUnanalysed: Int) {
        let predictions = try predict(edit, sentences: sentences, rankings: rankings, context: context)
        return try context.scorer.score(predictions, gold: sentences.gold, rankingNames: rankings.map(\.name), neuronCounts: context.ticks)
    }

    /// Runs one sweep.
    func predict(_ edit: NeuronEdit, sentences: SplitSentences, rankings: [NeuronRanking], context: Context) throws -> SweepPredictions {
        var sweepSettings = InterventionSweep.Settings(layer: context.layer, edit: edit, neuronCounts: context.ticks)
        sweepSettings.workers = ProcessorCores.available
        let sweep = InterventionSweep(model: context.model, head: context.head, settings: sweepSettings)
        let bar = ProgressBar("    \(edit.name)", total: sentences.sentences.count, unit: "sentences")
        let predictions = try sweep.run(sentences.sentences, rankings: rankings.map(\.order), directions: context.directions,
                                        shouldStop: { Interruption.requested }, progress: { bar.advance(by: $0) })
        bar.finish()
        return predictions
    }

    /// β on dev: the candidate with the highest mean CLWV − (error − CLWV) at saturation over the
    /// top-to-bottom rankings (ties: the smaller β).
    func selectBeta(_ edit: NeuronEdit, dev: SplitSentences, rankings: [NeuronRanking], context: Context,
                    log: (String) -> Void) throws -> BetaSelection {
        var scores: [Double] = []
        for beta in settings.betaSweep {
            let curves = try sweep(withBeta(edit, beta), sentences: dev, rankings: rankings, context: context).curves
            let values = curves.map { curve -> Double in
                let index = curve.saturation?.index ?? (curve.clwv.count - 1)
                return curve.clwv[index] - (curve.errorRate[index] - curve.clwv[index])
            }
            scores.append(values.reduce(0, +) / Double(max(1, values.count)))
            log(String(format: "    dev β = %@: score %.3f", beta.compactText, scores.last ?? 0))
        }
        var best = 0
        for index in scores.indices where scores[index] > scores[best] + 1e-12 { best = index }
        return BetaSelection(split: DataSplit.dev.rawValue, candidates: settings.betaSweep, scores: scores, chosen: settings.betaSweep[best],
                             criterion: "max over β of mean_ttb-rankings [CLWV − (error − CLWV)] at the saturation point (last tick if none)")
    }

    func withBeta(_ edit: NeuronEdit, _ beta: Double) -> NeuronEdit {
        switch edit {
        case .ablate: return .ablate
        case .translate: return .translate(beta: beta)
        case .translateUnscaled: return .translateUnscaled(beta: beta)
        }
    }

    /// Linear, Gaussian and Probeless as requested (top-to-bottom and bottom-to-top), then Random.
    public func rankings(_ data: ProbingData) -> [NeuronRanking] {
        // Random once, last, whether or not it was asked for: the sweep's baseline.
        let methods = settings.methods.filter { $0 != .random } + [.random]
        return NeuronRankings(methods, train: data.train, selection: data.dev, classCount: data.classCount,
                              gaussianNeurons: settings.gaussianNeurons, randomSeed: settings.randomSeed,
                              linearProbe: {
                                  LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                                    classCount: data.classCount, settings: settings.linear)
                              }).withBottomToTop
    }

    /// Tokenized sentences of one split in corpus order.
    public func sentences(of corpus: LanguageCorpus, split: DataSplit, tokenizer: any Tokenizer) -> [TokenizedSentence] {
        var result: [TokenizedSentence] = []
        for (fileIndex, file) in corpus.files.enumerated() {
            for (sentence, sentenceSplit) in zip(file.contents.sentences, file.sentenceSplits) where sentenceSplit == split {
                result.append(TokenizedSentence(fileIndex: fileIndex, id: sentence.id, words: sentence.words.map(\.form), tokenizer: tokenizer))
            }
        }
        return result
    }

    /// The first `maxSentences` sentences of a split with relevant words (examples of the dataset),
    /// tokenized; sentences longer than the model's positions are left out.
    public func interventionSentences(corpus: LanguageCorpus, dataset: AttributeDataset, split: DataSplit, tokenizer: any Tokenizer,
                               maxLength: Int, excluding target: Int?) -> SplitSentences {
        var byFile: [String: Int] = [:]
        for (index, file) in corpus.files.enumerated() { byFile[file.name] = index }
        var grouped: [(file: Int, sentence: Int, words: [InterventionWord])] = []
        for example in dataset[split] where example.label != target {
            guard let fileIndex = byFile[example.fileName] else { continue }
            if let last = grouped.last, last.file == fileIndex, last.sentence == example.sentenceIndex {
                grouped[grouped.count - 1].words.append(InterventionWord(position: example.wordIndex, label: example.label))
            } else {
                grouped.append((fileIndex, example.sentenceIndex, [InterventionWord(position: example.wordIndex, label: example.label)]))
            }
        }
        var result = SplitSentences(sentences: [], gold: [])
        for group in grouped {
            if let limit = settings.maxSentences, result.sentences.count >= limit { break }
            let sentence = corpus.files[group.file].contents.sentences[group.sentence]
            let tokens = TokenizedSentence(fileIndex: group.file, id: sentence.id, words: sentence.words.map(\.form), tokenizer: tokenizer)
            guard tokens.ids.count <= maxLength else { continue }
            result.sentences.append(InterventionSentence(tokens: tokens, words: group.words))
            for word in group.words { result.gold.append((sentence.words[word.position].form, sentence.words[word.position].lemma)) }
        }
        return result
    }
}

/// A user's intervention request that cannot run.
public enum InterventionError: Error, CustomStringConvertible, Equatable {
    case layerOutOfRange(Int, hiddenStates: Int)
    case unknownTarget(String, attribute: String, labels: [String])
    case noAnalyser
    case causalModel(String)

    public var description: String {
        switch self {
        case .causalModel(let name):
            return "\(name) is a causal LM: Antverg & Belinkov's interventions read a masked-LM prediction at the edited word itself; "
                + "use workbench next or workbench agree for a causal model's behaviour"
        case .layerOutOfRange(let layer, let count): return "layer \(layer): the model has hidden states 0…\(count - 1)"
        case .unknownTarget(let value, let attribute, let labels):
            return "target value '\(value)' is not a label of \(attribute) (labels: \(labels.joined(separator: ", ")))"
        case .noAnalyser: return "no analyser chosen (lexicon, apertium)"
        }
    }
}
