import Foundation

/// Axis ticks at round numbers: multiples of a 1-2-5 step (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …), plus
/// whole-number 2.5 steps (25, 250, …) so that k = 1…150 gets 0, 25, …, 150. Labels of whole
/// numbers from 10 000 up use SI suffixes: 10k, 250k, 1.5M.
///
/// `covering` widens a data range outwards to whole steps (automatic axes): it takes the
/// smallest step giving at most `maxIntervals` intervals, or the next larger step when that
/// wastes less than a third as much of the axis (1…150 → 0…150 rather than 0…160). `within`
/// keeps a fixed range and puts the ticks that fall inside it. Tick values are exact decimals
/// (`0.6`, not `0.6000000000000001`) and their labels share one number of decimals.
///
/// ```swift
/// NiceTicks(covering: 0...1).values        // [0, 0.2, 0.4, 0.6, 0.8, 1]
/// NiceTicks(covering: 1...150).values      // [0, 25, 50, 75, 100, 125, 150]
/// NiceTicks(covering: 0...1).labels        // ["0.0", "0.2", …, "1.0"]
/// ```
public struct NiceTicks: Sendable, Equatable {
    /// The axis minimum: the first tick for `covering`, the given bound for `within`.
    public let lower: Double
    /// The axis maximum.
    public let upper: Double
    /// The distance between ticks, `mantissa × 10^exponent` with mantissa 10, 20, 25 or 50.
    public let step: Double
    /// The tick positions, ascending.
    public let values: [Double]
    /// 10, 20, 25 or 50 (a step of 1, 2, 2.5 or 5 times 10^(exponent + 1)).
    let mantissa: Int
    /// The power of ten of the step's mantissa.
    let exponent: Int
    /// Tick indices: tick i sits at `indices[i] × step`.
    let indices: [Int]

    /// Ticks whose range extends `range` outwards to whole steps, with at most `maxIntervals`
    /// intervals. An empty or non-finite range is widened first (x…x → x ± 10 %, 0…0 → −1…1).
    public init(covering range: ClosedRange<Double>, maxIntervals: Int = 6) {
        precondition(maxIntervals >= 1, "NiceTicks: maxIntervals must be ≥ 1, got \(maxIntervals)")
        let (low, high) = NiceTicks.widened(range)
        func bounds(_ mantissa: Int, _ exponent: Int) -> (Int, Int) {
            let step = NiceTicks.value(index: 1, mantissa: mantissa, exponent: exponent)
            let first = Int((low / step + 1e-9).rounded(.down))
            let last = Int((high / step - 1e-9).rounded(.up))
            return (first, max(last, first + 1))
        }
        var (mantissa, exponent) = NiceTicks.niceStep(span: high - low, maxIntervals: maxIntervals)
        var (first, last) = bounds(mantissa, exponent)
        while last - first > maxIntervals {
            (mantissa, exponent) = NiceTicks.next(mantissa: mantissa, exponent: exponent)
            (first, last) = bounds(mantissa, exponent)
        }
        // A coarser step that hugs the data much more tightly wins (1…150: 0…150, not 0…160).
        let (nextMantissa, nextExponent) = NiceTicks.next(mantissa: mantissa, exponent: exponent)
        let (nextFirst, nextLast) = bounds(nextMantissa, nextExponent)
        func waste(_ m: Int, _ e: Int, _ f: Int, _ l: Int) -> Double {
            let step = NiceTicks.value(index: 1, mantissa: m, exponent: e)
            return (Double(l - f) * step - (high - low)) / (Double(l - f) * step)
        }
        if nextLast - nextFirst >= 2
            && waste(nextMantissa, nextExponent, nextFirst, nextLast) < waste(mantissa, exponent, first, last) / 3 {
            (mantissa, exponent, first, last) = (nextMantissa, nextExponent, nextFirst, nextLast)
        }
        self.init(mantissa: mantissa, exponent: exponent, indices: Array(first...last), lower: nil, upper: nil)
    }

    /// Ticks inside the fixed `range` (its bounds are kept as the axis bounds), at most
    /// `maxIntervals + 1` of them.
    public init(within range: ClosedRange<Double>, maxIntervals: Int = 6) {
        precondition(maxIntervals >= 1, "NiceTicks: maxIntervals must be ≥ 1, got \(maxIntervals)")
        let (low, high) = NiceTicks.widened(range)
        let (mantissa, exponent) = NiceTicks.niceStep(span: high - low, maxIntervals: maxIntervals)
        let step = NiceTicks.value(index: 1, mantissa: mantissa, exponent: exponent)
        let first = Int((low / step - 1e-9).rounded(.up))
        let last = Int((high / step + 1e-9).rounded(.down))
        self.init(mantissa: mantissa, exponent: exponent, indices: last >= first ? Array(first...last) : [],
                  lower: low, upper: high)
    }

    private init(mantissa: Int, exponent: Int, indices: [Int], lower: Double?, upper: Double?) {
        self.mantissa = mantissa
        self.exponent = exponent
        self.indices = indices
        step = NiceTicks.value(index: 1, mantissa: mantissa, exponent: exponent)
        values = indices.map { NiceTicks.value(index: $0, mantissa: mantissa, exponent: exponent) }
        self.lower = lower ?? values.first ?? 0
        self.upper = upper ?? values.last ?? 1
    }

    /// Digits after the decimal point in the labels (0 for whole-number steps; 0.25 needs 2).
    public var decimals: Int { max(0, -exponent - (mantissa % 10 == 0 ? 1 : 0)) }

    /// The tick labels, all with `decimals` digits: "0.0", "0.2", …; "0", "50", "100"; whole
    /// numbers from 10 000 up with SI suffixes: "0", "500k", "1M", "1.5M".
    public var labels: [String] {
        let largest = indices.map { abs($0) }.max() ?? 0
        if exponent >= 0, Double(largest * mantissa) * pow(10, Double(exponent)) >= 10_000 {
            return indices.map { index in
                var whole = index * mantissa
                for _ in 0..<exponent { whole *= 10 }
                return NiceTicks.siLabel(whole)
            }
        }
        return indices.map(label(index:))
    }

    /// A whole number with a k, M or G suffix and up to three decimals: 1500000 → "1.5M".
    static func siLabel(_ value: Int) -> String {
        let magnitude = abs(value)
        let (unit, suffix) = magnitude >= 1_000_000_000 ? (1_000_000_000, "G")
            : magnitude >= 1_000_000 ? (1_000_000, "M") : magnitude >= 1000 ? (1000, "k") : (1, "")
        var text = String(magnitude / unit)
        if unit > 1 {
            var fraction = String(magnitude % unit)
            fraction = String(repeating: "0", count: String(unit).count - 1 - fraction.count) + fraction
            fraction = String(fraction.prefix(3))
            while fraction.hasSuffix("0") { fraction.removeLast() }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return (value < 0 ? "-" : "") + text + suffix
    }

    /// Formats any value with the ticks' number of decimals (colour-bar ends, annotations).
    public func format(_ value: Double) -> String { PlotFormat.fixed(value, decimals: decimals) }

    /// Mantissas of the candidate steps within one decade (×10^exponent).
    private static let mantissas = [10, 20, 25, 50]

    /// The smallest candidate step that covers `span` in `maxIntervals` intervals, as
    /// (mantissa, exponent).
    static func niceStep(span: Double, maxIntervals: Int) -> (Int, Int) {
        let raw = span / Double(maxIntervals)
        guard raw > 0, raw.isFinite else { return (10, -1) }
        let exponent = Int(log10(raw).rounded(.down)) - 1
        for mantissa in mantissas where allows(mantissa, exponent)
            && value(index: 1, mantissa: mantissa, exponent: exponent) >= raw * (1 - 1e-9) {
            return (mantissa, exponent)
        }
        return (10, exponent + 1)
    }

    /// 2.5 steps only as whole numbers (25, 250, …): 0.25 or 2.5 would add a decimal to every label.
    private static func allows(_ mantissa: Int, _ exponent: Int) -> Bool { mantissa != 25 || exponent >= 0 }

    /// The next larger candidate step.
    static func next(mantissa: Int, exponent: Int) -> (Int, Int) {
        switch mantissa {
        case 10: return (20, exponent)
        case 20: return allows(25, exponent) ? (25, exponent) : (50, exponent)
        case 25: return (50, exponent)
        default: return (10, exponent + 1)
        }
    }

    /// `index × mantissa × 10^exponent`, computed so that decimals come out exact.
    static func value(index: Int, mantissa: Int, exponent: Int) -> Double {
        let units = Double(index * mantissa)
        return exponent >= 0 ? units * pow(10, Double(exponent)) : units / pow(10, Double(-exponent))
    }

    /// A finite, non-empty version of `range`.
    static func widened(_ range: ClosedRange<Double>) -> (Double, Double) {
        var low = range.lowerBound, high = range.upperBound
        guard low.isFinite, high.isFinite else { return (0, 1) }
        if high - low <= max(abs(low), abs(high)) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        return (low, high)
    }

    /// The label of tick index `index`: integer arithmetic, so no rounding noise.
    private func label(index: Int) -> String {
        let units = index * mantissa
        if exponent >= 0 {
            return units == 0 ? "0" : String(units) + String(repeating: "0", count: exponent)
        }
        let digits = -exponent
        var magnitude = String(abs(units))
        if magnitude.count <= digits { magnitude = String(repeating: "0", count: digits - magnitude.count + 1) + magnitude }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -digits)
        // The digits beyond `decimals` are zeros (mantissas 10, 20, 50 end in 0).
        let fraction = magnitude[split...].prefix(decimals)
        return (units < 0 ? "-" : "") + magnitude[..<split] + (fraction.isEmpty ? "" : "." + fraction)
    }
}
