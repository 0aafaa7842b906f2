/// SentencePiece's Unigram language model: the segmentation maximising the sum of piece
/// log-probabilities, found by Viterbi over the lattice of vocabulary matches (Kudo 2018, §3.1;
/// HF `models::unigram`, `encode_optimized`).
///
/// A character no piece of one character covers gets the unknown id with score
/// `minScore − 10`; runs of unknown characters are fused into one unknown token.
struct UnigramModel: SubwordModel {
    /// HF's `K_UNK_PENALTY`.
    static let unknownPenalty = 10.0

    let vocabulary: [String]
    let tokenToID: [String: Int]
    /// Log-probability of each id.
    let scores: [Double]
    /// Id of the unknown token, if the model has one.
    let unknownID: Int?
    /// Score of an unknown character: lowest piece score minus ``unknownPenalty``.
    let unknownScore: Double
    /// Ids of `<0x00>`…`<0xFF>` when byte fallback is on and all 256 exist.
    let byteIDs: [Int]?
    private let trie: TokenTrie

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - pieces: `(piece, score)` in id order.
    ///   - unknownID: id of `<unk>`.
    ///   - byteFallback: spell unknown pieces as `<0xXX>` byte tokens when all exist.
    init(pieces: [(piece: String, score: Double)], unknownID: Int?, byteFallback: Bool) {
        var tokenToID: [String: Int] = [:]
        tokenToID.reserveCapacity(pieces.count)
        var minScore = Double.infinity
        for (id, entry) in pieces.enumerated() {
            tokenToID[entry.piece] = id
            minScore = min(minScore, entry.score)
        }
        var keys: [(bytes: [UInt8], value: Int32)] = []
        keys.reserveCapacity(pieces.count)
        for (id, entry) in pieces.enumerated() where !entry.piece.isEmpty {
            // HF looks the matched bytes up in its dictionary, where a repeated piece has its last
            // id; the trie keeps the last value of a repeated key, by bytes.
            keys.append((Array(entry.piece.utf8), Int32(id)))
        }
        self.vocabulary = pieces.map(\.piece)
        self.scores = pieces.map(\.score)
        self.tokenToID = tokenToID
        self.unknownID = unknownID
        self.unknownScore = (pieces.isEmpty ? 0 : minScore) - UnigramModel.unknownPenalty
        self.trie = TokenTrie(keys: keys)
        if byteFallback {
            let ids = (0..<256).compactMap { byte in
                tokenToID["<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">"]
            }
            self.byteIDs = ids.count == 256 ? ids : nil
        } else {
            self.byteIDs = nil
        }
    }

    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int]) {
        let size = range.count
        if size == 0 { return }
        let base = range.lowerBound
        withUnsafeTemporaryAllocation(of: Double.self, capacity: size + 1) { best in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (size + 1)) { links in
                // links[2p] = start of the best piece ending at p (-1: none), links[2p+1] = its id.
                for p in 0...size {
                    best[p] = 0
                    links[2 * p] = -1
                    links[2 * p + 1] = -1
                }
                var startsAt = 0
                while startsAt < size {
                    let scoreTillHere = best[startsAt]
                    let charLength = UTF8Scalars.length(lead: bytes[base + startsAt])
                    var hasSingleNode = false
                    var node = TokenTrie.root
                    var i = startsAt
                    while i < size {
                        node = trie.child(node, bytes[base + i])
                        if node == TokenTrie.none { break }
                        i += 1
                        let id = trie.value(node)
                        if id == TokenTrie.none { continue }
                        let candidate = scores[Int(id)] + scoreTillHere
                        if links[2 * i] < 0 || candidate > best[i] {
                            best[i] = candidate
                            links[2 * i] = startsAt
                            links[2 * i + 1] = Int(id)
                        }
                        if i - startsAt == charLength { hasSingleNode = true }
                    }
                    if !hasSingleNode {
                        let end = min(startsAt + charLength, size)
                        let candidate = unknownScore + scoreTillHere
                        if links[2 * end] < 0 || candidate > best[end] {
                            best[end] = candidate
                            links[2 * end] = startsAt
                            links[2 * end + 1] = unknownID ?? -2
                        }
                    }
                    startsAt += charLength
                }
                // Backtrack from the end, fusing runs of unknown characters into one token.
                let mark = ids.count
                var end = size
                var runEnd = -1
                while end > 0 {
                    let start = links[2 * end]
                    let id = links[2 * end + 1]
                    if id < 0 || id == unknownID {
                        if runEnd < 0 { runEnd = end }
                    } else {
                        if runEnd >= 0 {
                            appendUnknown(bytes, base + end..<base + runEnd, reversedInto: &ids)
                            runEnd = -1
                        }
                        ids.append(id)
                    }
                    end = start
                }
                if runEnd >= 0 { appendUnknown(bytes, base..<base + runEnd, reversedInto: &ids) }
                ids[mark...].reverse()
            }
        }
    }

    /// Appends, in reverse order, the ids for a fused run of unknown characters: its bytes as
    /// `<0xXX>` tokens under byte fallback, else the unknown id (nothing when there is none).
    @inline(__always)
    private func appendUnknown(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, reversedInto ids: inout [Int]) {
        if let byteIDs {
            for i in range.reversed() { ids.append(byteIDs[Int(bytes[i])]) }
        } else if let unknownID {
            ids.append(unknownID)
        }
    }
}

extension String {
    /// The string left-padded with zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
