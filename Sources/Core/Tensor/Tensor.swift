/// A dense row-major array of `Float` with a shape: the one numeric value type of Core.
///
/// Storage is a Swift array, so copies are copy-on-write. Two-dimensional views
/// (`rows` × `columns`) are what the models and probes mostly use; every tensor has one, with
/// `rows × columns == count`: a vector (1-D) is one row, a scalar (0-D) one row of one column.
public struct Tensor: Sendable, Equatable {
    /// Sizes of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor over existing scalars.
    @inlinable
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    @inlinable
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.scalars = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor whose scalars are written by `initializer` (all of them must be written).
    @inlinable
    public init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        }
    }

    /// Number of elements.
    @inlinable public var count: Int { scalars.count }
    /// Rows of the matrix view: the first dimension of a tensor of two or more dimensions; 1 for a
    /// vector or a scalar (a vector's length is `count` or `shape[0]`).
    @inlinable public var rows: Int { shape.count < 2 ? 1 : shape[0] }
    /// Columns of the matrix view: the product of all but the first dimension; a vector's length;
    /// 1 for a scalar.
    @inlinable public var columns: Int { shape.count < 2 ? (shape.first ?? 1) : shape.dropFirst().reduce(1, *) }

    /// Element of a matrix.
    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { scalars[row * columns + column] }
        set { scalars[row * columns + column] = newValue }
    }

    /// One row of a matrix, copied.
    @inlinable
    public func row(_ index: Int) -> [Float] {
        let width = columns
        return Array(scalars[(index * width)..<((index + 1) * width)])
    }

    /// The same scalars under another shape with the same element count.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// The largest absolute difference to another tensor of the same shape.
    public func maxAbsoluteDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for index in scalars.indices { worst = max(worst, abs(scalars[index] - other.scalars[index])) }
        return worst
    }
}
