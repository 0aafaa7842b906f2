// Durrani et al. 2020 on a BERT (bring your own bert-base-cased folder): all layers side by side,
// elastic-net λ search, ablation, minimal neuron sets, layer and label distributions.
//   workbench run scripts/studies/durrani2020.swift --dry-run
import DSL

try Study.durrani2020.run()
