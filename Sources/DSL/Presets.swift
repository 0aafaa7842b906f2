import Core

extension Study {
    /// Antverg & Belinkov 2022: mBERT layers 2, 7, 12; the 13 attributes in every language at hand
    /// (those the treebanks support nowhere are noted in the plan and left out);
    /// Linear, Gaussian, Probeless and Random rankings × linear and Gaussian probes, k = 1…150, a
    /// uniform control task; ablation and translation (β = 8) on Number, Gender and Tense.
    public static let antverg2022 = Study("antverg2022") {
        Model(.mbert)
        Languages(Language.all)
        Attributes(Attribute.all, whereFound: true)
        Layers(2, 7, 12)
        Rank(.linear, .gaussian, .probeless, .random)
        Probe(.linear, .gaussian, neurons: 1...150)
        Control(.uniform)
        Intervene(.ablate, on: [.number, .gender, .tense])
        Intervene(.translate(beta: 8), on: [.number, .gender, .tense])
    }

    /// Durrani et al. 2020 on what the workbench reads: a BERT's every layer side by side, NeuroX's
    /// weight-mass ranking, the elastic-net λ search, ablation, minimal neuron sets, an empirical control task.
    public static let durrani2020 = Study("durrani2020") {
        Model(.bert)
        Languages(.english)
        Attributes(.partOfSpeech, .number, .tense)
        Layers(0...12, concatenated: true)
        Rank(.linearWeightMass, .random)
        Probe(.linear, neurons: [10, 50, 100, 150, 200])
        Control(.empirical)
        Durrani(.concatenated)
    }

    /// De Cao et al. 2022 on Gemma 3 270M: Hard Concrete masks, with REINFORCE and Integrated
    /// Gradients on the same data and budget, for number agreement (Lakretz et al.'s pairs, 1,000
    /// held out) and gender (Vig et al.'s templates, 200 held out), single-step (the subject's
    /// position) and every-step edits, at the residual stream a quarter of the way up (block 4). A modest
    /// budget: one seed per method and direction, ``MaskTrainingSettings``' steps and batch. The
    /// paper's protocol (several seeds for each unit's prevalence, training to convergence, other
    /// sites) is a `.with { Mask(…, trainSteps: N, seeds: S) }` away.
    public static let decao2022 = Study("decao2022") {
        Model(.gemma3)
        Mask(.hardConcrete, .reinforce, .integratedGradients, task: .number, .gender, steps: .single, .every)
    }
}
