import DSL
import Foundation

/// A user's mistake on the command line: names the option or argument.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    /// The option that no command knows, for a "did you mean".
    var unknownOption: String? = nil
    var description: String { message }
    init(_ message: String, unknownOption: String? = nil) {
        self.message = message
        self.unknownOption = unknownOption
    }
}

/// The arguments of one subcommand, consumed option by option.
///
/// Options are `--name value`, `--name=value` or boolean `--name`; everything else is positional.
/// A command takes what it knows and then calls ``finish()`` so a misspelt option is an error,
/// never silently ignored.
struct ArgumentList {
    private var remaining: [String]
    private var positionalsTaken = false

    init(_ arguments: [String]) { remaining = arguments }

    /// The value of `--name`, if given (the last one wins).
    mutating func option(_ name: String) throws -> String? {
        var value: String?
        var index = 0
        while index < remaining.count {
            let argument = remaining[index]
            if argument == "--\(name)" {
                guard index + 1 < remaining.count else { throw UsageError(OptionError.missingValue("--\(name)", next: nil).description) }
                // `--out --dry-run`: the value was forgotten, not "--dry-run".
                guard !remaining[index + 1].hasPrefix("--") else {
                    throw UsageError(OptionError.missingValue("--\(name)", next: remaining[index + 1]).description)
                }
                value = remaining[index + 1]
                remaining.removeSubrange(index...(index + 1))
            } else if argument.hasPrefix("--\(name)=") {
                value = String(argument.dropFirst(name.count + 3))
                remaining.remove(at: index)
            } else {
                index += 1
            }
        }
        return value
    }

    /// All values of a repeatable `--name`, also accepting comma-separated lists.
    mutating func options(_ name: String) throws -> [String] {
        var values: [String] = []
        while let value = try option(name) { values.append(contentsOf: value.split(separator: ",").map(String.init)) }
        return values
    }

    /// Whether the boolean flag `--name` is present.
    mutating func flag(_ name: String) -> Bool {
        let before = remaining.count
        remaining.removeAll { $0 == "--\(name)" }
        return remaining.count != before
    }

    /// An integer option with a default.
    mutating func intOption(_ name: String, default defaultValue: Int) throws -> Int {
        guard let text = try option(name) else { return defaultValue }
        guard let value = Int(text) else { throw UsageError("option --\(name) expects an integer, got '\(text)'") }
        return value
    }

    /// The positional arguments; call after taking every option.
    mutating func positionals() throws -> [String] {
        if let unknown = remaining.first(where: { $0.hasPrefix("--") }) {
            throw UsageError("unknown option \(unknown)", unknownOption: unknown)
        }
        positionalsTaken = true
        let values = remaining
        remaining = []
        return values
    }

    /// Everything not consumed yet, as given (for arguments passed on to another program).
    mutating func rest() -> [String] {
        defer { remaining = [] }
        return remaining
    }

    /// Fails on anything not consumed.
    func finish() throws {
        if let unknown = remaining.first {
            if unknown.hasPrefix("--") { throw UsageError("unknown option \(unknown)", unknownOption: unknown) }
            throw UsageError("unexpected argument '\(unknown)'")
        }
    }
}

extension UsageError {
    /// The message with " — did you mean '--x'?" when a known option of `usage` is close.
    func withSuggestion(fromUsage usage: String) -> String {
        guard let unknown = unknownOption else { return message }
        let known = Set(usage.matches(of: /--[a-z][a-z0-9-]*/).map { String($0.output) }).sorted()
        return OptionError.unknown(unknown, among: known).description
    }
}
