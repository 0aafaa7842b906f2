import Foundation
import Analysis
import Support
import Probing
import Storage

extension StudyRunner {
    /// The intervention study settings of one planned sweep (one language, attribute, layer, edit).
    func interventionSettings(_ planned: PlannedConfig, intervention: StudyIntervention, study: StudyDescription) -> InterventionStudy.Settings {
        var settings = InterventionStudy.Settings(model: study.model ?? "", languages: [planned.config.language],
                                                  attributes: [planned.config.attribute], layers: [planned.config.layer ?? 1])
        settings.edits = [intervention.edit]
        settings.neuronCounts = intervention.neuronCounts
        settings.methods = RankingMethod.allCases.filter { study.rankings.contains($0) && $0 != .random }
        settings.randomSeed = study.seed
        settings.minTypes = study.minTypes
        // Both analysers where Apertium has a transducer; the treebank lexicon elsewhere.
        settings.analysers = ApertiumAnalyser.transducers[planned.config.language] != nil ? [.lexicon, .apertium] : [.lexicon]
        return settings
    }

    /// Where a sweep's results are cached: named by the hash of the model's and corpus' bytes and the settings.
    func interventionCacheFile(_ planned: PlannedConfig, intervention: StudyIntervention, plan: StudyPlan) throws -> URL {
        let settings = interventionSettings(planned, intervention: intervention, study: plan.study)
        let language = planned.config.language
        if plan.data.sourceHashes[language] == nil {
            let corpus = plan.data.corpora[language]!
            let sources = try options.activationCache.directory(for: ExtractionRequest(modelFolder: plan.modelFolder, corpusFiles: corpus.fileURLs,
                                                                                      layers: [planned.config.layer ?? 1]))
            plan.data.sourceHashes[language] = [sources.modelHash] + sources.corpusHashes   // hashed once per run
        }
        let key = ContentHash.combine(plan.data.sourceHashes[language]! + [String(describing: settings), BuildInfo.version])
        return resultCache.appendingPathComponent("interventions/\(planned.identifier)-\(key).json")
    }

    /// One planned sweep's results (one per analyser), read from the result cache when the same
    /// inputs and settings were swept before and the checksum holds, else computed and stored
    /// (``CachedResult``: atomically, once among processes) on the model the run loads once.
    func interventionResults(_ planned: PlannedConfig, intervention: StudyIntervention, plan: StudyPlan,
                             log: (String) -> Void) throws -> (results: [InterventionResult], cached: Bool) {
        let settings = interventionSettings(planned, intervention: intervention, study: plan.study)
        let file = try interventionCacheFile(planned, intervention: intervention, plan: plan)
        let (results, cached) = try CachedResult.value(at: file, log: log) {
            let study = InterventionStudy(settings: settings, shared: options.shared, activationCache: options.activationCache)
            let inputs = try study.inputs()   // what was typed is checked before the model loads
            let (model, tokenizer) = try studyModel(plan, log: log)
            guard model.objective == .maskedToken else { throw InterventionError.causalModel(plan.modelFolder.lastPathComponent) }
            return try study.run(inputs: inputs, model: InterventionStudy.LoadedModel(url: plan.modelFolder, model: model, tokenizer: tokenizer), log: log)
        }
        return (results, cached)
    }
}
