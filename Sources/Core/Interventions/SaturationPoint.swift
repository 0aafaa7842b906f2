/// Where an intervention's CLWV curve stops growing (Antverg & Belinkov, footnote 5, and their code).
public enum SaturationPoint {
    /// The first tick i with CLWV[i+1]/CLWV[i] < `ratio` and CLWV[i+2]/CLWV[i] < `ratio`, and (the
    /// code's extra condition) CLWV[last] − CLWV[i] ≤ `finalGap`; nil when no tick qualifies.
    ///
    /// - Parameters:
    ///   - values: CLWV at ticks 0, step, 2·step, … (fractions in 0…1)
    /// - Returns: the tick index.
    public static func index(_ values: [Double], ratio: Double = 1.05, finalGap: Double = 0.1) -> Int? {
        guard values.count >= 3, let last = values.last else { return nil }
        for i in 0..<(values.count - 2) where values[i] > 0 {
            if values[i + 1] / values[i] < ratio && values[i + 2] / values[i] < ratio && last - values[i] <= finalGap {
                return i
            }
        }
        return nil
    }
}
