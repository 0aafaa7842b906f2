import Foundation
import Kernels
import Models
import Plotting

/// De Cao et al.'s Fig. 1–2: a learned mask's units along one sentence, as the model computes them
/// (solid) and with the intervention (dashed), at the mask's site — on a recurrent model the edit at
/// the subject's step carries into every later step of the block; on a Transformer the site's own
/// stream changes only at the edited positions.
public enum MaskActivationFigure {
    /// Per unit of `intervention`, its value at the site at every position of `example`, without and
    /// with the edit. - Returns: [units][positions] twice
    public static func traces(_ intervention: LearnedIntervention, example: InterventionExample,
                              model: any LanguageModel) -> (unedited: [[Float]], edited: [[Float]]) {
        let batch = PackedBatch(sequences: [example.ids])
        let site = intervention.site
        func values(edits: [ModelSite: SiteEdit]) -> [[Float]] {
            var state: Tensor?
            model.run(batch, upTo: site.layer, edits: edits, visitInner: site.kind != .residual) { visited, tensor in
                if visited == site { state = tensor }
            }
            guard let state else { return intervention.units.map { _ in [] } }
            let width = state.columns
            return intervention.units.map { unit in (0..<example.ids.count).map { state.scalars[$0 * width + unit] } }
        }
        let edit = intervention.edit(rows: [example.editRows(intervention.steps)])
        return (values(edits: [:]), values(edits: [site: edit]))
    }

    /// The traces of `intervention` on `example`, with the sentence's tokens: what a study's result
    /// keeps so that its report can draw the figure without the model.
    public static func record(_ intervention: LearnedIntervention, seed: Int, example: InterventionExample, model: any LanguageModel,
                              tokens: [String]) -> MaskActivationTraces {
        let (unedited, edited) = traces(intervention, example: example, model: model)
        return MaskActivationTraces(method: intervention.method, direction: intervention.direction, seed: seed, site: intervention.site,
                                    units: intervention.units, subjectRow: example.subjectRow, tokens: tokens, unedited: unedited, edited: edited)
    }

    /// The traces as a line chart: one colour per unit, solid unedited, dashed edited; the subject's
    /// position marked in the title.
    public static func figure(_ intervention: LearnedIntervention, example: InterventionExample, model: any LanguageModel,
                              tokens: [String]) -> LineChart {
        figure(record(intervention, seed: 0, example: example, model: model, tokens: tokens))
    }

    /// The chart of recorded traces.
    public static func figure(_ traces: MaskActivationTraces) -> LineChart {
        var series: [LineChart.Series] = []
        let positions = (0..<traces.tokens.count).map(Double.init)
        for (index, unit) in traces.units.enumerated() where index < traces.unedited.count && index < traces.edited.count {
            let color = Palette.color(index)
            series.append(LineChart.Series("unit \(unit)", x: positions, y: traces.unedited[index].map(Double.init), color: color))
            series.append(LineChart.Series("", x: positions, y: traces.edited[index].map(Double.init), color: color, dash: .dashed))
        }
        var shown = traces.tokens.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: " · ")
        if shown.count > 110 { shown = String(shown.prefix(109)) + "…" }
        return LineChart(title: "→ \(traces.direction) at \(traces.site): solid = the model, dashed = intervened (subject at \(traces.subjectRow))",
                         x: Axis("position: \(shown)"), y: Axis("value at \(traces.site)"), width: 900, height: 420, series: series)
    }
}

/// A mask's units along one sentence, without and with its edit (De Cao et al.'s Fig. 1–2), as
/// values: [units][positions] each.
public struct MaskActivationTraces: Sendable, Codable, Hashable {
    public var method: LearnedIntervention.Method
    public var direction: String
    public var seed: Int
    public var site: ModelSite
    public var units: [Int]
    public var subjectRow: Int
    /// The sentence's tokens, as the tokenizer spells them.
    public var tokens: [String]
    public var unedited: [[Float]], edited: [[Float]]
}
