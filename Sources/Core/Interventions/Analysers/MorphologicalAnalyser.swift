import Foundation
import Corpora

/// One reading of a word form: its lemma and the UniMorph values it carries.
public struct MorphologicalReading: Sendable, Hashable, Codable {
    /// The lemma, lower-cased.
    public var lemma: String
    /// UniMorph values by attribute, e.g. `[.number: "PL"]`; an attribute may have several values
    /// when the analyser leaves it open (Apertium `<sp>`, `<mf>`).
    public var values: [UniMorphAttribute: Set<String>]

    /// Creates a reading; the lemma is lower-cased.
    public init(lemma: String, values: [UniMorphAttribute: Set<String>]) {
        self.lemma = lemma.lowercased()
        self.values = values
    }
}

/// The lemmatiser L and analyser A of Antverg & Belinkov §4 (they use spaCy): maps predicted word
/// forms to their readings. Implementations: ``LexiconAnalyser`` (treebank forms) and
/// ``ApertiumAnalyser`` (Apertium finite-state transducers run by `lt-proc`).
public protocol MorphologicalAnalyser: Sendable {
    /// A short name for reports, e.g. `lexicon` or `apertium:spa-eng`.
    var name: String { get }
    /// The readings of each form (an empty array: the analyser does not know the form).
    ///
    /// - Parameter forms: word forms; analysed in one batch.
    /// - Returns: readings in the order of `forms`.
    func analyse(_ forms: [String]) throws -> [[MorphologicalReading]]
}

/// Which analyser to use, by name (`lexicon`, `apertium`).
public enum AnalyserKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// Forms, lemmas and features seen in the language's treebanks.
    case lexicon
    /// Apertium's morphological transducers from Debian (`lttoolbox` + language pairs).
    case apertium
}

/// An analyser that cannot be set up or run.
public enum AnalyserError: Error, CustomStringConvertible, Equatable {
    /// No Apertium analyser exists for the language.
    case unsupportedLanguage(String, analyser: String)
    /// The transducer file is missing (the set-up installs it).
    case missingTransducer(URL, package: String)
    /// `lt-proc` is not installed or could not be started.
    case missingProgram(String)
    /// `lt-proc` failed; its exit status and standard error.
    case processFailed(program: String, status: Int32, stderr: String)
    /// The output did not line up with the input (one line per form is expected).
    case misalignedOutput(program: String, expected: Int, got: Int)

    public var description: String {
        switch self {
        case .unsupportedLanguage(let language, let analyser): return "\(analyser): no analyser for \(language)"
        case .missingTransducer(let url, let package):
            return "missing Apertium transducer \(url.path): install the Debian package \(package) (scripts/setup does)"
        case .missingProgram(let name): return "\(name) not found on PATH: install the Debian package lttoolbox (scripts/setup does)"
        case .processFailed(let program, let status, let stderr): return "\(program) exited with status \(status): \(stderr)"
        case .misalignedOutput(let program, let expected, let got):
            return "\(program) returned \(got) lines for \(expected) forms"
        }
    }
}
