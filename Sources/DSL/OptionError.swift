/// A mistake with a command-line option, worded the same by every `workbench` command and by
/// study scripts (`workbench run study.swift --out`).
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// `--name` given without its value: at the end, or followed by another option
    /// (`--out --dry-run` means the value was forgotten, not "--dry-run").
    public static func missingValue(_ option: String, next: String?) -> OptionError {
        guard let next else { return OptionError("option \(option) needs a value") }
        return OptionError("option \(option) needs a value, not the option \(next) (give \(option)=VALUE for a value that starts with --)")
    }

    /// An option nobody takes, with " — did you mean '--x'?" when one of `known` is close.
    public static func unknown(_ option: String, among known: [String]) -> OptionError {
        let name = String(option.prefix { $0 != "=" })
        guard let close = Suggestion.closest(to: name, among: known), close != name else {
            return OptionError("unknown option \(option)")
        }
        return OptionError("unknown option \(option) — did you mean '\(close)'?")
    }
}
