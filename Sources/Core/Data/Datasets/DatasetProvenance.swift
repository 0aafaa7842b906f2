/// Where a dataset came from and what was left out: enough to rebuild it and to report it.
public struct DatasetProvenance: Sendable, Hashable, Codable {
    public var language: String
    public var attribute: UniMorphAttribute
    /// Treebanks pooled (`English-EWT`).
    public var treebanks: [String]
    /// CoNLL-U file names in extraction order.
    public var files: [String]
    public var recipe: SplitRecipe
    /// ``SplitRecipe/description``, e.g. "re-split 80/10/10 by FNV-1a 64 …".
    public var split: String
    public var minTypes: Int
    /// ``DatasetSettings/typeUnit``.
    public var typeUnit: String
    /// Values that became labels.
    public var keptValues: [ValueStatistics]
    /// Values removed by the type threshold.
    public var droppedValues: [ValueStatistics]
    /// Examples per split.
    public var examples: SplitCounts
    /// Words outside the task (no value for this attribute).
    public var wordsWithoutAttribute: SplitCounts
    /// Words whose value was removed by the threshold.
    public var wordsWithDroppedValue: SplitCounts
    /// Words whose value was dropped because two UD features disagreed.
    public var conflicts: SplitCounts
    /// The control task that replaced the labels, if any.
    public var controlTask: ControlTask?

    /// Memberwise, for the rooms that build a provenance (corpora, imported labels).
    package init(language: String, attribute: UniMorphAttribute, treebanks: [String], files: [String], recipe: SplitRecipe, split: String, minTypes: Int, typeUnit: String, keptValues: [ValueStatistics], droppedValues: [ValueStatistics], examples: SplitCounts, wordsWithoutAttribute: SplitCounts, wordsWithDroppedValue: SplitCounts, conflicts: SplitCounts, controlTask: ControlTask?) {
        self.language = language
        self.attribute = attribute
        self.treebanks = treebanks
        self.files = files
        self.recipe = recipe
        self.split = split
        self.minTypes = minTypes
        self.typeUnit = typeUnit
        self.keptValues = keptValues
        self.droppedValues = droppedValues
        self.examples = examples
        self.wordsWithoutAttribute = wordsWithoutAttribute
        self.wordsWithDroppedValue = wordsWithDroppedValue
        self.conflicts = conflicts
        self.controlTask = controlTask
    }

    /// A few lines for reports.
    public var summary: String {
        var lines = [
            "\(language) \(attribute): \(treebanks.joined(separator: " + ")); \(split)",
            "values kept (≥\(minTypes) types per split): \(keptValues.map(\.value).joined(separator: ", "))",
            "examples train/dev/test: \(examples.train)/\(examples.dev)/\(examples.test)",
        ]
        if !droppedValues.isEmpty {
            lines.append("values dropped: " + droppedValues.map {
                "\($0.value) (types \($0.types.train)/\($0.types.dev)/\($0.types.test))"
            }.joined(separator: ", "))
        }
        lines.append("words dropped: \(wordsWithDroppedValue.total) with a dropped value, \(conflicts.total) with conflicting values; \(wordsWithoutAttribute.total) without the attribute")
        if let controlTask { lines.append("labels: \(controlTask)") }
        return lines.joined(separator: "\n")
    }
}
