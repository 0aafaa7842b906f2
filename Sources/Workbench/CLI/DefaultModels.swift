/// The `--model` a command takes when given none (usage texts and parsing read these): an encoder
/// for the probing commands, a causal model for the ones that ask what a model predicts.
enum DefaultModels {
    /// `probe`, `rank`, `intervene`, `extract` and the encoder benchmarks.
    static let encoder = "minilm"
    /// `mask`, `agree`, `next`, `attribute` and `bench decoder`.
    static let causal = "gemma3"
}
