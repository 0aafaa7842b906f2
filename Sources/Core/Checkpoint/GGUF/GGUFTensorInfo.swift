/// Where one tensor of a GGUF file lies and how it is stored.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Sizes in ggml order: `dimensions[0]` is the row length (fastest varying), as in `ne[]`.
    public let dimensions: [Int]
    public let type: GGMLType
    /// The stored offset, relative to the start of the file's data section.
    public let offset: Int
    /// The tensor's bytes in the file (absolute offsets).
    public let byteRange: Range<Int>

    /// Number of weights.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Row-major shape, outermost first: ggml `[640, 262144]` is `[262144, 640]`.
    public var shape: [Int] { dimensions.reversed() }

    /// The row-major `[rows, columns]` view: columns = `dimensions[0]`, rows = the product of the rest.
    public var matrixShape: [Int] {
        let columns = dimensions.first ?? 1
        return [dimensions.dropFirst().reduce(1, *), columns]
    }

    /// Bytes of one row (`dimensions[0]` weights, a whole number of blocks).
    public var rowByteCount: Int {
        let layout = type.blockLayout
        return (dimensions.first ?? 1) / layout.elements * layout.bytes
    }
}
