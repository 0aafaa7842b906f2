import Foundation
import Testing
@testable import Statistics
@testable import Analysis

/// Reference values from `scipy.stats.wilcoxon` (scipy 1.17.1, defaults unless stated:
/// zero_method="wilcox", correction=False, method="auto"), e.g.
/// `stats.wilcoxon(x, y, alternative="greater").pvalue`,
/// `stats.wilcoxon(x, y, method="asymptotic", correction=True).zstatistic`.
@Suite("Wilcoxon signed-rank test")
struct WilcoxonSignedRankTests {
    /// Wikipedia's "Wilcoxon signed-rank test" example: ten pairs, one zero difference, ties.
    static let wikipediaX: [Double] = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135]
    static let wikipediaY: [Double] = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145]

    @Test("the textbook example: zero dropped, W+ = 27, W− = 18, statistic 18")
    func textbookStatistics() {
        let test = WilcoxonSignedRank(Self.wikipediaX, Self.wikipediaY)
        #expect(test.count == 9)
        #expect(test.zeroCount == 1)
        #expect(test.hasTies)
        #expect(test.positiveRankSum == 27)
        #expect(test.negativeRankSum == 18)
        #expect(test.statistic == 18)
        #expect(WilcoxonSignedRank(Self.wikipediaX, Self.wikipediaY, alternative: .greater).statistic == 27)
    }

    @Test("the textbook example matches scipy: exact conditional (auto) and normal approximations")
    func textbookPValues() {
        let x = Self.wikipediaX, y = Self.wikipediaY
        let auto = WilcoxonSignedRank(x, y)
        #expect(auto.method == .exact)
        #expect(auto.z == nil)
        #expect(isClose(auto.pValue, 0.6328125))
        #expect(isClose(WilcoxonSignedRank(x, y, alternative: .greater).pValue, 0.31640625))
        #expect(isClose(WilcoxonSignedRank(x, y, alternative: .less).pValue, 0.705078125))

        let normal = WilcoxonSignedRank(x, y, method: .normalApproximation)
        #expect(normal.method == .normalApproximation)
        #expect(isClose(normal.pValue, 0.5936305914425295))
        #expect(isClose(abs(normal.z!), 0.533582250055877))
        let corrected = WilcoxonSignedRank(x, y, method: .normalApproximation, continuityCorrection: true)
        #expect(isClose(corrected.pValue, 0.6352893188352069))
        #expect(isClose(abs(corrected.z!), 0.4742953333830018))
        let greater = WilcoxonSignedRank(x, y, alternative: .greater, method: .normalApproximation,
                                         continuityCorrection: true)
        #expect(isClose(greater.pValue, 0.31764465941760345))
        #expect(isClose(greater.z!, 0.4742953333830018))
    }

    /// Integer pairs with distinct |differences|: scipy's exact null distribution.
    struct ExactCase: Sendable, CustomTestStringConvertible {
        var name: String
        var x: [Double]
        var y: [Double]
        var statistic: Double
        var positiveRankSum: Double
        var twoSided: Double
        var greater: Double
        var less: Double
        var testDescription: String { name }
    }

    static let exactCases: [ExactCase] = [
        ExactCase(
            name: "n = 20",
            x: [719, 744, 513, 569, 580, 676, 638, 790, 687, 635, 862, 750, 778, 798, 635, 856, 506, 622, 563, 501],
            y: [694, 892, 380, 375, 692, 552, 747, 612, 661, 741, 838, 827, 870, 784, 607, 1054, 318, 768, 557, 688],
            statistic: 99, positiveRankSum: 99,
            twoSided: 0.8408222198486328, greater: 0.5938224792480469, less: 0.4204111099243164),
        ExactCase(
            name: "n = 35",
            x: [645, 592, 502, 515, 755, 546, 838, 722, 600, 754, 564, 629, 698, 757, 555, 640, 536, 552, 589, 626,
                863, 658, 543, 865, 727, 546, 532, 534, 864, 724, 772, 885, 660, 862, 661],
            y: [635, 685, 496, 549, 770, 403, 1006, 573, 510, 616, 547, 441, 504, 674, 557, 457, 549, 548, 430, 480,
                777, 784, 485, 942, 670, 745, 588, 389, 969, 559, 767, 924, 635, 894, 544],
            statistic: 206, positiveRankSum: 424,
            twoSided: 0.07534410152584314, greater: 0.03767205076292157, less: 0.9636910330445971),
        ExactCase(
            name: "n = 50, extreme",
            x: [861, 563, 584, 644, 826, 703, 802, 528, 799, 521, 598, 587, 833, 654, 808, 795, 777, 743, 846, 511,
                766, 518, 750, 680, 889, 849, 523, 865, 572, 646, 713, 854, 637, 871, 618, 662, 871, 798, 771, 646,
                503, 561, 625, 730, 848, 534, 523, 765, 596, 823],
            y: [862, 570, 592, 633, 812, 680, 777, 502, 755, 475, 545, 533, 776, 596, 746, 725, 706, 669, 771, 434,
                675, 419, 649, 575, 783, 742, 410, 751, 452, 523, 588, 728, 507, 739, 482, 524, 730, 654, 620, 494,
                349, 391, 443, 545, 662, 346, 334, 575, 404, 625],
            statistic: 6, positiveRankSum: 1269,
            twoSided: 2.4868995751603507e-14, greater: 1.2434497875801753e-14, less: 0.9999999999999911),
    ]

    @Test("exact p-values without ties match scipy", arguments: exactCases)
    func exact(_ example: ExactCase) {
        let test = WilcoxonSignedRank(example.x, example.y)
        #expect(test.method == .exact)
        #expect(!test.hasTies)
        #expect(test.statistic == example.statistic)
        #expect(test.positiveRankSum == example.positiveRankSum)
        #expect(isClose(test.pValue, example.twoSided), "\(test.pValue) vs \(example.twoSided)")
        let greater = WilcoxonSignedRank(example.x, example.y, alternative: .greater).pValue
        let less = WilcoxonSignedRank(example.x, example.y, alternative: .less).pValue
        #expect(isClose(greater, example.greater), "\(greater) vs \(example.greater)")
        #expect(isClose(less, example.less), "\(less) vs \(example.less)")
    }

    @Test("the normal approximation of the n = 35 case matches scipy's asymptotic p and z")
    func normalWithoutTies() {
        let example = Self.exactCases[1]
        let test = WilcoxonSignedRank(example.x, example.y, method: .normalApproximation)
        #expect(isClose(test.pValue, 0.07420835921257876))
        #expect(isClose(test.z!, 1.785326584337758))  // W+ above its mean; scipy prints −|z|
    }

    @Test("ties and zeros with more than 13 pairs: normal approximation with tie correction, as scipy")
    func tiesAndZerosNormal() {
        let x: [Double] = [0, 0, 1, 1, 3, 3, 5, 2, 5, 4, 5, 1, 2, 5, 4, 1, 5, 4, 0, 0]
        let y: [Double] = [1, 2, 0, 0, 0, 1, 2, 1, 2, 4, 1, 2, 4, 0, 5, 5, 1, 5, 1, 5]
        let test = WilcoxonSignedRank(x, y)
        #expect(test.method == .normalApproximation)
        #expect(test.count == 19 && test.zeroCount == 1)
        #expect(test.positiveRankSum == 113 && test.negativeRankSum == 77)
        #expect(isClose(test.pValue, 0.4644265636891036))
        #expect(isClose(test.z!, 0.7315773719618672))
        #expect(isClose(WilcoxonSignedRank(x, y, alternative: .greater).pValue, 0.2322132818445518))
        #expect(isClose(WilcoxonSignedRank(x, y, alternative: .less).pValue, 0.7677867181554482))
        let corrected = WilcoxonSignedRank(x, y, continuityCorrection: true)
        #expect(isClose(corrected.pValue, 0.4769257494895104))
        #expect(isClose(corrected.z!, 0.7112557782962599))
    }

    @Test("fractional differences with float ties (n = 30, 40, 79) match scipy")
    func accuracyLikeData() {
        // Rounded accuracies: x − y ties happen exactly as in float64 numpy.
        let x30: [Double] = [0.514, 0.706, 0.686, 0.867, 0.752, 0.706, 0.699, 0.599, 0.505, 0.577, 0.777, 0.58, 0.648,
                             0.501, 0.832, 0.562, 0.607, 0.852, 0.704, 0.839, 0.756, 0.797, 0.537, 0.716, 0.703, 0.849,
                             0.645, 0.739, 0.524, 0.655]
        let y30: [Double] = [0.573, 0.727, 0.75, 0.894, 0.815, 0.808, 0.695, 0.639, 0.512, 0.613, 0.748, 0.581, 0.668,
                             0.576, 0.919, 0.526, 0.597, 0.914, 0.634, 0.846, 0.781, 0.89, 0.601, 0.73, 0.715, 0.866,
                             0.751, 0.748, 0.539, 0.703]
        let test30 = WilcoxonSignedRank(x30, y30)
        #expect(test30.hasTies && test30.method == .normalApproximation)
        #expect(test30.positiveRankSum == 64.5)
        #expect(isClose(test30.pValue, 0.0005487535652700028))
        #expect(isClose(WilcoxonSignedRank(x30, y30, alternative: .less).pValue, 0.0002743767826350014))
        #expect(isClose(WilcoxonSignedRank(x30, y30, alternative: .greater).pValue, 0.999725623217365))

        let x40: [Double] = [0.854, 0.757, 0.728, 0.651, 0.664, 0.596, 0.515, 0.85, 0.687, 0.719, 0.629, 0.801, 0.51,
                             0.649, 0.512, 0.549, 0.887, 0.763, 0.671, 0.709, 0.849, 0.638, 0.736, 0.773, 0.642, 0.708,
                             0.806, 0.864, 0.56, 0.873, 0.502, 0.801, 0.824, 0.555, 0.668, 0.826, 0.506, 0.751, 0.817,
                             0.705]
        let y40: [Double] = [0.844, 0.773, 0.789, 0.637, 0.739, 0.594, 0.588, 0.875, 0.76, 0.773, 0.633, 0.888, 0.603,
                             0.697, 0.554, 0.594, 0.908, 0.846, 0.705, 0.757, 0.875, 0.669, 0.748, 0.861, 0.687, 0.787,
                             0.856, 0.893, 0.6, 0.906, 0.552, 0.84, 0.865, 0.564, 0.694, 0.926, 0.536, 0.769, 0.877,
                             0.797]
        let test40 = WilcoxonSignedRank(x40, y40)
        #expect(test40.statistic == 11)
        #expect(isClose(test40.pValue, 8.178838745548704e-08))
        #expect(isClose(WilcoxonSignedRank(x40, y40, continuityCorrection: true).pValue, 8.488825131766116e-08))

        let x79: [Double] = [0.738, 0.764, 0.623, 0.885, 0.686, 0.751, 0.754, 0.574, 0.525, 0.665, 0.806, 0.826, 0.792,
                             0.545, 0.865, 0.821, 0.851, 0.709, 0.866, 0.519, 0.512, 0.508, 0.601, 0.599, 0.575, 0.727,
                             0.516, 0.736, 0.566, 0.771, 0.508, 0.624, 0.875, 0.715, 0.825, 0.763, 0.744, 0.577, 0.73,
                             0.516, 0.821, 0.884, 0.842, 0.52, 0.635, 0.627, 0.545, 0.751, 0.819, 0.625, 0.845, 0.819,
                             0.552, 0.807, 0.853, 0.579, 0.729, 0.755, 0.744, 0.538, 0.764, 0.753, 0.83, 0.821, 0.631,
                             0.789, 0.847, 0.857, 0.565, 0.511, 0.76, 0.586, 0.725, 0.878, 0.652, 0.601, 0.683, 0.763,
                             0.54, 0.652]
        let y79: [Double] = [0.752, 0.759, 0.691, 0.894, 0.586, 0.726, 0.666, 0.421, 0.508, 0.742, 0.818, 0.777, 0.755,
                             0.612, 0.883, 0.833, 0.858, 0.721, 0.916, 0.557, 0.533, 0.466, 0.637, 0.575, 0.64, 0.673,
                             0.519, 0.746, 0.51, 0.867, 0.591, 0.611, 0.924, 0.744, 0.704, 0.786, 0.751, 0.591, 0.686,
                             0.513, 0.822, 0.953, 0.869, 0.53, 0.721, 0.609, 0.536, 0.67, 0.907, 0.683, 0.901, 0.862,
                             0.568, 0.828, 0.85, 0.579, 0.742, 0.841, 0.782, 0.545, 0.745, 0.731, 0.92, 0.856, 0.644,
                             0.782, 0.802, 0.864, 0.619, 0.501, 0.759, 0.585, 0.74, 0.808, 0.65, 0.568, 0.737, 0.734,
                             0.579, 0.738]
        let test79 = WilcoxonSignedRank(x79, y79)
        #expect(test79.count == 79 && test79.zeroCount == 1)
        #expect(test79.positiveRankSum == 1184 && test79.negativeRankSum == 1976)
        #expect(isClose(test79.pValue, 0.05293934960318526))
        #expect(isClose(WilcoxonSignedRank(x79, y79, alternative: .less).pValue, 0.02646967480159263))
    }

    @Test("ties or zeros with at most 13 pairs: exact conditional distribution, as scipy's permutation test")
    func smallWithTies() {
        let tiedX: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let tiedY: [Double] = [0, 0, 1, 1, 7, 3, 9, 5.5]
        let tied = WilcoxonSignedRank(tiedX, tiedY)
        #expect(tied.method == .exact && tied.hasTies)
        #expect(tied.statistic == 7)
        #expect(isClose(tied.pValue, 0.140625))
        #expect(isClose(WilcoxonSignedRank(tiedX, tiedY, alternative: .greater).pValue, 0.0703125))
        #expect(isClose(WilcoxonSignedRank(tiedX, tiedY, alternative: .less).pValue, 0.95703125))
        let tiedNormal = WilcoxonSignedRank(tiedX, tiedY, method: .normalApproximation)
        #expect(isClose(tiedNormal.pValue, 0.11840545365926593))

        let zerosX: [Double] = [3, 5, 1, 8, 2, 7, 4, 6, 9]
        let zerosY: [Double] = [3, 2, 4, 1, 2, 5, 8, 6, 1]
        let zeros = WilcoxonSignedRank(zerosX, zerosY)
        #expect(zeros.count == 6 && zeros.zeroCount == 3)
        #expect(zeros.positiveRankSum == 14.5 && zeros.negativeRankSum == 6.5)
        #expect(isClose(zeros.pValue, 0.46875))
        #expect(isClose(WilcoxonSignedRank(zerosX, zerosY, alternative: .greater).pValue, 0.234375))
        #expect(isClose(WilcoxonSignedRank(zerosX, zerosY, alternative: .less).pValue, 0.796875))
        let zerosNormal = WilcoxonSignedRank(zerosX, zerosY, method: .normalApproximation, continuityCorrection: true)
        #expect(isClose(zerosNormal.pValue, 0.46183801815063774))
    }

    @Test("a symmetric sample gives p = 1; the null distribution sums to 1 and is symmetric")
    func nullDistribution() {
        let balanced = WilcoxonSignedRank(differences: [1, 2, 3, -4, -5, -6, -7, -8, -9, 10, 11, 12])
        #expect(balanced.positiveRankSum == 39 && balanced.negativeRankSum == 39)
        #expect(balanced.pValue == 1)
        let pmf = WilcoxonSignedRank.nullDistribution(doubledRanks: (1...15).map { 2 * $0 })
        #expect(abs(pmf.reduce(0, +) - 1) < 1e-14)
        for s in pmf.indices { #expect(pmf[s] == pmf[pmf.count - 1 - s]) }
        // P(W⁺ = 0) = 2⁻¹⁵; odd doubled sums are impossible without ties.
        #expect(pmf[0] == 1.0 / 32768)
        #expect(pmf[1] == 0)
    }

    @Test("swapping the samples mirrors W+ and W− and keeps the two-sided p-value")
    func swapSymmetry() {
        let a = WilcoxonSignedRank(Self.exactCases[1].x, Self.exactCases[1].y)
        let b = WilcoxonSignedRank(Self.exactCases[1].y, Self.exactCases[1].x)
        #expect(a.positiveRankSum == b.negativeRankSum)
        #expect(a.pValue == b.pValue)
        let greater = WilcoxonSignedRank(Self.exactCases[1].x, Self.exactCases[1].y, alternative: .greater)
        let less = WilcoxonSignedRank(Self.exactCases[1].y, Self.exactCases[1].x, alternative: .less)
        #expect(greater.pValue == less.pValue)
    }
}
