import Foundation

/// A problem with the UniMorph tables or with an attribute name a user gave.
public enum UniMorphError: Error, CustomStringConvertible, Equatable {
    /// A table file could not be read.
    case unreadable(file: String, reason: String)
    /// A line of a table that does not have the expected shape.
    case malformedLine(file: String, line: Int, column: Int, reason: String)
    /// A UniMorph table that lacks a required section.
    case missingSection(file: String, name: String)
    /// An attribute name that is not a UniMorph dimension.
    case unknownAttribute(name: String, known: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read UniMorph table: \(reason)"
        case let .malformedLine(file, line, column, reason):
            return "\(file):\(line):\(column): \(reason)"
        case let .missingSection(file, name):
            return "\(file): no '\(name)' section"
        case let .unknownAttribute(name, known):
            return "unknown attribute '\(name)'; known: \(known.joined(separator: ", "))"
        }
    }

    /// A table file that could not be read: its full path, and where the shared folder comes from
    /// when the file is simply absent.
    static func unreadable(_ url: URL, _ error: any Error) -> UniMorphError {
        .unreadable(file: url.path, reason: FileManager.default.fileExists(atPath: url.path)
            ? error.localizedDescription : "no such file (the shared data folder is found by --shared or NEURON_SHARED)")
    }
}
