import Corpora
import Foundation

/// Activations and labels a user brings instead of a model: `.npy` arrays of shape [words, neurons]
/// (float32 or float16, e.g. from PyTorch, TransformerLens or nnsight, one array per layer) and their
/// labels, one per row. A study holds it in ``StudyDescription/activations``; ``ImportedActivations``
/// opens it.
///
/// Labels come from
/// - a table (`.tsv`, `.txt`; see ``LabelTable``): one label per line, optionally a split column
///   (`label<TAB>split`, train/dev/test) and a word column (for the control task's word types);
/// - or CoNLL-U files, word by word (multiword tokens expanded, empty nodes skipped, as the cache
///   counts words), labelled by a UniMorph ``attribute`` through the same UD → UniMorph mapping and
///   type filter as the treebank studies.
///
/// Without a split column (or train/dev/test CoNLL-U files), rows are split 80/10/10 by a seeded
/// hash (``SplitRecipe``): of the row number for a table, of `sent_id` for CoNLL-U.
public struct ActivationImport: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The `.npy` files, one per layer.
    public var arrays: [String]
    /// One label table, or CoNLL-U files in the order of the arrays' rows.
    public var labels: [String]
    /// The UniMorph attribute labelling CoNLL-U words (`Number`, `pos`, …); nil for a table.
    public var attribute: String?
    /// The layer number of each array; nil: from names like `layer-04.npy` (what `workbench extract
    /// --export` writes), else 0, 1, … in order.
    public var layers: [Int]?
    /// The seed of the hashed split used when the labels give none.
    public var splitSeed: UInt64

    public init(arrays: [String], labels: [String], attribute: String? = nil, layers: [Int]? = nil, splitSeed: UInt64 = SplitRecipe.defaultHashed.seed) {
        self.arrays = arrays
        self.labels = labels
        self.attribute = attribute
        self.layers = layers
        self.splitSeed = splitSeed
    }

    /// Whether the labels are CoNLL-U files (else one table).
    public var labelsAreCoNLLU: Bool {
        !labels.isEmpty && labels.allSatisfy { $0.lowercased().hasSuffix(".conllu") || $0.lowercased().hasSuffix(".conll") }
    }

    public var arrayURLs: [URL] { arrays.map { URL(fileURLWithPath: $0) } }
    public var labelURLs: [URL] { labels.map { URL(fileURLWithPath: $0) } }

    /// The layer number of each array, in order.
    public var resolvedLayers: [Int] {
        if let layers { return layers }
        let numbers = arrays.map { Self.layerNumber(inFileName: URL(fileURLWithPath: $0).lastPathComponent) }
        let found = numbers.compactMap { $0 }
        if found.count == arrays.count, Set(found).count == found.count { return found }
        return Array(0..<arrays.count)
    }

    /// 4 for `layer-04.npy` or `layer_4.npy`; nil for other names.
    static func layerNumber(inFileName name: String) -> Int? {
        let stem = name.lowercased().replacingOccurrences(of: ".npy", with: "")
        guard stem.hasPrefix("layer") else { return nil }
        let digits = stem.dropFirst("layer".count).drop { $0 == "-" || $0 == "_" }
        return digits.isEmpty ? nil : Int(digits)
    }

    /// The name results give the activations, as a model's name: the array's stem, or its folder's
    /// name for `layer-NN.npy` files.
    public var sourceName: String {
        guard let first = arrayURLs.first else { return "npy" }
        let stem = first.deletingPathExtension().lastPathComponent
        let named = Self.layerNumber(inFileName: first.lastPathComponent) == nil ? stem : first.deletingLastPathComponent().lastPathComponent
        let cleaned = named.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
        return cleaned.isEmpty ? "npy" : String(cleaned)
    }

    /// Problems that need no file to find (studies report them as ``StudyError/invalidValue(component:problem:)``
    /// of `Activations`).
    public func problems() -> [ActivationImportError] {
        var problems: [ActivationImportError] = []
        if arrays.isEmpty { problems.append(.invalidSpecification("no .npy array")) }
        if let bad = arrays.first(where: { !$0.lowercased().hasSuffix(".npy") }) {
            problems.append(.invalidSpecification("'\(bad)' is not a .npy file (numpy.save writes one)"))
        }
        if labels.isEmpty { problems.append(.invalidSpecification("no labels file")) }
        if labels.count > 1 && !labelsAreCoNLLU {
            problems.append(.invalidSpecification("several labels files must all be CoNLL-U; a table is one .tsv or .txt"))
        }
        if labelsAreCoNLLU && (attribute ?? "").isEmpty {
            problems.append(.invalidSpecification("CoNLL-U labels need an attribute, e.g. attribute: .number"))
        }
        if !labelsAreCoNLLU, let attribute, !attribute.isEmpty {
            problems.append(.invalidSpecification("attribute '\(attribute)' applies to CoNLL-U labels; a table holds its labels itself"))
        }
        if let layers {
            if layers.count != arrays.count {
                problems.append(.invalidSpecification("\(layers.count) layer numbers for \(arrays.count) arrays"))
            } else if Set(layers).count != layers.count {
                problems.append(.invalidSpecification("layer numbers repeat: \(layers)"))
            } else if let negative = layers.first(where: { $0 < 0 }) {
                problems.append(.invalidSpecification("layer \(negative) is negative"))
            }
        }
        return problems
    }

    public var description: String {
        "\(arrays.joined(separator: ", ")) labelled by \(labels.joined(separator: ", "))" + (attribute.map { " (\($0))" } ?? "")
    }
}
