/// BPE over a SentencePiece vocabulary that has no merges list, as HF `tokenizers` runs the BPE that
/// transformers builds from a GGUF file: every split of a piece into two pieces is a merge, and the
/// adjacent pair with the best-ranked merge is merged first (leftmost on ties).
///
/// Pieces are looked up by their UTF-8 bytes in a trie, never as Swift `String`s: `String` equality is
/// canonical equivalence, which would make `cafe\u{301}` find `café`.
///
/// Characters (Unicode scalars) missing from the vocabulary become their UTF-8 byte pieces `<0xNN>`
/// (byte fallback) or, without those, one fused unknown id. A piece's rank follows
/// ``SentencePieceBPETokenizer/MergeRanking``; between two splits of the same piece the one with the
/// longer left part ranks first (transformers' `generate_merges`).
struct SentencePieceBPEModel: SubwordModel {
    let vocabulary: [String]
    /// Id of every piece string (for added tokens and ``Tokenizer/id(of:)``; canonically equivalent
    /// pieces share one entry here, so tokenizing uses ``pieces`` instead).
    let tokenToID: [String: Int]
    /// Id of every piece by its exact bytes (a repeated piece: the last id).
    private let pieces: TokenTrie
    /// Id of every single-scalar piece, so the first pass builds no strings.
    private let scalarIDs: [UInt32: Int32]
    /// Id of `<0xNN>` for each byte, or -1.
    private let byteIDs: [Int32]
    private let unknownID: Int
    /// Primary sort key of a merge producing piece `id` (smaller merges first).
    private let rank: [Float]?

    /// Makes the model.
    ///
    /// - Parameters:
    ///   - pieces: the vocabulary in id order (already respelled as the reference converter does).
    ///   - rankByScore: `nil` to rank a merge by the id of the piece it makes (piece order), else each
    ///     piece's score (higher merges first).
    ///   - unknownID: the id used for characters with neither a piece nor byte pieces.
    init(pieces: [String], rankByScore scores: [Float]?, unknownID: Int) {
        precondition(unknownID >= 0 && unknownID < pieces.count, "unknown id \(unknownID) outside 0..<\(pieces.count)")
        precondition(scores == nil || scores!.count == pieces.count, "\(scores!.count) scores for \(pieces.count) pieces")
        vocabulary = pieces
        var tokenToID = [String: Int](minimumCapacity: pieces.count)
        for (id, piece) in pieces.enumerated() { tokenToID[piece] = id }  // a repeated piece: the last id wins
        self.tokenToID = tokenToID
        let trie = TokenTrie(keys: pieces.enumerated().map { (Array($0.element.utf8), Int32($0.offset)) })
        self.pieces = trie
        var scalarIDs: [UInt32: Int32] = [:]
        for (id, piece) in pieces.enumerated() where piece.utf8.count <= 4 {
            let scalars = piece.unicodeScalars
            if scalars.count == 1 { scalarIDs[scalars.first!.value] = Int32(id) }
        }
        self.scalarIDs = scalarIDs
        let hex = Array("0123456789ABCDEF".utf8)
        byteIDs = (0..<256).map { byte in
            trie.lookup(Array("<0x".utf8) + [hex[byte >> 4], hex[byte & 15], UInt8(ascii: ">")]) ?? -1
        }
        self.unknownID = unknownID
        rank = scores.map { $0.map { -$0 } }
    }

    /// One symbol of the word being merged: a piece id and, for pieces spelled by the input itself,
    /// the byte range it covers (byte-fallback and unknown pieces are spelled by the vocabulary).
    private struct Symbol {
        var id: Int
        var start: Int
        var end: Int
        var spelledByInput: Bool
        var prev: Int
        var next: Int
        var alive = true
    }

    /// A candidate merge of the symbol at `position` with the next one.
    private struct Candidate: Comparable {
        var primary: Float
        var leftLength: Int
        var rightLength: Int
        var mergedID: Int
        var position: Int

        static func < (a: Candidate, b: Candidate) -> Bool {
            if a.primary != b.primary { return a.primary < b.primary }
            if a.leftLength != b.leftLength { return a.leftLength > b.leftLength }
            if a.rightLength != b.rightLength { return a.rightLength > b.rightLength }
            if a.mergedID != b.mergedID { return a.mergedID < b.mergedID }
            return a.position < b.position
        }
    }

    /// The id of a piece, compared byte for byte.
    func exactID(of piece: String) -> Int? { pieces.lookup(piece.utf8).map(Int.init) }

    /// The id of the piece spelled by `bytes[range]`.
    @inline(__always)
    private func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var node = TokenTrie.root
        for index in range {
            node = pieces.child(node, bytes[index])
            if node == TokenTrie.none { return nil }
        }
        let value = pieces.value(node)
        return value == TokenTrie.none ? nil : Int(value)
    }

    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into ids: inout [Int]) {
        var symbols: [Symbol] = []
        symbols.reserveCapacity(range.count)
        func add(_ id: Int, _ start: Int, _ end: Int, spelledByInput: Bool) {
            symbols.append(Symbol(id: id, start: start, end: end, spelledByInput: spelledByInput,
                                  prev: symbols.count - 1, next: symbols.count + 1))
        }
        // Characters to pieces (HF BPE `merge_word`: a pending unknown is flushed by the next known
        // character, not by byte pieces).
        var pendingUnknown: Range<Int>? = nil
        var i = range.lowerBound
        while i < range.upperBound {
            let (value, length) = UTF8Scalars.decode(bytes, at: i)
            if let id = scalarIDs[value] {
                if let unknown = pendingUnknown {
                    add(unknownID, unknown.lowerBound, unknown.upperBound, spelledByInput: false)
                    pendingUnknown = nil
                }
                add(Int(id), i, i + length, spelledByInput: true)
            } else if (i..<(i + length)).allSatisfy({ byteIDs[Int(bytes[$0])] >= 0 }) {
                for b in i..<(i + length) { add(Int(byteIDs[Int(bytes[b])]), b, b + 1, spelledByInput: false) }
            } else {
                pendingUnknown = (pendingUnknown?.lowerBound ?? i)..<(i + length)
            }
            i += length
        }
        if let unknown = pendingUnknown { add(unknownID, unknown.lowerBound, unknown.upperBound, spelledByInput: false) }
        guard !symbols.isEmpty else { return }
        symbols[symbols.count - 1].next = -1

        func candidate(_ left: Int) -> Candidate? {
            let a = symbols[left]
            guard a.next >= 0 else { return nil }
            let b = symbols[a.next]
            let mergedID: Int?
            let leftLength: Int
            let rightLength: Int
            if a.spelledByInput && b.spelledByInput {
                mergedID = lookup(bytes, a.start..<b.end)
                guard mergedID != nil else { return nil }
                leftLength = UTF8Scalars.count(bytes, a.start..<a.end)
                rightLength = UTF8Scalars.count(bytes, b.start..<b.end)
            } else {
                let l = vocabulary[a.id], r = vocabulary[b.id]
                mergedID = pieces.lookup(Array(l.utf8) + Array(r.utf8)).map(Int.init)
                guard mergedID != nil else { return nil }
                leftLength = l.unicodeScalars.count
                rightLength = r.unicodeScalars.count
            }
            let id = mergedID!
            return Candidate(primary: rank?[id] ?? Float(id), leftLength: leftLength, rightLength: rightLength,
                             mergedID: id, position: left)
        }

        var heap = MinHeap<Candidate>()
        for index in symbols.indices { if let c = candidate(index) { heap.push(c) } }
        while let top = heap.pop() {
            let position = top.position
            guard symbols[position].alive, symbols[position].next >= 0 else { continue }
            // A stale entry: the pair at `position` changed since it was queued.
            guard let current = candidate(position), current.mergedID == top.mergedID else { continue }
            let right = symbols[position].next
            symbols[position].id = top.mergedID
            symbols[position].spelledByInput = symbols[position].spelledByInput && symbols[right].spelledByInput
            symbols[position].end = symbols[right].end
            symbols[position].next = symbols[right].next
            symbols[right].alive = false
            if symbols[right].next >= 0 { symbols[symbols[right].next].prev = position }
            if symbols[position].prev >= 0, let c = candidate(symbols[position].prev) { heap.push(c) }
            if let c = candidate(position) { heap.push(c) }
        }
        var index = 0
        while index >= 0 {
            ids.append(symbols[index].id)
            index = symbols[index].next
        }
    }
}

/// A binary min-heap.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
