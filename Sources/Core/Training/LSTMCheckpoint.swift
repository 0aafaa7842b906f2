import Foundation
import Kernels
import Models
import Support

/// The folder a training run writes: the layout ``LSTMModel/load(from:)`` and ``ModelSource`` read
/// (`config.json`, `vocab.txt`, `model.safetensors` — the best weights so far), so the trained
/// model is a `--model` for every command, plus `training.safetensors`: the last epoch's weights
/// with the training state (``LSTMTrainingState``, JSON in the header's metadata) in one file, the
/// one thing `--resume` reads. Every file is written under a temporary name and renamed into
/// place, so an interrupt leaves the previous epoch's files whole.
public enum LSTMCheckpoint {
    public static let stateFileName = "training.safetensors"
    static let stateKey = "neuron-workbench-training-state"

    /// Whether a run may write into `folder`: absent, empty, or a previous run's folder with
    /// `resume` or `force`; a folder of anyone else's files only with `force` (which then writes
    /// the model's files beside them and removes nothing).
    ///
    /// - Throws: ``TrainingError/existingRun(path:epochs:of:)``, ``TrainingError/foreignOutput(path:holds:)``,
    ///   ``TrainingError/nothingToResume(path:)``.
    public static func check(_ folder: URL, resume: Bool, force: Bool) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            if resume { throw TrainingError.nothingToResume(path: folder.path) }
            return
        }
        guard isFolder.boolValue else { throw TrainingError.foreignOutput(path: folder.path, holds: "a file, not a folder") }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let stateURL = folder.appendingPathComponent(stateFileName)
        if names.contains(stateFileName) {
            if resume || force { return }
            let state = try? readState(stateURL)
            throw TrainingError.existingRun(path: folder.path, epochs: state?.epochsDone ?? 0, of: state?.settings.epochs ?? 0)
        }
        if resume { throw TrainingError.nothingToResume(path: folder.path) }
        guard !names.isEmpty, !force else { return }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        throw TrainingError.foreignOutput(path: folder.path, holds: "files that no training run wrote (\(shown))")
    }

    /// Writes the files of a fresh run before its first epoch: config.json, vocab.txt and the
    /// epoch-0 state (so an interrupt in epoch 1 can resume).
    public static func start(_ trainer: LSTMTrainer, in folder: URL) throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw CacheError.cannotWrite(folder, reason: ErrorMessage.reason(error))
        }
        // A previous run's best weights (--force) must not sit beside the new config until epoch 1 replaces them.
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(stateFileName).path) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        }
        let config = trainer.model.config
        let json = """
            {"model_type": "\(LSTMConfig.modelTypeName)", "vocab_size": \(config.vocabSize), "embedding_size": \(config.embeddingSize), \
            "hidden_size": \(config.hiddenSize), "num_layers": \(config.layerCount)}

            """
        try replace(folder.appendingPathComponent("config.json")) { try Data(json.utf8).write(to: $0) }
        try replace(folder.appendingPathComponent("vocab.txt")) { try Data((trainer.vocabulary.joined(separator: "\n") + "\n").utf8).write(to: $0) }
        try saveState(trainer, in: folder)
    }

    /// After an epoch: the best weights when `improved` (model.safetensors), then the state.
    public static func save(_ trainer: LSTMTrainer, in folder: URL, improved: Bool) throws {
        if improved {
            try replace(folder.appendingPathComponent("model.safetensors")) {
                try SafeTensorsWriter.write(trainer.weights, to: $0, metadata: ["format": "pt", "epoch": "\(trainer.state.epochsDone)"])
            }
        }
        try saveState(trainer, in: folder)
    }

    static func saveState(_ trainer: LSTMTrainer, in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let state = String(decoding: try encoder.encode(trainer.state), as: UTF8.self)
        try replace(folder.appendingPathComponent(stateFileName)) {
            try SafeTensorsWriter.write(trainer.weights, to: $0, metadata: ["format": "pt", stateKey: state])
        }
    }

    /// Writes `target` through a temporary file beside it and one rename.
    static func replace(_ target: URL, write: (URL) throws -> Void) throws {
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        do {
            try write(partial)
            guard Foundation.rename(partial.path, target.path) == 0 else {
                throw CacheError.cannotWrite(target, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if error is CacheError { throw error }
            throw CacheError.cannotWrite(target, reason: ErrorMessage.reason(error))
        }
    }

    static func readState(_ url: URL) throws -> LSTMTrainingState {
        let file = try SafeTensorsFile(url: url)
        guard let text = file.metadata[stateKey] else {
            throw TrainingError.malformedState(path: url.path, reason: "no \(stateKey) in the header's metadata")
        }
        do { return try JSONDecoder().decode(LSTMTrainingState.self, from: Data(text.utf8)) } catch {
            throw TrainingError.malformedState(path: url.path, reason: "\(error)")
        }
    }

    /// The trainer of the last finished epoch in `folder`, on the corpus `files` (which must hold
    /// the text it was trained on, split as it was; the vocabulary is the folder's).
    ///
    /// - Parameter epochs: a new total of epochs (to train on past the planned end); nil keeps the run's.
    /// - Throws: ``TrainingError`` for a missing or unreadable state or another corpus;
    ///   ``CheckpointError`` for a malformed weight file.
    public static func resume(_ folder: URL, files: [URL], epochs: Int? = nil) throws -> LSTMTrainer {
        let stateURL = folder.appendingPathComponent(stateFileName)
        guard FileManager.default.fileExists(atPath: stateURL.path) else { throw TrainingError.nothingToResume(path: folder.path) }
        var state = try readState(stateURL)
        if let epochs {
            guard epochs >= 1 else { throw TrainingError.invalidSetting(name: "--epochs", reason: "must be at least 1, not \(epochs)") }
            state.settings.epochs = epochs
        }
        let corpus = try LanguageModelCorpus.read(files, heldOutEvery: state.settings.heldOutEvery)
        let vocabularyURL = folder.appendingPathComponent("vocab.txt")
        let tokenizer = try WordVocabularyTokenizer(url: vocabularyURL)
        let config = try LSTMConfig.load(from: folder.appendingPathComponent("config.json"))
        guard config.vocabSize == tokenizer.words.count, config.hiddenSize == state.settings.width, config.layerCount == state.settings.layers else {
            throw TrainingError.malformedState(path: stateURL.path, reason: "config.json, vocab.txt and the state disagree on the model's sizes")
        }
        let file = try SafeTensorsFile(url: stateURL)
        func weight(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let entry = file.entries[name] else { throw CheckpointError.missingWeights(stateURL, keys: [name]) }
            guard entry.shape == shape else { throw CheckpointError.wrongShape(stateURL, tensor: name, expected: shape, found: entry.shape) }
            return try file.tensor(name)
        }
        var layers: [LSTMLayer] = [], biases: [(input: Tensor, recurrent: Tensor)] = []
        let gates = 4 * config.hiddenSize
        for index in 0..<config.layerCount {
            let input = try weight("rnn.bias_ih_l\(index)", [gates]), recurrent = try weight("rnn.bias_hh_l\(index)", [gates])
            biases.append((input, recurrent))
            layers.append(LSTMLayer(inputWeight: try weight("rnn.weight_ih_l\(index)", [gates, config.embeddingSize]),
                                    recurrentWeight: try weight("rnn.weight_hh_l\(index)", [gates, config.hiddenSize]),
                                    bias: LSTMModel.sum(input, recurrent)))
        }
        let model = LSTMModel(config: config, embedding: try weight("encoder.weight", [config.vocabSize, config.embeddingSize]),
                              layers: layers, decoderWeight: try weight("decoder.weight", [config.vocabSize, config.hiddenSize]),
                              decoderBias: try weight("decoder.bias", [config.vocabSize]))
        let training = LanguageModelCorpus.stream(corpus.training, tokenizer: tokenizer)
        let heldOut = LanguageModelCorpus.stream(corpus.heldOut, tokenizer: tokenizer)
        guard LSTMTrainer.digest(vocabulary: tokenizer.words, training: training, heldOut: heldOut) == state.corpusDigest else {
            throw TrainingError.corpusChanged(path: folder.path)
        }
        return try LSTMTrainer(model: model, biases: biases, state: state, tokenizer: tokenizer, vocabulary: tokenizer.words,
                               training: training, heldOut: heldOut)
    }
}
