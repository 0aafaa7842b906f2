import Foundation

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

    /// Applies the edit in place to one token's hidden vector.
    ///
    /// - Parameters:
    ///   - vector: the hidden state of one subword, [hidden]
    ///   - ranking: neurons, most relevant first; only `ranking.prefix(k)` change
    ///   - direction: q(z') − q(z) per neuron (ignored by `.ablate`)
    public func apply(to vector: UnsafeMutableBufferPointer<Float>, ranking: [Int], k: Int, direction: [Float]) {
        let count = min(k, ranking.count)
        for rank in 0..<count {
            let neuron = ranking[rank]
            switch self {
            case .ablate:
                vector[neuron] = 0
            case .translate, .translateUnscaled:
                vector[neuron] += Float(scale(rank: rank, neuronCount: ranking.count)) * direction[neuron]
            }
        }
    }
}
