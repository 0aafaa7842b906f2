/// A numeric axis: its label and either an automatic range (nice ticks around the data) or a
/// fixed one.
///
/// ```swift
/// LineChart(x: Axis("k (neurons)"), y: Axis("accuracy", range: 0...1), series: series)
/// ```
public struct Axis: Sendable, Hashable {
    /// The axis title; empty for none.
    public var label: String
    /// A fixed range, or nil to extend the data range to whole tick steps.
    public var range: ClosedRange<Double>?

    /// An axis titled `label`, automatic unless `range` is given.
    public init(_ label: String = "", range: ClosedRange<Double>? = nil) {
        if let range {
            precondition(range.lowerBound.isFinite && range.upperBound.isFinite,
                         "Axis \"\(label)\": range must be finite, got \(range)")
        }
        self.label = label
        self.range = range
    }

    /// Ticks for data spanning `data` (nil when there is no data).
    func ticks(data: ClosedRange<Double>?, maxIntervals: Int) -> NiceTicks {
        if let range { return NiceTicks(within: range, maxIntervals: maxIntervals) }
        return NiceTicks(covering: data ?? 0...1, maxIntervals: maxIntervals)
    }

    /// The smallest range holding every finite value, or nil.
    static func extent<S: Sequence>(_ values: S) -> ClosedRange<Double>? where S.Element == Double {
        var low = Double.infinity, high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? low...high : nil
    }

    /// The union of two optional ranges.
    static func union(_ a: ClosedRange<Double>?, _ b: ClosedRange<Double>?) -> ClosedRange<Double>? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a.lowerBound, b.lowerBound)...max(a.upperBound, b.upperBound)
    }
}
