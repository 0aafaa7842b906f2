import Foundation

/// A value read from a tokenizer JSON file that remembers the file and its key path, so that
/// every type or shape error names both.
struct TokenizerJSON {
    /// The parsed value.
    let value: JSONValue
    /// The file it came from.
    let file: URL
    /// Dotted key path from the top of the file, e.g. `model.vocab` or `normalizer.normalizers[1]`.
    let path: String

    /// Reads and parses a JSON file whose top level is an object.
    ///
    /// - Throws: ``TokenizerError/unreadableFile(file:reason:)`` or
    ///   ``TokenizerError/malformedJSON(file:reason:)``.
    static func read(_ file: URL) throws -> TokenizerJSON {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw TokenizerError.unreadableFile(file: file, reason: error.localizedDescription)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse([UInt8](data))
        } catch {
            throw TokenizerError.malformedJSON(file: file, reason: "\(error)")
        }
        guard case .object = value else {
            throw TokenizerError.malformedJSON(file: file, reason: "the top level is not an object")
        }
        return TokenizerJSON(value: value, file: file, path: "")
    }

    /// The path of a child key.
    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A child of an object that may be absent or null.
    ///
    /// - Throws: ``TokenizerError/invalidValue(file:key:expected:)`` when this is not an object.
    func optional(_ key: String) throws -> TokenizerJSON? {
        let object = try self.object()
        guard let child = object[key] else { return nil }
        if case .null = child { return nil }
        return TokenizerJSON(value: child, file: file, path: childPath(key))
    }

    /// A child of an object that must be present and not null.
    ///
    /// - Throws: ``TokenizerError/missingKey(file:key:)`` when it is absent.
    func required(_ key: String) throws -> TokenizerJSON {
        guard let child = try optional(key) else {
            throw TokenizerError.missingKey(file: file, key: childPath(key))
        }
        return child
    }

    /// The value as an object.
    func object() throws -> JSONObject {
        guard case let .object(object) = value else { throw invalid("an object") }
        return object
    }

    /// The value as an array of children.
    func array() throws -> [TokenizerJSON] {
        try rawArray().enumerated().map { TokenizerJSON(value: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// The value as a raw array (for large vocabularies, without a child per element).
    func rawArray() throws -> [JSONValue] {
        guard case let .array(array) = value else { throw invalid("an array") }
        return array
    }

    /// The value as a string.
    func string() throws -> String {
        guard case let .string(string) = value else { throw invalid("a string") }
        return string
    }

    /// The value as a Boolean.
    func bool() throws -> Bool {
        guard case let .bool(bool) = value else { throw invalid("true or false") }
        return bool
    }

    /// The value as an integer.
    func int() throws -> Int {
        guard let int = TokenizerJSON.integer(value) else { throw invalid("an integer") }
        return int
    }

    /// The value as a floating-point number.
    func double() throws -> Double {
        guard case let .number(number) = value else { throw invalid("a number") }
        return number
    }

    /// A string child, or `defaultValue` when absent or null.
    func string(_ key: String, default defaultValue: String) throws -> String {
        try optional(key)?.string() ?? defaultValue
    }

    /// A Boolean child, or `defaultValue` when absent or null.
    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try optional(key)?.bool() ?? defaultValue
    }

    /// An integer child, or `defaultValue` when absent or null.
    func int(_ key: String, default defaultValue: Int) throws -> Int {
        try optional(key)?.int() ?? defaultValue
    }

    /// The `"type"` of a component object (`model`, `normalizer`, …).
    func type() throws -> String { try required("type").string() }

    /// An error saying this value is not what was expected.
    func invalid(_ expected: String) -> TokenizerError {
        .invalidValue(file: file, key: path.isEmpty ? "(top level)" : path, expected: expected)
    }

    /// An error saying the child `key` is not what was expected.
    func invalidChild(_ key: String, _ expected: String) -> TokenizerError {
        .invalidValue(file: file, key: childPath(key), expected: expected)
    }

    /// A JSON number as an `Int` when it is integral.
    static func integer(_ value: JSONValue) -> Int? { value.integer }

    /// A special-token entry of a config file: either `"[CLS]"` or `{"content": "[CLS]", …}`.
    func tokenContent() throws -> String {
        if case let .string(string) = value { return string }
        if case let .object(object) = value, case let .string(content)? = object["content"] { return content }
        throw invalid("a token string or an object with \"content\"")
    }
}
