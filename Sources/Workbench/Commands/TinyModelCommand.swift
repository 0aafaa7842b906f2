import Core
import Foundation

/// `workbench tiny-model`: writes the tiny random-weight Gemma 3 that the tests and the reference
/// fixtures run on (`TinyGemma3`), so no model file is kept in the repository.
enum TinyModelCommand: Command {
    static let name = "tiny-model"
    static let summary = "write the tiny seeded random-weight Gemma 3 GGUF the tests and fixtures use"
    static let usage = """
        usage: workbench tiny-model --out FILE [--seed N] [--force]

        Writes a 7-block Gemma 3 with seeded random weights (Q8_0, Q5_0, Q4_1, F16, BF16 and F32
        tensors; a 300-entry SentencePiece vocabulary with byte fallback) as a GGUF file. The same seed
        gives the same bytes on every machine; the tests generate it themselves, and
        scripts/make-decoder-fixtures runs transformers on it for the committed reference outputs.
        It runs anywhere a Gemma 3 does: workbench next --model FILE "The keys".

          --out FILE   where to write it (refused if it exists, unless --force)
          --seed N     seed of the weights (default \(TinyGemma3.referenceSeed), the references' seed)
          --force      replace an existing file
        """

    static func run(_ arguments: inout ArgumentList) throws {
        guard let out = try arguments.option("out") else { throw UsageError("give --out FILE, e.g. workbench tiny-model --out tiny.gguf") }
        let seed = try arguments.intOption("seed", default: Int(TinyGemma3.referenceSeed))
        guard seed >= 0 else { throw UsageError("--seed must be at least 0, not \(seed)") }
        let force = arguments.flag("force")
        try arguments.finish()
        let url = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: url.path), !force {
            throw UsageError("\(url.path) exists; add --force to replace it")
        }
        try TinyGemma3.write(to: url, seed: UInt64(seed))
        print("wrote \(url.path) (tiny Gemma 3, seed \(seed))")
    }
}
