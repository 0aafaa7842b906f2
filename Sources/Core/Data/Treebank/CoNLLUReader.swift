import Foundation
import Support

/// Reads CoNLL-U files (Universal Dependencies v2 format) into ``TreebankFile`` values.
///
/// - Comments: `# sent_id = …` and `# text = …` fill ``TreebankSentence/id`` and
///   ``TreebankSentence/text``; every comment is kept in ``TreebankSentence/comments``.
/// - Multiword tokens (`3-4`): the syntactic words are the units; the range line becomes a
///   ``MultiwordToken`` kept for display.
/// - Empty nodes (`8.1`) are skipped and counted in ``TreebankFile/dropped``.
/// - `_` means "unspecified": `nil` or an empty dictionary.
/// - A line that breaks the format throws a ``CoNLLUError`` naming file, line and column;
///   nothing is skipped silently.
///
/// The reader makes one pass over the file's bytes, so it is linear in the file size.
public enum CoNLLUReader {
    /// Reads and parses the CoNLL-U file at `url`.
    ///
    /// - Throws: ``CoNLLUError`` when the file cannot be read or a line is malformed.
    public static func read(_ url: URL) throws -> TreebankFile {
        try checkFile(url)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CoNLLUError.unreadable(file: url.path, reason: ErrorMessage.reason(error))
        }
        return try parse(data, url: url)
    }

    /// Checks that `url` is a regular file that can be read (a treebank is read twice: hashed for
    /// the cache key, then parsed, so a pipe or a device such as /dev/null cannot stand in for one).
    ///
    /// - Throws: ``CoNLLUError/unreadable(file:reason:)`` naming the path as given.
    public static func checkFile(_ url: URL) throws {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw CoNLLUError.unreadable(file: url.path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard access(url.path, R_OK) == 0 else { throw CoNLLUError.unreadable(file: url.path, reason: String(cString: strerror(errno))) }
        case S_IFDIR:
            throw CoNLLUError.unreadable(file: url.path, reason: "a folder, not a CoNLL-U file")
        case S_IFCHR, S_IFBLK:
            throw CoNLLUError.unreadable(file: url.path, reason: "a device, not a regular file")
        default:
            throw CoNLLUError.unreadable(file: url.path, reason: "a pipe or socket, not a regular file")
        }
    }

    /// Parses CoNLL-U text as if it had been read from `url` (used in errors and default ids).
    public static func parse(_ text: String, url: URL) throws -> TreebankFile {
        try parse(Data(text.utf8), url: url)
    }

    /// Parses CoNLL-U bytes as if they had been read from `url`.
    public static func parse(_ data: Data, url: URL) throws -> TreebankFile {
        var parser = Parser(fileName: url.lastPathComponent)
        try data.withUnsafeBytes { raw in
            try parser.parse(raw.bindMemory(to: UInt8.self))
        }
        return TreebankFile(url: url, sentences: parser.sentences, dropped: parser.dropped)
    }
}

// MARK: - Parser

extension CoNLLUReader {
    /// The state of one pass over a file.
    struct Parser {
        let fileName: String
        var sentences: [TreebankSentence] = []
        var dropped: [TreebankDropReason: Int] = [:]

        // The sentence being built.
        private var id: String?
        private var text: String?
        private var words: [TreebankWord] = []
        private var wordLines: [Int] = []
        /// The 1-based column of each word's HEAD field (for an error found when the sentence ends).
        private var headColumns: [Int] = []
        private var tokens: [MultiwordToken] = []
        private var tokenLines: [Int] = []
        private var comments: [String] = []
        private var firstLine = 0
        private var hasContent = false
        /// The ID the next syntactic word must have; also the lowest a range may start at.
        private var nextID = 1
        private var fieldBounds: [Range<Int>] = []

        private static let columnNames = ["ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC"]

        init(fileName: String) { self.fileName = fileName }

        mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            var start = 0
            let end = bytes.count
            // Skip a UTF-8 byte-order mark.
            if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            var lineNumber = 0
            while start < end {
                lineNumber += 1
                var stop = start
                while stop < end && bytes[stop] != 0x0A { stop += 1 }
                var lineEnd = stop
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<lineEnd])
                try parseLine(line, number: lineNumber)
                start = stop + 1
            }
            try finishSentence()
        }

        private mutating func parseLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                try finishSentence()
                return
            }
            if !hasContent {
                hasContent = true
                firstLine = number
            }
            if line[0] == UInt8(ascii: "#") {
                try parseComment(line, number: number)
            } else {
                try parseWordLine(line, number: number)
            }
        }

        private func string(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws -> String {
            guard let value = String(validating: bytes, as: UTF8.self) else {
                throw CoNLLUError.invalidUTF8(file: fileName, line: line)
            }
            return value
        }

        private mutating func parseComment(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
            var start = 1
            if start < line.count && line[start] == 0x20 { start += 1 }
            let body = UnsafeBufferPointer(rebasing: line[start...])
            comments.append(try string(body, line: number))
            // `key = value`, spaces around the key and value ignored.
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")) else { return }
            let key = Self.trimmed(UnsafeBufferPointer(rebasing: body[..<equals]))
            func value() throws -> String {
                try string(Self.trimmed(UnsafeBufferPointer(rebasing: body[(equals + 1)...])), line: number)
            }
            if key.elementsEqual("sent_id".utf8) {
                id = try value()
            } else if key.elementsEqual("text".utf8) {
                text = try value()
            }
        }

        /// `bytes` without leading and trailing spaces and tabs.
        private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            var lower = 0
            var upper = bytes.count
            while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
            while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
            return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        }

        /// Splits `Name=Value|Name=Value` into a dictionary. With `strict`, an item without a
        /// name or value throws `badFeature` at its column; otherwise a bare item maps to "".
        private func parsePairs(
            _ bytes: UnsafeBufferPointer<UInt8>, strict: Bool, line: UnsafeBufferPointer<UInt8>, lineNumber: Int,
            fieldStart: Int
        ) throws -> [String: String] {
            var pairs: [String: String] = [:]
            pairs.reserveCapacity(4)
            var itemStart = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "|") {
                defer { itemStart = index + 1 }
                let item = UnsafeBufferPointer(rebasing: bytes[itemStart..<index])
                let equals = item.firstIndex(of: UInt8(ascii: "="))
                if let equals, equals > 0, equals < item.count - 1 {
                    let name = try string(UnsafeBufferPointer(rebasing: item[..<equals]), line: lineNumber)
                    pairs[name] = try string(UnsafeBufferPointer(rebasing: item[(equals + 1)...]), line: lineNumber)
                } else if strict {
                    throw CoNLLUError.badFeature(
                        file: fileName, line: lineNumber, column: column(line, fieldStart + itemStart),
                        text: String(decoding: item, as: UTF8.self))
                } else if !item.isEmpty {
                    let cut = equals ?? item.count
                    let name = try string(UnsafeBufferPointer(rebasing: item[..<cut]), line: lineNumber)
                    pairs[name] = cut < item.count ? try string(UnsafeBufferPointer(rebasing: item[(cut + 1)...]), line: lineNumber) : ""
                }
            }
            return pairs
        }

        /// 1-based character column of byte `offset` in `line` (computed on the error path only).
        private func column(_ line: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
            String(decoding: UnsafeBufferPointer(rebasing: line[..<offset]), as: UTF8.self).count + 1
        }

        private mutating func parseWordLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
            // Split into the 10 columns, reusing the bound buffers.
            fieldBounds.removeAll(keepingCapacity: true)
            var fieldStart = 0
            for index in 0...line.count where index == line.count || line[index] == 0x09 {
                fieldBounds.append(fieldStart..<index)
                fieldStart = index + 1
            }
            guard fieldBounds.count == 10 else {
                throw CoNLLUError.wrongFieldCount(file: fileName, line: number, found: fieldBounds.count)
            }
            let bounds = fieldBounds
            for index in 0..<10 where bounds[index].isEmpty {
                throw CoNLLUError.emptyField(
                    file: fileName, line: number, column: column(line, bounds[index].lowerBound),
                    name: Self.columnNames[index])
            }
            func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: line[bounds[index]])
            }
            func isUnderscore(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
                bytes.count == 1 && bytes[0] == UInt8(ascii: "_")
            }

            // ID: integer, range a-b, or empty node a.b.
            let idBytes = field(0)
            let idText = String(decoding: idBytes, as: UTF8.self)
            guard let (first, separator, second) = Self.parseID(idBytes) else {
                throw CoNLLUError.badID(file: fileName, line: number, column: 1, text: idText)
            }
            switch separator {
            case UInt8(ascii: "."):
                dropped[.emptyNode, default: 0] += 1
                return
            case UInt8(ascii: "-"):
                guard first == nextID, let last = second, last > first else {
                    throw CoNLLUError.badRange(
                        file: fileName, line: number, column: 1,
                        text: idText)
                }
                if let previous = tokens.last, previous.range.upperBound >= first {
                    throw CoNLLUError.badRange(
                        file: fileName, line: number, column: 1,
                        text: idText)
                }
                let form = try string(field(1), line: number)
                let misc = isUnderscore(field(9)) ? [:] : try parsePairs(
                field(9), strict: false, line: line, lineNumber: number, fieldStart: bounds[9].lowerBound)
                tokens.append(MultiwordToken(range: first...last, form: form, misc: misc))
                tokenLines.append(number)
                return
            default:
                break
            }
            guard first == nextID else {
                throw CoNLLUError.unexpectedID(file: fileName, line: number, column: 1, expected: nextID, found: first)
            }
            nextID += 1

            let form = try string(field(1), line: number)
            let lemmaBytes = field(2)
            let lemma: String? = isUnderscore(lemmaBytes) && form != "_" ? nil : try string(lemmaBytes, line: number)
            let upos: String? = isUnderscore(field(3)) ? nil : try string(field(3), line: number)
            let xpos: String? = isUnderscore(field(4)) ? nil : try string(field(4), line: number)
            let features = isUnderscore(field(5)) ? [:] : try parsePairs(
                field(5), strict: true, line: line, lineNumber: number, fieldStart: bounds[5].lowerBound)
            var head: Int?
            let headBytes = field(6)
            if !isUnderscore(headBytes) {
                guard let value = Self.parseInteger(headBytes) else {
                    throw CoNLLUError.badHead(
                        file: fileName, line: number, column: column(line, bounds[6].lowerBound),
                        text: String(decoding: headBytes, as: UTF8.self))
                }
                head = value
            }
            let relation: String? = isUnderscore(field(7)) ? nil : try string(field(7), line: number)
            let misc = isUnderscore(field(9)) ? [:] : try parsePairs(
                field(9), strict: false, line: line, lineNumber: number, fieldStart: bounds[9].lowerBound)
            words.append(
                TreebankWord(
                    id: first, form: form, lemma: lemma, upos: upos, xpos: xpos, features: features,
                    head: head, relation: relation, misc: misc))
            wordLines.append(number)
            headColumns.append(column(line, bounds[6].lowerBound))
        }

        /// `(first, separator, second)`: separator 0 for a plain integer, `-` or `.` otherwise.
        private static func parseID(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, UInt8, Int?)? {
            var index = 0
            guard let first = integerPrefix(bytes, &index) else { return nil }
            if index == bytes.count { return (first, 0, nil) }
            let separator = bytes[index]
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") else { return nil }
            index += 1
            guard let second = integerPrefix(bytes, &index), index == bytes.count else { return nil }
            return (first, separator, second)
        }

        private static func integerPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Int? {
            let start = index
            var value = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value &* 10 &+ Int(bytes[index] - 0x30)
                index += 1
                if index - start > 9 { return nil }
            }
            return index == start ? nil : value
        }

        private static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            var index = 0
            guard let value = integerPrefix(bytes, &index), index == bytes.count else { return nil }
            return value
        }

        private mutating func finishSentence() throws {
            defer {
                id = nil
                text = nil
                words.removeAll(keepingCapacity: true)
                wordLines.removeAll(keepingCapacity: true)
                headColumns.removeAll(keepingCapacity: true)
                tokens.removeAll(keepingCapacity: true)
                tokenLines.removeAll(keepingCapacity: true)
                comments.removeAll(keepingCapacity: true)
                hasContent = false
                nextID = 1
            }
            guard hasContent else { return }
            guard !words.isEmpty else {
                dropped[.sentenceWithoutWords, default: 0] += 1
                return
            }
            for (index, token) in tokens.enumerated() where token.range.upperBound > words.count {
                throw CoNLLUError.badRange(
                    file: fileName, line: tokenLines[index], column: 1,
                    text: "\(token.range.lowerBound)-\(token.range.upperBound)")
            }
            for (index, word) in words.enumerated() {
                if let head = word.head, head > words.count {
                    throw CoNLLUError.headPastSentence(file: fileName, line: wordLines[index], column: headColumns[index],
                                                       head: head, wordCount: words.count)
                }
            }
            sentences.append(
                TreebankSentence(
                    id: id ?? "\(fileName):\(firstLine)", text: text, words: words,
                    multiwordTokens: tokens, comments: comments, line: firstLine))
        }
    }
}
