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

    /// The traces as a line chart: one colour per unit, solid unedited, dashed edited; the subject's
    /// position marked in the title.
    public static func figure(_ intervention: LearnedIntervention, example: InterventionExample, model: any LanguageModel,
                              tokens: [String]) -> LineChart {
        let (unedited, edited) = traces(intervention, example: example, model: model)
        var series: [LineChart.Series] = []
        let positions = (0..<example.ids.count).map(Double.init)
        for (index, unit) in intervention.units.enumerated() {
            let color = Palette.color(index)
            series.append(LineChart.Series("unit \(unit)", x: positions, y: unedited[index].map(Double.init), color: color))
            series.append(LineChart.Series("", x: positions, y: edited[index].map(Double.init), color: color, dash: .dashed))
        }
        var shown = tokens.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: " · ")
        if shown.count > 110 { shown = String(shown.prefix(109)) + "…" }
        return LineChart(title: "→ \(intervention.direction) at \(intervention.site): solid = the model, dashed = intervened (subject at \(example.subjectRow))",
                         x: Axis("position: \(shown)"), y: Axis("value at \(intervention.site)"), width: 900, height: 420, series: series)
    }
}
