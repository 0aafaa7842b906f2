// Antverg & Belinkov 2022 as the paper ran it: mBERT (bring your own folder under the models root),
// layers 2, 7, 12, every language and attribute at hand. Modify the preset with `.with { … }`.
//   workbench run scripts/studies/antverg2022.swift --dry-run
import DSL

try Study.antverg2022.run()
