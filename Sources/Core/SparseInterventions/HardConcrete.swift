import Foundation

/// The Hard Concrete distribution of Louizos et al. 2018: a gate in [0, 1] with point masses at
/// 0 (and at 1 when the stretch passes 1), reparameterised so that a sample is differentiable in its
/// location γ. With u ~ U(0, 1):
///
///     s = σ((log u − log(1 − u) + γ) / τ),   z = min(1, max(0, s·(r − l) + l))
///
/// De Cao et al. 2022 use support [0, 1) — mass at 0 only — which is r = 1 (diffmask: τ = 0.2,
/// l = −0.2, r = 1); Louizos et al.'s defaults are τ = 2/3, l = −0.1, r = 1.1.
public struct HardConcrete: Sendable, Hashable, Codable {
    /// τ: lower is closer to a Bernoulli.
    public var temperature: Double
    /// l < 0: the stretch below 0 that gives the mass at 0.
    public var lower: Double
    /// r ≥ 1: the stretch above; r = 1 leaves no mass at 1.
    public var upper: Double

    public init(temperature: Double = 0.2, lower: Double = -0.2, upper: Double = 1.0) {
        precondition(temperature > 0 && lower < 0 && upper >= 1, "HardConcrete: τ > 0, l < 0, r ≥ 1 (got \(temperature), \(lower), \(upper))")
        self.temperature = temperature
        self.lower = lower
        self.upper = upper
    }

    /// De Cao et al.'s [0, 1) gate with diffmask's settings.
    public static let deCao = HardConcrete()
    /// Louizos et al.'s defaults.
    public static let louizos = HardConcrete(temperature: 2.0 / 3.0, lower: -0.1, upper: 1.1)

    /// A sample and dz/dγ at it (0 where the gate is clamped).
    public func sample(location: Double, uniform u: Double) -> (gate: Double, derivative: Double) {
        let clamped = min(max(u, 1e-6), 1 - 1e-6)
        let s = sigmoid((log(clamped) - log(1 - clamped) + location) / temperature)
        let stretched = s * (upper - lower) + lower
        if stretched <= 0 { return (0, 0) }
        // r = 1: s rounds to 1 only in floating point; the support stays [0, 1).
        if stretched >= 1 { return upper > 1 ? (1, 0) : (1.0.nextDown, 0) }
        return (stretched, (upper - lower) * s * (1 - s) / temperature)
    }

    /// The gate with the noise at its median (u = ½): the deterministic value of a trained gate.
    public func median(location: Double) -> Double { sample(location: location, uniform: 0.5).gate }

    /// P(z ≠ 0) = σ(γ − τ·log(−l/r)): the expected L0 norm of one gate, and its derivative in γ.
    public func probabilityNonZero(location: Double) -> (value: Double, derivative: Double) {
        let p = sigmoid(location - temperature * log(-lower / upper))
        return (p, p * (1 - p))
    }

    /// P(z = 1) = σ(γ − τ·logit((1 − l)/(r − l))), 0 when r = 1; and its derivative in γ.
    public func probabilityOne(location: Double) -> (value: Double, derivative: Double) {
        guard upper > 1 else { return (0, 0) }
        let c = (1 - lower) / (upper - lower)
        let p = sigmoid(location - temperature * log(c / (1 - c)))
        return (p, p * (1 - p))
    }

    /// P(0 < z < 1): the mass strictly inside, which the C(0,1) constraint bounds; and its derivative.
    public func probabilityInside(location: Double) -> (value: Double, derivative: Double) {
        let nonZero = probabilityNonZero(location: location), one = probabilityOne(location: location)
        return (nonZero.value - one.value, nonZero.derivative - one.derivative)
    }
}

@inline(__always)
func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
