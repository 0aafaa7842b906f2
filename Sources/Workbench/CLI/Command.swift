/// A `workbench` subcommand.
protocol Command {
    /// The word after `workbench`.
    static var name: String { get }
    /// One line for `workbench help`.
    static var summary: String { get }
    /// Full usage text for `workbench help NAME`.
    static var usage: String { get }
    /// Runs the command; throws ``UsageError`` or a Core error for the user to read.
    static func run(_ arguments: inout ArgumentList) throws
}
