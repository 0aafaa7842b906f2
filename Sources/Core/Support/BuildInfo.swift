/// Facts about this build of the workbench (named apart from the `Workbench` executable module).
public enum BuildInfo {
    /// Recorded in every cache manifest and result's provenance.
    public static let version = "0.1.0"
    /// The `tool` of every provenance record: `neuron-workbench <version>`.
    public static var tool: String { "neuron-workbench \(version)" }
}
