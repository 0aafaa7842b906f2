import Foundation
import Kernels
import Support
import Probing

/// The analyses of Durrani et al. 2020 ("Analyzing Individual Neurons in Pre-trained Language
/// Models"), on one probing config: elastic-net λ search, ablation, minimal neuron sets, and where
/// the top neurons sit (layers, labels).
public struct DurraniAnalysis: Sendable {
    public struct Settings: Sendable, Codable, Hashable {
        /// Values tried for λ1 and λ2 (paper: 0 and 1e-1 … 1e-7).
        public var lambdaGrid: [Float] = [0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]
        /// α and β of S(λ1, λ2) = α(At − Ab) − β(Az − Al).
        public var alpha: Double = 0.5, beta: Double = 0.5
        /// Share of neurons kept in At/Ab and the ablation table (paper: 20%).
        public var keptFraction: Double = 0.2
        /// Growth step of the minimal neuron set, as a share of all neurons (paper: 1%).
        public var growthFraction: Double = 0.01
        /// Accuracy gaps δ (in points) to the oracle at which the minimal set stops (paper: 0.5 and 2).
        public var deltas: [Double] = [0.5, 2]
        public var probe: LinearProbeSettings = .neurox
        public var seed: UInt64 = 1
        public init() {}
    }

    /// One point of the λ grid.
    public struct LambdaScore: Sendable, Codable {
        public var lambda1: Float, lambda2: Float
        public var top: Double, bottom: Double, unregularised: Double, all: Double
        public var score: Double
    }

    /// Accuracy keeping only some neurons (others zeroed, no retraining).
    public struct Ablation: Sendable, Codable {
        public var all: Double, top: Double, random: Double, bottom: Double
        public var keptNeurons: Int
    }

    /// The smallest top-ranked set whose retrained probe comes within δ of the oracle.
    public struct MinimalSet: Sendable, Codable {
        public var delta: Double
        public var neurons: [Int]
        public var accuracy: Double
        public var oracle: Double
        /// Selectivity (task − control accuracy) with all neurons and with the selected ones.
        public var selectivityAll: Double?
        public var selectivitySelected: Double?
    }

    public var settings: Settings
    /// On ``ProbingEvaluator/Schedule/shared`` the unregularised probe joins the λ grid's queue and
    /// the minimal set tries its next sizes on the idle cores; the results are the same as on
    /// ``ProbingEvaluator/Schedule/reference``, where both run one probe at a time.
    public var schedule: ProbingEvaluator.Schedule = .shared

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Grid search over (λ1, λ2) on the dev split; returns every score, best first.
    public func lambdaSearch(_ data: ProbingData) -> [LambdaScore] { lambdaSearchKeepingProbes(data).scores }

    /// ``lambdaSearch(_:)``, with the grid's probes by their settings on the shared schedule (the
    /// best λ's probe need not be trained again).
    func lambdaSearchKeepingProbes(_ data: ProbingData) -> (scores: [LambdaScore], probes: [LinearProbeSettings: LinearProbe]) {
        let kept = max(1, Int((Double(data.neuronCount) * settings.keptFraction).rounded()))
        let settings = settings
        @Sendable func unregularisedAccuracy() -> Double {
            LinearProbe.train(features: data.train.features, labels: data.train.labels,
                              classCount: data.classCount, settings: settings.probe.with(lambda1: 0, lambda2: 0))
                .accuracy(data.dev.features, labels: data.dev.labels)
        }
        let pairs = settings.lambdaGrid.flatMap { l1 in settings.lambdaGrid.map { (l1, $0) } }
        if schedule == .shared { return lambdaSearchTogether(data, pairs: pairs, kept: kept) }
        let unregularised = unregularisedAccuracy()
        let accuracies = Parallel.map(pairs.count) { index -> (Double, Double, Double) in
            let (l1, l2) = pairs[index]
            let probe = LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                          classCount: data.classCount, settings: settings.probe.with(lambda1: l1, lambda2: l2))
            return Self.devAccuracies(probe, data, kept: kept)
        }
        return (scored(pairs: pairs, accuracies: accuracies, unregularised: unregularised), [:])
    }

    /// (top, bottom, all): dev accuracy keeping the probe's top `kept` neurons by weight mass, its
    /// bottom `kept`, and all of them.
    private static func devAccuracies(_ probe: LinearProbe, _ data: ProbingData, kept: Int) -> (Double, Double, Double) {
        let ranking = LinearRanking.weightMass(probe)
        let al = probe.accuracy(data.dev.features, labels: data.dev.labels)
        let at = probe.accuracy(data.dev.features, labels: data.dev.labels, keeping: ranking.top(kept))
        let ab = probe.accuracy(data.dev.features, labels: data.dev.labels, keeping: ranking.bottomToTop.top(kept))
        return (at, ab, al)
    }

    /// Each pair's score S = α(At − Ab) − β(Az − Al), best first (ties by λ1, then λ2).
    private func scored(pairs: [(Float, Float)], accuracies: [(Double, Double, Double)], unregularised az: Double) -> [LambdaScore] {
        let scores = pairs.indices.map { index -> LambdaScore in
            let (at, ab, al) = accuracies[index]
            let score = settings.alpha * (at - ab) - settings.beta * (az - al)
            return LambdaScore(lambda1: pairs[index].0, lambda2: pairs[index].1, top: at, bottom: ab, unregularised: az, all: al, score: score)
        }
        return scores.sorted { $0.score != $1.score ? $0.score > $1.score : ($0.lambda1, $0.lambda2) < ($1.lambda1, $1.lambda2) }
    }

    /// ``lambdaSearch(_:)`` on the shared schedule: the grid's probes in lockstep groups of
    /// ``lambdaGroup`` (one pass over the minibatches feeds a group; each probe the same bit for bit
    /// as alone), the groups on the cores; the unregularised probe is the grid's (0, 0) when the grid
    /// holds it (the same settings, so the same probe), else one more probe.
    private func lambdaSearchTogether(_ data: ProbingData, pairs: [(Float, Float)], kept: Int)
        -> (scores: [LambdaScore], probes: [LinearProbeSettings: LinearProbe]) {
        let settings = settings
        let grid = pairs.map { settings.probe.with(lambda1: $0.0, lambda2: $0.1) }
        let unregularised = settings.probe.with(lambda1: 0, lambda2: 0)
        let jobs = grid.contains(unregularised) ? grid : grid + [unregularised]
        let zero = jobs.firstIndex(of: unregularised)!
        let groups = stride(from: 0, to: jobs.count, by: Self.lambdaGroup).map { $0..<min($0 + Self.lambdaGroup, jobs.count) }
        let grouped = Parallel.map(groups.count) { group -> [(LinearProbe, (Double, Double, Double))] in
            let members = groups[group]
            let probes = LinearProbe.train(features: data.train.features, labelSets: Array(repeating: data.train.labels, count: members.count),
                                           classCount: data.classCount, settings: Array(jobs[members]))
            return probes.map { ($0, Self.devAccuracies($0, data, kept: kept)) }
        }
        let accuracies = grouped.flatMap { $0.map(\.1) }
        let probes = Dictionary(grouped.flatMap { $0.map(\.0) }.map { ($0.settings, $0) }, uniquingKeysWith: { first, _ in first })
        return (scored(pairs: pairs, accuracies: accuracies, unregularised: accuracies[zero].2), probes)
    }

    /// Probes of the λ grid trained together in one lockstep group.
    static let lambdaGroup = 4

    /// Test accuracy keeping the top / a random / the bottom share of neurons of a ranking.
    public func ablation(_ data: ProbingData, probe: LinearProbe, ranking: NeuronRanking) -> Ablation {
        let kept = max(1, Int((Double(data.neuronCount) * settings.keptFraction).rounded()))
        let random = RandomRanking.rank(neuronCount: data.neuronCount, seed: settings.seed)
        let test = data.test
        return Ablation(all: probe.accuracy(test.features, labels: test.labels),
                        top: probe.accuracy(test.features, labels: test.labels, keeping: ranking.top(kept)),
                        random: probe.accuracy(test.features, labels: test.labels, keeping: random.top(kept)),
                        bottom: probe.accuracy(test.features, labels: test.labels, keeping: ranking.bottomToTop.top(kept)),
                        keptNeurons: kept)
    }

    /// Grows the top-ranked set by `growthFraction` of the neurons, retraining each time, until the
    /// test accuracy is within δ points of the oracle (the probe on all neurons).
    public func minimalSets(_ data: ProbingData, ranking: NeuronRanking, probeSettings: LinearProbeSettings,
                            control: ProbingData? = nil) -> [MinimalSet] {
        @Sendable func accuracy(_ data: ProbingData, _ neurons: [Int]?) -> Double {
            let train = neurons.map { data.train.features.selectingColumns($0) } ?? data.train.features
            let test = neurons.map { data.test.features.selectingColumns($0) } ?? data.test.features
            return LinearProbe.train(features: train, labels: data.train.labels, classCount: data.classCount, settings: probeSettings)
                .accuracy(test, labels: data.test.labels)
        }
        let step = max(1, Int((Double(data.neuronCount) * settings.growthFraction).rounded()))
        // The probes on all neurons, and (shared schedule) the first sizes beside them.
        let firstSizes = schedule == .shared ? Array(Set((1...ProcessorCores.available).map { min($0 * step, data.neuronCount) })).sorted() : []
        let firstProbe: @Sendable (Int) -> Double = { index in
            switch index {
            case 0: return accuracy(data, nil)
            case 1: return control.map { accuracy($0, nil) } ?? .nan
            default: return accuracy(data, ranking.top(firstSizes[index - 2]))
            }
        }
        let first = schedule == .shared ? Parallel.map(2 + firstSizes.count, firstProbe) : (0..<2).map(firstProbe)
        let oracle = first[0]
        let controlAll = control == nil ? nil : first[1]
        var tried = Dictionary(uniqueKeysWithValues: zip(firstSizes, first.dropFirst(2)))
        /// The accuracy of the top `size`; on the shared schedule the next sizes are trained beside it.
        func accuracy(atSize size: Int) -> Double {
            if let known = tried[size] { return known }
            let sizes = schedule == .shared
                ? Array(Set((0..<ProcessorCores.available).map { min(size + $0 * step, data.neuronCount) })).sorted() : [size]
            let values = Parallel.map(sizes.count) { accuracy(data, ranking.top(sizes[$0])) }
            for (trained, value) in zip(sizes, values) { tried[trained] = value }
            return tried[size]!
        }
        var results: [MinimalSet] = []
        var size = step
        var reached: [(size: Int, accuracy: Double)] = []
        for delta in settings.deltas.sorted(by: >) {
            // Reuse the sizes already tried for a looser δ.
            if let hit = reached.first(where: { $0.accuracy * 100 >= oracle * 100 - delta }) {
                results.append(minimalSet(delta, Array(ranking.top(hit.size)), hit.accuracy, oracle, data, control, controlAll, accuracy))
                continue
            }
            while true {
                let neurons = ranking.top(size)
                let value = accuracy(atSize: size)
                reached.append((size, value))
                if value * 100 >= oracle * 100 - delta || size >= data.neuronCount {
                    results.append(minimalSet(delta, neurons, value, oracle, data, control, controlAll, accuracy))
                    size = min(size + step, data.neuronCount)
                    break
                }
                size = min(size + step, data.neuronCount)
            }
        }
        return results.sorted { $0.delta < $1.delta }
    }

    private func minimalSet(_ delta: Double, _ neurons: [Int], _ value: Double, _ oracle: Double, _ data: ProbingData,
                            _ control: ProbingData?, _ controlAll: Double?, _ accuracy: (ProbingData, [Int]?) -> Double) -> MinimalSet {
        var set = MinimalSet(delta: delta, neurons: neurons, accuracy: value, oracle: oracle)
        if let control, let controlAll {
            set.selectivityAll = oracle - controlAll
            set.selectivitySelected = value - accuracy(control, neurons)
        }
        return set
    }

    /// How many of the given neurons come from each layer (for all-layers-concatenated data).
    public static func layerDistribution(_ neurons: [Int], data: ProbingData) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for layer in data.layers { counts[layer] = 0 }
        for neuron in neurons { counts[data.location(ofNeuron: neuron).layer, default: 0] += 1 }
        return counts
    }

    /// Per label, the neurons that carry `fraction` of its weight mass (NeuroX `get_top_neurons`):
    /// how many neurons each label contributes.
    public static func neuronsPerLabel(_ probe: LinearProbe, fraction: Double) -> [[Int]] {
        (0..<probe.classCount).map { label in
            let magnitudes = (0..<probe.featureCount).map { Double(abs(probe.weights[label, $0])) }
            let order = magnitudes.indices.sorted { magnitudes[$0] != magnitudes[$1] ? magnitudes[$0] > magnitudes[$1] : $0 < $1 }
            let target = fraction * magnitudes.reduce(0, +)
            var total = 0.0, chosen: [Int] = []
            for neuron in order {
                chosen.append(neuron)
                total += magnitudes[neuron]
                if total >= target { break }
            }
            return chosen
        }
    }
}

/// Durrani et al.'s analyses of one config, as stored in its result.
public struct DurraniSummary: Sendable, Codable {
    /// The λ grid, best S first.
    public var lambdaScores: [DurraniAnalysis.LambdaScore]
    /// Ablation with the probe of the best λ and its weight-mass ranking.
    public var ablation: DurraniAnalysis.Ablation
    /// Minimal neuron sets for each δ.
    public var minimalSets: [DurraniAnalysis.MinimalSet]
    /// Hidden state → how many of the smallest minimal set's neurons sit there.
    public var layerDistribution: [Int: Int]
    /// Label → how many neurons carry half of its weight mass.
    public var neuronsPerLabel: [String: Int]
}

extension DurraniAnalysis {
    /// λ search on dev, then ablation, minimal sets, layer and label distributions with the best λ.
    public func summarize(_ data: ProbingData, control: ProbingData?) -> DurraniSummary {
        let (scores, probes) = StageClock.measure(.durraniLambdaSearch) { lambdaSearchKeepingProbes(data) }
        return StageClock.measure(.durraniRest) {
            let best = scores[0]
            let probeSettings = settings.probe.with(lambda1: best.lambda1, lambda2: best.lambda2)
            // The search's probe of the best λ when it kept it: the same settings, so the same probe.
            let probe = probes[probeSettings] ?? LinearProbe.train(features: data.train.features, labels: data.train.labels,
                                                                   classCount: data.classCount, settings: probeSettings)
            let ranking = LinearRanking.weightMass(probe)
            let sets = minimalSets(data, ranking: ranking, probeSettings: probeSettings, control: control)
            let perLabel = Self.neuronsPerLabel(probe, fraction: 0.5)
            return DurraniSummary(
                lambdaScores: scores, ablation: ablation(data, probe: probe, ranking: ranking), minimalSets: sets,
                layerDistribution: Self.layerDistribution(sets.first?.neurons ?? [], data: data),
                neuronsPerLabel: Dictionary(uniqueKeysWithValues: zip(data.labelNames, perLabel.map(\.count))))
        }
    }
}
