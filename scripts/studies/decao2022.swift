// De Cao et al. 2022 on Gemma 3 270M (installed by scripts/setup): learned sparse interventions
// (Hard Concrete masks) against REINFORCE and Integrated Gradients, number agreement and gender,
// single-step and every-step edits at the residual stream of block 4 (a quarter of the way up), one seed each, the
// default training budget (MaskTrainingSettings: steps × batch). 12 configs; they shard
// (`--shard i/n`, then `workbench merge`) and resume like every other config.
//   workbench run scripts/studies/decao2022.swift --dry-run
//
// The paper's full protocol asks for more: several seeds (each unit's prevalence over seeds,
// Tables 1–5), training to convergence, and sites beyond one layer. Ask for it with `.with`, e.g.
//   try Study.decao2022.with {
//       Mask(.hardConcrete, .reinforce, .integratedGradients, task: .number, .gender, steps: .single, .every,
//            site: .residual(6), .residual(9), .residual(12), trainSteps: 1000, seeds: 5)
//   }.run()
import DSL

try Study.decao2022.run()
