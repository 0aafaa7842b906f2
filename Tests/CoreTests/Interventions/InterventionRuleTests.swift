import Foundation
import Testing
@testable import Kernels
@testable import Models
@testable import Analysis

@Suite("Intervention rules")
struct InterventionRuleTests {
    @Test("α is log-scaled from β at the top neuron to 0.001 at the last")
    func logScale() {
        let edit = NeuronEdit.translate(beta: 8)
        #expect(abs(edit.scale(rank: 0, neuronCount: 768) - 8) < 1e-12)
        #expect(abs(edit.scale(rank: 767, neuronCount: 768) - 0.001) < 1e-12)
        // Geometric in the middle: α at half the ranks is √(8 · 0.001).
        let middle = NeuronEdit.translate(beta: 8).scale(rank: 1, neuronCount: 3)
        #expect(abs(middle - (8 * 0.001).squareRoot()) < 1e-12)
        #expect(NeuronEdit.translateUnscaled(beta: 8).scale(rank: 500, neuronCount: 768) == 8)
    }

    @Test("only the top-k neurons change, in the edited rows only, each along its label's direction")
    func apply() {
        let directions: [[Float]] = [[1, 2, 3, 4], [-1, -1, -1, -1]]
        let ones = Tensor(shape: [3, 4], scalars: Array(repeating: 1, count: 12))
        let batch = PackedBatch(sequences: [[1, 2, 3]])
        var state = ones
        NeuronEdit.ablate.siteEdit(ranking: [3, 1, 0, 2], k: 2, rows: [(0, 0), (2, 1)], directions: directions)(&state, batch)
        #expect(state.scalars == [1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0])
        state = ones
        NeuronEdit.translateUnscaled(beta: 2).siteEdit(ranking: [3, 1, 0, 2], k: 1, rows: [(0, 0), (1, 1)], directions: directions)(&state, batch)
        #expect(state.scalars == [1, 1, 1, 9, 1, 1, 1, -1, 1, 1, 1, 1])
        state = ones
        NeuronEdit.translate(beta: 8).siteEdit(ranking: [3, 1, 0, 2], k: 0, rows: [(0, 0)], directions: directions)(&state, batch)
        #expect(state == ones, "k = 0 changes nothing")
    }

    @Test("saturation on hand-made curves", arguments: [
        ([0.0, 0.1, 0.2, 0.3, 0.31, 0.32, 0.32], 4 as Int?),      // at tick 3, .32/.30 still grows ≥ 5 %; tick 4 is flat
        ([0.0, 0.1, 0.2, 0.4, 0.8, 0.9, 0.92], nil as Int?),      // 0.8→0.9 grows ≥ 5 %; no later pair of ticks left
        ([0.1, 0.104, 0.108, 0.5, 0.6], nil as Int?),             // flat early, but the final gap is 0.5 > 0.1
        ([0.2, 0.205, 0.209, 0.25], 0 as Int?),                   // flat at the start, final gap 0.05
    ])
    func saturation(curve: [Double], expected: Int?) {
        #expect(SaturationPoint.index(curve) == expected)
    }
}
