import Foundation
import Testing

@testable import Corpora

@Suite("UD → UniMorph mapping")
struct UniMorphMappingTests {
    let mapping = DataTestSupport.tinyMapping

    @Test("features and UPOS map to dimension values")
    func basic() {
        let analysis = mapping.analyse(upos: "NOUN", features: ["Number": "Plur", "Case": "Nom"])
        #expect(analysis.values == [.partOfSpeech: "N", .number: "PL", .case: "NOM"])
        #expect(analysis.bundle(in: mapping.tagSet) == "N;NOM;PL")
        #expect(analysis.drops.isEmpty)
    }

    @Test("a conjunction is one value; a trailing LGSPEC tag is dropped")
    func conjunction() {
        #expect(mapping.analyse(upos: nil, features: ["Case": "Ine"]).values == [.case: "IN+ESS"])
        let additive = mapping.analyse(upos: nil, features: ["Case": "Add"])
        #expect(additive.values == [.case: "IN+ESS"])
        #expect(additive.drops.map(\.reason) == [.languageSpecific])
    }

    @Test("unmapped, disjunctive, cross-dimension and unknown values are dropped with a reason")
    func drops() {
        func reasons(_ upos: String?, _ features: [String: String]) -> [UniMorphDropReason] {
            let analysis = mapping.analyse(upos: upos, features: features)
            #expect(analysis.values.isEmpty)
            return analysis.drops.map(\.reason)
        }
        #expect(reasons("PUNCT", [:]) == [.unmapped])
        #expect(reasons("SYM", [:]) == [.unmapped])
        #expect(reasons(nil, ["PronType": "Prs"]) == [.unmapped])
        #expect(reasons(nil, ["Case": "Acc,Nom"]) == [.disjunctive])
        #expect(reasons(nil, ["Case": "Dis"]) == [.disjunctive])
        #expect(reasons(nil, ["Tense": "Pqp"]) == [.crossDimension])
        #expect(reasons(nil, ["Case": "Xyz"]) == [.unknownTag])
    }

    @Test("a refinement wins (V → V.PTCP); a real conflict drops the dimension")
    func conflicts() {
        #expect(mapping.analyse(upos: "VERB", features: ["VerbForm": "Part"]).values[.partOfSpeech] == "V.PTCP")
        let adjective = mapping.analyse(upos: "ADJ", features: ["VerbForm": "Part", "Number": "Sing"])
        #expect(adjective.values == [.number: "SG"])
        #expect(adjective.drops == [UniMorphDrop(feature: "Part of Speech", value: "ADJ", reason: .conflict, attribute: .partOfSpeech)]
            || adjective.drops == [UniMorphDrop(feature: "Part of Speech", value: "V.PTCP", reason: .conflict, attribute: .partOfSpeech)])
    }

    @Test("the TSV parser skips the header, keeps empty rows and rejects duplicates")
    func tableParser() throws {
        let rows = try UniMorphMapping.parseTable("UD\tUniMorph\tIssue\r\nCase=Nom\tNOM\t\r\nCase=Del\t\tYes\r\nNOUN\tN\n", fileName: "m.tsv")
        #expect(rows == ["Case=Nom": "NOM", "Case=Del": "", "NOUN": "N"])
        #expect(throws: UniMorphError.malformedLine(file: "m.tsv", line: 3, column: 1, reason: "'Case=Nom' listed twice")) {
            try UniMorphMapping.parseTable("UD\tUniMorph\nCase=Nom\tNOM\nCase=Nom\tACC\n", fileName: "m.tsv")
        }
    }

    @Test("the YAML reader reads dimensions, quoted names and the ordering")
    func yamlReader() throws {
        let yaml = "# comment\ncategories:\n  Number:\n    - SG\n    - PL\n  'Part of Speech':\n    - N\n  Person:\n    - '1'\n\nordering:\n  - 'Part of Speech'\n  - Number\n"
        let tags = try UniMorphTagSet.parse(yaml, fileName: "t.yaml")
        #expect(tags.attributes == ["Number", "Part of Speech", "Person"])
        #expect(tags.dimension(of: "PL") == .number)
        #expect(tags.dimension(of: "1") == .person)
        #expect(tags.ordering == [.partOfSpeech, .number])
        #expect(throws: UniMorphError.self) { try UniMorphTagSet.parse("categories:\n- SG\n", fileName: "t.yaml") }
        #expect(throws: UniMorphError.self) { try UniMorphTagSet.parse("categories:\n  A:\n    - X\n  B:\n    - X\n", fileName: "t.yaml") }
    }

    @Test("attribute names parse from full names, slugs and prefixes")
    func attributeNames() throws {
        let known = UniMorphAttribute.studied
        #expect(try UniMorphAttribute.parse("gender", among: known) == .gender)
        #expect(try UniMorphAttribute.parse("pos", among: known) == .partOfSpeech)
        #expect(try UniMorphAttribute.parse("part-of-speech", among: known) == .partOfSpeech)
        #expect(try UniMorphAttribute.parse("CASE", among: known) == .case)
        #expect(throws: UniMorphError.self) { try UniMorphAttribute.parse("p", among: known) }
    }

    @Test("the shared tables map known UD features", .enabled(if: DataTestSupport.hasSharedTables, "needs ../shared (or $NEURON_SHARED) with ud/ and data/; skipped"))
    func sharedTables() throws {
        let mapping = try #require(DataTestSupport.sharedMapping)
        #expect(mapping.tagSet.attributes.count == 24)
        let walked = mapping.analyse(upos: "VERB", features: ["Mood": "Ind", "Tense": "Past", "VerbForm": "Fin"])
        #expect(walked.bundle(in: mapping.tagSet) == "V;FIN;IND;PST")
        let finnish = mapping.analyse(upos: "NOUN", features: ["Case": "Ine", "Number": "Plur"])
        #expect(finnish.values == [.partOfSpeech: "N", .case: "IN+ESS", .number: "PL"])
        #expect(mapping.analyse(upos: nil, features: ["Gender": "Com"]).values[.gender] == "MASC+FEM")
        #expect(mapping.analyse(upos: nil, features: ["Definite": "Cons"]).values[.possession] == "PSSD")
        #expect(mapping.analyse(upos: nil, features: ["Tense": "Imp"]).values[.aspect] == "IPFV")
        #expect(mapping.analyse(upos: nil, features: ["Person": "0"]).values[.person] == "0")
        #expect(mapping.analyse(upos: "AUX", features: [:]).values[.partOfSpeech] == "V")
        #expect(mapping.analyse(upos: "PUNCT", features: [:]).values.isEmpty)
        #expect(mapping.analyse(upos: nil, features: ["Tense": "Pqp"]).drops.map(\.reason) == [.crossDimension])
    }

    @Test("a missing table names its full path and how the shared folder is found")
    func missingTable() {
        let absent = URL(fileURLWithPath: "/nonexistent/shared/data/unimorph-tags.yaml")
        let error = #expect(throws: UniMorphError.self) { try UniMorphMapping.load(table: absent, tags: absent) }
        #expect(error?.description == "/nonexistent/shared/data/unimorph-tags.yaml: cannot read UniMorph table: "
                + "no such file (the shared data folder is found by --shared or NEURON_SHARED)")
    }
}
