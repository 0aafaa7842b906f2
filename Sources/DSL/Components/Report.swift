import Core

/// What the report draws and tabulates: `Report(.accuracyCurves, .selectivity, .overlaps, .interventions)`.
/// Without it, everything the results allow.
public struct Report: StudyComponent {
    public static let componentName = "Report"
    public var kinds: [ReportKind]

    /// `Report(.accuracyCurves, .overlaps)`.
    public init(_ kinds: ReportKind...) { self.kinds = kinds }

    public func apply(to study: inout StudyDescription) {
        for kind in kinds where !study.reports.contains(kind) { study.reports.append(kind) }
    }
    public var description: String { "Report(\(kinds.map { "." + $0.rawValue }.joined(separator: ", ")))" }
}
