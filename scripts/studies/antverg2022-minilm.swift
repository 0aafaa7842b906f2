// Antverg & Belinkov 2022 on the default model: the preset with MiniLM's layers 2, 4 and 6 in
// place of mBERT's 2, 7 and 12 (MiniLM has no masked-LM head: the interventions read a fitted one).
//   workbench run scripts/studies/antverg2022-minilm.swift --dry-run
import DSL

let study = Study.antverg2022.named("antverg2022-minilm").with {
    Model(.minilm)
    Layers(2, 4, 6)
}
try study.run()
