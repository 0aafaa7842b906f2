// The probing half of the README's study on a causal LM: Gemma 3 270M (installed by set-up), its
// residual stream after blocks 6, 12 and 18, a word read at its last subword (the one that has seen
// the whole word). Intervention sweeps need a masked-LM head and are not part of it yet.
//   workbench run scripts/studies/pitfalls-morphology-gemma3.swift [--dry-run] [--shard i/n]
import DSL

let study = Study("pitfalls-morphology-gemma3") {
    Model(.gemma3)
    Languages(.english, .spanish, .french)
    Attributes(.number, .gender, .tense)
    Layers(6, 12, 18)
    Rank(.linear, .gaussian, .probeless, .random)
    Probe(.linear, .gaussian, neurons: 1...150)
    Control(.uniform)
    Report(.accuracyCurves, .selectivity, .overlaps)
}
try study.run()
