import Kernels
/// Antverg & Belinkov 2022 eq. 1: no probe, only the mean vector of each attribute value.
public enum ProbelessRanking {
    /// q(z) = mean training vector of the words with value z; r = Σ over unordered value pairs
    /// |q(z) − q(z')|; neurons sorted by r, descending (ties by index).
    ///
    /// - Parameters:
    ///   - features: [examples, neurons] of the training split
    ///   - labels: value index per example
    public static func rank(features: Tensor, labels: [Int], classCount: Int) -> NeuronRanking {
        let means = classMeans(features: features, labels: labels, classCount: classCount)
        let d = features.columns
        var scores = [Double](repeating: 0, count: d)
        for a in 0..<classCount {
            for b in (a + 1)..<max(classCount, a + 1) {
                for j in 0..<d { scores[j] += abs(means[a][j] - means[b][j]) }
            }
        }
        return NeuronRanking.byDescendingScore(scores, method: .probeless)
    }

    /// Mean vector per class (Double precision); a class without examples gets zeros.
    public static func classMeans(features: Tensor, labels: [Int], classCount: Int) -> [[Double]] {
        let d = features.columns
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        features.scalars.withUnsafeBufferPointer { x in
            for (row, label) in labels.enumerated() {
                counts[label] += 1
                for j in 0..<d { sums[label][j] += Double(x[row * d + j]) }
            }
        }
        for label in 0..<classCount where counts[label] > 0 {
            for j in 0..<d { sums[label][j] /= Double(counts[label]) }
        }
        return sums
    }
}
