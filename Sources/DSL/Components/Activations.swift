import Core

/// Activations a user extracted elsewhere (PyTorch, TransformerLens, nnsight), instead of a `Model`:
/// `.npy` arrays [words, neurons] (float32 or float16, one per layer) with one label per row. They go
/// through the same rankings, probes, control task and report as a model's cached activations.
///
/// ```swift
/// Activations(npy: "acts.npy", labels: "labels.tsv")                       // label[<TAB>split[<TAB>word]] per line
/// Activations(npy: ["x/layer-04.npy", "x/layer-08.npy"], labels: "labels.tsv", concatenated: true)   // L4, L8, both side by side
/// Activations(npy: "acts.npy", conllu: ["en_ewt-ud-train.conllu", "en_ewt-ud-dev.conllu", "en_ewt-ud-test.conllu"],
///             attribute: .number)                                           // rows = the files' words, in order
/// ```
public struct Activations: StudyComponent {
    public static let componentName = "Activations"
    public var source: ActivationImport
    /// Also probe the arrays side by side (Durrani et al. §5), as `Layers(…, concatenated: true)` does for a model.
    public var concatenated = false

    /// `Activations(npy: "acts.npy", labels: "labels.tsv")`: one array, one label table.
    public init(npy: String, labels: String, layer: Int? = nil, splitSeed: UInt64 = 0) {
        source = ActivationImport(arrays: [npy], labels: [labels], layers: layer.map { [$0] }, splitSeed: splitSeed)
    }

    /// `Activations(npy: ["layer-04.npy", "layer-08.npy"], labels: "labels.tsv", layers: [4, 8])`: one array per layer.
    public init(npy: [String], labels: String, layers: [Int]? = nil, splitSeed: UInt64 = 0, concatenated: Bool = false) {
        source = ActivationImport(arrays: npy, labels: [labels], layers: layers, splitSeed: splitSeed)
        self.concatenated = concatenated
    }

    /// `Activations(npy: "acts.npy", conllu: ["a.conllu"], attribute: .number)`: CoNLL-U words as rows.
    public init(npy: String, conllu: [String], attribute: Attribute, layer: Int? = nil, splitSeed: UInt64 = 0) {
        source = ActivationImport(arrays: [npy], labels: conllu, attribute: attribute.name, layers: layer.map { [$0] }, splitSeed: splitSeed)
    }

    /// `Activations(npy: ["layer-02.npy", "layer-04.npy"], conllu: ["a.conllu"], attribute: .gender)`.
    public init(npy: [String], conllu: [String], attribute: Attribute, layers: [Int]? = nil, splitSeed: UInt64 = 0,
                concatenated: Bool = false) {
        source = ActivationImport(arrays: npy, labels: conllu, attribute: attribute.name, layers: layers, splitSeed: splitSeed)
        self.concatenated = concatenated
    }

    /// Any import (the REPL's `use npy …`).
    public init(_ source: ActivationImport, concatenated: Bool = false) {
        self.source = source
        self.concatenated = concatenated
    }

    public func apply(to study: inout StudyDescription) {
        study.activations = source
        study.allLayersConcatenated = concatenated
    }
    public func problems() -> [StudyError] { source.problems().map(StudyError.init) }

    public var description: String {
        func quoted(_ values: [String]) -> String {
            values.count == 1 ? "\"\(values[0])\"" : "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
        var text = "Activations(npy: \(quoted(source.arrays)), "
        if let attribute = source.attribute {
            text += "conllu: [" + source.labels.map { "\"\($0)\"" }.joined(separator: ", ") + "], attribute: \(Attribute(attribute))"
        } else {
            text += "labels: \(quoted(source.labels))"
        }
        if let layers = source.layers {
            text += source.arrays.count == 1 && layers.count == 1 ? ", layer: \(layers[0])" : ", layers: \(layers)"
        }
        if source.splitSeed != 0 { text += ", splitSeed: \(source.splitSeed)" }
        if concatenated { text += ", concatenated: true" }
        return text + ")"
    }
}
