// Study scripts `import DSL` and see Core's option types (RankingMethod, ProbeKind, NeuronEdit, …).
@_exported import Core
