extension LanguageCorpus {
    /// Counts every attribute value per split in one pass and applies `settings`' filters.
    ///
    /// - Parameter availableTreebanks: for the report, the language's treebanks that exist.
    public func summary(
        mapping: UniMorphMapping, settings: DatasetSettings = DatasetSettings(),
        availableTreebanks: [String]? = nil
    ) -> LanguageSummary {
        var tallies = Array(repeating: AttributeTally(), count: settings.attributes.count)
        var drops: [UniMorphDrop: Int] = [:]
        forEachWord { word, split, _, _, _ in
            let analysis = mapping.analyse(word)
            for (index, attribute) in settings.attributes.enumerated() {
                if let value = analysis.values[attribute] {
                    tallies[index].add(value: value, form: word.form, split: split)
                } else {
                    tallies[index].wordsWithout[split] += 1
                    if analysis.drops.contains(where: { $0.reason == .conflict && $0.attribute == attribute }) {
                        tallies[index].conflicts[split] += 1
                    }
                }
            }
            for drop in analysis.drops where drop.reason != .conflict {
                drops[UniMorphDrop(feature: drop.feature, value: drop.value, reason: drop.reason), default: 0] += 1
            }
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
