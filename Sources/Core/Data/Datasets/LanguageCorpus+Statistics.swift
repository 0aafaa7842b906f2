extension LanguageCorpus {
    /// Counts every attribute value per split in one pass and applies `settings`' filters.
    ///
    /// - Parameter availableTreebanks: for the report, the language's treebanks that exist.
    public func summary(
        mapping: UniMorphMapping, settings: DatasetSettings = DatasetSettings(),
        availableTreebanks: [String]? = nil
    ) -> LanguageSummary {
        var tallies = Array(repeating: AttributeTally(), count: settings.attributes.count)
        let slot = Dictionary(settings.attributes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var words = SplitCounts()
        var drops: [UniMorphDrop: Int] = [:]
        forEachWord { word, split, _, _, _ in
            let analysis = mapping.analyse(word)
            words[split] += 1
            // Only the dimensions the word has are visited; "without" is derived below.
            for (attribute, value) in analysis.values {
                if let index = slot[attribute] { tallies[index].add(value: value, form: word.form, split: split) }
            }
            for drop in analysis.drops {
                if drop.reason == .conflict {
                    if let attribute = drop.attribute, let index = slot[attribute] { tallies[index].conflicts[split] += 1 }
                } else {
                    drops[drop, default: 0] += 1
                }
            }
        }
        for index in tallies.indices {
            let carrying = tallies[index].values.values.reduce(SplitCounts()) { $0 + $1.tokens }
            tallies[index].wordsWithout = SplitCounts(
                train: words.train - carrying.train, dev: words.dev - carrying.dev, test: words.test - carrying.test)
        }
        let files = files.map { file in
            var bySplit = SplitCounts()
            for split in file.sentenceSplits { bySplit[split] += 1 }
            return LanguageSummary.FileSummary(
                treebank: file.treebank, file: file.name, originalSplit: file.originalSplit,
                sentences: file.contents.sentences.count, words: file.contents.wordCount,
                sentencesBySplit: bySplit,
                readerDropped: Dictionary(uniqueKeysWithValues: file.contents.dropped.map { ($0.key.rawValue, $0.value) }))
        }
        let mappingDrops = drops.map { MappingDropCount(source: $0.key.source, reason: $0.key.reason, count: $0.value) }
            .sorted { ($0.count, $1.source) > ($1.count, $0.source) }
        return LanguageSummary(
            language: language, treebanks: treebanks.map(\.identifier),
            availableTreebanks: availableTreebanks ?? treebanks.map(\.identifier),
            recipe: recipe, split: recipe.description, files: files,
            sentences: sentenceCounts, words: wordCounts, settings: settings,
            attributes: zip(settings.attributes, tallies).map { $1.statistics(for: $0, settings: settings) },
            mappingDrops: mappingDrops)
    }
}
