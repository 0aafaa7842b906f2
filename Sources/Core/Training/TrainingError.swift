import Foundation

/// What stops `workbench train-lm` before or during training: each names the file or folder.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The corpus holds no words (its files are empty or hold only whitespace).
    case emptyCorpus(files: [String])
    /// The held-out split came out empty: too few sentences for one in every `every` to be held out.
    case emptyHeldOut(sentences: Int, every: Int)
    /// A corpus file that is not text (not UTF-8, or holds NUL bytes).
    case notText(file: String, reason: String)
    /// An output folder that holds files no training run wrote.
    case foreignOutput(path: String, holds: String)
    /// An output folder that holds a training run, without `--resume` or `--force`.
    case existingRun(path: String, epochs: Int, of: Int)
    /// `--resume` on a folder with no training state.
    case nothingToResume(path: String)
    /// A training state that cannot be read or does not fit its folder.
    case malformedState(path: String, reason: String)
    /// `--resume` with a corpus other than the one the run was trained on.
    case corpusChanged(path: String)
    /// A setting outside what training can do.
    case invalidSetting(name: String, reason: String)

    public var description: String {
        switch self {
        case .emptyCorpus(let files):
            let shown = files.prefix(3).joined(separator: ", ") + (files.count > 3 ? ", …" : "")
            return "the corpus holds no words (\(shown.isEmpty ? "no files" : shown))"
        case .emptyHeldOut(let sentences, let every):
            return "the corpus has \(sentences) sentences: too few to hold out one in \(every) for perplexity (give more text or a smaller --held-out-every)"
        case .notText(let file, let reason): return "\(file): not a text file (\(reason))"
        case .foreignOutput(let path, let holds):
            return "\(path) holds \(holds); choose another --out or pass --force to write the model there anyway"
        case .existingRun(let path, let epochs, let total):
            return "\(path) holds a training run (\(epochs) of \(total) epochs done); pass --resume to continue it or --force to start over"
        case .nothingToResume(let path): return "\(path): no training state to resume (training.safetensors is missing)"
        case .malformedState(let path, let reason): return "\(path): training state unreadable (\(reason))"
        case .corpusChanged(let path):
            return "\(path) was trained on another corpus (its digest differs); resume with the same --corpus files, or start over with --force"
        case .invalidSetting(let name, let reason): return "\(name): \(reason)"
        }
    }
}
