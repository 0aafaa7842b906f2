/// Facts about this build of the workbench.
public enum Workbench {
    /// Recorded in every cache manifest and result's provenance.
    public static let version = "0.1.0"
}
