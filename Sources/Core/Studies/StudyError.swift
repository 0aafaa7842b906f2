import Foundation
import Analysis

/// What is wrong with a study, found before any work starts.
public enum StudyError: Error, CustomStringConvertible, Equatable {
    /// A component the study cannot run without, e.g. no `Model`.
    case missingComponent(String, example: String)
    /// Two components that cannot both hold, e.g. two different models.
    case contradictory(String)
    /// A value out of range or malformed (a negative layer, k = 0, β ≤ 0, …).
    case invalidValue(component: String, problem: String)
    /// A model name that is not in the catalog and not a folder.
    case modelNotFound(name: String, folder: String)
    /// A model the workbench cannot run (yet).
    case unsupportedModel(name: String, reason: String)
    /// A layer beyond the model's last hidden state.
    case layerBeyondModel(layer: Int, model: String, layerCount: Int)
    /// No chosen language has the attribute as a task (two or more values surviving the filter).
    case attributeInNoLanguage(attribute: String, languages: [String], minTypes: Int)
    /// `--shard` not of the form i/n with 1 ≤ i ≤ n.
    case badShard(String)
    /// Shard results that do not belong together or do not cover the plan.
    case mergeMismatch(String)
    /// `--out ""`: no folder, which would mean the working directory.
    case emptyOutput(option: String)
    /// A results folder that holds something other than this study's results (``ResultsFolder``).
    case foreignOutput(path: String, holds: String)

    public var description: String {
        switch self {
        case .missingComponent(let component, let example):
            return "the study has no \(component) — add one, e.g. \(example)"
        case .contradictory(let text):
            return "contradictory study: \(text)"
        case .invalidValue(let component, let problem):
            return "\(component): \(problem)"
        case .modelNotFound(let name, let folder):
            if folder.lowercased().hasSuffix(".gguf") {
                return "model '\(name)' not found: expected a GGUF file at \(folder) — run scripts/setup, set NEURON_MODELS, or use .local(\"/path/to/model.gguf\")"
            }
            return "model '\(name)' not found: expected a Hugging Face folder at \(folder) (config.json, model.safetensors, tokenizer) — place it there, set NEURON_MODELS, or use .local(\"/path\")"
        case .unsupportedModel(let name, let reason):
            return "model '\(name)' cannot be studied yet: \(reason)"
        case .layerBeyondModel(let layer, let model, let layerCount):
            return "Layers: layer \(layer) is beyond \(model), whose hidden states are 0…\(layerCount) (0 = embeddings)"
        case .attributeInNoLanguage(let attribute, let languages, let minTypes):
            return "Attributes: no language of \(languages.joined(separator: ", ")) has \(attribute) with two or more values of at least \(minTypes) word types per split"
        case .badShard(let text):
            return "--shard '\(text)': expected i/n with 1 ≤ i ≤ n, e.g. 2/4"
        case .mergeMismatch(let text):
            return "merge: \(text)"
        case .emptyOutput(let option):
            return "\(option) \"\" names no folder (the results would land in the working directory) — give one, e.g. \(option) results/study"
        case .foreignOutput(let path, let holds):
            return "\(path) already holds \(holds): nothing was written — choose another --out, or pass --force to write there anyway"
        }
    }
}

extension StudyError {
    /// An activation import's problem as the study's: `Activations: …`.
    public init(_ problem: ActivationImportError) {
        if case .invalidSpecification(let text) = problem {
            self = .invalidValue(component: "Activations", problem: text)
        } else {
            self = .invalidValue(component: "Activations", problem: problem.description)
        }
    }
}
