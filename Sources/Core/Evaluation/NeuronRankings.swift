import Kernels
import Support
import Probing

/// A config's neuron rankings, built in one place for the probing grid (``ConfigProbing``), the
/// intervention sweeps (``InterventionStudy``) and the comparison with learned masks
/// (``UnitRankingComparison``), so that a ranking of the same name means the same computation
/// everywhere:
///
/// - Linear: mean |weight| of the elastic-net probe on the training split (Antverg App. A.1);
///   Linear weight mass: NeuroX's ordering of the same probe;
/// - Gaussian: greedy mutual information on the `selection` split (Torroba Hennigen et al. 2020), up
///   to `gaussianNeurons`, the rest in Probeless order;
/// - Probeless: Σ over value pairs of |difference of mean vectors| on the training split (Antverg eq. 1);
/// - Random: a permutation seeded by `randomSeed`.
public struct NeuronRankings: Sendable {
    /// The rankings asked for, in the order asked.
    public var rankings: [NeuronRanking]
    /// The Probeless ranking (computed whatever was asked: it completes the Gaussian one).
    public var probeless: NeuronRanking
    /// The greedy Gaussian selection with its mutual information per step, when Gaussian was asked for.
    public var gaussian: GaussianRankingResult?

    /// Each ranking and, but for Random, its bottom-to-top, in order: the curves and sweeps drawn.
    public var withBottomToTop: [NeuronRanking] {
        rankings.flatMap { $0.method == .random ? [$0] : [$0, $0.bottomToTop] }
    }

    /// Ranks the neurons of `train` by each of `methods`.
    ///
    /// - Parameters:
    ///   - train: the examples the probes and the Probeless means are fitted on
    ///   - selection: the examples on which the greedy Gaussian ranking maximises mutual information
    ///   - linearProbe: the elastic-net probe on `train`, asked for once and only when a linear ranking is
    ///   - gaussianProbe: the Gaussian probe fitted on `train`; fitted here with `gaussianPrior` when nil
    public init(_ methods: [RankingMethod], train: LabeledFeatures, selection: LabeledFeatures, classCount: Int,
                gaussianNeurons: Int, randomSeed: UInt64, linearProbe: () -> LinearProbe,
                gaussianProbe: GaussianProbe? = nil, gaussianPrior: GaussianProbe.Prior = .perLabel) {
        let neurons = train.features.columns
        let probeless = StageClock.measure(.probelessRanking) {
            ProbelessRanking.rank(features: train.features, labels: train.labels, classCount: classCount)
        }
        var trained: LinearProbe?
        func linear() -> LinearProbe {
            if let trained { return trained }
            let probe = linearProbe()
            trained = probe
            return probe
        }
        var gaussian: GaussianRankingResult?
        var rankings: [NeuronRanking] = []
        for method in methods {
            switch method {
            case .linear:
                let probe = linear()
                rankings.append(StageClock.measure(.otherRankings) { LinearRanking.meanAbsoluteWeight(probe) })
            case .linearWeightMass:
                let probe = linear()
                rankings.append(StageClock.measure(.otherRankings) { LinearRanking.weightMass(probe) })
            case .probeless:
                rankings.append(probeless)
            case .random:
                rankings.append(StageClock.measure(.otherRankings) { RandomRanking.rank(neuronCount: neurons, seed: randomSeed) })
            case .gaussian:
                let probe = gaussianProbe
                    ?? GaussianProbe.fit(features: train.features, labels: train.labels, classCount: classCount, prior: gaussianPrior)
                let selected = StageClock.measure(.gaussianRanking) {
                    GaussianRanking.rank(probe: probe, features: selection.features, labels: selection.labels,
                                         maxNeurons: min(gaussianNeurons, neurons))
                }
                gaussian = selected
                rankings.append(selected.completed(by: probeless))
            }
        }
        self.rankings = rankings
        self.probeless = probeless
        self.gaussian = gaussian
    }

    /// The ranking of `method`, when it was asked for.
    public subscript(method: RankingMethod) -> NeuronRanking? { rankings.first { $0.method == method } }
}
