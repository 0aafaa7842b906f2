import Core
import Foundation

/// `workbench attribute`: which units at a site drive the model's choice between two continuations.
enum AttributeCommand: Command {
    static let name = "attribute"
    static let summary = "gradient × activation and Integrated Gradients of the units at a site for the log-ratio of two continuations"
    static let usage = """
        usage: workbench attribute [options] "PROMPT" --compare A,B

        For log p(A) − log p(B) at the prompt's last position (A's and B's first tokens), the units of
        each site with the largest Integrated Gradients (zero baseline at the site, every position at
        once) and their gradient × activation, as a table, a terminal heatmap and an SVG heatmap
        (positions × the strongest units). Σ IG is checked against the log-ratio's change from the
        baseline (completeness): a large gap means more --steps.
          workbench attribute "The keys to the cabinet" --compare are,is --site residual:6,mlp:6
        A masked-LM encoder (with its MLM head) compares two fillers of the prompt's one [MASK]
        (or <mask>) word, or of a mask appended after the prompt when it has none:
          workbench attribute --model mbert "The keys to the cabinet [MASK] here" --compare are,is

          --model NAME|PATH  \(DefaultModels.causal) (default), a GGUF file, or an encoder with its masked-LM head
          --compare A,B      the two continuations (required)
          --site LIST        residual:L (hidden state L, 0 = embeddings) or mlp:L (block L's MLP
                             units), comma-separated (default: residual at the middle block)
          --steps N          Integrated Gradients' path steps (default \(UnitAttribution.Settings().steps))
          --top N            units listed per site (default \(defaultTop))
          --out DIR          where attribution-<site>.svg and attribution.json go (default: \(ResultsFolder.defaultPath(name)))
        """

    /// Units listed per site without `--top`.
    static let defaultTop = 12

    static func run(_ arguments: inout ArgumentList) throws {
        let source = try ModelCatalog.source(try arguments.option("model") ?? DefaultModels.causal)
        let compare = try arguments.option("compare").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        guard compare.count == 2 else { throw UsageError("--compare expects two continuations, e.g. --compare are,is") }
        let siteTexts = try arguments.options("site")
        let steps = try arguments.intOption("steps", default: UnitAttribution.Settings().steps)
        guard steps >= 1 else { throw UsageError("--steps must be at least 1, not \(steps)") }
        let top = try arguments.intOption("top", default: defaultTop)
        guard top >= 1 else { throw UsageError("--top must be at least 1, not \(top)") }
        let out = URL(fileURLWithPath: try arguments.option("out") ?? ResultsFolder.defaultPath(Self.name), isDirectory: true)
        let prompt = try arguments.positionals().joined(separator: " ")
        guard !prompt.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError("give a prompt, e.g. workbench attribute \"The keys to the cabinet\" --compare are,is") }
        let (model, tokenizer) = try source.load()
        let sites = try siteTexts.isEmpty ? [ModelSite.residual(model.layerCount / 2)] : siteTexts.map(parseSite)
        var attribution = try UnitAttribution(model: model, tokenizer: tokenizer)
        attribution.settings.steps = steps
        print("model   \(source.name) (\(model.summary))")
        print("prompt  \(prompt)")
        let started = Date()
        let results = try attribution.attribute(prompt: prompt, first: compare[0], second: compare[1], sites: sites)
        let position = results.first.map { model.objective == .maskedToken ? "the mask (position \($0.position))" : "the last position" } ?? "-"
        print(String(format: "log p(%@) − log p(%@) = %+.3f nats at %@ (%d IG steps per site, %.1f s)\n",
                     compare[0], compare[1], results.first?.logRatio ?? 0, position, steps, Date().timeIntervalSince(started)))
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var summaries: [[String: Any]] = []
        for result in results {
            let pieces = result.tokens.map { $0.replacingOccurrences(of: "▁", with: "␣") }
            print("\(result.site): with the site at zero the log-ratio is \(String(format: "%+.3f", result.baselineLogRatio)); "
                  + String(format: "Σ IG = %+.3f (completeness gap %+.3f)", result.integratedGradients.scalars.reduce(0, +), result.completenessGap))
            var rows = [["position", "token", "unit", "activation", "gradient × activation", "IG"]]
            let strongest = result.strongest(top)
            let width = result.activation.columns
            for (position, unit) in strongest {
                let i = position * width + unit
                rows.append(["\(position)", pieces[position], "\(unit)", String(format: "%.3f", result.activation.scalars[i]),
                             String(format: "%+.4f", result.gradientTimesActivation.scalars[i]), String(format: "%+.4f", result.integratedGradients.scalars[i])])
            }
            print(TextTable.render(rows))
            // Positions × the strongest units (each once), signed IG on a diverging scale.
            var units: [Int] = []
            for (_, unit) in result.strongest(top * 4) where !units.contains(unit) && units.count < top { units.append(unit) }
            let values = (0..<result.ids.count).map { position in units.map { Double(result.integratedGradients.scalars[position * width + $0]) } }
            let largest = values.flatMap { $0 }.map(abs).max() ?? 1
            let figure = Heatmap(values, rows: pieces.enumerated().map { "\($0.offset) \($0.element)" }, columns: units.map { "\($0)" },
                                 title: "IG for log p(\(compare[0])) − log p(\(compare[1])), \(result.site)", xLabel: "unit", yLabel: "position",
                                 colorScale: ColorScale(stops: [PlotColor(red: 33, green: 102, blue: 172), .white, PlotColor(red: 178, green: 24, blue: 43)]),
                                 range: -largest...largest, annotationDecimals: nil, colorBarLabel: "IG (nats)", width: 120 + 34 * Double(units.count),
                                 height: 120 + 26 * Double(result.ids.count))
            print("\n" + figure.terminal(width: 90, height: min(24, 4 + result.ids.count), color: false))
            let file = out.appendingPathComponent("attribution-\(result.site.description.replacingOccurrences(of: " ", with: "-")).svg")
            try figure.write(to: file)
            print("wrote \(file.path)\n")
            summaries.append(["site": result.site.description, "log_ratio": result.logRatio, "baseline_log_ratio": result.baselineLogRatio,
                              "completeness_gap": result.completenessGap, "position": result.position, "tokens": result.tokens, "first_id": result.first, "second_id": result.second,
                              "strongest": strongest.map { ["position": $0.position, "unit": $0.unit,
                                                            "ig": result.integratedGradients.scalars[$0.position * width + $0.unit],
                                                            "gradient_x_activation": result.gradientTimesActivation.scalars[$0.position * width + $0.unit]] }])
        }
        let json = try JSONSerialization.data(withJSONObject: ["model": source.name, "prompt": prompt, "compare": compare, "steps": steps, "sites": summaries],
                                              options: [.prettyPrinted, .sortedKeys])
        try json.write(to: out.appendingPathComponent("attribution.json"), options: .atomic)
        print("wrote \(out.path)/attribution.json")
    }

    /// `residual:6`, `mlp:6` or `cell:2` (a recurrent model's cell state).
    static func parseSite(_ text: String) throws -> ModelSite {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let layer = Int(parts[1]), layer >= 0 else {
            throw UsageError("--site expects residual:L, mlp:L or cell:L, got '\(text)'")
        }
        switch parts[0] {
        case "residual": return .residual(layer)
        case "mlp": return .mlp(layer)
        case "cell": return .cell(layer)
        default: throw UsageError("--site expects residual:L, mlp:L or cell:L, got '\(text)'")
        }
    }
}
