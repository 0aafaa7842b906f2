import Core
import Foundation

/// `workbench next`: what a causal model expects after a prompt.
enum NextCommand: Command {
    static let name = "next"
    static let summary = "the most likely next tokens after a prompt, and the log-probability of chosen continuations"
    static let usage = """
        usage: workbench next [options] "PROMPT"

        Runs a causal model (Gemma 3, an LSTM LM) on the prompt and prints the most likely next tokens with their
        probabilities. With --compare, also the log-probability of each continuation (one or more
        words, every token counted) and the log-ratio of the first two — the behavioural check an
        agreement study starts with:  workbench next "The keys to the cabinet" --compare are,is

          --model NAME|PATH  \(DefaultModels.causal) (default), a GGUF file or an LSTM folder (scripts/convert-gulordava-lstm)
          --top N            how many next tokens to list (default \(defaultTop))
          --compare A,B,…    continuations to score
        """

    /// Next tokens listed without `--top`.
    static let defaultTop = 10

    static func run(_ arguments: inout ArgumentList) throws {
        let source = try ModelCatalog.source(try arguments.option("model") ?? DefaultModels.causal)
        let top = try arguments.intOption("top", default: defaultTop)
        guard top >= 1 else { throw UsageError("--top must be at least 1, not \(top)") }
        let compare = try arguments.option("compare").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        let prompt = try arguments.positionals().joined(separator: " ")
        guard !prompt.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError("give a prompt, e.g. workbench next \"The keys to the cabinet\"") }
        let (model, tokenizer) = try source.load()
        let predictor = try NextTokenPredictor(model: model, tokenizer: tokenizer)
        print("model   \(source.name) (\(predictor.model.summary))")
        print("prompt  \(prompt)\n")
        let predictions = try predictor.top(after: prompt, count: top)
        var rows = [["rank", "token", "id", "probability"]]
        for (index, prediction) in predictions.enumerated() {
            rows.append(["\(index + 1)", prediction.token.replacingOccurrences(of: "▁", with: "␣"), "\(prediction.id)",
                         String(format: "%.4f", prediction.probability)])
        }
        print(TextTable.render(rows))
        guard !compare.isEmpty else { return }
        let continuations = try compare.map { try predictor.continuation($0, after: prompt) }
        var table = [["continuation", "tokens", "log p (nats)", "p"]]
        for continuation in continuations {
            table.append([continuation.text, "\(continuation.ids.count)", String(format: "%.3f", continuation.logProbability),
                          String(format: "%.2e", exp(continuation.logProbability))])
        }
        print("\n" + TextTable.render(table))
        if continuations.count >= 2 {
            let ratio = continuations[0].logProbability - continuations[1].logProbability
            print(String(format: "\nlog p(%@) − log p(%@) = %+.3f nats", continuations[0].text, continuations[1].text, ratio))
        }
    }
}
