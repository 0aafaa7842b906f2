import Foundation

/// One planned probing config with everything ``StudyRunner/run(_:log:)`` hands ``ConfigProbing``
/// for it, so that a benchmark can run (and time) a config of a study on its own.
extension StudyRunner {
    public struct ProbingJob: Sendable {
        public var probing: ConfigProbing
        public var config: ProbingConfig
        public var dataset: AttributeDataset
        public var store: any ActivationRows
        public var layers: [Int]
        public var withDurrani: Bool

        /// The config's result, cached in `probing.resultCache`.
        public func result(log: (String) -> Void) throws -> (result: ConfigResult, cached: Bool) {
            try probing.result(for: config, dataset: dataset, store: store, layers: layers, withDurrani: withDurrani, log: log)
        }
    }

    /// The job of a planned probing config of `plan` (extracting its activations if they are not cached).
    ///
    /// - Parameter resultCache: where its result is cached (default: the runner's result cache).
    public func probingJob(_ planned: PlannedConfig, in plan: StudyPlan, resultCache: URL? = nil,
                           log: (String) -> Void = { _ in }) throws -> ProbingJob {
        precondition(planned.work == .probing, "StudyRunner.probingJob: \(planned.name) is not a probing config")
        let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)]!
        return ProbingJob(probing: ConfigProbing(settings: probingSettings(plan.study), resultCache: resultCache ?? self.resultCache),
                          config: planned.config, dataset: dataset, store: try activations(plan, language: planned.config.language, log: log),
                          layers: planned.config.layer.map { [$0] } ?? concatenatedLayers(plan),
                          withDurrani: plan.study.durrani.covers(planned.config))
    }

    /// Writes `results` into `folder` as a run of `plan` does at its end: each config's JSON, then the
    /// report (report.md, CSV, JSON, figures).
    public static func writeResults(_ results: [ConfigResult], plan: StudyPlan, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("configs"), withIntermediateDirectories: true)
        for result in results { try StudyResults.write(result, as: result.config.fileStem, in: folder) }
        _ = try StudyResults.writeReport(plan: plan, results: results, interventions: [], to: folder)
    }
}
