extension LanguageCorpus {
    /// The dataset of `attribute`: words carrying a value that has at least `settings.minTypes`
    /// word types in every split, labelled by that value (Torroba Hennigen et al. 2020).
    ///
    /// Words without the attribute are outside the task; words whose value was filtered out or
    /// conflicted are counted in the provenance. Labels are the kept values, sorted.
    public func dataset(
        for attribute: UniMorphAttribute, mapping: UniMorphMapping, settings: DatasetSettings = DatasetSettings()
    ) -> AttributeDataset {
        var tally = AttributeTally()
        var candidates: [(split: DataSplit, example: AttributeExample, value: String)] = []
        for file in files {
            for (sentenceIndex, (sentence, split)) in zip(file.contents.sentences, file.sentenceSplits).enumerated() {
                for (wordIndex, word) in sentence.words.enumerated() {
                    let analysis = mapping.analyse(word)
                    guard let value = analysis.values[attribute] else {
                        tally.wordsWithout[split] += 1
                        if analysis.drops.contains(where: { $0.reason == .conflict && $0.attribute == attribute }) {
                            tally.conflicts[split] += 1
                        }
                        continue
                    }
                    tally.add(value: value, form: word.form, split: split)
                    let example = AttributeExample(
                        fileName: file.name, sentenceID: sentence.id, sentenceIndex: sentenceIndex,
                        wordIndex: wordIndex, form: word.form, label: -1)
                    candidates.append((split, example, value))
                }
            }
        }
        let statistics = tally.statistics(for: attribute, settings: settings)
        let labels = statistics.keptValues.map(\.value).sorted()
        let labelOf = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var splits: [[AttributeExample]] = [[], [], []]
        for candidate in candidates {
            guard let label = labelOf[candidate.value] else { continue }
            var example = candidate.example
            example.label = label
            splits[candidate.split.index].append(example)
        }
        let provenance = DatasetProvenance(
            language: language, attribute: attribute, treebanks: treebanks.map(\.identifier),
            files: files.map(\.name), recipe: recipe, split: recipe.description, minTypes: settings.minTypes,
            typeUnit: DatasetSettings.typeUnit, keptValues: statistics.keptValues,
            droppedValues: statistics.droppedValues, examples: statistics.examples,
            wordsWithoutAttribute: statistics.wordsWithout, wordsWithDroppedValue: statistics.wordsWithDroppedValue,
            conflicts: statistics.conflicts, controlTask: nil)
        return AttributeDataset(
            language: language, attribute: attribute, labels: labels, train: splits[0], dev: splits[1],
            test: splits[2], files: fileURLs, provenance: provenance)
    }

    /// The datasets of every attribute in `settings` that is a task (enough surviving values).
    public func datasets(mapping: UniMorphMapping, settings: DatasetSettings = DatasetSettings()) -> [AttributeDataset] {
        settings.attributes.map { dataset(for: $0, mapping: mapping, settings: settings) }.filter(\.isTask)
    }
}
