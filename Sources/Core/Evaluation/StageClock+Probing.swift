import Support
/// The stages of one probing config (``ConfigProbing``), as `workbench bench grid` reports them.
/// Stages run on one thread count wall time; the per-probe stages (``linearProbe(k:)``,
/// ``gaussianProbe(k:)``, ``gaussianCurve``) run on every core at once and sum their threads' time.
extension StageClock.Stage {
    public static let probingRows = Self("rows from the activation cache")
    public static let probingControlTask = Self("control task: labels and relabelled rows")
    public static let probingStart = Self("probe on all neurons + Gaussian fits")
    public static let linearOnAllNeurons = Self("linear probe on all neurons")
    public static let gaussianFit = Self("Gaussian probe fit (task)")
    public static let controlGaussianFit = Self("Gaussian probe fit (control)")
    public static let probelessRanking = Self("ranking: probeless")
    public static let gaussianRanking = Self("ranking: Gaussian (greedy, dev)")
    public static let otherRankings = Self("rankings: linear, weight mass, random")
    public static let curves = Self("curves (all rankings × classifiers)")
    public static let gaussianCurve = Self("Gaussian curve, every k of a ranking")
    public static let gaussianOnAllNeurons = Self("Gaussian probe on all neurons (test)")
    public static let durraniLambdaSearch = Self("Durrani: λ search")
    public static let durraniRest = Self("Durrani: best-λ probe, ablation, minimal sets")

    /// A fresh linear probe on the top k neurons (task and control), trained and tested.
    public static func linearProbe(k: Int) -> Self { Self("linear probe, k = \(k)") }
    /// The Gaussian probe's marginal on the top k neurons, factorised from scratch.
    public static func gaussianProbe(k: Int) -> Self { Self("Gaussian probe, k = \(k)") }
}
