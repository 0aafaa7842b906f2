import Foundation
import Models

/// What a causal model expects next: the behavioural check every agreement study starts with
/// ("The keys to the cabinet" → are, not is).
public struct NextTokenPredictor: Sendable {
    /// One candidate next token.
    public struct Prediction: Sendable, Equatable {
        public var id: Int
        public var token: String
        public var probability: Double
    }

    /// A continuation of several tokens and its log-probability under the model.
    public struct Continuation: Sendable, Equatable {
        public var text: String
        public var ids: [Int]
        /// Σ log p(token | everything before it), natural log.
        public var logProbability: Double
    }

    public enum PredictorError: Error, CustomStringConvertible, Equatable {
        case notCausal(model: String)
        case emptyText
        case emptyContinuation
        case tooLong(tokens: Int, limit: Int)

        public var description: String {
            switch self {
            case .notCausal(let model): return "\(model) is a masked-LM encoder: next-token predictions need a causal model such as gemma3"
            case .emptyText: return "the text is empty: give a prompt such as \"The keys to the cabinet\""
            case .emptyContinuation: return "a continuation to compare is empty"
            case .tooLong(let tokens, let limit): return "the text is \(tokens) tokens; the model reads at most \(limit)"
            }
        }
    }

    public let model: any LanguageModel
    public let tokenizer: any Tokenizer

    public init(model: any LanguageModel, tokenizer: any Tokenizer) throws {
        guard model.objective == .nextToken else { throw PredictorError.notCausal(model: model.summary) }
        self.model = model
        self.tokenizer = tokenizer
    }

    /// The text as the model reads it: words separated by single spaces, special tokens added.
    func encode(_ words: [String]) throws -> Encoding {
        let encoding = tokenizer.encode(words: words)
        guard encoding.ids.count <= model.maxSequenceLength else {
            throw PredictorError.tooLong(tokens: encoding.ids.count, limit: model.maxSequenceLength)
        }
        return encoding
    }

    static func words(_ text: String) -> [String] { text.split(whereSeparator: \.isWhitespace).map(String.init) }

    /// Log-softmax of chosen rows' full-vocabulary logits, for several sequences run as one packed
    /// batch and read through the head in one product (the 262k-row head is read from memory once
    /// for all rows, not once per row).
    ///
    /// - Parameter rows: per sequence, the positions to read.
    /// - Returns: per sequence, per chosen position, a closure-free table: log p of every vocabulary entry.
    func logProbabilities(_ sequences: [[Int]], rows: [[Int]]) -> [[[Float]]] {
        let batch = PackedBatch(sequences: sequences)
        let last = model.run(batch)
        let packedRows = zip(rows, 0...).flatMap { positions, sequence in positions.map { batch.starts[sequence] + $0 } }
        guard let logits = model.logits(last, rows: packedRows, vocabulary: nil) else { return [] }
        var tables: [[[Float]]] = [], next = 0
        for positions in rows {
            tables.append(positions.map { _ in
                var row = logits.row(next)
                next += 1
                let largest = row.max() ?? 0
                let sum = row.reduce(0.0) { $0 + exp(Double($1 - largest)) }
                let normaliser = largest + Float(log(sum))
                for i in row.indices { row[i] -= normaliser }
                return row
            })
        }
        return tables
    }

    /// The `count` most likely next tokens after `text`.
    public func top(after text: String, count: Int) throws -> [Prediction] {
        let words = Self.words(text)
        guard !words.isEmpty else { throw PredictorError.emptyText }
        let ids = try encode(words).ids
        guard let row = logProbabilities([ids], rows: [[ids.count - 1]]).first?.first else { return [] }
        let order = row.indices.sorted { row[$0] > row[$1] }.prefix(count)
        return order.map { Prediction(id: $0, token: tokenizer.token(of: $0) ?? "?", probability: exp(Double(row[$0]))) }
    }

    /// The log-probability of `continuation` (one or more words) right after `text`.
    public func continuation(_ continuation: String, after text: String) throws -> Continuation {
        try continuations([(continuation, text)])[0]
    }

    /// Several (continuation, text) pairs scored in one run of the model.
    public func continuations(_ requests: [(continuation: String, text: String)]) throws -> [Continuation] {
        var sequences: [[Int]] = [], rows: [[Int]] = [], spans: [Range<Int>] = []
        for (continuation, text) in requests {
            let words = Self.words(text), added = Self.words(continuation)
            guard !words.isEmpty else { throw PredictorError.emptyText }
            guard !added.isEmpty else { throw PredictorError.emptyContinuation }
            let encoding = try encode(words + added)
            let start = encoding.wordSpans[words.count].lowerBound, end = encoding.wordSpans[encoding.wordSpans.count - 1].upperBound
            guard start >= 1, end > start else { throw PredictorError.emptyContinuation }
            sequences.append(Array(encoding.ids[..<end]))
            rows.append(Array((start - 1)..<(end - 1)))
            spans.append(start..<end)
        }
        let tables = logProbabilities(sequences, rows: rows)
        return requests.indices.map { index in
            let ids = sequences[index]
            let total = zip(rows[index], tables[index]).reduce(0.0) { $0 + Double($1.1[ids[$1.0 + 1]]) }
            return Continuation(text: requests[index].continuation, ids: Array(ids[spans[index]]), logProbability: total)
        }
    }
}
