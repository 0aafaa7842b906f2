import Foundation
import Testing
@testable import Kernels
@testable import Support
@testable import Probing
@testable import Analysis

/// Expected numbers come from a numpy transcription of `Gaussian.py`'s formulas (per-label prior)
/// and of our pooled prior; the 1-D pooled case is also easy by hand:
/// μ₀ = 2.6, Λ₀ = 5.8 (np.cov), label 0: x̄ = 1, S = 2, Σ* = (5.8 + 2)/(3 + 3 + 1 + 2) = 0.8667,
/// μ* = (0.01·2.6 + 3·1)/3.01; label 1: x̄ = 5, S = 2, Σ* = 7.8/8 = 0.975, μ* = (0.026 + 10)/2.01.
@Suite("Gaussian probe")
struct GaussianProbeTests {
    static let train1D = Tensor(shape: [5, 1], scalars: [0, 1, 2, 4, 6])
    static let labels1D = [0, 0, 0, 1, 1]
    static let dev1D = Tensor(shape: [3, 1], scalars: [3, 0.5, 5])
    static let devLabels1D = [0, 0, 1]

    /// p(label 0 | x) per example.
    func posteriorOfFirstLabel(_ probe: GaussianProbe, _ x: Tensor, neurons: [Int]) -> [Double] {
        let scores = probe.logJoint(features: x, neurons: neurons)!
        return (0..<x.rows).map { row in
            let a = scores[row * 2], b = scores[row * 2 + 1]
            return 1 / (1 + Foundation.exp(b - a))
        }
    }

    @Test("1-D, pooled prior: MAP means, covariances, posteriors and MI by hand")
    func oneDimensionalPooled() {
        let probe = GaussianProbe.fit(features: Self.train1D, labels: Self.labels1D, classCount: 2, prior: .pooled)
        #expect(GaussianTestData.close(probe.means, [3.026 / 3.01, 10.026 / 2.01]))
        #expect(GaussianTestData.close(probe.covariances, [7.8 / 9, 7.8 / 8]))
        #expect(probe.prior == [0.6, 0.4])
        #expect(probe.ridges == [0, 0])
        #expect(GaussianTestData.close(posteriorOfFirstLabel(probe, Self.dev1D, neurons: [0]),
                                       [0.5487885322737915, 0.9999762195338214, 0.00015973698535466278], 1e-10))
        let result = probe.evaluate(features: Self.dev1D, labels: Self.devLabels1D, neurons: [0])
        #expect(result.predictions == [0, 0, 1])
        #expect(result.accuracy == 1)
        #expect(GaussianTestData.close(result.mutualInformation, 0.6296483211265348))
        #expect(GaussianTestData.close(result.crossEntropy, 0.2000752097616522))
        #expect(GaussianTestData.close(result.labelEntropy, 0.6365141682948128))
    }

    @Test("1-D, per-label prior reproduces Gaussian.py: μ* = label mean, Λ₀ = label variance")
    func oneDimensionalPerLabel() {
        let probe = GaussianProbe.fit(features: Self.train1D, labels: Self.labels1D, classCount: 2, prior: .perLabel)
        #expect(GaussianTestData.close(probe.means, [1, 5]))
        #expect(GaussianTestData.close(probe.covariances, [1.0 / 3, 0.5]))
        #expect(GaussianTestData.close(posteriorOfFirstLabel(probe, Self.dev1D, neurons: [0]),
                                       [0.19912017975828186, 0.9999999987286641, 6.935365007397569e-11], 1e-9))
        let result = probe.evaluate(features: Self.dev1D, labels: Self.devLabels1D, neurons: [0])
        #expect(result.predictions == [1, 0, 1])
        #expect(GaussianTestData.close(result.accuracy, 2.0 / 3))
        #expect(GaussianTestData.close(result.mutualInformation, 0.1421996143951408))
    }

    static let train2D = Tensor(shape: [7, 2], scalars: [0, 0, 2, 1, 1, 3, 3, 2, 5, 4, 7, 5, 6, 7])
    static let labels2D = [0, 0, 0, 0, 1, 1, 1]
    static let dev2D = Tensor(shape: [4, 2], scalars: [1, 1, 6, 5, 3.5, 3, 4, 2])
    static let devLabels2D = [0, 1, 0, 1]

    @Test("2-D, pooled prior: parameters, log-posteriors on subsets, and neuron order does not matter")
    func twoDimensionalPooled() {
        let probe = GaussianProbe.fit(features: Self.train2D, labels: Self.labels2D, classCount: 2, prior: .pooled)
        #expect(GaussianTestData.close(probe.means, [1.5048094050587817, 1.5040969006056288, 5.991457047935454, 5.326056003796867]))
        #expect(GaussianTestData.close(probe.covariances, [
            0.996031746031746, 0.16666666666666666, 0.16666666666666666, 0.9007936507936508,
            0.8138528138528138, 0.09090909090909091, 0.09090909090909091, 0.9523809523809526]))
        let cases: [([Int], [Double], Double)] = [
            ([0, 1], [-1.205568977979965e-10, -14.173976395793021, -0.029989981484376926, -0.009573408689054652], -0.6892298091157301),
            ([1], [-4.5411343291279493e-05, -6.413949720705411, -0.1375798455136028, -0.00250825092628415], -1.210457167948915),
            ([1, 0], [-1.205568977979965e-10, -14.173976395793021, -0.029989981484376926, -0.009573408689054652], -0.6892298091157301),
        ]
        for (neurons, logPosterior, information) in cases {
            let scores = probe.logJoint(features: Self.dev2D, neurons: neurons)!
            let ours = (0..<4).map { row -> Double in
                let a = scores[row * 2], b = scores[row * 2 + 1]
                return a - (max(a, b) + Foundation.log(Foundation.exp(a - max(a, b)) + Foundation.exp(b - max(a, b))))
            }
            #expect(GaussianTestData.close(ours, logPosterior, 1e-9), "F = \(neurons): \(ours)")
            let result = probe.evaluate(features: Self.dev2D, labels: Self.devLabels2D, neurons: neurons)
            #expect(result.predictions == [0, 1, 0, 0])
            #expect(result.accuracy == 0.75)
            #expect(GaussianTestData.close(result.mutualInformation, information, 1e-10))
        }
    }

    @Test("2-D, per-label prior matches Gaussian.py")
    func twoDimensionalPerLabel() {
        let probe = GaussianProbe.fit(features: Self.train2D, labels: Self.labels2D, classCount: 2, prior: .perLabel)
        #expect(GaussianTestData.close(probe.means, [1.5, 1.5, 6, 5.333333333333334]))
        #expect(GaussianTestData.close(probe.covariances, [
            0.5555555555555555, 0.16666666666666666, 0.16666666666666666, 0.5555555555555555,
            0.2727272727272727, 0.09090909090909091, 0.09090909090909091, 0.6363636363636364]))
        #expect(GaussianTestData.close(probe.evaluate(features: Self.dev2D, labels: Self.devLabels2D, neurons: [0, 1]).mutualInformation,
                                       -1.718198607203221, 1e-10))
        #expect(GaussianTestData.close(probe.evaluate(features: Self.dev2D, labels: Self.devLabels2D, neurons: [1]).mutualInformation,
                                       -2.2215300977531585, 1e-10))
    }

    @Test("a subset is evaluated with the marginal: same as a probe holding only μ[F] and Σ[F,F]")
    func marginalEqualsSubProbe() {
        let (x, y, xd, yd) = GaussianTestData.make(neurons: 10, train: 400, dev: 150, classes: 3, seed: 5)
        let probe = GaussianProbe.fit(features: x, labels: y, classCount: 3, prior: .pooled)
        let subset = [7, 2, 5]
        let d = probe.featureCount, k = subset.count
        var means: [Double] = [], covariances: [Double] = []
        for label in 0..<3 {
            means += subset.map { probe.mean(label: label, neuron: $0) }
            for i in subset { covariances += subset.map { probe.covariance(label: label, i, $0) } }
        }
        let sub = GaussianProbe(classCount: 3, featureCount: k, means: means, covariances: covariances, prior: probe.prior)
        let marginal = probe.evaluate(features: xd, labels: yd, neurons: subset)
        let direct = sub.evaluate(features: GaussianTestData.columns(xd, subset), labels: yd)
        #expect(marginal.predictions == direct.predictions)
        #expect(GaussianTestData.close(marginal.mutualInformation, direct.mutualInformation, 1e-12))

        // Fitting on the subset alone gives the same means, and the same Σ[F,F] up to the factor
        // (νₙ + D + 2) in Σ* = Λₙ/(νₙ + D + 2), since ν₀ = D + 2 depends on the number of neurons.
        let refit = GaussianProbe.fit(features: GaussianTestData.columns(x, subset), labels: y, classCount: 3, prior: .pooled)
        for label in 0..<3 {
            let size = Double(probe.classSizes[label])
            let ratio = (size + 2 * Double(d) + 4) / (size + 2 * Double(k) + 4)
            for (i, a) in subset.enumerated() {
                #expect(GaussianTestData.close(refit.mean(label: label, neuron: i), probe.mean(label: label, neuron: a), 1e-12))
                for (j, b) in subset.enumerated() {
                    #expect(GaussianTestData.close(refit.covariance(label: label, i, j), probe.covariance(label: label, a, b) * ratio, 1e-11))
                }
            }
        }
    }

    @Test("perfectly separable labels: accuracy 1 and MI = H(Y) in bits")
    func separable() {
        var random = SplitMix64(seed: 11)
        func sample(_ labels: [Int]) -> Tensor {
            Tensor(shape: [labels.count, 2], scalars: labels.flatMap { label in
                [Float(label) * 100 + Float(random.nextUnitDouble()), Float(random.nextUnitDouble())]
            })
        }
        let trainLabels = (0..<600).map { $0 % 3 }
        let devLabels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2]
        let probe = GaussianProbe.fit(features: sample(trainLabels), labels: trainLabels, classCount: 3)
        let result = probe.evaluate(features: sample(devLabels), labels: devLabels, neurons: [0, 1])
        let entropy = -(0.5 * log2(0.5) + 0.3 * log2(0.3) + 0.2 * log2(0.2))
        #expect(result.accuracy == 1)
        #expect(abs(result.mutualInformation - entropy) < 1e-9, "\(result.mutualInformation) vs \(entropy)")
        #expect(abs(result.normalizedMutualInformation - 1) < 1e-9)
    }

    @Test("no neurons: the prior alone predicts the majority label, MI 0 when dev frequencies equal the prior")
    func emptySubset() {
        let probe = GaussianProbe.fit(features: Self.train1D, labels: Self.labels1D, classCount: 2, prior: .pooled)
        let dev = Tensor(shape: [5, 1], scalars: [9, 9, 9, 9, 9])
        let result = probe.evaluate(features: dev, labels: [1, 0, 1, 0, 0], neurons: [])
        #expect(result.predictions == [0, 0, 0, 0, 0])
        #expect(result.accuracy == 0.6)
        #expect(abs(result.mutualInformation) < 1e-15)
        #expect(GaussianTestData.close(result.mutualInformation(labelEntropy: probe.priorEntropy), 0))
    }

    @Test("a label without training examples is never predicted")
    func untrainedLabel() {
        let probe = GaussianProbe.fit(features: Self.train1D, labels: Self.labels1D, classCount: 3, prior: .pooled)
        #expect(probe.prior[2] == 0 && !probe.isTrained(2))
        let result = probe.evaluate(features: Self.dev1D, labels: Self.devLabels1D, neurons: [0])
        #expect(result.predictions == [0, 0, 1])
        #expect(GaussianTestData.close(result.mutualInformation, 0.6296483211265348))
    }

    @Test("a matrix that is not positive definite gets 10·|λ_min| on its diagonal (Gaussian.py)")
    func ridge() {
        var matrix: [Double] = [1, 2, 2, 1]   // eigenvalues 3 and −1
        let ridge = matrix.withUnsafeMutableBufferPointer { GaussianProbe.makePositiveDefinite($0.baseAddress!, size: 2) }
        #expect(ridge >= 10 && ridge <= 10.05, "\(ridge)")
        #expect(matrix[0] == 1 + ridge && matrix[1] == 2)

        // A constant neuron has zero prior and zero scatter variance: its covariance gets a ridge.
        let x = Tensor(shape: [6, 2], scalars: [0, 4, 1, 4, 2, 4, 5, 4, 6, 4, 7, 4])
        let probe = GaussianProbe.fit(features: x, labels: [0, 0, 0, 1, 1, 1], classCount: 2, prior: .pooled)
        #expect(probe.ridges.allSatisfy { $0 > 0 && $0 < 1e-10 }, "\(probe.ridges)")
        let result = probe.evaluate(features: x, labels: [0, 0, 0, 1, 1, 1], neurons: [1, 0])
        #expect(result.accuracy == 1)
    }

    @Test("Cholesky factor by hand")
    func cholesky() {
        var a: [Double] = [4, 12, -16, 12, 37, -43, -16, -43, 98]
        let ok = a.withUnsafeMutableBufferPointer { GaussianProbe.choleskyInPlace($0.baseAddress!, size: 3, stride: 3) }
        #expect(ok)
        #expect([a[0], a[3], a[4], a[6], a[7], a[8]] == [2, 6, 1, -8, 5, 3])
        var b: [Double] = [1, 2, 2, 1]
        #expect(!b.withUnsafeMutableBufferPointer { GaussianProbe.choleskyInPlace($0.baseAddress!, size: 2, stride: 2) })
    }
}
