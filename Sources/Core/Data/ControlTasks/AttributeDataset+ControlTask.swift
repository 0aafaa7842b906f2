extension AttributeDataset {
    /// The same words with control-task labels: each word type gets a fixed random label,
    /// shared across splits (Hewitt & Liang 2019).
    ///
    /// The empirical sampler draws from this dataset's training label distribution (tokens).
    /// Label names stay the dataset's, so the task has the same label set and size.
    public func controlTask(_ sampler: ControlTask.Sampler, seed: UInt64) -> AttributeDataset {
        precondition(!labels.isEmpty, "no labels to build a control task over")
        let task: ControlTask = switch sampler {
        case .uniform: .uniform(labelCount: labels.count, seed: seed)
        case .empirical:
            labelCounts(.train).reduce(0, +) > 0
                ? .empirical(counts: labelCounts(.train), seed: seed)
                : .uniform(labelCount: labels.count, seed: seed)
        }
        var control = self
        var cache: [String: Int] = [:]
        for split in DataSplit.allCases {
            control[split] = self[split].map { example in
                var relabelled = example
                if let label = cache[example.form] {
                    relabelled.label = label
                } else {
                    let label = task.label(for: example.form)
                    cache[example.form] = label
                    relabelled.label = label
                }
                return relabelled
            }
        }
        control.provenance.controlTask = task
        return control
    }
}
