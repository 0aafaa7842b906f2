import Foundation
import Testing

@testable import Corpora

@Suite("Control tasks")
struct ControlTaskTests {
    static let types = (0..<30_000).map { "w\($0)" }

    @Test("labels are fixed per type and reproducible from the seed")
    func reproducible() {
        let a = ControlTask.uniform(labelCount: 5, seed: 42)
        let b = ControlTask.uniform(labelCount: 5, seed: 42)
        let c = ControlTask.uniform(labelCount: 5, seed: 43)
        #expect(Self.types.prefix(500).map(a.label) == Self.types.prefix(500).map(b.label))
        #expect(Self.types.prefix(500).map(a.label) != Self.types.prefix(500).map(c.label))
        #expect(a.label(for: "dog") == a.label(for: "dog"))
    }

    @Test("uniform sampling spreads types evenly over labels")
    func uniform() {
        let task = ControlTask.uniform(labelCount: 4, seed: 1)
        var counts = [0, 0, 0, 0]
        for type in Self.types { counts[task.label(for: type)] += 1 }
        for count in counts { #expect(abs(Double(count) / Double(Self.types.count) - 0.25) < 0.02) }
    }

    @Test("empirical sampling follows the label distribution")
    func empirical() {
        let task = ControlTask.empirical(counts: [70, 20, 10, 0], seed: 1)
        #expect(task.sampler == .empirical)
        var counts = [0, 0, 0, 0]
        for type in Self.types { counts[task.label(for: type)] += 1 }
        let n = Double(Self.types.count)
        #expect(abs(Double(counts[0]) / n - 0.7) < 0.02)
        #expect(abs(Double(counts[1]) / n - 0.2) < 0.02)
        #expect(abs(Double(counts[2]) / n - 0.1) < 0.02)
        #expect(counts[3] == 0)
    }

    @Test("an unseen type gets a fresh label, independent of the others")
    func unseen() {
        let task = ControlTask.uniform(labelCount: 3, seed: 9)
        let table = task.labels(for: ["a", "b", "c"])
        let fresh = task.label(for: "never-seen")
        #expect((0..<3).contains(fresh))
        #expect(task.labels(for: ["never-seen", "a"]) == ["never-seen": fresh, "a": table["a"]!])
    }

    @Test("the same type has the same control label in every split")
    func acrossSplits() throws {
        let corpus = try DataTestSupport.syntheticCorpus(valueTypes: [
            "Sing": [.train: 40, .dev: 40, .test: 40], "Plur": [.train: 60, .dev: 50, .test: 50],
        ])
        let dataset = corpus.dataset(for: .number, mapping: DataTestSupport.tinyMapping, settings: DatasetSettings(minTypes: 1))
        for sampler in ControlTask.Sampler.allCases {
            let control = dataset.controlTask(sampler, seed: 3)
            #expect(control.labels == dataset.labels)
            #expect(control.provenance.controlTask?.sampler == sampler)
            var labelOf: [String: Int] = [:]
            for split in DataSplit.allCases {
                #expect(control[split].map(\.form) == dataset[split].map(\.form))
                for example in control[split] {
                    #expect(labelOf[example.form, default: example.label] == example.label)
                    labelOf[example.form] = example.label
                }
            }
        }
        let empirical = dataset.controlTask(.empirical, seed: 3).provenance.controlTask
        #expect(empirical?.distribution == [0.6, 0.4])
    }
}
