/// Errors a user can cause while saving figures.
///
/// ```swift
/// do { try chart.write(to: url) } catch let error as PlottingError { print(error) }
/// ```
public enum PlottingError: Error, CustomStringConvertible, Equatable {
    /// The SVG could not be written to `path` (missing folder, permissions, full disk).
    case writeFailed(path: String, reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .writeFailed(let path, let reason): return "cannot write figure to \(path): \(reason)"
        }
    }
}
