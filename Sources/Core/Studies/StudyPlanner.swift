import Foundation
import Analysis
import Corpora
import Models

extension StudyDescription {
    /// The problems that need no data to find: missing components and values out of range.
    public func problems() -> [StudyError] {
        var problems: [StudyError] = []
        if let activations { return problems + activations.problems().map(StudyError.init) + importProblems() + settingProblems() }
        if model == nil { problems.append(.missingComponent("Model", example: "Model(.minilm)")) }
        if probes {
            if languages.isEmpty { problems.append(.missingComponent("Languages", example: "Languages(.english, .spanish)")) }
            if attributes.isEmpty { problems.append(.missingComponent("Attributes", example: "Attributes(.number, .gender)")) }
            if layers.isEmpty { problems.append(.missingComponent("Layers", example: "Layers(2, 4, 6)")) }
        }
        if let layer = layers.first(where: { $0 < 0 }) {
            problems.append(.invalidValue(component: "Layers", problem: "layer \(layer) is negative (0 is the embeddings)"))
        }
        return problems + settingProblems()
    }

    /// A study of a user's activations has no model, treebanks or layers to choose, and nothing to
    /// intervene on.
    private func importProblems() -> [StudyError] {
        var problems: [StudyError] = []
        if model != nil {
            problems.append(.contradictory("a study reads its activations from a Model or from Activations(npy:labels:), not both"))
        }
        for (component, given) in [("Languages", !languages.isEmpty), ("Attributes", !attributes.isEmpty), ("Layers", !layers.isEmpty)] where given {
            problems.append(.contradictory("\(component) applies to a Model's treebanks; Activations(npy:labels:) brings its own rows, labels and layers"))
        }
        if !interventions.isEmpty || !masks.isEmpty {
            problems.append(.contradictory("Intervene and Mask run a model; Activations(npy:labels:) has none — rank and probe only"))
        }
        return problems
    }

    /// The problems of the rankings, probes, report and filters (whatever the activations' source).
    private func settingProblems() -> [StudyError] {
        var problems: [StudyError] = []
        if probes && rankings.isEmpty { problems.append(.missingComponent("Rank", example: "Rank(.probeless)")) }
        if let k = neuronCounts.first(where: { $0 < 1 }) {
            problems.append(.invalidValue(component: "Probe", problem: "neurons: k = \(k); the curves need k ≥ 1"))
        }
        if !classifiers.isEmpty && neuronCounts.isEmpty {
            problems.append(.invalidValue(component: "Probe", problem: "neurons: no k values"))
        }
        if let output, output.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.invalidValue(component: "Output", problem: "names no folder (the results would land in the working directory)"))
        }
        if minTypes < 1 { problems.append(.invalidValue(component: "MinTypes", problem: "must be at least 1, not \(minTypes)")) }
        for intervention in interventions {
            if let k = intervention.neuronCounts.first(where: { $0 < 0 }) {
                problems.append(.invalidValue(component: "Intervene", problem: "neurons: k = \(k) is negative"))
            }
            switch intervention.edit {
            case .translate(let beta), .translateUnscaled(let beta):
                if !(beta > 0) { problems.append(.invalidValue(component: "Intervene", problem: "β must be positive, not \(beta)")) }
            case .ablate: break
            }
        }
        for mask in masks { problems += mask.problems() }
        if Set(interventions).count < interventions.count {
            problems.append(.contradictory("the same Intervene appears twice"))
        }
        if reports.contains(.selectivity) && control == nil {
            problems.append(.contradictory("Report(.selectivity) needs a control task — add Control(.uniform)"))
        }
        if reports.contains(.interventions) && interventions.isEmpty {
            problems.append(.contradictory("Report(.interventions) needs an Intervene component"))
        }
        if reports.contains(.durrani) && durrani == .none {
            problems.append(.contradictory("Report(.durrani) needs Durrani(.concatenated) or Durrani(.every)"))
        }
        if durrani == .concatenated && !allLayersConcatenated {
            problems.append(.contradictory("Durrani(.concatenated) needs the concatenated layers — add Layers(…, concatenated: true)"))
        }
        return problems
    }
}

/// Turns a ``StudyDescription`` into a ``StudyPlan``: resolves the model, reads the treebanks,
/// builds every attribute dataset, and names every problem before any work starts.
public struct StudyPlanner: Sendable {
    public var shared: SharedData

    public init(shared: SharedData = SharedData()) { self.shared = shared }

    public func plan(_ study: StudyDescription) throws -> StudyPlan {
        if let first = study.problems().first { throw first }
        if let activations = study.activations { return try planImported(study, activations: activations) }
        guard let modelName = study.model else { throw StudyError.missingComponent("Model", example: "Model(.minilm)") }
        let modelFolder = try ModelCatalog.locate(modelName)
        guard let source = try? ModelSource(url: modelFolder) else {
            throw StudyError.modelNotFound(name: modelName, folder: modelFolder.path)
        }
        let encoder = try source.shape()
        if let layer = study.layers.first(where: { $0 > encoder.layerCount }) {
            throw StudyError.layerBeyondModel(layer: layer, model: modelName, layerCount: encoder.layerCount)
        }
        var notes: [String] = []
        // Each curve stops at its config's width; a k past every config's width is said, not
        // silently dropped (`neurons: 1...100000` on 384 neurons is k = 1…384).
        let concatenated = study.allLayersConcatenated ? Set(study.layers).count : 1
        if study.probes, !study.classifiers.isEmpty, let k = study.neuronCounts.max(), k > encoder.hiddenSize * concatenated {
            notes.append(Self.widthNote(k: k, model: modelName, width: encoder.hiddenSize * concatenated, layers: concatenated))
        }
        if source.objective == .nextToken, !study.interventions.isEmpty {
            throw StudyError.unsupportedModel(name: modelName, reason: "intervention sweeps read a masked-LM head; on a causal model "
                                              + "(\(source.name)) this version probes and ranks — remove the Intervene lines")
        }
        var configs: [PlannedConfig] = []
        if !study.masks.isEmpty {
            configs += try Self.maskConfigs(study, source: source, shape: encoder, shared: shared)
        }
        guard study.probes else {
            return StudyPlan(study: study, modelFolder: modelFolder, layerCount: encoder.layerCount, hiddenSize: encoder.hiddenSize,
                             configs: configs, notes: notes, data: StudyData(shared: shared))
        }
        let registry = try CorpusRegistry.scan(shared.udRoot())
        let mapping = try UniMorphMapping.load(from: shared)
        let attributes = try study.attributes.map { try UniMorphAttribute.parse($0, among: UniMorphAttribute.studied) }
        let languages = try study.languages.map { try registry.language(named: $0) }
        let datasetSettings = DatasetSettings(minTypes: study.minTypes, attributes: attributes)
        let data = StudyData(shared: shared)
        let layers = Array(Set(study.layers)).sorted()
        let targets: [Int?] = layers.map { Optional($0) } + (study.allLayersConcatenated ? [nil] : [])
        let modelLabel = source.name
        let maskConfigs = configs
        configs = []
        var attributeFound = Set<UniMorphAttribute>()
        for language in languages {
            let corpus = try LanguageCorpus.load(language: language, from: registry, seed: 0)
            data.corpora[language] = corpus
            for attribute in attributes {
                let dataset = corpus.dataset(for: attribute, mapping: mapping, settings: datasetSettings)
                guard dataset.isTask else {
                    notes.append("\(language) \(attribute): fewer than 2 values with \(study.minTypes)+ word types per split — left out")
                    continue
                }
                attributeFound.insert(attribute)
                data.datasets[StudyData.key(language, attribute.rawValue)] = dataset
                let examples = dataset.examples.map(\.count)
                for layer in targets {
                    let config = ProbingConfig(model: modelLabel, language: language, attribute: attribute.rawValue, layer: layer)
                    let width = encoder.hiddenSize * (layer == nil ? layers.count : 1)
                    configs.append(PlannedConfig(config: config, work: .probing, labels: dataset.labels, examples: examples) { cores in
                        Self.probingEstimate(study, examples: dataset.train.count, width: width, cores: cores)
                    })
                }
                for var intervention in study.interventions {
                    if !intervention.attributes.isEmpty {
                        let wanted = try intervention.attributes.map { try UniMorphAttribute.parse($0, among: UniMorphAttribute.studied) }
                        guard wanted.contains(attribute) else { continue }
                    }
                    if intervention.neuronCounts.isEmpty {
                        intervention.neuronCounts = Array(stride(from: 0, through: encoder.hiddenSize, by: 10))
                    }
                    for layer in layers where layer >= 1 {
                        let config = ProbingConfig(model: modelLabel, language: language, attribute: attribute.rawValue, layer: layer)
                        configs.append(PlannedConfig(config: config, work: .intervention(intervention), labels: dataset.labels,
                                                     examples: examples) { _ in
                            // Measured on 2 cores, as a rate that does not scale with them (sweeps run a batch per core).
                            Self.interventionEstimate(intervention, examples: dataset.test.count, encoder: encoder, layer: layer)
                        })
                    }
                }
            }
        }
        for attribute in attributes where !attributeFound.contains(attribute) {
            guard study.attributesWhereFound, !attributeFound.isEmpty else {
                throw StudyError.attributeInNoLanguage(attribute: attribute.rawValue, languages: languages, minTypes: study.minTypes)
            }
            notes.append("\(attribute): in no language with 2+ values of \(study.minTypes)+ word types per split — left out")
        }
        return StudyPlan(study: study, modelFolder: modelFolder, layerCount: encoder.layerCount, hiddenSize: encoder.hiddenSize,
                         configs: configs + maskConfigs, notes: notes, data: data)
    }

    /// The plan of a study of a user's arrays: one probing config per array (and the arrays side by
    /// side with `concatenated`), read through ``ImportedActivations`` into the same configs.
    func planImported(_ study: StudyDescription, activations spec: ActivationImport) throws -> StudyPlan {
        let opened = try ImportedActivations.open(spec, shared: shared, minTypes: study.minTypes)
        let data = StudyData(shared: shared)
        data.imported = opened
        let dataset = opened.dataset
        let source = opened.activations
        var notes = opened.notes
        let layers = source.layers.sorted()
        let concatenated = study.allLayersConcatenated && layers.count > 1
        let widest = source.width * (concatenated ? layers.count : 1)
        if !study.classifiers.isEmpty, let k = study.neuronCounts.max(), k > widest {
            notes.append(Self.widthNote(k: k, model: spec.sourceName, width: widest, layers: concatenated ? layers.count : 1))
        }
        data.datasets[StudyData.key(dataset.language, dataset.attribute.rawValue)] = dataset
        let examples = dataset.examples.map(\.count)
        let targets: [Int?] = layers.map { Optional($0) } + (concatenated ? [nil] : [])
        let configs = targets.map { layer in
            PlannedConfig(config: ProbingConfig(model: spec.sourceName, language: dataset.language, attribute: dataset.attribute.rawValue, layer: layer),
                          work: .probing, labels: dataset.labels, examples: examples) { cores in
                Self.probingEstimate(study, examples: dataset.train.count, width: source.width * (layer == nil ? layers.count : 1), cores: cores)
            }
        }
        return StudyPlan(study: study, modelFolder: spec.arrayURLs[0], layerCount: layers.max() ?? 0, hiddenSize: source.width,
                         configs: configs, notes: notes, data: data)
    }

    /// The note for `Probe(neurons:)` asking for more neurons than the widest config has
    /// (`layers` > 1: that many layers concatenated).
    public static func widthNote(k: Int, model: String, width: Int, layers: Int) -> String {
        let widest = layers > 1 ? "the widest config of this study (\(layers) layers of \(model) concatenated)" : "a layer of \(model)"
        return "Probe: neurons: k goes up to \(k), but \(widest) has \(width) neurons — the curves stop at k = \(width)"
    }

    /// Seconds for one probing config on `cores` cores: the retrained linear probes dominate
    /// (cost ∝ examples × k, for each curve and the control task); constant fitted on MiniLM runs.
    static func probingEstimate(_ study: StudyDescription, examples: Int, width: Int, cores: Double) -> Double {
        let ks = study.neuronCounts.filter { $0 <= width }
        let curves = Double(study.rankings.filter { $0 != .random }.count * 2 + (study.rankings.contains(.random) ? 1 : 0))
        let linear = study.classifiers.contains(.linear) ? 1.0 : 0.05
        let control = study.control == nil ? 1.0 : 2.0
        let work = Double(examples) * Double(ks.reduce(0, +)) * curves * linear * control
        return 2 + 2.5e-8 * work / cores * 2 + (study.durrani == .every ? 30 : 0)
    }

    /// Seconds for one intervention sweep: up to 100 test sentences through layers l+1…L and the head,
    /// for every k and each of the 7 rankings; ~300 sentence-runs/s measured for MiniLM (`bench intervene`).
    static func interventionEstimate(_ intervention: StudyIntervention, examples: Int, encoder: ModelSource.Shape, layer: Int) -> Double {
        let sentences = Double(min(100, max(1, examples / 3)))
        let ticks = Double(intervention.neuronCounts.isEmpty ? encoder.hiddenSize / 10 + 1 : intervention.neuronCounts.count)
        let width = Double(encoder.hiddenSize) / 384
        let depth = Double(encoder.layerCount - layer + 2) / Double(encoder.layerCount - 2 + 2)
        return 5 + sentences * ticks * 7 / 300 * width * width * depth
    }
}
