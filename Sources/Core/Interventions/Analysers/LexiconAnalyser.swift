import Corpora
/// Analyses forms by the treebank lexicon: every analysis a form had in the language's treebanks
/// (case-insensitive), each mapped through the UniMorph tag set.
public struct LexiconAnalyser: MorphologicalAnalyser {
    public var lexicon: Lexicon
    public var tagSet: UniMorphTagSet
    public var name: String { "lexicon" }

    /// Creates the analyser from a lexicon and the tag set that sorts its tags into attributes.
    public init(lexicon: Lexicon, tagSet: UniMorphTagSet) {
        self.lexicon = lexicon
        self.tagSet = tagSet
    }

    public func analyse(_ forms: [String]) -> [[MorphologicalReading]] {
        forms.map { form in
            var readings: [MorphologicalReading] = []
            for entry in lexicon.analyses(of: form, ignoringCase: true) {
                guard let lemma = entry.lemma else { continue }
                var values: [UniMorphAttribute: Set<String>] = [:]
                for tag in entry.features {
                    if let attribute = tagSet.dimension(of: tag) { values[attribute, default: []].insert(tag) }
                }
                let reading = MorphologicalReading(lemma: lemma, values: values)
                if !readings.contains(reading) { readings.append(reading) }
            }
            return readings
        }
    }
}
