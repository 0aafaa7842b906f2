import Foundation

/// A table or figure of a study's report.
public enum ReportKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// Accuracy against k per ranking (Antverg Fig. 3).
    case accuracyCurves
    /// Task minus control accuracy against k.
    case selectivity
    /// Top-100 overlaps between rankings and languages (Antverg Fig. 1).
    case overlaps
    /// K-means of the curves with t-SNE (Antverg App. A.6).
    case clusters
    /// Wilcoxon signed-rank tests across configs (Antverg App. A.7).
    case wilcoxon
    /// Durrani et al.'s tables and their layer and label figures.
    case durrani
    /// Error rate and CLWV against k, and the saturation table (Antverg Fig. 4, Tables 1/3).
    case interventions
}
