import Testing
@testable import Kernels
@testable import Statistics
@testable import Analysis

@Suite("K-means")
struct KMeansTests {
    static let centres: [[Double]] = [
        [0, 0, 0, 0, 0], [10, 10, 0, 0, 0], [0, 10, 10, 0, -10], [-10, 0, 0, 10, 0],
    ]

    @Test("well-separated blobs are recovered exactly, up to label permutation", arguments: [2, 3, 4])
    func blobs(clusters: Int) {
        let (data, labels) = gaussianBlobs(centres: Array(Self.centres.prefix(clusters)), perCluster: 40,
                                           spread: 0.5, seed: 11)
        let result = KMeans(data, clusters: clusters, seed: 3)
        #expect(samePartition(result.assignments, labels))
        #expect(result.clusterSizes == [Int](repeating: 40, count: clusters))
        #expect(result.converged)
        // Centroids sit near the true centres.
        for cluster in 0..<clusters {
            let member = result.assignments.firstIndex(of: cluster)!
            let truth = Self.centres[labels[member]]
            for j in 0..<5 { #expect(abs(Double(result.centroids[cluster, j]) - truth[j]) < 0.3) }
        }
    }

    @Test("labels are numbered by first appearance; the same seed gives the same result")
    func deterministic() {
        let (data, _) = gaussianBlobs(centres: Self.centres, perCluster: 25, spread: 4, seed: 5)
        let first = KMeans(data, clusters: 4, seed: 9, restarts: 3)
        let second = KMeans(data, clusters: 4, seed: 9, restarts: 3)
        #expect(first == second)
        #expect(first.assignments[0] == 0)
        var seen = -1
        for label in first.assignments where label > seen {
            #expect(label == seen + 1)
            seen = label
        }
    }

    @Test("K = 1 gives the mean, with inertia the total squared deviation")
    func singleCluster() {
        let data = Tensor(shape: [4, 2], scalars: [0, 0, 2, 0, 2, 4, 0, 4])
        let result = KMeans(data, clusters: 1)
        #expect(result.assignments == [0, 0, 0, 0])
        #expect(result.centroids.scalars == [1, 2])
        #expect(isClose(result.inertia, 4 * 5))
    }

    @Test("inertia does not increase with more clusters or more restarts")
    func inertiaDecreases() {
        let (data, _) = gaussianBlobs(centres: Self.centres, perCluster: 30, spread: 3, seed: 8)
        var previous = Double.infinity
        for k in 1...6 {
            let inertia = KMeans(data, clusters: k, seed: 1).inertia
            #expect(inertia <= previous * (1 + 1e-9), "k = \(k): \(inertia) after \(previous)")
            previous = inertia
        }
        let one = KMeans(data, clusters: 5, seed: 2, restarts: 1).inertia
        let many = KMeans(data, clusters: 5, seed: 2, restarts: 20).inertia
        #expect(many <= one * (1 + 1e-9))
    }

    @Test("the result is the best partition of a small set (checked by enumerating all 2-partitions)")
    func optimalOnSmallSet() {
        let points: [Float] = [0, 0, 1, 0.2, 0.3, 1.1, 5, 5, 5.5, 4, 6, 5.2, 2.5, 2.5, 3, 1]
        let data = Tensor(shape: [8, 2], scalars: points)
        func inertia(_ labels: [Int]) -> Double {
            var total = 0.0
            for cluster in 0...1 {
                let members = labels.indices.filter { labels[$0] == cluster }
                guard !members.isEmpty else { continue }
                for j in 0..<2 {
                    let mean = members.map { Double(points[2 * $0 + j]) }.reduce(0, +) / Double(members.count)
                    for i in members { let delta = Double(points[2 * i + j]) - mean; total += delta * delta }
                }
            }
            return total
        }
        var best = Double.infinity
        for mask in 1..<(1 << 7) { best = min(best, inertia((0..<8).map { $0 == 0 ? 0 : (mask >> ($0 - 1)) & 1 })) }
        let result = KMeans(data, clusters: 2, seed: 4)
        #expect(isClose(result.inertia, best, absolute: 1e-5, relative: 1e-6), "\(result.inertia) vs \(best)")
        #expect(isClose(result.inertia, inertia(result.assignments), absolute: 1e-5, relative: 1e-6))
    }

    @Test("k = n puts every row in its own cluster with zero inertia; duplicate rows are handled")
    func degenerate() {
        let distinct = Tensor(shape: [4, 1], scalars: [1, 2, 4, 7])
        let all = KMeans(distinct, clusters: 4, seed: 0)
        #expect(all.assignments == [0, 1, 2, 3])
        #expect(all.inertia == 0)
        // Only two distinct rows: some of the four clusters stay empty (as in scikit-learn), inertia 0.
        let data = Tensor(shape: [4, 1], scalars: [1, 1, 1, 7])
        let duplicates = KMeans(data, clusters: 4, seed: 0)
        #expect(duplicates.inertia == 0)
        #expect(duplicates.clusterSizes.reduce(0, +) == 4)
        let two = KMeans(data, clusters: 2, seed: 0)
        #expect(two.assignments == [0, 0, 0, 1])
        #expect(two.inertia == 0)
    }
}
