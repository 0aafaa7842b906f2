import Foundation
import Analysis
import Support
import Corpora
import Models
import Storage
import Probing

/// A planned probing config with everything ``StudyRunner/run(_:log:)`` hands ``ConfigProbing`` for
/// it, so that it can be probed on its own: in phases (``ConfigProbing/rank(_:dataset:store:layers:)``,
/// curves, result) for the REPL, which answers from its rankings while a ``ProbingJob`` computes its
/// curves, or at once and timed (`workbench bench grid`). The inputs are the ones a run would use, so
/// the result and its cache file are the same.
extension StudyRunner {
    public struct PreparedConfig: @unchecked Sendable {
        public let plan: StudyPlan
        public let planned: PlannedConfig
        /// The probing (a benchmark sets its schedule).
        public var probing: ConfigProbing
        public let dataset: AttributeDataset
        public let store: any ActivationRows
        public let layers: [Int]
        public let withDurrani: Bool

        /// Where the config's result is (or will be) cached.
        public var cacheFile: URL { probing.cacheFile(for: planned.config, dataset: dataset, store: store, layers: layers, withDurrani: withDurrani) }

        /// The cached result, if a run stored one and its checksum holds.
        public var cached: ConfigResult? {
            if case .found(let result) = CachedResult.lookup(ConfigResult.self, at: cacheFile) { return result }
            return nil
        }

        /// Phase 1 (rows, rankings, probes on all neurons).
        public func rank() throws -> ConfigProbing.RankedConfig {
            try probing.rank(planned.config, dataset: dataset, store: store, layers: layers)
        }

        /// The whole result at once, cached in `probing.resultCache`.
        public func result(log: (String) -> Void) throws -> (result: ConfigResult, cached: Bool) {
            try probing.result(for: planned.config, dataset: dataset, store: store, layers: layers, withDurrani: withDurrani, log: log)
        }
    }

    /// A planned probing config of `plan`, its activations opened (extracted if they are not cached).
    ///
    /// - Parameter resultCache: where its result is cached (default: the runner's result cache).
    public func prepare(_ planned: PlannedConfig, in plan: StudyPlan, resultCache: URL? = nil,
                        log: (String) -> Void = { _ in }) throws -> PreparedConfig {
        precondition(planned.work == .probing, "StudyRunner.prepare: \(planned.name) is not a probing config")
        let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)]!
        let store = try activations(plan, language: planned.config.language, log: log)
        let layers = probedLayers(planned, plan)
        return PreparedConfig(plan: plan, planned: planned,
                              probing: ConfigProbing(settings: probingSettings(plan.study), resultCache: resultCache ?? self.resultCache),
                              dataset: dataset, store: store, layers: layers, withDurrani: plan.study.durrani.covers(planned.config))
    }

    /// Plans the study and opens its first probing config's inputs (extracting activations if needed);
    /// nil when the plan has no probing config.
    public func prepareFirstConfig(_ study: StudyDescription, log: (String) -> Void) throws -> PreparedConfig? {
        let plan = try StudyPlanner(shared: options.shared).plan(study)
        for note in plan.notes { log(note) }
        guard let planned = plan.configs.first(where: { $0.work == .probing }) else { return nil }
        return try prepare(planned, in: plan, log: log)
    }

    /// Writes `results` into `folder` as a run of `plan` does at its end: each config's JSON, then the
    /// report (report.md, CSV, JSON, figures).
    public static func writeResults(_ results: [ConfigResult], plan: StudyPlan, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("configs"), withIntermediateDirectories: true)
        for result in results { try StudyResults.write(result, as: result.config.fileStem, in: folder) }
        _ = try StudyResults.writeReport(plan: plan, results: results, interventions: [], to: folder)
    }
}
