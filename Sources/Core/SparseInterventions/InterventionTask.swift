import Foundation
import Models
import Support

/// Where a sparse intervention edits a sentence (De Cao et al. 2022 §3): at the subject's position
/// only, or at every position before the target with the same mask and baseline.
public enum InterventionSteps: String, Sendable, Codable, Hashable, CaseIterable {
    case single
    case every
}

/// One example: a prefix as the model reads it, the two tokens it chooses between next, and the
/// subject whose representation an edit changes.
///
/// `preferred` is d and `alternative` is t of L_ratio = p(d)/p(t): the form that agrees (number) or
/// that the model prefers (gender), and the one the intervention should make likelier. A form of
/// several tokens is compared at its first token that differs from the other form's (the tokens
/// both forms share are part of the prefix): one row of logits decides.
public struct InterventionExample: Sendable, Hashable, Codable {
    /// Token ids up to and including the row whose logits decide (special tokens included).
    public var ids: [Int]
    public var preferred: Int
    public var alternative: Int
    /// The last token of the subject: what a single-step edit changes.
    public var subjectRow: Int
    /// The first token of the first word (after special tokens): where every-step edits begin.
    public var firstWordRow: Int
    /// `nounpp singular_plural`, `template 3`.
    public var condition: String
    /// The prefix's words and the two forms, for reports.
    public var text: String
    public var preferredForm: String
    public var alternativeForm: String

    /// The row whose next-token logits compare the two forms.
    public var targetRow: Int { ids.count - 1 }

    /// The rows an edit changes.
    public func editRows(_ steps: InterventionSteps) -> [Int] {
        steps == .single ? [subjectRow] : Array(firstWordRow...targetRow)
    }

    /// The rows whose output an edit can change in a causal model: from its first edited row to the
    /// target (rows before it are untouched, so the KL term is computed on these only).
    public func changedRows(_ steps: InterventionSteps) -> ClosedRange<Int> {
        (steps == .single ? subjectRow : firstWordRow)...targetRow
    }

    /// The same example with d and t swapped.
    public var swapped: InterventionExample {
        var copy = self
        (copy.preferred, copy.alternative) = (alternative, preferred)
        (copy.preferredForm, copy.alternativeForm) = (alternativeForm, preferredForm)
        return copy
    }
}

/// A task of De Cao et al.: examples grouped by the direction an intervention pushes them
/// (→ plural, → singular; → she, → he), each split into training and held-out examples.
public struct InterventionTask: Sendable, Codable, Hashable {
    public struct Direction: Sendable, Codable, Hashable {
        /// What the intervention should make the model choose: `plural`, `she`.
        public var name: String
        public var training: [InterventionExample]
        public var heldOut: [InterventionExample]
    }

    public enum TaskError: Error, CustomStringConvertible, Equatable {
        case noExamples(String)
        case sameForms(origin: String, String, String)
        case tooLong(origin: String, tokens: Int, limit: Int)
        case subjectMissing(origin: String)
        case format(file: String, problem: String)

        public var description: String {
            switch self {
            case .noExamples(let what): return "no usable examples: \(what)"
            case .sameForms(let origin, let a, let b): return "\(origin): '\(a)' and '\(b)' give the same tokens: nothing to compare"
            case .tooLong(let origin, let tokens, let limit): return "\(origin): \(tokens) tokens; the model reads at most \(limit)"
            case .subjectMissing(let origin): return "\(origin): the subject produced no token"
            case .format(let file, let problem): return "\(file): \(problem)"
            }
        }
    }

    /// `number` or `gender`.
    public var name: String
    public var directions: [Direction]
    /// Items left out, with the reason (forms that tokenize alike, too long).
    public var skipped: [String] = []

    /// One example from words: the subject is word `subjectWord` (its last token is edited).
    public static func example(words: [String], subjectWord: Int, preferred: String, alternative: String, condition: String,
                               origin: String, tokenizer: any Tokenizer, maxLength: Int) throws -> InterventionExample {
        let first = tokenizer.encode(words: words + [preferred]), second = tokenizer.encode(words: words + [alternative])
        var shared = 0
        while shared < first.ids.count && shared < second.ids.count && first.ids[shared] == second.ids[shared] { shared += 1 }
        guard shared < first.ids.count, shared < second.ids.count, shared >= 1 else {
            throw TaskError.sameForms(origin: origin, preferred, alternative)
        }
        guard shared <= maxLength else { throw TaskError.tooLong(origin: origin, tokens: shared, limit: maxLength) }
        let subject = first.wordSpans[subjectWord]
        guard !subject.isEmpty, subject.upperBound <= shared else { throw TaskError.subjectMissing(origin: origin) }
        let firstWord = first.wordSpans.first(where: { !$0.isEmpty })?.lowerBound ?? subject.lowerBound
        return InterventionExample(ids: Array(first.ids[..<shared]), preferred: first.ids[shared], alternative: second.ids[shared],
                                   subjectRow: subject.upperBound - 1, firstWordRow: min(firstWord, subject.upperBound - 1),
                                   condition: condition, text: words.joined(separator: " "),
                                   preferredForm: preferred, alternativeForm: alternative)
    }

    /// Number agreement on Lakretz et al.'s pairs: the subject is the second word ("The athlete …"),
    /// d the verb that agrees, t the other. A seeded shuffle holds out `heldOut` pairs (the paper:
    /// 1,000 of 12,000); → plural gathers the singular subjects, → singular the plural ones.
    public static func numberAgreement(_ pairs: [AgreementPair], tokenizer: any Tokenizer, maxLength: Int,
                                       heldOut: Int = SparseInterventionStudy.TaskName.number.defaultHeldOut, seed: UInt64 = 0) throws -> InterventionTask {
        var examples: [(InterventionExample, subjectPlural: Bool)] = [], skipped: [String] = []
        for pair in pairs {
            let number = pair.condition.split(separator: " ").last.map { String($0.split(separator: "_").first ?? "") } ?? ""
            guard number == "singular" || number == "plural" else { skipped.append("\(pair.origin): subject number '\(number)'"); continue }
            do {
                let example = try example(words: NextTokenPredictor.words(pair.prefix), subjectWord: 1, preferred: pair.correct,
                                          alternative: pair.wrong, condition: pair.condition, origin: pair.origin,
                                          tokenizer: tokenizer, maxLength: maxLength)
                examples.append((example, number == "plural"))
            } catch let error as TaskError {
                skipped.append(error.description)
            }
        }
        guard !examples.isEmpty else { throw TaskError.noExamples("\(pairs.count) agreement pairs, none usable") }
        let (training, held) = split(examples.indices.map { $0 }, heldOut: heldOut, seed: seed)
        func direction(_ name: String, plural: Bool) -> Direction {
            Direction(name: name, training: training.filter { examples[$0].subjectPlural == plural }.map { examples[$0].0 },
                      heldOut: held.filter { examples[$0].subjectPlural == plural }.map { examples[$0].0 })
        }
        return InterventionTask(name: "number", directions: [direction("plural", plural: false), direction("singular", plural: true)],
                                skipped: skipped)
    }

    /// Gender on Vig et al.'s templates × professions ("The nurse said that" → he / she): the
    /// subject is the profession (its last word when it has several). Which pronoun is d depends on
    /// the model: `prefersHe` says, per example, whether it gives "he" the higher probability
    /// (computed by the caller from the unedited model). → she gathers the examples that prefer he.
    public static func gender(templates: [String], professions: [String], tokenizer: any Tokenizer, maxLength: Int,
                              heldOut: Int = SparseInterventionStudy.TaskName.gender.defaultHeldOut, seed: UInt64 = 0,
                              prefersHe: ([InterventionExample]) throws -> [Bool]) throws -> InterventionTask {
        var examples: [InterventionExample] = [], skipped: [String] = []
        for (templateIndex, template) in templates.enumerated() {
            let templateWords = NextTokenPredictor.words(template)
            guard let slot = templateWords.firstIndex(where: { $0.contains("{}") }) else {
                skipped.append("template \(templateIndex + 1) has no {}"); continue
            }
            for profession in professions {
                let professionWords = profession.split(separator: "_").map(String.init)
                var words = Array(templateWords[..<slot])
                let filled = templateWords[slot].replacingOccurrences(of: "{}", with: professionWords.last ?? "")
                words += professionWords.dropLast() + [filled] + templateWords[(slot + 1)...]
                let origin = "template \(templateIndex + 1) × \(profession)"
                do {
                    examples.append(try example(words: words, subjectWord: slot + professionWords.count - 1, preferred: "he",
                                                alternative: "she", condition: "template \(templateIndex + 1)", origin: origin,
                                                tokenizer: tokenizer, maxLength: maxLength))
                } catch let error as TaskError {
                    skipped.append(error.description)
                }
            }
        }
        guard !examples.isEmpty else { throw TaskError.noExamples("\(templates.count) templates × \(professions.count) professions") }
        let he = try prefersHe(examples)
        let oriented = zip(examples, he).map { $1 ? $0 : $0.swapped }
        let (training, held) = split(oriented.indices.map { $0 }, heldOut: heldOut, seed: seed)
        func direction(_ name: String, fromHe: Bool) -> Direction {
            Direction(name: name, training: training.filter { he[$0] == fromHe }.map { oriented[$0] },
                      heldOut: held.filter { he[$0] == fromHe }.map { oriented[$0] })
        }
        return InterventionTask(name: "gender", directions: [direction("she", fromHe: true), direction("he", fromHe: false)], skipped: skipped)
    }

    /// Vig et al.'s files: `templates.txt` (one per line, `{}` for the profession) and
    /// `professions.json` (`[[name, x, y], …]`).
    public static func genderFiles(folder: URL) throws -> (templates: [String], professions: [String]) {
        let templatesFile = folder.appendingPathComponent("templates.txt"), professionsFile = folder.appendingPathComponent("professions.json")
        let templates: [String]
        do {
            templates = try String(contentsOf: templatesFile, encoding: .utf8).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } catch { throw TaskError.format(file: templatesFile.path, problem: ErrorMessage.reason(error)) }
        let data: Data
        do { data = try Data(contentsOf: professionsFile) } catch {
            throw TaskError.format(file: professionsFile.path, problem: ErrorMessage.reason(error))
        }
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [[Any]] else {
            throw TaskError.format(file: professionsFile.path, problem: "expected a JSON array of [name, x, y] rows")
        }
        let professions = try rows.enumerated().map { index, row -> String in
            guard let name = row.first as? String, !name.isEmpty else {
                throw TaskError.format(file: professionsFile.path, problem: "row \(index + 1) does not start with a profession name")
            }
            return name
        }
        return (templates, professions)
    }

    /// A seeded shuffle of `items`; the last `heldOut` are held out (never more than half).
    static func split(_ items: [Int], heldOut: Int, seed: UInt64) -> (training: [Int], heldOut: [Int]) {
        var generator = SplitMix64(seed: seed ^ 0x5EED_DECA_0000_0001)
        let shuffled = items.shuffled(using: &generator)
        let count = min(max(0, heldOut), shuffled.count / 2)
        return (Array(shuffled.dropLast(count)), Array(shuffled.suffix(count)))
    }
}
