// Durrani et al. 2020's analyses on the default model: the preset with MiniLM's 7 hidden states.
//   workbench run scripts/studies/durrani2020-minilm.swift
import DSL

let study = Study.durrani2020.named("durrani2020-minilm").with {
    Model(.minilm)
    Layers(0...6, concatenated: true)
}
try study.run()
