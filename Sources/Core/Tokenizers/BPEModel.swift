/// HF's `BPE` model from `tokenizer.json`: a piece starts as its characters (each looked up in the
/// vocabulary, with the continuation prefix on all but the first and the end-of-word suffix on the
/// last) and the adjacent pair with the lowest-ranked merge is merged until none applies, leftmost
/// first on ties (Sennrich et al. 2016, §3.1; HF `models::bpe`, `Word::merge_all` without dropout).
///
/// Pieces are compared by their UTF-8 bytes, never as Swift `String`s (canonical equivalence).
struct BPEModel: SubwordModel {
    /// What a merge of two ids gives.
    struct Merge: Sendable {
        /// Position in the merges list (lower merges first).
        var rank: Int32
        /// Id of the merged piece.
        var id: Int32
    }

    let vocabulary: [String]
    let tokenToID: [String: Int]
    /// Every entry by its bytes.
    private let entries: TokenTrie
    /// The merge of each pair of ids, keyed by `left << 32 | right`.
    private let merges: [UInt64: Merge]
    /// Id of the unknown token; without one, characters outside the vocabulary are dropped.
    private let unknownID: Int?
    /// Fuse a run of unknown characters into one unknown token (`fuse_unk`).
    private let fusesUnknown: Bool
    /// Id of `<0xNN>` for each byte, or -1 (`byte_fallback`; nil when off).
    private let byteIDs: [Int32]?
    /// Put in front of every character but a piece's first (`continuing_subword_prefix`).
    private let continuationPrefix: [UInt8]
    /// Put after a piece's last character (`end_of_word_suffix`).
    private let endOfWordSuffix: [UInt8]
    /// A piece that is a vocabulary entry is one token, merges or not (`ignore_merges`).
    private let ignoresMerges: Bool

    /// A merges entry that names a piece missing from the vocabulary.
    struct MissingPiece: Error {
        /// Index in the merges list.
        var index: Int
        var piece: String
    }

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - vocabulary: the entries; ids need not be dense.
    ///   - merges: pairs of pieces in rank order; the merged piece is the left one followed by the
    ///     right one without its continuation prefix.
    /// - Throws: ``MissingPiece`` for a merge whose parts or result are not in the vocabulary.
    init(
        vocabulary: SubwordVocabulary, merges: [(String, String)], unknownID: Int?, fusesUnknown: Bool, byteFallback: Bool,
        continuationPrefix: String?, endOfWordSuffix: String?, ignoresMerges: Bool
    ) throws {
        self.vocabulary = vocabulary.tokens
        self.tokenToID = vocabulary.tokenToID
        let entries = vocabulary.trie
        self.entries = entries
        let prefix = Array((continuationPrefix ?? "").utf8)
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            let leftBytes = Array(left.utf8), rightBytes = Array(right.utf8)
            guard let a = entries.lookup(leftBytes) else { throw MissingPiece(index: rank, piece: left) }
            guard let b = entries.lookup(rightBytes) else { throw MissingPiece(index: rank, piece: right) }
            let merged = leftBytes + rightBytes.dropFirst(min(prefix.count, rightBytes.count))
            guard let id = entries.lookup(merged) else {
                throw MissingPiece(index: rank, piece: String(decoding: merged, as: UTF8.self))
            }
            table[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))] = Merge(rank: Int32(rank), id: id)
        }
        self.merges = table
        self.unknownID = unknownID
        self.fusesUnknown = fusesUnknown
        if byteFallback {
            let hex = Array("0123456789ABCDEF".utf8)
            byteIDs = (0..<256).map { byte in
                entries.lookup(Array("<0x".utf8) + [hex[byte >> 4], hex[byte & 15], UInt8(ascii: ">")]) ?? -1
            }
        } else {
            byteIDs = nil
        }
        self.continuationPrefix = prefix
        self.endOfWordSuffix = Array((endOfWordSuffix ?? "").utf8)
        self.ignoresMerges = ignoresMerges
    }

    /// One symbol of the piece being merged.
    private struct Symbol {
        var id: Int32
        var prev: Int
        var next: Int
        var alive = true
    }

    /// A queued merge of the symbol at `position` with the next one.
    private struct Candidate: Comparable {
        var rank: Int32
        var position: Int
        var id: Int32

        static func < (a: Candidate, b: Candidate) -> Bool {
            a.rank != b.rank ? a.rank < b.rank : a.position < b.position
        }
    }

    @inline(__always)
    private func merge(_ left: Int32, _ right: Int32) -> Merge? {
        merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))]
    }

    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int]) {
        if range.isEmpty { return }
        if ignoresMerges, let id = entries.lookup(bytes[range]) {
            ids.append(Int(id))
            return
        }
        // Characters to symbols (HF `merge_word`). A pending unknown is flushed by the next known
        // character, not by byte pieces.
        var symbols: [Symbol] = []
        symbols.reserveCapacity(range.count)
        func add(_ id: Int32) { symbols.append(Symbol(id: id, prev: symbols.count - 1, next: symbols.count + 1)) }
        var pendingUnknown = false
        var key: [UInt8] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let length = UTF8Scalars.length(lead: bytes[i])
            key.removeAll(keepingCapacity: true)
            if i > range.lowerBound { key += continuationPrefix }
            key += bytes[i..<(i + length)]
            if i + length == range.upperBound { key += endOfWordSuffix }
            i += length
            if let id = entries.lookup(key) {
                if pendingUnknown, let unknownID { add(Int32(unknownID)) }
                pendingUnknown = false
                add(id)
                continue
            }
            if let byteIDs, key.allSatisfy({ byteIDs[Int($0)] >= 0 }) {
                for byte in key { add(byteIDs[Int(byte)]) }
                continue
            }
            guard let unknownID else { continue }
            if pendingUnknown, !fusesUnknown { add(Int32(unknownID)) }
            pendingUnknown = true
        }
        if pendingUnknown, let unknownID { add(Int32(unknownID)) }
        guard !symbols.isEmpty else { return }
        symbols[symbols.count - 1].next = -1

        var heap = MinHeap<Candidate>()
        for position in 0..<(symbols.count - 1) {
            if let m = merge(symbols[position].id, symbols[position + 1].id) {
                heap.push(Candidate(rank: m.rank, position: position, id: m.id))
            }
        }
        while let top = heap.pop() {
            let position = top.position
            guard symbols[position].alive, symbols[position].next >= 0 else { continue }
            let right = symbols[position].next
            // A stale entry: the pair at `position` changed since it was queued.
            guard let current = merge(symbols[position].id, symbols[right].id), current.id == top.id else { continue }
            symbols[position].id = top.id
            symbols[position].next = symbols[right].next
            symbols[right].alive = false
            if symbols[right].next >= 0 { symbols[symbols[right].next].prev = position }
            let prev = symbols[position].prev
            if prev >= 0, let m = merge(symbols[prev].id, top.id) {
                heap.push(Candidate(rank: m.rank, position: prev, id: m.id))
            }
            let next = symbols[position].next
            if next >= 0, let m = merge(top.id, symbols[next].id) {
                heap.push(Candidate(rank: m.rank, position: position, id: m.id))
            }
        }
        var index = 0
        while index >= 0 {
            ids.append(Int(symbols[index].id))
            index = symbols[index].next
        }
    }
}
