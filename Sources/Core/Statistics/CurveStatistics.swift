/// Mean and standard deviation across configs of curves indexed by k (accuracy with the top k
/// neurons, k = 1 ... 150, for each config): the summary lines and bands of the probing plots.
///
/// ```swift
/// let summary = CurveStatistics(curves)          // curves: [configs][k]
/// summary.mean[9], summary.standardDeviation[9]  // at k = 10
/// ```
public struct CurveStatistics: Sendable, Equatable {
    /// Number of curves summarised.
    public let count: Int
    /// Mean over curves at each position.
    public let mean: [Double]
    /// Standard deviation over curves at each position, √(Σ(x − mean)² / (count − ddof)).
    public let standardDeviation: [Double]
    /// The delta degrees of freedom used (0: population, numpy's default; 1: sample).
    public let deltaDegreesOfFreedom: Int

    /// Standard error of the mean at each position: standardDeviation / √count.
    public var standardError: [Double] {
        let root = Double(count).squareRoot()
        return standardDeviation.map { $0 / root }
    }

    /// Summarises curves of equal length.
    ///
    /// - Parameters:
    ///   - curves: one array per config, all the same length; at least `ddof + 1` curves.
    ///   - deltaDegreesOfFreedom: ddof as in `numpy.std` (0 by default).
    public init(_ curves: [[Double]], deltaDegreesOfFreedom: Int = 0) {
        precondition(deltaDegreesOfFreedom >= 0, "CurveStatistics: ddof must be ≥ 0, got \(deltaDegreesOfFreedom)")
        precondition(curves.count > deltaDegreesOfFreedom,
                     "CurveStatistics: \(curves.count) curves are too few for ddof \(deltaDegreesOfFreedom)")
        let length = curves[0].count
        precondition(curves.allSatisfy { $0.count == length },
                     "CurveStatistics: curves differ in length (\(Set(curves.map(\.count)).sorted()))")
        count = curves.count
        self.deltaDegreesOfFreedom = deltaDegreesOfFreedom
        var means = [Double](repeating: 0, count: length)
        for curve in curves { for k in 0..<length { means[k] += curve[k] } }
        for k in 0..<length { means[k] /= Double(count) }
        var squares = [Double](repeating: 0, count: length)
        for curve in curves {
            for k in 0..<length { let delta = curve[k] - means[k]; squares[k] += delta * delta }
        }
        let divisor = Double(count - deltaDegreesOfFreedom)
        mean = means
        standardDeviation = squares.map { ($0 / divisor).squareRoot() }
    }

    /// Summarises `Float` curves (accuracies as the probes report them).
    public init(_ curves: [[Float]], deltaDegreesOfFreedom: Int = 0) {
        self.init(curves.map { $0.map(Double.init) }, deltaDegreesOfFreedom: deltaDegreesOfFreedom)
    }
}
