import Foundation

extension AttributeDataset {
    /// Builds the dataset of one (language, attribute) straight from the shared data: the
    /// one call a probing study needs.
    ///
    /// ```swift
    /// let number = try AttributeDataset.load(language: "English", attribute: .number)
    /// // extract activations for number.files, then:
    /// let train = number.rows(for: .train, rowOfSentence: cache.rowOfSentence)
    /// ```
    ///
    /// - Parameters:
    ///   - shared: where the UniMorph tables (and, by default, `ud/`) are.
    ///   - udRoot: the UD root; default ``SharedData/udRoot(environment:)``.
    ///   - treebanks, recipe, seed: see ``LanguageCorpus/load(language:from:treebanks:recipe:seed:)``.
    /// - Throws: ``CorpusError``, ``CoNLLUError`` or ``UniMorphError``.
    public static func load(
        language: String, attribute: UniMorphAttribute, shared: SharedData = SharedData(), udRoot: URL? = nil,
        treebanks: [String]? = nil, recipe: SplitRecipe? = nil, seed: UInt64 = 0,
        settings: DatasetSettings = DatasetSettings()
    ) throws -> AttributeDataset {
        let mapping = try UniMorphMapping.load(from: shared)
        let registry = try CorpusRegistry.scan(udRoot ?? shared.udRoot())
        let corpus = try LanguageCorpus.load(language: language, from: registry, treebanks: treebanks, recipe: recipe, seed: seed)
        return corpus.dataset(for: attribute, mapping: mapping, settings: settings)
    }
}
