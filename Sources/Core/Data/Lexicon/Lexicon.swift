/// A form → analyses lexicon of one language, built from its treebanks: the lemmatiser and
/// morphological analyser (and, read backwards, the inflector) of intervention metrics.
///
/// ```swift
/// let lexicon = Lexicon(corpus: english, mapping: mapping)
/// lexicon.analyses(of: "walked").first?.lemma   // "walk"
/// lexicon.forms(of: "walk", with: ["V", "PST"]) // ["walked"]
/// ```
public struct Lexicon: Sendable {
    /// The language.
    public var language: String
    /// Every analysed form with its analyses, most frequent first.
    public private(set) var entries: [String: [LexiconEntry]]
    private var formsByLowercase: [String: [String]]
    private var formsByLemma: [String: [String]]

    /// Builds the lexicon from parsed files.
    public init(language: String, files: [TreebankFile], mapping: UniMorphMapping) {
        struct Key: Hashable {
            var form: String
            var lemma: String?
            var upos: String?
            var features: [String]
        }
        var counts: [Key: Int] = [:]
        for file in files {
            for sentence in file.sentences {
                for word in sentence.words {
                    let tags = mapping.analyse(word).tags(in: mapping.tagSet)
                    counts[Key(form: word.form, lemma: word.lemma, upos: word.upos, features: tags), default: 0] += 1
                }
            }
        }
        var entries: [String: [LexiconEntry]] = [:]
        for (key, count) in counts {
            entries[key.form, default: []].append(LexiconEntry(lemma: key.lemma, upos: key.upos, features: key.features, count: count))
        }
        var lowercase: [String: [String]] = [:]
        var lemmas: [String: Set<String>] = [:]
        for (form, analyses) in entries {
            entries[form] = analyses.sorted {
                ($0.count, $1.lemma ?? "", $1.bundle) > ($1.count, $0.lemma ?? "", $0.bundle)
            }
            lowercase[form.lowercased(), default: []].append(form)
            for entry in analyses { if let lemma = entry.lemma { lemmas[lemma, default: []].insert(form) } }
        }
        self.language = language
        self.entries = entries
        formsByLowercase = lowercase.mapValues { $0.sorted() }
        formsByLemma = lemmas.mapValues { $0.sorted() }
    }

    /// Builds the lexicon from every sentence of a corpus (all splits).
    public init(corpus: LanguageCorpus, mapping: UniMorphMapping) {
        self.init(language: corpus.language, files: corpus.files.map(\.contents), mapping: mapping)
    }

    /// The number of distinct forms.
    public var formCount: Int { entries.count }

    /// The analyses of `form`, most frequent first. With `ignoringCase`, the analyses of every
    /// form that differs only in case are merged, counts of equal analyses summed.
    public func analyses(of form: String, ignoringCase: Bool = false) -> [LexiconEntry] {
        guard ignoringCase else { return entries[form] ?? [] }
        var merged: [LexiconEntry] = []
        for other in formsByLowercase[form.lowercased()] ?? [] {
            for entry in entries[other] ?? [] {
                if let index = merged.firstIndex(where: {
                    $0.lemma == entry.lemma && $0.upos == entry.upos && $0.features == entry.features
                }) {
                    merged[index].count += entry.count
                } else {
                    merged.append(entry)
                }
            }
        }
        return merged.sorted { ($0.count, $1.lemma ?? "", $1.bundle) > ($1.count, $0.lemma ?? "", $0.bundle) }
    }

    /// The most frequent lemma of `form` (falling back to a case-insensitive match).
    public func lemma(of form: String) -> String? {
        let exact = entries[form]?.first(where: { $0.lemma != nil })?.lemma
        return exact ?? analyses(of: form, ignoringCase: true).first(where: { $0.lemma != nil })?.lemma
    }

    /// The forms seen with `lemma`, sorted.
    public func forms(of lemma: String) -> [String] { formsByLemma[lemma] ?? [] }

    /// The forms of `lemma` whose analysis has every tag of `tags`, most frequent first:
    /// the inflector, e.g. `forms(of: "walk", with: ["V", "PST"])`.
    public func forms(of lemma: String, with tags: [String]) -> [String] {
        var scored: [(form: String, count: Int)] = []
        for form in forms(of: lemma) {
            let count = (entries[form] ?? []).filter { $0.lemma == lemma && $0.has(tags) }.reduce(0) { $0 + $1.count }
            if count > 0 { scored.append((form, count)) }
        }
        return scored.sorted { ($0.count, $1.form) > ($1.count, $0.form) }.map(\.form)
    }
}
