// De Cao et al. 2022 on Gemma 3 270M (installed by scripts/setup): learned sparse interventions
// (Hard Concrete masks) against REINFORCE and Integrated Gradients, number agreement and gender,
// single-step and every-step edits at the residual stream of block 4 (a quarter of the way up), one seed each, the
// default training budget (MaskTrainingSettings: 200 steps × 16 examples per direction; α = 0.02 for
// number, 0.1 for gender — each task's default, README: the gender sweep).
// 12 configs; the dry run plans them at about 2.2 h on 2 cores, and one run from a fresh clone took
// 1 h 37.5 min here, the build included (README: the times of each config); they shard (`--shard i/n`, then `workbench merge`) and resume like every other
// config. The report (results/decao2022/report.md) has the Table 4 and Table 6 forms, the units
// with their prevalence over seeds, the rankings comparison and Fig. 1–2 for each mask.
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
