import Plotting
/// Line-chart series from curve summaries: the mean with a ± standard-deviation band.
extension LineChart.Series {
    /// The mean curve of `statistics` with a band of ± `deviations` standard deviations, at
    /// x = 1 … n unless `x` is given.
    ///
    /// ```swift
    /// let summary = CurveStatistics(curvesPerConfig)
    /// let series = LineChart.Series("Probeless", statistics: summary)
    /// ```
    public init(_ name: String, x: [Double]? = nil, statistics: CurveStatistics, deviations: Double = 1,
                color: PlotColor? = nil, dash: DashStyle = .solid, marker: Marker? = nil) {
        let spread = statistics.standardDeviation.map { $0 * deviations }
        self.init(name, x: x ?? (0..<statistics.mean.count).map { Double($0 + 1) }, y: statistics.mean,
                  color: color, dash: dash, marker: marker, band: .init(center: statistics.mean, spread: spread))
    }
}
