/// The Swift subset a DSL component is written in, parsed from one typed line:
/// `Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))`.
public indirect enum Expression: Equatable, Sendable {
    case integer(Int, column: Int)
    case number(Double, column: Int)
    case string(String, column: Int)
    case boolean(Bool, column: Int)
    /// `Layers(2, 4)`, `stride(from: 0, through: 300, by: 10)`.
    case call(name: String, arguments: [Argument], column: Int)
    /// `.probeless` or `.translate(beta: 8)` (arguments nil without parentheses).
    case member(name: String, arguments: [Argument]?, column: Int)
    /// `1...150`, `0..<10`.
    case range(Int, Int, closed: Bool, column: Int)
    /// `[10, 50, 150]`.
    case array([Expression], column: Int)

    public struct Argument: Equatable, Sendable {
        public var label: String?
        public var value: Expression
    }

    /// Where the expression starts in the line.
    public var column: Int {
        switch self {
        case .integer(_, let c), .number(_, let c), .string(_, let c), .boolean(_, let c), .call(_, _, let c),
             .member(_, _, let c), .range(_, _, _, let c), .array(_, let c):
            return c
        }
    }
}

/// Parses one expression from a line; every error names its column.
public struct ExpressionParser {
    enum Token: Equatable {
        case identifier(String), integer(Int), number(Double), string(String)
        case symbol(String)   // ( ) [ ] , : . ... ..<
        case end
    }

    private var tokens: [(token: Token, column: Int, length: Int)] = []
    private var position = 0

    /// Parses `text` as exactly one expression.
    public static func parse(_ text: String) throws -> Expression {
        var parser = ExpressionParser()
        try parser.tokenize(text)
        let expression = try parser.expression()
        if case .end = parser.current.token {} else {
            throw LineError("unexpected '\(parser.spelling(parser.current.token))' after the component", column: parser.current.column,
                            length: parser.current.length)
        }
        return expression
    }

    private mutating func tokenize(_ text: String) throws {
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let start = i
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" { i += 1 }
                tokens.append((.identifier(String(characters[start..<i])), start, i - start))
            } else if c.isNumber || (c == "-" && i + 1 < characters.count && characters[i + 1].isNumber) {
                i += 1
                while i < characters.count, characters[i].isNumber || characters[i] == "_" { i += 1 }
                var isDecimal = false
                if i + 1 < characters.count, characters[i] == ".", characters[i + 1].isNumber {
                    isDecimal = true
                    i += 1
                    while i < characters.count, characters[i].isNumber { i += 1 }
                }
                let spelled = String(characters[start..<i]).replacingOccurrences(of: "_", with: "")
                if isDecimal, let value = Double(spelled) {
                    tokens.append((.number(value), start, i - start))
                } else if let value = Int(spelled) {
                    tokens.append((.integer(value), start, i - start))
                } else {
                    throw LineError("'\(spelled)' is not a number", column: start, length: i - start)
                }
            } else if c == "\"" {
                i += 1
                var value = ""
                while i < characters.count, characters[i] != "\"" {
                    if characters[i] == "\\", i + 1 < characters.count { i += 1 }
                    value.append(characters[i])
                    i += 1
                }
                guard i < characters.count else { throw LineError("unterminated string", column: start, length: characters.count - start) }
                i += 1
                tokens.append((.string(value), start, i - start))
            } else if c == "." {
                if i + 2 < characters.count, characters[i + 1] == ".", characters[i + 2] == "." || characters[i + 2] == "<" {
                    tokens.append((.symbol(String(characters[i...(i + 2)])), start, 3))
                    i += 3
                } else {
                    tokens.append((.symbol("."), start, 1))
                    i += 1
                }
            } else if "()[],:".contains(c) {
                tokens.append((.symbol(String(c)), start, 1))
                i += 1
            } else {
                throw LineError("unexpected character '\(c)'", column: start)
            }
        }
        tokens.append((.end, characters.count, 1))
    }

    private var current: (token: Token, column: Int, length: Int) { tokens[position] }

    private func spelling(_ token: Token) -> String {
        switch token {
        case .identifier(let name): return name
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .symbol(let symbol): return symbol
        case .end: return "end of line"
        }
    }

    private mutating func expect(_ symbol: String) throws {
        guard current.token == .symbol(symbol) else {
            let found = current.token == .end ? "the line ends" : "found '\(spelling(current.token))'"
            throw LineError("expected '\(symbol)' but \(found)", column: current.column, length: current.length)
        }
        position += 1
    }

    private mutating func expression() throws -> Expression {
        let (token, column, length) = current
        switch token {
        case .integer(let value):
            position += 1
            if case .symbol(let symbol) = current.token, symbol == "..." || symbol == "..<" {
                position += 1
                guard case .integer(let upper) = current.token else {
                    throw LineError("a range needs an upper bound", column: current.column, length: current.length)
                }
                position += 1
                guard upper >= value + (symbol == "..." ? 0 : 1) else {
                    throw LineError("empty range \(value)\(symbol)\(upper)", column: column, length: current.column - column)
                }
                return .range(value, upper, closed: symbol == "...", column: column)
            }
            return .integer(value, column: column)
        case .number(let value):
            position += 1
            return .number(value, column: column)
        case .string(let value):
            position += 1
            return .string(value, column: column)
        case .identifier(let name):
            position += 1
            if name == "true" || name == "false" { return .boolean(name == "true", column: column) }
            guard current.token == .symbol("(") else {
                throw LineError("'\(name)' needs arguments in parentheses, e.g. \(name)(…)", column: column, length: length)
            }
            return .call(name: name, arguments: try arguments(), column: column)
        case .symbol("."):
            position += 1
            guard case .identifier(let name) = current.token else {
                throw LineError("expected a name after '.'", column: current.column, length: current.length)
            }
            let nameColumn = current.column
            position += 1
            let arguments = current.token == .symbol("(") ? try arguments() : nil
            return .member(name: name, arguments: arguments, column: nameColumn)
        case .symbol("["):
            position += 1
            var elements: [Expression] = []
            while current.token != .symbol("]") {
                elements.append(try expression())
                if current.token == .symbol(",") { position += 1 } else { break }
            }
            try expect("]")
            return .array(elements, column: column)
        case .end:
            throw LineError("the line ends where a value should be", column: column)
        default:
            throw LineError("unexpected '\(spelling(token))'", column: column, length: length)
        }
    }

    private mutating func arguments() throws -> [Expression.Argument] {
        try expect("(")
        var arguments: [Expression.Argument] = []
        while current.token != .symbol(")") {
            var label: String?
            if case .identifier(let name) = current.token, tokens[position + 1].token == .symbol(":") {
                label = name
                position += 2
            }
            arguments.append(Expression.Argument(label: label, value: try expression()))
            if current.token == .symbol(",") { position += 1 } else { break }
        }
        try expect(")")
        return arguments
    }
}
