/// Accumulates token and type counts of attribute values over a corpus (internal helper).
struct AttributeTally {
    struct ValueTally {
        var tokens = SplitCounts()
        var types: [Set<String>] = [[], [], []]
    }

    var values: [String: ValueTally] = [:]
    var conflicts = SplitCounts()
    var wordsWithout = SplitCounts()

    mutating func add(value: String, form: String, split: DataSplit) {
        Self.update(&values[value, default: ValueTally()], form: form, split: split)
    }

    /// One dictionary access per word: the tally is modified in place.
    private static func update(_ tally: inout ValueTally, form: String, split: DataSplit) {
        tally.tokens[split] += 1
        tally.types[split.index].insert(form)
    }

    /// The statistics after applying `settings`' thresholds.
    func statistics(for attribute: UniMorphAttribute, settings: DatasetSettings) -> AttributeStatistics {
        var stats: [ValueStatistics] = values.map { value, tally in
            let types = SplitCounts(train: tally.types[0].count, dev: tally.types[1].count, test: tally.types[2].count)
            return ValueStatistics(value: value, tokens: tally.tokens, types: types, kept: types.minimum >= settings.minTypes)
        }
        stats.sort { ($0.tokens.total, $1.value) > ($1.tokens.total, $0.value) }
        let kept = stats.filter(\.kept).count
        return AttributeStatistics(
            attribute: attribute, values: stats, conflicts: conflicts, wordsWithout: wordsWithout,
            minTypes: settings.minTypes, isTask: kept >= settings.minValues)
    }
}
