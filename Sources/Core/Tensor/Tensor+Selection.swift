/// Copies of chosen rows or columns of a matrix.
extension Tensor {
    /// The given columns, in the given order. - Returns: [rows, indices.count]
    public func selectingColumns(_ indices: [Int]) -> Tensor {
        let width = columns, count = indices.count
        return Tensor(shape: [rows, count]) { out in
            scalars.withUnsafeBufferPointer { x in
                indices.withUnsafeBufferPointer { columns in
                    for column in columns { precondition((0..<width).contains(column), "column \(column) of \(width)") }
                    for row in 0..<rows {
                        let source = x.baseAddress! + row * width, target = out.baseAddress! + row * count
                        for j in 0..<count { target[j] = source[columns[j]] }
                    }
                }
            }
        }
    }

    /// The given rows, in the given order. - Returns: [indices.count, columns]
    public func selectingRows(_ indices: [Int]) -> Tensor {
        let width = columns
        return Tensor(shape: [indices.count, width]) { out in
            scalars.withUnsafeBufferPointer { x in
                for (i, row) in indices.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + i * width)
                        .copyMemory(from: x.baseAddress! + row * width, byteCount: width * 4)
                }
            }
        }
    }

    /// Matrices with the same row count side by side. - Returns: [rows, Σ columns]
    public static func concatenatingColumns(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(zeros: [0, 0]) }
        let rows = first.rows, total = parts.reduce(0) { $0 + $1.columns }
        precondition(parts.allSatisfy { $0.rows == rows }, "row counts differ: \(parts.map(\.rows))")
        return Tensor(shape: [rows, total]) { out in
            var offset = 0
            for part in parts {
                let width = part.columns
                part.scalars.withUnsafeBufferPointer { x in
                    for row in 0..<rows {
                        UnsafeMutableRawPointer(out.baseAddress! + row * total + offset)
                            .copyMemory(from: x.baseAddress! + row * width, byteCount: width * 4)
                    }
                }
                offset += width
            }
        }
    }
}
