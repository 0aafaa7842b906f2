/// The two classifiers every ranking is evaluated with (Antverg & Belinkov §3).
public enum ProbeKind: String, Sendable, Codable, CaseIterable {
    case linear, gaussian
}

/// Test accuracy of one classifier on the top-k neurons of one ranking, for each k.
public struct AccuracyCurve: Sendable, Codable, Equatable {
    public var classifier: ProbeKind
    /// The ranking's name, e.g. `probeless` or `probeless↑` (bottom-to-top).
    public var ranking: String
    public var neuronCounts: [Int]
    public var accuracy: [Double]
    /// Accuracy of the same classifier on the same neurons for the control task (Hewitt & Liang 2019).
    public var controlAccuracy: [Double]?

    public init(classifier: ProbeKind, ranking: String, neuronCounts: [Int], accuracy: [Double], controlAccuracy: [Double]? = nil) {
        self.classifier = classifier
        self.ranking = ranking
        self.neuronCounts = neuronCounts
        self.accuracy = accuracy
        self.controlAccuracy = controlAccuracy
    }

    /// Task accuracy minus control accuracy at each k.
    public var selectivity: [Double]? {
        controlAccuracy.map { control in zip(accuracy, control).map { $0 - $1 } }
    }

    /// Accuracy at k neurons, if k was evaluated.
    public func accuracy(at k: Int) -> Double? {
        neuronCounts.firstIndex(of: k).map { accuracy[$0] }
    }

    /// "linear/probeless": the classifier–ranking combination.
    public var combination: String { "\(classifier.rawValue)/\(ranking)" }
}
