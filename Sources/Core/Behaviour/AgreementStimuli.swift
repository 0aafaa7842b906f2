import Foundation
import Support

/// One number-agreement item: a prefix and two verb forms, the one that agrees and the one that does not.
public struct AgreementPair: Sendable, Equatable {
    /// `nounpp singular_plural`, `gulordava English`.
    public var condition: String
    public var prefix: String
    public var correct: String
    public var wrong: String
    /// `file:line` of the correct sentence.
    public var origin: String
}

/// Readers for the agreement stimuli in `shared/agreement`: Lakretz et al. 2019's conditions
/// (one file per condition; sentence, subject number(s), correct/wrong, id) and Gulordava et al.
/// 2018's "colorless green" set (`generated.tab`).
public enum AgreementStimuli {
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var line: Int
        public var problem: String
        public var description: String { "\(file):\(line): \(problem)" }
    }

    /// Every `*.txt` condition file of a Lakretz folder; a condition is the file's name and the subject number(s).
    public static func lakretz(folder: URL) throws -> [AgreementPair] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try names.flatMap { try lakretz(file: folder.appendingPathComponent($0)) }
    }

    /// One Lakretz condition file: lines come in pairs, the correct sentence then the wrong one,
    /// the same but for the last word (the verb).
    public static func lakretz(file: URL) throws -> [AgreementPair] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw FormatError(file: file.path, line: 0, problem: ErrorMessage.reason(error))
        }
        let stem = file.deletingPathExtension().lastPathComponent
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var rows: [(line: Int, words: [String], number: String, label: String, id: String)] = []
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else {
                throw FormatError(file: file.path, line: index + 1, problem: "expected 4 tab-separated fields (sentence, number, correct/wrong, id), found \(fields.count)")
            }
            guard fields[2] == "correct" || fields[2] == "wrong" else {
                throw FormatError(file: file.path, line: index + 1, problem: "third field is '\(fields[2])', expected correct or wrong")
            }
            let words = fields[0].split(separator: " ").map(String.init)
            guard words.count >= 2 else { throw FormatError(file: file.path, line: index + 1, problem: "a sentence needs a prefix and a verb") }
            rows.append((index + 1, words, fields[1], fields[2], fields[3]))
        }
        var pairs: [AgreementPair] = []
        var i = 0
        while i < rows.count {
            let a = rows[i]
            guard i + 1 < rows.count else { throw FormatError(file: file.path, line: a.line, problem: "sentence \(a.id) has no partner") }
            let b = rows[i + 1]
            guard a.id == b.id, a.number == b.number, Set([a.label, b.label]) == ["correct", "wrong"],
                  a.words.dropLast() == b.words.dropLast() else {
                throw FormatError(file: file.path, line: b.line, problem: "expected the other version of sentence \(a.id) (line \(a.line)): same prefix, id and number, the other label")
            }
            let (correct, wrong) = a.label == "correct" ? (a, b) : (b, a)
            pairs.append(AgreementPair(condition: "\(stem) \(a.number)", prefix: a.words.dropLast().joined(separator: " "),
                                       correct: correct.words.last!, wrong: wrong.words.last!, origin: "\(file.lastPathComponent):\(correct.line)"))
            i += 2
        }
        return pairs
    }

    /// Gulordava et al.'s `generated.tab`: rows with `prefix`, `form` and `class` (correct/wrong),
    /// paired by pattern, construction and sentence id.
    public static func gulordava(file: URL, condition: String) throws -> [AgreementPair] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw FormatError(file: file.path, line: 0, problem: ErrorMessage.reason(error))
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: "\t").map(String.init) else {
            throw FormatError(file: file.path, line: 1, problem: "empty file")
        }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else { throw FormatError(file: file.path, line: 1, problem: "no column '\(name)'") }
            return index
        }
        let pattern = try column("pattern"), construction = try column("constr_id"), sentence = try column("sent_id")
        let form = try column("form"), kind = try column("class"), prefix = try column("prefix")
        var open: [String: (line: Int, prefix: String, correct: String?, wrong: String?)] = [:]
        var order: [String] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count else {
                throw FormatError(file: file.path, line: index + 1, problem: "\(fields.count) fields, the header has \(header.count)")
            }
            let key = [fields[pattern], fields[construction], fields[sentence]].joined(separator: "|")
            var entry = open[key] ?? (index + 1, fields[prefix], nil, nil)
            if open[key] == nil { order.append(key) }
            switch fields[kind] {
            case "correct": entry.correct = fields[form]; entry.line = index + 1
            case "wrong": entry.wrong = fields[form]
            default: throw FormatError(file: file.path, line: index + 1, problem: "class is '\(fields[kind])', expected correct or wrong")
            }
            open[key] = entry
        }
        return order.compactMap { key in
            guard let entry = open[key], let correct = entry.correct, let wrong = entry.wrong else { return nil }
            return AgreementPair(condition: condition, prefix: entry.prefix, correct: correct, wrong: wrong,
                                 origin: "\(file.lastPathComponent):\(entry.line)")
        }
    }
}
