import Foundation

extension CorpusRegistry {
    /// Loads and summarises several languages concurrently, in the order given.
    ///
    /// - Parameters:
    ///   - languages: names or codes; empty means every language of the registry.
    ///   - treebanks: treebank names to pool (applies to each language); `nil` chooses automatically.
    ///   - recipe: the split recipe; `nil` chooses per language (see ``LanguageCorpus/load(language:from:treebanks:recipe:seed:)``).
    /// - Throws: the first error in language order.
    public func summaries(
        languages: [String] = [], treebanks: [String]? = nil, recipe: SplitRecipe? = nil, seed: UInt64 = 0,
        mapping: UniMorphMapping, settings: DatasetSettings = DatasetSettings()
    ) throws -> [LanguageSummary] {
        let chosen = try (languages.isEmpty ? self.languages : languages).map { try language(named: $0) }
        let slots = ResultSlots<LanguageSummary>(count: chosen.count)
        DispatchQueue.concurrentPerform(iterations: chosen.count) { index in
            slots.set(index, Result {
                let corpus = try LanguageCorpus.load(
                    language: chosen[index], from: self, treebanks: treebanks, recipe: recipe, seed: seed)
                let available = try self.treebanks(of: chosen[index]).map(\.identifier)
                return corpus.summary(mapping: mapping, settings: settings, availableTreebanks: available)
            })
        }
        return try slots.values().map { try $0.get() }
    }
}
