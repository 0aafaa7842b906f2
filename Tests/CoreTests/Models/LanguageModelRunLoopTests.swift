import Foundation
import Testing

@testable import Kernels
@testable import Support
@testable import Models
@testable import Analysis

/// The one run loop, exercised the same way on an encoder and on the decoder: visiting, split runs,
/// edits at residual and MLP sites, and the intervention edit values.
@Suite("Language model run loop")
struct LanguageModelRunLoopTests {
    static let models = ["models/bert-cased-tiny", "gemma3-tiny"]

    static func load(_ path: String) throws -> (any LanguageModel, PackedBatch) {
        let model = try ModelSource(url: path == "gemma3-tiny" ? Fixtures.tinyGemma3 : Fixtures.url(path)).loadModel()
        var random = SplitMix64(seed: 11)
        let sequences = [9, 5, 12].map { length in
            (0..<length).map { _ in 1 + Int(random.nextUnitDouble() * Double(model.vocabularySize - 2)) }
        }
        return (model, PackedBatch(sequences: sequences))
    }

    @Test("every residual state is visited once, in order, and the run returns the last", arguments: models)
    func visits(path: String) throws {
        let (model, batch) = try Self.load(path)
        var sites: [ModelSite] = []
        var states: [Tensor] = []
        let last = model.run(batch) { site, state in sites.append(site); states.append(state) }
        #expect(sites == (0...model.layerCount).map { .residual($0) })
        #expect(states.last == last)
        #expect(states.allSatisfy { $0.shape == [batch.tokenCount, model.hiddenSize] })
        var mlpShapes: [[Int]] = []
        model.run(batch, visitInner: true) { site, state in if case .mlp = site { mlpShapes.append(state.shape) } }
        #expect(mlpShapes == Array(repeating: [batch.tokenCount, model.mlpSize], count: model.layerCount))
    }

    @Test("a split run from hidden state l equals the whole run, bit for bit", arguments: models)
    func split(path: String) throws {
        let (model, batch) = try Self.load(path)
        let states = model.hiddenStates(batch)
        for layer in 0...model.layerCount {
            #expect(model.run(batch, from: (layer, states[layer])) == states[model.layerCount], "from state \(layer)")
            #expect(model.run(batch, upTo: layer) == states[layer], "up to state \(layer)")
        }
    }

    @Test("an edit at .residual(l) is the same whether the run starts at the batch or at state l", arguments: models)
    func residualEdit(path: String) throws {
        let (model, batch) = try Self.load(path)
        let layer = 1
        let edit = NeuronEdit.ablate.siteEdit(ranking: Array(0..<model.hiddenSize), k: model.hiddenSize / 2,
                                              rows: [(row: 2, label: 0), (row: 10, label: 0)], directions: [])
        var visited = Tensor(zeros: [0])
        let whole = model.run(batch, edits: [.residual(layer): edit]) { site, state in if site == .residual(layer) { visited = state } }
        // The visited state is the edited one.
        #expect(visited.scalars[(2 * model.hiddenSize)..<(2 * model.hiddenSize + model.hiddenSize / 2)].allSatisfy { $0 == 0 })
        let state = model.run(batch, upTo: layer)
        #expect(model.run(batch, from: (layer, state), edits: [.residual(layer): edit]) == whole)
        var edited = state
        edit(&edited, batch)
        #expect(model.run(batch, from: (layer, edited)) == whole)
        #expect(whole != model.run(batch), "zeroing half the units of two tokens changes the output")
    }

    @Test("an MLP edit changes block l onwards and nothing before it", arguments: models)
    func mlpEdit(path: String) throws {
        let (model, batch) = try Self.load(path)
        let layer = 2
        let plain = model.hiddenStates(batch)
        var edited: [Tensor] = []
        model.run(batch, edits: [.mlp(layer): { inner, _ in
            for i in inner.scalars.indices { inner.scalars[i] = 0 }
        }]) { site, state in if case .residual = site { edited.append(state) } }
        for index in 0..<layer { #expect(edited[index] == plain[index], "state \(index) before the edited block") }
        for index in layer...model.layerCount { #expect(edited[index] != plain[index], "state \(index) after it") }
    }

    @Test("translation through the loop moves each edited row along its label's direction", arguments: models)
    func translation(path: String) throws {
        let (model, batch) = try Self.load(path)
        let width = model.hiddenSize
        let directions: [[Float]] = [(0..<width).map { Float($0 % 3) }, (0..<width).map { -Float($0 % 5) }]
        let ranking = Array((0..<width).reversed())
        let edit = NeuronEdit.translateUnscaled(beta: 2).siteEdit(ranking: ranking, k: 4, rows: [(row: 0, label: 0), (row: 9, label: 1)],
                                                                  directions: directions)
        var seen = Tensor(zeros: [0])
        model.run(batch, upTo: 1, edits: [.residual(1): edit]) { site, state in if site == .residual(1) { seen = state } }
        let before = model.run(batch, upTo: 1)
        for (row, label) in [(0, 0), (9, 1)] {
            for neuron in 0..<width {
                let expected = before.scalars[row * width + neuron] + (ranking.prefix(4).contains(neuron) ? 2 * directions[label][neuron] : 0)
                #expect(seen.scalars[row * width + neuron] == expected)
            }
        }
        #expect(seen.scalars[(width)..<(9 * width)] == before.scalars[(width)..<(9 * width)], "rows not named stay as they were")
    }

    @Test("in the causal model an edit at a position leaves every earlier position unchanged")
    func causality() throws {
        let (model, batch) = try Self.load("gemma3-tiny")
        #expect(model.objective == .nextToken)
        let row = 4   // position 4 of the first sequence
        let edit: SiteEdit = { state, _ in
            for i in 0..<state.columns { state.scalars[row * state.columns + i] += 1 }
        }
        let plain = model.run(batch), edited = model.run(batch, edits: [.residual(1): edit])
        let width = model.hiddenSize
        #expect(edited.scalars[0..<(row * width)] == plain.scalars[0..<(row * width)])
        #expect(edited.scalars[(row * width)..<(9 * width)] != plain.scalars[(row * width)..<(9 * width)])
        #expect(edited.scalars[(9 * width)...] == plain.scalars[(9 * width)...], "other sequences of the batch are untouched")
    }
}
