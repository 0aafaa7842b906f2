/// A read-only byte trie over vocabulary pieces, walked one UTF-8 byte at a time.
///
/// Nodes are numbered in breadth-first order; each node's outgoing edges sit contiguously,
/// sorted by byte, in flat arrays, and the root has a direct 256-entry table. Both tokenizer
/// models use it: WordPiece for longest-match-first, Unigram for the common-prefix search that
/// feeds Viterbi.
struct TokenTrie: Sendable {
    /// Node index of the root.
    static let root: Int32 = 0
    /// Returned by ``child(_:_:)`` and ``value(_:)`` for "none".
    static let none: Int32 = -1

    private var rootChildren: [Int32]
    private var edgeStart: [Int32]
    private var edgeLabels: [UInt8]
    private var edgeTargets: [Int32]
    private var values: [Int32]

    /// Number of nodes.
    var nodeCount: Int { values.count }

    /// Builds the trie. When a key occurs twice the later value wins (as a dictionary insert does).
    ///
    /// - Parameter keys: byte strings and their non-negative values.
    init(keys: [(bytes: [UInt8], value: Int32)]) {
        var order = Array(keys.indices)
        order.sort { a, b in
            let ka = keys[a].bytes, kb = keys[b].bytes
            if ka == kb { return a < b }
            return ka.lexicographicallyPrecedes(kb)
        }
        // Drop duplicates, keeping the last occurrence.
        var sorted: [(bytes: [UInt8], value: Int32)] = []
        sorted.reserveCapacity(order.count)
        for index in order {
            if let last = sorted.last, last.bytes == keys[index].bytes {
                sorted[sorted.count - 1].value = keys[index].value
            } else {
                sorted.append(keys[index])
            }
        }

        var edgeStart: [Int32] = []
        var edgeLabels: [UInt8] = []
        var edgeTargets: [Int32] = []
        var values: [Int32] = [TokenTrie.none]
        // Breadth-first queue of (key range, depth); the node index is the queue position.
        var queue: [(low: Int, high: Int, depth: Int)] = [(0, sorted.count, 0)]
        var head = 0
        while head < queue.count {
            var (low, high, depth) = queue[head]
            edgeStart.append(Int32(edgeLabels.count))
            if low < high, sorted[low].bytes.count == depth {
                values[head] = sorted[low].value
                low += 1
            }
            var start = low
            while start < high {
                let byte = sorted[start].bytes[depth]
                var end = start + 1
                while end < high, sorted[end].bytes[depth] == byte { end += 1 }
                edgeLabels.append(byte)
                edgeTargets.append(Int32(queue.count))
                queue.append((start, end, depth + 1))
                values.append(TokenTrie.none)
                start = end
            }
            head += 1
        }
        edgeStart.append(Int32(edgeLabels.count))

        var rootChildren = [Int32](repeating: TokenTrie.none, count: 256)
        for e in Int(edgeStart[0])..<Int(edgeStart[1]) {
            rootChildren[Int(edgeLabels[e])] = edgeTargets[e]
        }
        self.rootChildren = rootChildren
        self.edgeStart = edgeStart
        self.edgeLabels = edgeLabels
        self.edgeTargets = edgeTargets
        self.values = values
    }

    /// The node reached from `node` by `byte`, or ``none``.
    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32 {
        if node == TokenTrie.root { return rootChildren[Int(byte)] }
        var low = Int(edgeStart[Int(node)])
        var high = Int(edgeStart[Int(node) + 1])
        if high - low <= 8 {
            while low < high {
                let label = edgeLabels[low]
                if label == byte { return edgeTargets[low] }
                if label > byte { return TokenTrie.none }
                low += 1
            }
            return TokenTrie.none
        }
        while low < high {
            let mid = (low + high) >> 1
            let label = edgeLabels[mid]
            if label == byte { return edgeTargets[mid] }
            if label < byte { low = mid + 1 } else { high = mid }
        }
        return TokenTrie.none
    }

    /// The value stored at `node` (a key ends there), or ``none``.
    @inline(__always)
    func value(_ node: Int32) -> Int32 { values[Int(node)] }

    /// The value of an exact key, or `nil`.
    func lookup<S: Sequence>(_ key: S) -> Int32? where S.Element == UInt8 {
        var node = TokenTrie.root
        for byte in key {
            node = child(node, byte)
            if node == TokenTrie.none { return nil }
        }
        let v = value(node)
        return v == TokenTrie.none ? nil : v
    }
}
