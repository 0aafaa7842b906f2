import Foundation
import Corpora
import Models
import Support

/// The text a word-level language model is trained on: sentences of whitespace-separated words,
/// split into a training part and a held-out part (every `heldOutEvery`-th sentence) for perplexity.
///
/// A `.conllu` file is read with ``CoNLLUReader`` (one sentence per tree, its syntactic words); any
/// other file is plain text, one sentence per line, split on whitespace (blank lines skipped).
public struct LanguageModelCorpus: Sendable {
    /// Sentences for training, in file order.
    public var training: [[String]]
    /// Sentences held out for perplexity.
    public var heldOut: [[String]]
    /// The files read, in order.
    public var files: [URL]

    /// Reads the files and splits off every `heldOutEvery`-th sentence (the 1st, (k+1)th, …).
    ///
    /// - Throws: ``TrainingError`` for a file that is not text, an empty corpus or held-out part;
    ///   ``CoNLLUError`` for a malformed treebank; the file's own reason when it cannot be read.
    public static func read(_ files: [URL], heldOutEvery: Int) throws -> LanguageModelCorpus {
        guard heldOutEvery >= 2 else { throw TrainingError.invalidSetting(name: "--held-out-every", reason: "must be at least 2, not \(heldOutEvery)") }
        var sentences: [[String]] = []
        for file in files {
            if file.pathExtension.lowercased() == "conllu" {
                let treebank = try CoNLLUReader.read(file)
                sentences += treebank.sentences.map { $0.words.map(\.form) }
            } else {
                sentences += try plainText(file)
            }
        }
        sentences.removeAll { $0.isEmpty }
        guard !sentences.isEmpty else { throw TrainingError.emptyCorpus(files: files.map(\.path)) }
        guard sentences.count >= heldOutEvery else { throw TrainingError.emptyHeldOut(sentences: sentences.count, every: heldOutEvery) }
        var training: [[String]] = [], heldOut: [[String]] = []
        for (index, sentence) in sentences.enumerated() {
            if index % heldOutEvery == 0 { heldOut.append(sentence) } else { training.append(sentence) }
        }
        return LanguageModelCorpus(training: training, heldOut: heldOut, files: files)
    }

    /// One sentence per line, whitespace-tokenised.
    static func plainText(_ file: URL) throws -> [[String]] {
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw TrainingError.notText(file: file.path, reason: ErrorMessage.reason(error)) }
        if let zero = data.firstIndex(of: 0) {
            throw TrainingError.notText(file: file.path, reason: "byte \(zero - data.startIndex) is NUL")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw TrainingError.notText(file: file.path, reason: "not UTF-8") }
        return text.split(whereSeparator: \.isNewline).map { line in line.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    /// The vocabulary lines of Gulordava et al.'s word-level models: `<unk>`, `<eos>`, then the
    /// `size` most frequent training words (ties by bytes, so the file is the same on every run;
    /// a treebank word holding a space can never be a vocab.txt line and stays `<unk>`).
    public func vocabulary(size: Int) -> [String] {
        var counts: [String: Int] = [:]
        for sentence in training { for word in sentence { counts[word, default: 0] += 1 } }
        let special = [WordVocabularyTokenizer.unknownToken, WordVocabularyTokenizer.endOfSentenceToken]
        let ranked = counts.filter { !special.contains($0.key) && !$0.key.contains(where: \.isWhitespace) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        return special + ranked.prefix(size).map(\.key)
    }

    /// One id stream: every sentence's words through the tokenizer (unknown words → `<unk>`), each followed by `<eos>`.
    public static func stream(_ sentences: [[String]], tokenizer: WordVocabularyTokenizer) -> [Int] {
        var ids: [Int] = []
        for sentence in sentences {
            ids += tokenizer.encode(words: sentence).ids
            ids.append(tokenizer.endOfSentenceID)
        }
        return ids
    }
}
