import Foundation
import Analysis
import Support
import Corpora
import Models
import Storage
import Probing

/// A study's first probing config, ready to be probed in phases (``ConfigProbing/rank(_:dataset:store:layers:)``,
/// curves, result) instead of at once: the REPL answers from its rankings while a ``ProbingJob``
/// computes its curves. The inputs are the ones ``StudyRunner/run(_:log:)`` would use, so the
/// result and its cache file are the same.
extension StudyRunner {
    public struct PreparedConfig: @unchecked Sendable {
        public let plan: StudyPlan
        public let planned: PlannedConfig
        public let probing: ConfigProbing
        public let dataset: AttributeDataset
        public let store: any ActivationRows
        public let layers: [Int]
        public let withDurrani: Bool

        /// Where the config's result is (or will be) cached.
        public var cacheFile: URL { probing.cacheFile(for: planned.config, dataset: dataset, store: store, withDurrani: withDurrani) }

        /// The cached result, if a run stored one and its checksum holds.
        public var cached: ConfigResult? {
            if case .found(let result) = CachedResult.lookup(ConfigResult.self, at: cacheFile) { return result }
            return nil
        }

        /// Phase 1 (rows, rankings, probes on all neurons).
        public func rank() throws -> ConfigProbing.RankedConfig {
            try probing.rank(planned.config, dataset: dataset, store: store, layers: layers)
        }
    }

    /// Plans the study and opens its first probing config's inputs (extracting activations if needed);
    /// nil when the plan has no probing config.
    public func prepareFirstConfig(_ study: StudyDescription, log: (String) -> Void) throws -> PreparedConfig? {
        let plan = try StudyPlanner(shared: options.shared).plan(study)
        for note in plan.notes { log(note) }
        guard let planned = plan.configs.first(where: { $0.work == .probing }) else { return nil }
        let dataset = plan.data.datasets[StudyData.key(planned.config.language, planned.config.attribute)]!
        let store = try activations(plan, language: planned.config.language, log: log)
        let layers = planned.config.layer.map { [$0] } ?? concatenatedLayers(plan)
        return PreparedConfig(plan: plan, planned: planned, probing: ConfigProbing(settings: probingSettings(study), resultCache: resultCache),
                              dataset: dataset, store: store, layers: layers, withDurrani: study.durrani.covers(planned.config))
    }
}
