extension TreebankSentence {
    /// The surface tokens for display: a multiword token replaces the words it covers.
    ///
    /// Each element gives the displayed form and the range of word IDs it stands for.
    public var surfaceTokens: [(form: String, words: ClosedRange<Int>)] {
        var result: [(form: String, words: ClosedRange<Int>)] = []
        result.reserveCapacity(words.count)
        var tokens = multiwordTokens.makeIterator()
        var nextToken = tokens.next()
        var index = 0
        while index < words.count {
            let id = words[index].id
            if let token = nextToken, token.range.lowerBound == id {
                result.append((token.form, token.range))
                index += token.range.count
                nextToken = tokens.next()
            } else {
                result.append((words[index].form, id...id))
                index += 1
            }
        }
        return result
    }

    /// The sentence rebuilt from its surface tokens, honouring `SpaceAfter=No`
    /// (useful when `# text` is missing).
    public var reconstructedText: String {
        var out = ""
        var tokens = multiwordTokens.makeIterator()
        var nextToken = tokens.next()
        var index = 0
        while index < words.count {
            let id = words[index].id
            let form: String
            let spaceAfter: Bool
            if let token = nextToken, token.range.lowerBound == id {
                form = token.form
                spaceAfter = token.misc["SpaceAfter"] != "No"
                index += token.range.count
                nextToken = tokens.next()
            } else {
                form = words[index].form
                spaceAfter = words[index].spaceAfter
                index += 1
            }
            out += form
            if spaceAfter && index < words.count { out += " " }
        }
        return out
    }
}
