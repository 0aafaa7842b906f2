// The README's example study: Antverg & Belinkov's probing and intervention study on the default
// model (MiniLM, 6 layers) for English, Spanish and French morphology.
//   workbench run scripts/studies/pitfalls-morphology.swift [--dry-run] [--shard i/n]
import DSL

let study = Study("pitfalls-morphology") {
    Model(.minilm)                 // .mbert, .xlmr, .gemma3, .local("/path/to/hf-folder")
    Languages(.english, .spanish, .french)
    Attributes(.number, .gender, .tense)
    Layers(2, 4, 6)                // MiniLM has 6 layers; mBERT's study uses 2, 7, 12
    Rank(.linear, .gaussian, .probeless, .random)
    Probe(.linear, .gaussian, neurons: 1...150)
    Control(.uniform)
    Intervene(.translate(beta: 8), neurons: stride(from: 0, through: 300, by: 10))
    Report(.accuracyCurves, .selectivity, .overlaps, .interventions)
}
try study.run()
