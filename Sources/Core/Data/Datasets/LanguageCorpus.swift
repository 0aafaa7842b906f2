import Foundation

/// The chosen treebanks of one language, read and assigned to train/dev/test.
///
/// Files are ordered by treebank name, then train, dev, test: the order in which to hand them to
/// the activation extractor (``fileURLs``).
public struct LanguageCorpus: Sendable {
    /// The language (`English`).
    public var language: String
    /// The treebanks pooled together.
    public var treebanks: [TreebankInfo]
    /// How sentences were assigned to splits.
    public var recipe: SplitRecipe
    /// The files, in extraction order.
    public var files: [CorpusFile]

    /// Assembles a corpus from parsed files, assigning each sentence its split by `recipe`.
    ///
    /// - Throws: ``CorpusError/duplicateSentenceID(file:line:id:)`` when a file repeats a `sent_id`.
    public init(
        language: String, treebanks: [TreebankInfo], recipe: SplitRecipe,
        files: [(treebank: String, split: DataSplit, contents: TreebankFile)]
    ) throws {
        self.language = language
        self.treebanks = treebanks
        self.recipe = recipe
        self.files = try files.map { entry in
            var seen = Set<String>()
            for sentence in entry.contents.sentences where !seen.insert(sentence.id).inserted {
                throw CorpusError.duplicateSentenceID(file: entry.contents.name, line: sentence.line, id: sentence.id)
            }
            let splits: [DataSplit] = switch recipe.method {
            case .original: Array(repeating: entry.split, count: entry.contents.sentences.count)
            case .hashed: entry.contents.sentences.map { recipe.split(forSentenceID: $0.id) }
            }
            return CorpusFile(treebank: entry.treebank, originalSplit: entry.split, contents: entry.contents, sentenceSplits: splits)
        }
    }

    /// Reads the treebanks of `language` from `registry`.
    ///
    /// - Parameters:
    ///   - treebankNames: which treebanks to pool (`["EWT", "GUM"]`, case-insensitive). `nil`
    ///     chooses automatically: the treebanks that have train, dev and test if any do,
    ///     otherwise all of the language's.
    ///   - recipe: how to split. `nil` uses the original splits when every chosen treebank has
    ///     all three, otherwise ``SplitRecipe/hashed(seed:train:dev:test:)`` with `seed`.
    ///   - seed: the seed of the automatic re-split.
    /// - Throws: ``CorpusError`` for unknown names or missing splits, ``CoNLLUError`` for bad files.
    public static func load(
        language: String, from registry: CorpusRegistry, treebanks treebankNames: [String]? = nil,
        recipe: SplitRecipe? = nil, seed: UInt64 = 0
    ) throws -> LanguageCorpus {
        let available = try registry.treebanks(of: language)
        let resolvedLanguage = available.first?.language ?? language
        var chosen: [TreebankInfo]
        if let treebankNames, !treebankNames.isEmpty {
            chosen = try treebankNames.map { name in
                guard let match = available.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw CorpusError.unknownTreebank(name: name, language: resolvedLanguage, known: available.map(\.name))
                }
                return match
            }
            chosen = Array(Set(chosen)).sorted { $0.name < $1.name }
        } else {
            let complete = available.filter(\.hasAllSplits)
            chosen = complete.isEmpty ? available : complete
        }
        let resolvedRecipe = try recipe ?? (chosen.allSatisfy(\.hasAllSplits) ? .original : .hashed(seed: seed))
        if resolvedRecipe.method == .original {
            for treebank in chosen {
                for split in DataSplit.allCases where treebank.files[split] == nil {
                    throw CorpusError.missingSplit(treebank: treebank.identifier, split: split)
                }
            }
        }
        let jobs: [(treebank: String, split: DataSplit, url: URL)] = chosen.flatMap { treebank in
            treebank.splits.compactMap { split in treebank.files[split].map { (treebank.name, split, $0) } }
        }
        let parsed = try CoNLLUReader.readAll(jobs.map(\.url))
        return try LanguageCorpus(
            language: resolvedLanguage, treebanks: chosen, recipe: resolvedRecipe,
            files: zip(jobs, parsed).map { ($0.treebank, $0.split, $1) })
    }

    /// The CoNLL-U files in extraction order.
    public var fileURLs: [URL] { files.map(\.contents.url) }

    /// Sentences per split.
    public var sentenceCounts: SplitCounts {
        var counts = SplitCounts()
        for file in files { for split in file.sentenceSplits { counts[split] += 1 } }
        return counts
    }

    /// Syntactic words per split.
    public var wordCounts: SplitCounts {
        var counts = SplitCounts()
        for file in files {
            for (sentence, split) in zip(file.contents.sentences, file.sentenceSplits) { counts[split] += sentence.words.count }
        }
        return counts
    }

    /// Calls `body` for every word with its split, file, sentence and position, in file order.
    public func forEachWord(
        _ body: (_ word: TreebankWord, _ split: DataSplit, _ file: CorpusFile, _ sentence: TreebankSentence, _ index: Int) throws -> Void
    ) rethrows {
        for file in files {
            for (sentence, split) in zip(file.contents.sentences, file.sentenceSplits) {
                for (index, word) in sentence.words.enumerated() { try body(word, split, file, sentence, index) }
            }
        }
    }
}
