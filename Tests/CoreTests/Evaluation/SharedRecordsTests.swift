import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Probing
@testable import Analysis
import Corpora

/// The pieces that probing, interventions and masks share: one value per split, one provenance
/// record, one way to build the rankings, one batch scheduler.
@Suite("Shared records: splits, provenance, rankings, batches")
struct SharedRecordsTests {
    static func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("PerSplit: a subscript per split, map, and the JSON of the string-keyed dictionaries it replaced")
    func perSplit() throws {
        var counts = SplitCounts(train: 10, dev: 2, test: 3)
        counts[.dev] += 5
        #expect(counts.dev == 7 && counts[.train] == 10 && counts.total == 20 && counts.minimum == 3 && counts.slashed == "10/7/3")
        #expect(try Self.encoded(counts) == Self.encoded(["train": 10, "dev": 7, "test": 3]))
        #expect(try JSONDecoder().decode(SplitCounts.self, from: Data(#"{"test": 3, "train": 10, "dev": 7}"#.utf8)) == counts)
        let names = PerSplit { $0.rawValue }
        #expect(names.map(\.count) == SplitCounts(train: 5, dev: 3, test: 4))
        #expect(SplitCounts() + counts == counts)
    }

    @Test("RunProvenance: a probing record keeps files and control task, an intervention record its readout head, each without the other's keys")
    func provenance() throws {
        let origin = ActivationOrigin(modelPath: "/m", modelHash: "h", location: "/cache")
        let probing = ResultProvenance(origin: origin, dataset: Self.datasetProvenance(), settings: ConfigProbing.Settings(model: "minilm"),
                                       files: ["a.conllu"], controlTask: "none")
        let probingJSON = try Self.encoded(probing)
        #expect(probingJSON.contains(#""files":["a.conllu"]"#) && probingJSON.contains(#""controlTask":"none""#))
        #expect(!probingJSON.contains("readoutHead") && probing.created == "" && probing.tool == BuildInfo.tool)
        #expect(probing.modelPath == "/m" && probing.modelHash == "h" && probing.activationCache == "/cache" && probing.treebanks == ["English-EWT"])
        let settings = InterventionStudy.Settings(model: "minilm", languages: ["English"], attributes: ["Number"], layers: [2])
        let intervention = InterventionProvenance(origin: origin, dataset: Self.datasetProvenance(), settings: settings,
                                                  created: Date(timeIntervalSince1970: 0), seconds: 2, readoutHead: "/head.bin")
        let interventionJSON = try Self.encoded(intervention)
        #expect(interventionJSON.contains(#""readoutHead":"\/head.bin""#) && intervention.created == "1970-01-01T00:00:00Z")
        #expect(!interventionJSON.contains("files") && !interventionJSON.contains("controlTask"))
        #expect(try JSONDecoder().decode(InterventionProvenance.self, from: Data(interventionJSON.utf8)) == intervention)
    }

    static func datasetProvenance() -> DatasetProvenance {
        DatasetProvenance(language: "English", attribute: .number, treebanks: ["English-EWT"], files: ["a.conllu"], recipe: .original,
                          split: "original", minTypes: 1, typeUnit: "form", keptValues: [], droppedValues: [], examples: SplitCounts(),
                          wordsWithoutAttribute: SplitCounts(), wordsWithDroppedValue: SplitCounts(), conflicts: SplitCounts(), controlTask: nil)
    }

    static func features(rows: Int, seed: UInt64) -> LabeledFeatures {
        var random = SplitMix64(seed: seed)
        let labels = (0..<rows).map { $0 % 3 }
        // Neurons 0 and 5 carry the label; the rest are noise.
        var scalars: [Float] = []
        for label in labels {
            for j in 0..<8 {
                let signal: Float = j == 0 || j == 5 ? Float(label) * 2 : 0
                scalars.append(Float.random(in: -1...1, using: &random) + signal)
            }
        }
        return LabeledFeatures(features: Tensor(shape: [rows, 8], scalars: scalars), labels: labels)
    }

    @Test("NeuronRankings: each method as its own ranker gives it, the linear probe trained once, Random once in the curves' order")
    func rankings() {
        let train = Self.features(rows: 300, seed: 1), dev = Self.features(rows: 90, seed: 2)
        var probesTrained = 0
        let built = NeuronRankings([.linear, .gaussian, .probeless, .random, .linearWeightMass], train: train, selection: dev, classCount: 3,
                                   gaussianNeurons: 4, randomSeed: 7, linearProbe: {
                                       probesTrained += 1
                                       return LinearProbe.train(features: train.features, labels: train.labels, classCount: 3)
                                   })
        #expect(probesTrained == 1)
        let probe = LinearProbe.train(features: train.features, labels: train.labels, classCount: 3)
        let probeless = ProbelessRanking.rank(features: train.features, labels: train.labels, classCount: 3)
        let gaussian = GaussianRanking.rank(trainFeatures: train.features, trainLabels: train.labels, classCount: 3,
                                            features: dev.features, labels: dev.labels, maxNeurons: 4)
        #expect(built[.linear] == LinearRanking.meanAbsoluteWeight(probe))
        #expect(built[.linearWeightMass] == LinearRanking.weightMass(probe))
        #expect(built[.probeless] == probeless && built.probeless == probeless)
        #expect(built.gaussian == gaussian && built[.gaussian] == gaussian.completed(by: probeless))
        #expect(built[.random] == RandomRanking.rank(neuronCount: 8, seed: 7))
        #expect(Set(built[.linear]!.top(2)) == [0, 5] && Set(built[.gaussian]!.top(2)) == [0, 5])
        #expect(built.withBottomToTop.map(\.name) == ["linear", "linear↑", "gaussian", "gaussian↑", "probeless", "probeless↑", "random",
                                                       "linear-mass", "linear-mass↑"])
        var untrained = 0
        let withoutLinear = NeuronRankings([.probeless], train: train, selection: dev, classCount: 3, gaussianNeurons: 4, randomSeed: 7,
                                           linearProbe: { untrained += 1; return probe })
        #expect(untrained == 0 && withoutLinear.gaussian == nil && withoutLinear.rankings == [probeless])
    }

    @Test("BatchScheduler: every batch once, serialized work never overlaps, BLAS back to its threads, a stop throws CancellationError")
    func scheduler() throws {
        let before = BLAS.threadCount
        let seen = Locked<[Int]>([])
        let inside = Locked(0), overlapped = Locked(false)
        try BatchScheduler.run(40, workers: 2, shouldStop: { false }) { item, serialized in
            serialized {
                inside.update { $0 += 1 }
                if inside.value > 1 { overlapped.update { $0 = true } }
                seen.update { $0.append(item) }
                inside.update { $0 -= 1 }
            }
            return true
        }
        #expect(seen.value.sorted() == Array(0..<40) && !overlapped.value && BLASThreadsTests.restored(to: before))

        let done = Locked(0)
        #expect(throws: CancellationError.self) {
            try BatchScheduler.run(40, workers: 2, shouldStop: { done.value >= 5 }) { _, serialized in
                serialized { done.update { $0 += 1 } }
                return true
            }
        }
        #expect(done.value >= 5 && done.value < 40 && BLASThreadsTests.restored(to: before))

        let ran = Locked(0)
        try BatchScheduler.run(40, workers: 1, shouldStop: { false }) { item, _ in
            ran.update { $0 += 1 }
            return item < 9   // a batch that fails stops the rest, without a cancellation
        }
        #expect(ran.value == 10)
    }
}

/// A value shared by the scheduler's workers.
private final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ change: (inout Value) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}
