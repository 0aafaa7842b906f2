import Foundation
import Models

/// How the top-k neurons of a ranking are changed inside the model (Antverg & Belinkov §4, App. A.9).
public enum NeuronEdit: Sendable, Hashable, Codable {
    /// h[topk] = 0.
    case ablate
    /// h[topk] += α ⊙ (q(z') − q(z))[topk], α log-scaled by rank: α_r = β · (0.001/β)^(r/(D−1))
    /// (Pitfalls `lnscale`, r = 0 for the top neuron).
    case translate(beta: Double)
    /// The same translation with α = β for every neuron.
    case translateUnscaled(beta: Double)

    /// `ablate`, `translate β=8`, `translate-unscaled β=8` (tables, logs, plan entries).
    public var name: String {
        switch self {
        case .ablate: return "ablate"
        case .translate(let beta): return "translate β=\(beta.compactText)"
        case .translateUnscaled(let beta): return "translate-unscaled β=\(beta.compactText)"
        }
    }

    /// β of a translation; nil for an ablation.
    public var beta: Double? {
        switch self {
        case .ablate: return nil
        case .translate(let beta), .translateUnscaled(let beta): return beta
        }
    }

    /// The name in file names: `ablate`, `translate-beta8`, `translate-unscaled-beta8`.
    public var fileName: String {
        name.replacingOccurrences(of: " β=", with: "-beta")
    }

    /// α for the neuron at rank `rank` (0 = top) among `neuronCount`.
    public func scale(rank: Int, neuronCount: Int) -> Double {
        switch self {
        case .ablate: return 0
        case .translateUnscaled(let beta): return beta
        case .translate(let beta):
            guard neuronCount > 1 else { return beta }
            return beta * Foundation.pow(0.001 / beta, Double(rank) / Double(neuronCount - 1))
        }
    }

    /// The edit as a change at a model site, for the run loop: the top-k neurons of `ranking`
    /// changed in each of `rows` of the state, each row moved along its label's direction.
    ///
    /// - Parameters:
    ///   - ranking: neurons, most relevant first; only `ranking.prefix(k)` change
    ///   - rows: (row of the packed batch, label) per edited token
    ///   - directions: per label, q(z') − q(z) per neuron (ignored by `.ablate`)
    public func siteEdit(ranking: [Int], k: Int, rows: [(row: Int, label: Int)], directions: [[Float]]) -> SiteEdit {
        let count = min(k, ranking.count)
        let top = Array(ranking.prefix(count))
        let scales = (0..<count).map { Float(scale(rank: $0, neuronCount: ranking.count)) }
        let ablates = self == .ablate
        return { state, _ in
            guard count > 0 else { return }
            let width = state.columns
            state.scalars.withUnsafeMutableBufferPointer { states in
                for (row, label) in rows {
                    let vector = states.baseAddress! + row * width
                    if ablates {
                        for neuron in top { vector[neuron] = 0 }
                    } else {
                        let direction = directions[label]
                        for rank in 0..<count { vector[top[rank]] += scales[rank] * direction[top[rank]] }
                    }
                }
            }
        }
    }
}
